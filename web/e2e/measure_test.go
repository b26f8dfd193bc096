//go:build !js

package e2e

import (
	"bufio"
	"flag"
	"fmt"
	machine "github.com/passk/passk/internal/measure"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passk/passk/bench/gen"
	"github.com/passk/passk/web"
)

var (
	measureLoads = flag.Int("measure-loads", 10, "page loads TestMeasure times, each a first visit and a visit the service worker serves")
	measureRuns  = flag.Int("measure-runs", 3, "times TestMeasure reads each file, each in a fresh tab")
	measureWhat  = flag.String("measure-what", "load,jsonl,eval,bootstrap", "what TestMeasure measures, of load, jsonl, eval and bootstrap")
	measurePause = flag.Duration("measure-pause", 0, "how long after the app is ready TestMeasure drops the first file of a page (a user takes a few seconds to choose one)")
	measureSite  = flag.String("measure-site", "", "the built site TestMeasure serves (default web/site/static, as make build leaves it): to compare builds")
)

// TestMeasure (with -measure) reports, in headless Chromium, medians over
// fresh tabs (each on a new origin), with the machine's load average:
//
//   - the time from navigation to the app being ready (the page's
//     passk-ready mark) on a first visit, and on a visit the service worker
//     serves (-measure-loads of each);
//   - how fast the app reads a human-eval results file of -measure-mb MiB
//     with long completions, and an Inspect .eval log of as much sample
//     JSON (a zip archive of deflated members, read through ReadAt), as
//     the page reports it (the time the worker took to read the file and
//     keep the session), once the service worker has cached the app: the
//     first file of a page (dropped -measure-pause after the app is
//     ready), and the same file again in that page (-measure-runs each);
//   - the analysis the page runs for two models × 5,000 problems × n =
//     1,024 (every k up to 1,024, B = 1,000 paired bootstrap replicates,
//     as `go test -bench Analyze/2x5000 ./passk` times natively): from the
//     drop to the plot, less the reading.
//
// It serves web/site/static as `make build` left it (app.wasm.br is what a
// browser gets), so run `make build` first; -measure-site serves another
// built site instead.
func TestMeasure(t *testing.T) {
	if !*measure {
		t.Skip("run with -measure (after make build) to measure load and read times")
	}
	static := *measureSite
	if static == "" {
		static = filepath.Join(root, "web", "site", "static")
	}
	if _, err := os.Stat(filepath.Join(static, "app.wasm.br")); err != nil {
		t.Fatal("run make build first: ", err)
	}
	h, err := web.New(web.Config{Site: os.DirFS(static)})
	if err != nil {
		t.Fatal(err)
	}
	saved := handler
	handler = h
	defer func() { handler = saved }()
	t.Logf("load average at the start: %s", machine.LoadAvg(" "))
	defer func() { t.Logf("load average at the end: %s", machine.LoadAvg(" ")) }()

	what := map[string]bool{}
	for _, w := range strings.Split(*measureWhat, ",") {
		what[strings.TrimSpace(w)] = true
	}

	if what["load"] {
		measureLoad(t)
	}
	dir := t.TempDir()
	if what["jsonl"] {
		measureJSONL(t, dir)
	}
	if what["eval"] {
		measureEval(t, dir)
	}
	if what["bootstrap"] {
		measureBootstrap(t, dir)
	}
}

func measureLoad(t *testing.T) {
	var first, again []float64
	for range *measureLoads {
		tb := newTab(t, 1280, 900)
		first = append(first, evalT[float64](tb, `performance.getEntriesByName('passk-ready')[0].startTime`))
		tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
		tb.reload()
		again = append(again, evalT[float64](tb, `performance.getEntriesByName('passk-ready')[0].startTime`))
		tb.srv.mu.Lock()
		served := tb.srv.wasm[0]
		tb.srv.mu.Unlock()
		if !strings.Contains(served, `Content-Encoding "br"`) {
			t.Errorf("app.wasm served as %s, expected brotli", served)
		}
	}
	t.Logf("load to ready, %d loads: first visit median %.0f ms %s; again, from the service worker: median %.0f ms %s",
		len(first), median(first), millis(first), median(again), millis(again))
}

func measureJSONL(t *testing.T, dir string) {
	results := filepath.Join(dir, "big_results.jsonl")
	size := writeBigResults(t, results, int64(*measureMB)<<20)
	first, again, reload := readTwice(t, results, func(rows []string) bool { return slices.Equal(rows, []string{"big_results"}) })
	t.Logf("reading %.1f MB of human-eval JSONL: first file of a page median %.0f MB/s %s; the same file again in that page median %.0f MB/s %s; first file after reloading the page median %.0f MB/s %s",
		float64(size)/1e6, median(rates(size, first)), rounded(rates(size, first), "MB/s"), median(rates(size, again)), rounded(rates(size, again), "MB/s"),
		median(rates(size, reload)), rounded(rates(size, reload), "MB/s"))
}

func measureEval(t *testing.T, dir string) {
	eval := filepath.Join(dir, "big.eval")
	evalSize, sampleBytes := writeBigEval(t, eval, *measureMB)
	first, again, reload := readTwice(t, eval, func(rows []string) bool { return len(rows) == 1 })
	t.Logf("reading an Inspect .eval log of %.1f MB (%.1f MB of sample JSON), in MB of JSON: first file of a page median %.0f MB/s %s; again in that page median %.0f MB/s %s; first file after reloading the page median %.0f MB/s %s",
		float64(evalSize)/1e6, float64(sampleBytes)/1e6, median(rates(sampleBytes, first)), rounded(rates(sampleBytes, first), "MB/s"),
		median(rates(sampleBytes, again)), rounded(rates(sampleBytes, again), "MB/s"), median(rates(sampleBytes, reload)), rounded(rates(sampleBytes, reload), "MB/s"))
}

// readTwice drops path into a settled tab, then again into the same tab,
// then once more after reloading the page (as a user coming back does),
// -measure-runs times, and returns how long the worker took to read it
// (the file row's data-ms) each time: the first read in a page runs
// partly on the browser's baseline code for the wasm, until its hot
// functions are compiled again with optimizations (which the browser may
// keep for the next visit). ok checks the model
// rows after the first read. It logs the main thread's long tasks (over
// 50 ms) during the first, if any: the page stays responsive while a file
// is read.
func readTwice(t *testing.T, path string, ok func(rows []string) bool) (first, again, reload []float64) {
	for range *measureRuns {
		tb := settledTab(t)
		time.Sleep(*measurePause)
		t.Logf("%s: the readers' warm-up took %s ms (\"\": not done when the file is dropped)", filepath.Base(path), tb.eval(`document.documentElement.dataset.warmMs || ''`))
		tb.run(`window.longTasks = []; new PerformanceObserver(l => l.getEntries().forEach(e => longTasks.push(Math.round(e.duration)))).observe({type: 'longtask'})`)
		tb.upload(path)
		first = append(first, evalT[float64](tb, `Number(document.querySelector('#filelist li').dataset.ms)`))
		t.Logf("%s: first read %s ms, of it %s ms waiting for the browser's reads", filepath.Base(path),
			tb.eval(`document.querySelector('#filelist li').dataset.ms`), tb.eval(`String(document.querySelector('#filelist li').dataset.waitMs)`))
		if long := tb.eval(`JSON.stringify(longTasks)`); long != "[]" {
			t.Logf("%s: main-thread long tasks (ms): %s", filepath.Base(path), long)
		}
		if rows := tb.rows(); !ok(rows) {
			t.Fatalf("rows %q after reading %s", rows, filepath.Base(path))
		}
		tb.upload(path)
		again = append(again, evalT[float64](tb, `Number(document.querySelectorAll('#filelist li')[1].dataset.ms)`))
		t.Logf("%s: again %s ms, of it %s ms waiting for the browser's reads%s", filepath.Base(path),
			tb.eval(`document.querySelectorAll('#filelist li')[1].dataset.ms`), tb.eval(`String(document.querySelectorAll('#filelist li')[1].dataset.waitMs)`),
			tb.eval(`(li => li.dataset.inflated > 0 ? '; zip members inflated by the browser ' + li.dataset.inflated + ', by Go ' + li.dataset.raw : '')(document.querySelectorAll('#filelist li')[1])`))
		tb.open()
		time.Sleep(*measurePause)
		tb.upload(path)
		reload = append(reload, evalT[float64](tb, `Number(document.querySelector('#filelist li').dataset.ms)`))
		t.Logf("%s: after a reload %s ms, of it %s ms waiting for the browser's reads", filepath.Base(path),
			tb.eval(`document.querySelector('#filelist li').dataset.ms`), tb.eval(`String(document.querySelector('#filelist li').dataset.waitMs)`))
	}
	return first, again, reload
}

// rates converts read times in ms of size bytes to MB/s.
func rates(size int64, ms []float64) []float64 {
	r := make([]float64, len(ms))
	for i, m := range ms {
		r[i] = float64(size) / 1e6 / (m / 1000)
	}
	return r
}

func measureBootstrap(t *testing.T, dir string) {
	counts := filepath.Join(dir, "bootstrap.csv")
	writeBootstrapCounts(t, counts, 5000, 1024)
	var analysis []float64
	for range *measureRuns {
		tb := settledTab(t)
		tb.upload(counts)
		if rows := tb.rows(); !slices.Equal(rows, []string{"m0", "m1"}) {
			t.Fatalf("rows %q after reading the counts", rows)
		}
		total := evalT[float64](tb, `performance.measure('drop-to-plot', 'passk-files', 'passk-plot').duration`)
		read := evalT[float64](tb, `Number(document.querySelector('#filelist li').dataset.ms)`)
		analysis = append(analysis, total-read)
	}
	t.Logf("2 models × 5,000 problems × n = 1,024, every k, B = 1,000 paired bootstrap: analysis and drawing (drop to plot, less reading) median %.0f ms %s",
		median(analysis), millis(analysis))
}

// settledTab opens a tab on a new origin and waits until the service
// worker controls it: a first visit caches the app meanwhile, which would
// compete with what is measured.
func settledTab(t *testing.T) *tab {
	tb := newTab(t, 1280, 900)
	tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
	tb.idle()
	return tb
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func millis(v []float64) string { return rounded(v, "ms") }

func rounded(v []float64, unit string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return "(" + strings.Join(s, ", ") + " " + unit + ")"
}

// writeBigResults writes a human-eval results file of at least size bytes:
// 200 problems, samples with completions of about 2 KB.
func writeBigResults(t *testing.T, path string, size int64) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	code := strings.Repeat(`    for i in range(len(numbers)):\n        if abs(numbers[i] - x) < threshold:\n            return True\n`, 20)
	var written int64
	for s := 0; written < size; s++ {
		for p := 0; p < 200; p++ {
			passed := rng.Float64() < float64(p%10)/10
			line := fmt.Sprintf(`{"task_id": "HumanEval/%d", "completion": "%s", "result": "%s", "passed": %t}`+"\n",
				p, code, map[bool]string{true: "passed", false: "failed: AssertionError"}[passed], passed)
			n, _ := w.WriteString(line)
			written += int64(n)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return written
}

// writeBigEval writes an Inspect .eval log (bench/gen, as make bench does)
// of about mb MiB of sample JSON, and returns its size and the size of its
// sample members before compression.
func writeBigEval(t *testing.T, path string, mb int) (int64, int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	// Shaped as make bench shapes it: 250 samples × 4 epochs, each about
	// four times its completion.
	_, sampleBytes, err := gen.InspectEval(w, 250, 4, mb<<20/(250*4*4), 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size(), sampleBytes
}

// writeBootstrapCounts writes a counts CSV of two models, m0 and m1, of
// problems problems with n samples each, drawn as passk's BenchmarkAnalyze
// draws them: c uniform for m0, skewed towards 0 for m1 (so the curves
// cross).
func writeBootstrapCounts(t *testing.T, path string, problems, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("model,problem,n,c\n")
	rng := rand.New(rand.NewPCG(21, 22))
	for i := range 2 {
		for j := range problems {
			c := rng.IntN(n + 1)
			if i > 0 {
				c = int(float64(n) * math.Pow(rng.Float64(), 0.5+float64(i)))
			}
			fmt.Fprintf(&b, "m%d,p%05d,%d,%d\n", i, j, n, c)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
