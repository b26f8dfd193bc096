//go:build !js

package e2e

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
	"github.com/passk/passk/wasm/app"
)

var (
	crossingBase = "testdata/crossing/base.csv"
	crossingRL   = "testdata/crossing/rl.csv"
)

// analyzeFiles reads files as the page does (labels from the file names)
// and analyzes them with the page's options.
func analyzeFiles(t *testing.T, paths ...string) *passk.Report {
	t.Helper()
	var models []*passk.Model
	for _, p := range paths {
		f, err := format.ReadFile(filepath.Join(root, p), nil)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, f.Models...)
	}
	r, err := passk.Analyze(models, passk.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cliCrossovers runs `passk curve --json` on files.
func cliCrossovers(t *testing.T, paths ...string) []passk.Crossover {
	t.Helper()
	args := []string{"curve", "--json"}
	for _, p := range paths {
		args = append(args, filepath.Join(root, p))
	}
	out, err := exec.Command(cliPath, args...).Output()
	if err != nil {
		t.Fatalf("passk %s: %v", strings.Join(args, " "), err)
	}
	var rep passk.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("passk curve --json: %v", err)
	}
	return rep.Crossovers
}

type pageCross struct {
	A, B, KStar, Text string
}

func (tb *tab) crossovers() []pageCross {
	tb.t.Helper()
	return evalT[[]pageCross](tb, `Array.from(document.querySelectorAll('#crossover p.pair')).map(p => ({A: p.dataset.a, B: p.dataset.b, KStar: p.dataset.kstar || '', Text: p.textContent}))`)
}

// TestCrossoverEqualsCLI drops the constructed base/RL pair and checks that
// the k* the page shows is the one of passk.Analyze and of `passk curve
// --json`, with the same defaults.
func TestCrossoverEqualsCLI(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	if got := tb.rows(); strings.Join(got, ",") != "base,rl" {
		t.Fatalf("rows %q, want base, rl", got)
	}
	want := analyzeFiles(t, crossingBase, crossingRL).Crossovers
	cli := cliCrossovers(t, crossingBase, crossingRL)
	if len(want) != 1 || math.IsNaN(want[0].K) {
		t.Fatalf("the constructed pair should cross once: %+v", want)
	}
	if len(cli) != 1 || cli[0].K != want[0].K {
		t.Fatalf("passk curve --json gives %+v, passk.Analyze %+v", cli, want)
	}
	got := tb.crossovers()
	if len(got) != 1 {
		t.Fatalf("crossover panel: %+v", got)
	}
	if got[0].KStar != strconv.FormatFloat(want[0].K, 'g', -1, 64) {
		t.Errorf("page k* = %s, CLI k* = %v", got[0].KStar, want[0].K)
	}
	text := tb.eval(`document.getElementById('crossover').textContent`)
	if !strings.Contains(text, "k* = "+app.FormatK(want[0].K)) {
		t.Errorf("#crossover says %q, want k* = %s", text, app.FormatK(want[0].K))
	}
	for _, part := range []string{app.FormatK(want[0].Lo), app.FormatK(want[0].Hi), strconv.FormatFloat(want[0].Share*100, 'f', 0, 64) + "%"} {
		if !strings.Contains(text, part) {
			t.Errorf("#crossover says %q, want it to contain %q (interval and share of replicates)", text, part)
		}
	}
	// The plot marks it.
	if svg := tb.eval(`document.querySelector('#plot svg .xlabel').textContent`); !strings.Contains(svg, "k* = "+app.FormatK(want[0].K)) {
		t.Errorf("plot's crossover label %q", svg)
	}
}

// TestScreenshot writes web/screenshot.png (with -screenshot): the page
// with two models loaded and the mouse over the plot, from the top to the
// crossover panel.
func TestScreenshot(t *testing.T) {
	if !*updateScreenshot {
		t.Skip("run with -screenshot to write web/screenshot.png")
	}
	tb := newTab(t, 1200, 900)
	tb.upload(crossingBase, crossingRL)
	tb.hoverAt(0.3)
	bottom := evalT[float64](tb, `(() => { window.scrollTo(0, 0); const r = document.querySelector('#crossover-panel').getBoundingClientRect(); return r.bottom + window.scrollY + 12; })()`)
	tb.hoverAt(0.3)
	buf, err := chromedp.Call(tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{X: 0, Y: 0, Width: 1200, Height: bottom, Scale: 1},
		CaptureBeyondViewport: ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "web", "screenshot.png"), buf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func formatRead(path string) ([]*passk.Model, error) {
	f, err := format.ReadFile(filepath.Join(root, path), nil)
	if err != nil {
		return nil, err
	}
	return f.Models, nil
}

// pageRow is what a model row shows.
type pageRow struct {
	Model, Problems, N, Pass1, PassMax, Format, Warnings string
}

func (tb *tab) rowCells() []pageRow {
	tb.t.Helper()
	return evalT[[]pageRow](tb, `Array.from(document.querySelectorAll('#model-rows tr')).map(tr => ({
		Model: tr.dataset.model, Problems: tr.cells[2].textContent, N: tr.cells[3].textContent,
		Pass1: tr.cells[4].textContent, PassMax: tr.cells[5].textContent, Format: tr.cells[6].textContent,
		Warnings: tr.cells[7].textContent}))`)
}

// checkCrossovers compares the crossover panel with passk.Analyze's report.
func (tb *tab) checkCrossovers(want []passk.Crossover) {
	tb.t.Helper()
	got := tb.crossovers()
	if len(got) != len(want) {
		tb.t.Fatalf("crossover panel has %d pairs, passk.Analyze %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.A != w.A || g.B != w.B {
			tb.t.Errorf("pair %d: page %s vs %s, passk.Analyze %s vs %s", i, g.A, g.B, w.A, w.B)
		}
		if math.IsNaN(w.K) {
			if g.KStar != "" || !strings.Contains(g.Text, "no crossover up to k = "+strconv.Itoa(w.KMax)) {
				tb.t.Errorf("pair %s/%s: page says %q (k* %q), want no crossover up to k = %d", g.A, g.B, g.Text, g.KStar, w.KMax)
			}
			if w.Leader != "" && !strings.Contains(g.Text, w.Leader+" leads") {
				tb.t.Errorf("pair %s/%s: page says %q, want %s leads", g.A, g.B, g.Text, w.Leader)
			}
			continue
		}
		if g.KStar != strconv.FormatFloat(w.K, 'g', -1, 64) || !strings.Contains(g.Text, "k* = "+app.FormatK(w.K)) {
			tb.t.Errorf("pair %s/%s: page k* %s (%q), passk.Analyze %v", g.A, g.B, g.KStar, g.Text, w.K)
		}
	}
}

// TestFixtures drops the real human-eval and Qwen-Math result files: each
// row shows the check values of the fixtures' provenance, and the crossover
// panel shows what passk.Analyze (and the CLI) computes for them.
func TestFixtures(t *testing.T) {
	files := []string{
		"testdata/human-eval/gpt35_n10_results.jsonl",
		"testdata/human-eval/gpt35_n2_results.jsonl",
		"testdata/qwen-math/math_cot_100.jsonl",
	}
	tb := newTab(t, 1280, 900)
	tb.upload(files...)
	want := []pageRow{
		{"gpt35_n10_results", "164", "10", "0.657", "0.665 (k = 10)", "human-eval", "—"},
		{"gpt35_n2_results", "164", "2", "0.659", "0.665 (k = 2)", "human-eval", "—"},
		{"math_cot_100", "100", "8", "0.910", "0.960 (k = 8)", "qwen-math", "—"},
	}
	got := tb.rowCells()
	if len(got) != len(want) {
		t.Fatalf("rows %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, f := range files {
		state := tb.eval(`document.querySelector('#filelist li[data-file="` + filepath.Base(f) + `"]').dataset.state`)
		if state != "done" {
			t.Errorf("%s: state %q", f, state)
		}
	}
	rep := analyzeFiles(t, files...)
	tb.checkCrossovers(rep.Crossovers)
	cli := cliCrossovers(t, files...)
	if len(cli) != len(rep.Crossovers) {
		t.Errorf("passk curve --json has %d pairs, passk.Analyze %d", len(cli), len(rep.Crossovers))
	}
	for i := range cli {
		if i < len(rep.Crossovers) && !sameFloat(cli[i].K, rep.Crossovers[i].K) {
			t.Errorf("pair %d: passk curve --json k* %v, passk.Analyze %v", i, cli[i].K, rep.Crossovers[i].K)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
