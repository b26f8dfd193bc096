package format

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/passk/passk/bench/gen"

	"github.com/passk/passk/internal/measure"
)

// jsWriteSamples writes a human-eval style per-sample JSONL of about size
// bytes: ten samples per problem, completions of 2 KB to 1 MB (log-uniform)
// of code-like text with escapes. The seed is fixed, so the file is the same
// on every run.
func jsWriteSamples(tb testing.TB, path string, size int64) {
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(fh, 1<<20)
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"return", "for", "i", "in", "range(len(numbers)):", "if", "abs(a", "-", "b)", "<", "threshold:", `\"x\"`, "numbers[j]", "+=", "1", "\\t#"}
	var line []byte
	written := int64(0)
	for i := 0; written < size; i++ {
		n := int(math.Exp(math.Log(2<<10) + rng.Float64()*(math.Log(1<<20)-math.Log(2<<10))))
		line = fmt.Appendf(line[:0], `{"task_id": "HumanEval/%d", "completion": "`, i/10)
		start := len(line)
		for len(line)-start < n {
			line = append(line, `\n    `...)
			for range 3 + rng.IntN(6) {
				line = append(line, words[rng.IntN(len(words))]...)
				line = append(line, ' ')
			}
		}
		result := `"passed", "passed": true`
		if rng.IntN(3) == 0 {
			result = `"failed: AssertionError", "passed": false`
		}
		line = fmt.Appendf(line, `", "result": %s}`+"\n", result)
		if _, err := w.Write(line); err != nil {
			tb.Fatal(err)
		}
		written += int64(len(line))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkReadJSONL reads a generated human-eval style file of 10 MB and
// of 100 MB whole (detection, parsing, tallying). It reports the speed, the
// peak heap in use while reading (sampled, less what was in use before the
// read: other benchmarks of the binary keep their inputs) and the bytes
// allocated per read: neither may grow with the file.
//
//	go test -run '^$' -bench ReadJSONL ./passk/format/
func BenchmarkReadJSONL(b *testing.B) {
	for _, mb := range []int64{10, 100} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "samples_results.jsonl")
			jsWriteSamples(b, path, mb<<20)
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fi.Size())
			runtime.GC()
			var before, after runtime.MemStats
			var peak uint64
			runs := 0
			runtime.ReadMemStats(&before)
			base := before.HeapInuse
			cpu0 := measure.CPUTime()
			for b.Loop() {
				stop := measure.HeapPeak(5 * time.Millisecond)
				f, err := ReadFile(path, nil)
				p := stop()
				peak = max(peak, p-min(base, p))
				if err != nil {
					b.Fatal(err)
				}
				if f.Format != "human-eval" || len(f.Models[0].Problems) == 0 {
					b.Fatalf("read %s with %d problems", f.Format, len(f.Models[0].Problems))
				}
				runs++
			}
			cpu := measure.CPUTime() - cpu0
			runtime.ReadMemStats(&after)
			if cpu > 0 {
				// Wall-clock MB/s depends on what else the machine runs;
				// CPU time (this process's, all threads) much less so.
				b.ReportMetric(float64(fi.Size())*float64(runs)/1e6/cpu.Seconds(), "MB/cpu-s")
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(runs)/(1<<20), "alloc-MB/op")
		})
	}
}

// BenchmarkReadQwenMath reads a generated Qwen2.5-Math per-problem JSONL of
// about 60 MB (bench/gen, as `make bench` makes them): n = 1,024 per line,
// lists of completions, answers and scores. The short completions (200
// bytes) make it a test of the per-token path; long ones (2 KB, as in the
// Qwen2.5-Math fixture) of the string loop.
//
//	go test -run '^$' -bench ReadQwenMath ./passk/format/
func BenchmarkReadQwenMath(b *testing.B) {
	for _, tc := range []struct {
		name     string
		problems int
	}{{"short", 250}, {"long", 30}} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "math_cot.jsonl")
			fh, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			want, size, err := gen.QwenMath(fh, tc.problems, 1024, 60e6, 1)
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			cpu0, runs := measure.CPUTime(), 0
			for b.Loop() {
				f, err := ReadFile(path, nil)
				if err != nil {
					b.Fatal(err)
				}
				if f.Format != "qwen-math" || len(f.Models[0].Problems) != len(want) {
					b.Fatalf("read %s with %d problems", f.Format, len(f.Models[0].Problems))
				}
				runs++
			}
			if cpu := measure.CPUTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(size)*float64(runs)/1e6/cpu.Seconds(), "MB/cpu-s")
			}
		})
	}
}
