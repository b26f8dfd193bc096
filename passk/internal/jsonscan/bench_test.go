package jsonscan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/passk/passk/internal/measure"
)

// completion returns a JSON-escaped code completion of about size bytes:
// short lines, indentation, an escaped quote now and then.
func completion(rng *rand.Rand, size int, nonASCII bool) string {
	var b strings.Builder
	words := []string{"return", "for", "i", "in", "range(len(numbers)):", "if", "abs(a", "-", "b)", "<", "threshold:", `\"x\"`, "numbers[j]", "+=", "1"}
	if nonASCII {
		words = append(words, "é", "日本語", "😀")
	}
	for b.Len() < size {
		b.WriteString(`\n    `)
		for range 3 + rng.IntN(6) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func benchInput(lines, size int, nonASCII bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	for i := range lines {
		fmt.Fprintf(&buf, `{"task_id": "HumanEval/%d", "completion": "%s", "result": "passed", "passed": true}`+"\n", i, completion(rng, size, nonASCII))
	}
	return buf.Bytes()
}

func benchSkip(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	cpu0, runs := measure.CPUTime(), 0
	defer func() {
		if cpu := measure.CPUTime() - cpu0; cpu > 0 {
			// Wall-clock MB/s depends on what else the machine runs; CPU
			// time much less so.
			b.ReportMetric(float64(len(in))*float64(runs)/1e6/cpu.Seconds(), "MB/cpu-s")
		}
	}()
	for b.Loop() {
		runs++
		s := NewScanner(bytes.NewReader(in), nil)
		for {
			k, err := s.Peek()
			if err != nil {
				b.Fatal(err)
			}
			if k == End {
				break
			}
			if err := s.Skip(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSkipCode(b *testing.B)     { benchSkip(b, benchInput(64, 64<<10, false)) }
func BenchmarkSkipNonASCII(b *testing.B) { benchSkip(b, benchInput(64, 64<<10, true)) }
func BenchmarkSkipPlain(b *testing.B) {
	benchSkip(b, []byte(`{"completion": "`+strings.Repeat("abcdefgh", 1<<19)+`"}`))
}

// BenchmarkRun compares run (64-byte blocks) with runWords on the content
// of one long code-like string, held in memory: the hot loop alone.
func BenchmarkRun(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		text string
	}{
		{"code", completion(rng, 1<<20, false)},
		{"nonASCII", completion(rng, 1<<20, true)},
		{"plain", strings.Repeat("abcdefgh", 1<<17)},
	} {
		p := []byte(tc.text + `"`)
		for _, f := range []struct {
			name string
			run  func([]byte, bool) int
		}{{"blocks", run}, {"words", runWords}} {
			b.Run(tc.name+"/"+f.name, func(b *testing.B) {
				b.SetBytes(int64(len(p)))
				for b.Loop() {
					if n := f.run(p, true); n != len(p)-1 {
						b.Fatalf("stopped at %d of %d", n, len(p))
					}
				}
			})
		}
	}
}

// BenchmarkTokens skips lines of short values, as in a per-problem file
// (Qwen2.5-Math: lists of n = 1,024 answers, nulls and flags): the cost
// per token, not per byte. cpu-ns/elem is the process's CPU time per
// element (less sensitive to the machine's load than ns/op).
func BenchmarkTokens(b *testing.B) {
	for _, tc := range []struct{ name, elem string }{
		{"null", "null"},
		{"bool", "true"},
		{"answer", `"42"`},
		{"number", "0.5"},
		{"object", `{"a": 1}`},
	} {
		line := `{"idx": 0, "x": [` + strings.Repeat(tc.elem+", ", 1023) + tc.elem + "]}\n"
		in := []byte(strings.Repeat(line, 64))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			r := bytes.NewReader(in)
			s := NewScanner(r, nil)
			cpu0, runs := measure.CPUTime(), 0
			for b.Loop() {
				runs++
				r.Reset(in)
				s.Reset(r)
				for {
					k, err := s.Peek()
					if err != nil {
						b.Fatal(err)
					}
					if k == End {
						break
					}
					if err := s.Skip(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64((measure.CPUTime()-cpu0).Nanoseconds())/float64(runs)/(64*1024), "cpu-ns/elem")
		})
	}
}
