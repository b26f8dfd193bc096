package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/passk/passk/passk/format"

	"github.com/passk/passk/internal/measure"
)

// comparison is one file's timings: the CLI with and without bands, the
// peer, and reading alone.
type comparison struct {
	passk, noBoot, peer float64 // seconds, medians
	peerRead            float64 // the peer's reading loop alone, seconds, median
	read                reading // passk's reading in process
}

// compare times passk and the peer on f, interleaved, and checks that
// their curves agree.
func compare(c *config, f *genned) (*comparison, error) {
	var pk, nb, pr, prRead []float64
	// A first run of each warms the page cache and checks the answers.
	passkOut, _, _, err := timeCmd(exec.Command(c.passk, "curve", "--json", f.path))
	if err != nil {
		return nil, err
	}
	peerOut, _, _, err := timeCmd(peerCmd(c, f.path))
	if err != nil {
		return nil, err
	}
	p, q, _, err := decodeCurve(passkOut, peerOut)
	if err != nil {
		return nil, err
	}
	if err := sameCurve(p, q, f); err != nil {
		return nil, err
	}
	for range c.runs {
		_, t, _, err := timeCmd(exec.Command(c.passk, "curve", "--json", f.path))
		if err != nil {
			return nil, err
		}
		pk = append(pk, t)
		_, t, _, err = timeCmd(exec.Command(c.passk, "curve", "--json", "--boot", "0", f.path))
		if err != nil {
			return nil, err
		}
		nb = append(nb, t)
		out, t, _, err := timeCmd(peerCmd(c, f.path))
		if err != nil {
			return nil, err
		}
		pr = append(pr, t)
		_, _, read, err := decodeCurve(passkOut, out)
		if err != nil {
			return nil, err
		}
		prRead = append(prRead, read)
	}
	rd, err := readMedian(f, c.runs)
	if err != nil {
		return nil, err
	}
	return &comparison{passk: median(pk), noBoot: median(nb), peer: median(pr), peerRead: median(prRead), read: rd}, nil
}

// sameCurve checks passk's curve against the peer's, and the generator's
// tallies: the same values to 1e-9.
func sameCurve(p, q []float64, f *genned) error {
	if len(p) != len(q) {
		return fmt.Errorf("%s: passk gives %d points, the peer %d", f.path, len(p), len(q))
	}
	for i := range p {
		if math.Abs(p[i]-q[i]) > 1e-9 {
			return fmt.Errorf("%s: pass@%d is %v by passk, %v by the peer", f.path, i+1, p[i], q[i])
		}
	}
	return nil
}

func peerCmd(c *config, path string) *exec.Cmd {
	cmd := exec.Command(c.python, c.peer, path)
	// OpenBLAS settings that slow a current numpy (see the workplace's
	// notes); the peer's numpy calls are small either way.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, "OPENBLAS_L2_SIZE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// timeCmd runs cmd and returns its output, wall time in seconds and peak
// RSS in bytes.
func timeCmd(cmd *exec.Cmd) ([]byte, float64, float64, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	t := time.Since(t0).Seconds()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	var rss float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return stdout.Bytes(), t, rss, nil
}

func maxRSS(c *config, path string) (float64, error) {
	_, _, rss, err := timeCmd(exec.Command(c.passk, "curve", "--json", path))
	return rss, err
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// reading is passk's reading of a file in this process.
type reading struct {
	wall, cpu float64 // seconds, medians
	peakHeap  float64 // bytes of Go heap in use, the largest sampled
}

// readMedian reads f with format.ReadFile runs times, after one warm-up
// read that also samples the heap in use as it goes (the sampling stops
// the world now and then, so the timed reads go without it), checking the
// tallies every time.
func readMedian(f *genned, runs int) (reading, error) {
	var walls, cpus []float64
	var peak uint64
	for i := range runs + 1 {
		runtime.GC()
		debug.FreeOSMemory()
		var stop func() uint64
		if i == 0 {
			stop = measure.HeapPeak(time.Millisecond)
		}
		c0 := measure.CPUTime()
		t0 := time.Now()
		file, err := format.ReadFile(f.path, nil)
		wall := time.Since(t0).Seconds()
		cpu := (measure.CPUTime() - c0).Seconds()
		if stop != nil {
			peak = stop()
		}
		if err != nil {
			return reading{}, err
		}
		if err := checkTallies(file, f); err != nil {
			return reading{}, err
		}
		if i > 0 {
			walls, cpus = append(walls, wall), append(cpus, cpu)
		}
	}
	return reading{wall: median(walls), cpu: median(cpus), peakHeap: float64(peak)}, nil
}

func checkTallies(file *format.File, f *genned) error {
	if len(file.Models) != 1 || len(file.Models[0].Problems) != len(f.tallies) {
		return fmt.Errorf("%s: read %d models, expected 1 with %d problems", f.path, len(file.Models), len(f.tallies))
	}
	for i, p := range file.Models[0].Problems {
		if t := f.tallies[i]; p.ID != t.ID || p.N != t.N || p.C != t.C {
			return fmt.Errorf("%s: problem %d read as %s %d/%d, written as %s %d/%d", f.path, i, p.ID, p.C, p.N, t.ID, t.C, t.N)
		}
	}
	return nil
}

// goBenchRows runs the go test benchmarks of package passk that the issue
// names (whole curves; Analyze with B = 1000 bootstrap bands) and turns
// their results into rows.
func goBenchRows(c *config) ([]row, error) {
	benchtime := "5x"
	if c.quick {
		benchtime = "1x"
	}
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^(BenchmarkCurve|BenchmarkAnalyze)$", "-benchtime", benchtime, "-count", strconv.Itoa(c.runs), "./passk/")
	out, _, _, err := timeCmd(cmd)
	if err != nil {
		return nil, err
	}
	times := map[string][]float64{}
	var order []string
	line := regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op`)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[3], 64)
		if _, ok := times[m[1]]; !ok {
			order = append(order, m[1])
		}
		times[m[1]] = append(times[m[1]], ns/1e9)
	}
	describe := map[string]string{
		"BenchmarkCurve":                "whole curve k = 1…1,024 of 10,000 problems (go test -bench Curve)",
		"BenchmarkAnalyze/2x500x1024":   "Analyze: 2 models × 500 problems × k ≤ 1,024, B = 1000 paired bootstrap",
		"BenchmarkAnalyze/2x5000x1024":  "Analyze: 2 models × 5,000 problems × k ≤ 1,024, B = 1000 paired bootstrap",
		"BenchmarkAnalyze/2x50000x1024": "Analyze: 2 models × 50,000 problems × k ≤ 1,024, B = 1000 paired bootstrap",
	}
	var rows []row
	for _, name := range order {
		what := describe[name]
		if what == "" {
			what = name
		}
		rows = append(rows, row{what, secs(median(times[name])), "", ""})
	}
	if len(rows) == 0 {
		rows = append(rows, row{"go test benchmarks of package passk: none found", "", "", ""})
	}
	return rows, nil
}
