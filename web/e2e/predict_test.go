//go:build !js

package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
	"github.com/passk/passk/wasm/app"
)

const qwenMath = "testdata/qwen-math/math_cot_100.jsonl"

// readModels reads files (relative to the module root, or absolute) as the
// page does.
func readModels(t *testing.T, paths ...string) []*passk.Model {
	t.Helper()
	var out []*passk.Model
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		f, err := format.ReadFile(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Models...)
	}
	return out
}

// readoutAt moves the plot's readout to hover index i (focus, Home, then
// ArrowRight i times) and returns it.
func (tb *tab) readoutAt(i int) string {
	tb.t.Helper()
	return tb.eval(fmt.Sprintf(`(() => {
		const p = document.querySelector('#plot');
		p.focus();
		const key = (k) => p.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
		key('Home');
		for (let i = 0; i < %d; i++) key('ArrowRight');
		return document.querySelector('#readout').textContent;
	})()`, i))
}

// readoutPart is what the readout shows of one model's point.
func readoutPart(label string, p passk.Point) string {
	s := fmt.Sprintf("%s: %.3f", label, p.Value)
	if !math.IsNaN(p.Lo) {
		s += fmt.Sprintf(" [%.3f, %.3f]", p.Lo, p.Hi)
	}
	if p.Predicted {
		s += " (predicted)"
	}
	return s
}

// TestMajorityMetric drops Qwen-Math's math_cot_100 (which records each
// sample's extracted answer), picks maj@k and G-Pass@k: the values the
// page shows are passk.Analyze's; a model without answers then disables
// maj@k with passk's reason.
func TestMajorityMetric(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(qwenMath)
	label := tb.rows()[0]
	models := readModels(t, qwenMath)
	if tb.eval(`String(document.querySelector('input[name=metric][value="maj@k"]').disabled)`) != "false" {
		t.Fatal("maj@k is disabled for a file with answers")
	}

	tb.act(`document.querySelector('input[name=metric][value="maj@k"]').click()`)
	rep, err := passk.Analyze(models, app.Options(passk.MajAtK))
	if err != nil {
		t.Fatal(err)
	}
	curve := rep.Models[0].Curve
	if len(curve) != 8 || math.Abs(curve[7].Value-0.925) > 1e-12 {
		t.Fatalf("passk's maj@8 of math_cot_100 is 0.925 (its CLI golden): %+v", curve)
	}
	for i, p := range curve {
		want := fmt.Sprintf("k = %d · %s", p.K, readoutPart(label, p))
		if got := tb.readoutAt(i); got != want {
			t.Errorf("maj@k readout %q, want %q", got, want)
		}
	}
	if y := tb.eval(`document.querySelector('#plot svg text.title[transform]').textContent`); y != "maj@k" {
		t.Errorf("y axis %q", y)
	}
	// No predictions for maj@k: the control is off, and says why.
	if d := tb.eval(`String(document.querySelector('#extrapolate').disabled)`); d != "true" {
		t.Errorf("predict control enabled for maj@k")
	}
	if n := tb.eval(`document.querySelector('#predict-note').textContent`); !strings.Contains(n, "pass@k and pass^k only") {
		t.Errorf("predict note %q", n)
	}

	// G-Pass@k with τ = 0.75.
	tb.act(`document.querySelector('input[name=metric][value="g-pass@k"]').click()`)
	tb.act(`const s = document.querySelector('#tau'); s.value = '0.75'; s.dispatchEvent(new Event('change'))`)
	g, err := passk.Analyze(models, app.Options(passk.GPassAtK(0.75)))
	if err != nil {
		t.Fatal(err)
	}
	if y := tb.eval(`document.querySelector('#plot svg text.title[transform]').textContent`); y != "g-pass@k:0.75" {
		t.Errorf("y axis %q, want g-pass@k:0.75", y)
	}
	for _, i := range []int{0, 3, 7} {
		p := g.Models[0].Curve[i]
		want := fmt.Sprintf("k = %d · %s", p.K, readoutPart(label, p))
		if got := tb.readoutAt(i); got != want {
			t.Errorf("G-Pass readout %q, want %q", got, want)
		}
	}

	// A counts file has no answers: maj@k is disabled, with passk's reason.
	tb.upload(crossingBase)
	_, why := passk.Analyze(append(models, readModels(t, crossingBase)...), app.Options(passk.MajAtK))
	if why == nil || !strings.Contains(why.Error(), passk.ErrNoAnswers.Error()) {
		t.Fatalf("passk.Analyze with maj@k and a counts file: %v", why)
	}
	if d := tb.eval(`String(document.querySelector('input[name=metric][value="maj@k"]').disabled)`); d != "true" {
		t.Errorf("maj@k enabled with a model without answers")
	}
	note := tb.eval(`document.querySelector('#metric-note').hidden ? '' : document.querySelector('#metric-note').textContent`)
	if note != "maj@k is unavailable: "+why.Error() {
		t.Errorf("#metric-note says %q, want passk's reason %q", note, why)
	}
	if checked := tb.eval(`document.querySelector('input[name=metric]:checked').value + ' ' + document.querySelector('#tau').value`); checked != "g-pass@k 0.75" {
		t.Errorf("metric picked: %q", checked)
	}
}

// TestPredictedCurves: "predict up to k = 1024" on the constructed pair
// draws dashed, labelled predicted points with the values of passk.Analyze
// (same options), adds the predicted sentence to the crossover panel and
// the fits table, and is kept across a reload.
func TestPredictedCurves(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	observed := tb.crossovers()
	tb.act(`const s = document.querySelector('#extrapolate'); s.value = '1024'; s.dispatchEvent(new Event('change'))`)
	rep, err := passk.Analyze(readModels(t, crossingBase, crossingRL), app.PredictOptions(passk.PassAtK, 1024))
	if err != nil {
		t.Fatal(err)
	}
	if rep.FitBoot != app.FitBoot || app.FitBoot != 100 {
		t.Fatalf("the page fits %d bootstrap replicates, want %d", rep.FitBoot, app.FitBoot)
	}
	if p := tb.eval(`document.documentElement.dataset.predicting`); p != "1" {
		t.Fatalf("not predicting (status %q)", tb.statusText())
	}
	if d := tb.eval(`getComputedStyle(document.querySelector('#extrapolate-other')).display`); d != "none" {
		t.Errorf("the k input for other… shows (display %s) with a preset picked", d)
	}

	// The plot: a dashed predicted part per model, labelled.
	if n := tb.eval(`String(document.querySelectorAll('#plot svg path.predicted[stroke-dasharray]').length)`); n != "2" {
		t.Errorf("%s dashed predicted curves, want 2", n)
	}
	legend := tb.eval(`Array.from(document.querySelectorAll('#plot svg .legend text')).map(t => t.textContent).join('|')`)
	if legend != "base|rl|predicted (fitted prior)" {
		t.Errorf("legend %q", legend)
	}
	if l := tb.eval(`document.querySelector('#plot svg text.plabel').textContent`); l != "predicted beyond k = 64 →" {
		t.Errorf("plot label %q", l)
	}
	if n := tb.eval(`String(document.querySelectorAll('#plot svg path.band.predicted').length)`); n != "2" {
		t.Errorf("%s lighter predicted bands, want 2", n)
	}
	if n := tb.eval(`document.querySelector('#predict-note').textContent`); !strings.Contains(n, "predicted") || !strings.Contains(n, "100 fit bootstrap replicates") {
		t.Errorf("predict note %q", n)
	}

	// The readout at the last k: both models' predicted values, marked.
	end := tb.eval(`(() => { const p = document.querySelector('#plot'); p.focus(); p.dispatchEvent(new KeyboardEvent('keydown', {key: 'End', bubbles: true})); return document.querySelector('#readout').textContent; })()`)
	last := func(m passk.ModelCurve) passk.Point { return m.Curve[len(m.Curve)-1] }
	want := fmt.Sprintf("k = 1024 · %s · %s", readoutPart("base", last(rep.Models[0])), readoutPart("rl", last(rep.Models[1])))
	if end != want {
		t.Errorf("readout at the end %q, want %q", end, want)
	}
	// The measured part is unchanged: hovering k = 64 is not predicted.
	if r := tb.eval(`(() => { const p = document.querySelector('#plot'); const key = (k) => p.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true})); key('Home'); for (let i = 0; i < 63; i++) key('ArrowRight'); return document.querySelector('#readout').textContent; })()`); !strings.HasPrefix(r, "k = 64 ") || strings.Contains(r, "predicted") {
		t.Errorf("readout at k = 64: %q", r)
	}

	// The crossover panel: the measured sentence as before, then the
	// predicted one, as passk.Analyze predicts.
	if got := tb.crossovers(); len(got) != 1 || got[0] != observed[0] {
		t.Errorf("measured crossover %+v, before predicting %+v", got, observed)
	}
	tb.checkPredicted(rep)
	text := tb.eval(`document.getElementById('crossover').textContent`)
	if !strings.Contains(text, "the predicted curves of base and rl do not cross before k = 10^6") {
		t.Errorf("#crossover says %q", text)
	}

	// The fits: passk's chosen prior per model, both priors' AIC.
	tb.checkFits(rep)

	// The exports carry the predictions.
	tb.checkPredictedExports(rep)

	// Kept across a reload.
	tb.reload()
	if v := tb.eval(`document.querySelector('#extrapolate').value + ' ' + document.documentElement.dataset.predicting`); v != "1024 1" {
		t.Errorf("after reload: extrapolate %q", v)
	}
	tb.checkPredicted(rep)

	// Off.
	tb.act(`const s = document.querySelector('#extrapolate'); s.value = '0'; s.dispatchEvent(new Event('change'))`)
	if n := tb.eval(`String(document.querySelectorAll('#plot svg .predicted').length + document.querySelectorAll('#crossover p.predicted').length) + ' ' + document.querySelector('#fits-panel').hidden`); n != "0 true" {
		t.Errorf("predictions off: %s predicted elements, fits hidden", n)
	}
}

// checkPredicted compares the predicted sentences of the crossover panel
// with passk.Analyze's report.
func (tb *tab) checkPredicted(rep *passk.Report) {
	tb.t.Helper()
	type pred struct{ A, B, KStar, Text string }
	got := evalT[[]pred](tb, `Array.from(document.querySelectorAll('#crossover p.predicted')).map(p => ({A: p.dataset.a, B: p.dataset.b, KStar: p.dataset.kstar || '', Text: p.textContent}))`)
	if len(got) != len(rep.Crossovers) {
		tb.t.Fatalf("%d predicted sentences, want %d: %+v", len(got), len(rep.Crossovers), got)
	}
	for i, c := range rep.Crossovers {
		p := c.Prediction
		x := app.Cross{ALabel: c.A, BLabel: c.B, KMax: c.KMax, Predicted: &app.PredictedCross{
			K: app.Num(p.K), Lo: app.Num(p.Lo), Hi: app.Num(p.Hi), Share: app.Num(p.Share), Leader: p.Leader, KLimit: p.KLimit}}
		want := app.PredictedText(x, rep.Level)
		kstar := ""
		if !math.IsNaN(p.K) {
			kstar = strconv.FormatFloat(p.K, 'g', -1, 64)
		}
		if got[i].Text != want || got[i].KStar != kstar || got[i].A != c.A || got[i].B != c.B {
			tb.t.Errorf("predicted sentence %+v, want %q (k* %q)", got[i], want, kstar)
		}
		if !strings.HasPrefix(got[i].Text, "Predicted beyond k = ") {
			tb.t.Errorf("the predicted sentence is not labelled: %q", got[i].Text)
		}
	}
}

// checkFits compares the fits table with the report's fits.
func (tb *tab) checkFits(rep *passk.Report) {
	tb.t.Helper()
	rows := evalT[[][]string](tb, `Array.from(document.querySelectorAll('#fit-rows tr')).map(tr => [tr.dataset.model, tr.dataset.prior, tr.className, ...Array.from(tr.cells).map(c => c.textContent)])`)
	if len(rows) != 2*len(rep.Models) {
		tb.t.Fatalf("fits table %q", rows)
	}
	for i, m := range rep.Models {
		for j, fit := range []passk.BetaFit{m.Fit.Plain, m.Fit.ZeroInflated} {
			r := rows[2*i+j]
			name := []string{passk.FitBetaBinomial, passk.FitZeroInflated}[j]
			used := name == m.Fit.Chosen
			if r[0] != m.Label || r[1] != name || (r[2] == "used") != used || r[9] != strconv.FormatFloat(fit.AIC, 'f', 2, 64) || r[8] != strconv.FormatFloat(fit.LogLik, 'f', 2, 64) {
				tb.t.Errorf("fits row %q, want %s %s used=%v AIC %.2f log-lik %.2f", r, m.Label, name, used, fit.AIC, fit.LogLik)
			}
		}
	}
	if v := tb.eval(`String(document.querySelector('#fits-panel').hidden)`); v != "false" {
		tb.t.Errorf("fits panel hidden")
	}
}

// TestPredictedCrossover: a constructed pair whose curves cross only beyond
// the sampled n (plateau leads up to n = 64; climber, which solves every
// problem now and then, overtakes it later), with "predict up to" typed in:
// the panel and the plot show passk's predicted k*.
func TestPredictedCrossover(t *testing.T) {
	dir := t.TempDir()
	plateau, climber := filepath.Join(dir, "plateau.csv"), filepath.Join(dir, "climber.csv")
	var pb, cb strings.Builder
	pb.WriteString("problem_id,n,c\n")
	cb.WriteString("problem_id,n,c\n")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&pb, "q%02d,64,%d\n", i, []int{0, 30, 40, 50, 60, 64, 20, 45}[i%8])
		fmt.Fprintf(&cb, "q%02d,64,%d\n", i, []int{0, 1, 1, 2, 1, 3, 0, 5, 2, 1}[i%10])
	}
	os.WriteFile(plateau, []byte(pb.String()), 0o644)
	os.WriteFile(climber, []byte(cb.String()), 0o644)

	tb := newTab(t, 1280, 900)
	tb.upload(plateau, climber)
	tb.run(`const s = document.querySelector('#extrapolate'); s.value = 'other'; s.dispatchEvent(new Event('change'))`)
	if h := tb.eval(`String(document.querySelector('#extrapolate-other').hidden) + ' ' + getComputedStyle(document.querySelector('#extrapolate-other')).display`); h == "true none" {
		t.Fatal("the k input is not shown for other…")
	}
	tb.act(`const k = document.querySelector('#extrapolate-k'); k.value = '2000'; k.dispatchEvent(new Event('change'))`)
	tb.poll(`document.documentElement.dataset.predicting === '1'`, 30*time.Second)
	rep, err := passk.Analyze(readModels(t, plateau, climber), app.PredictOptions(passk.PassAtK, 2000))
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Crossovers[0]
	if !math.IsNaN(c.K) || c.Prediction == nil || math.IsNaN(c.Prediction.K) {
		t.Fatalf("the constructed pair should cross in prediction only: %+v %+v", c, c.Prediction)
	}
	tb.checkPredicted(rep)
	text := tb.eval(`document.getElementById('crossover').textContent`)
	if !strings.Contains(text, "no crossover up to k = 64") || !strings.Contains(text, "cross at k* = "+app.FormatK(c.Prediction.K)) {
		t.Errorf("#crossover says %q", text)
	}
	label := fmt.Sprintf("predicted k* = %s [%s, %s]", app.FormatK(c.Prediction.K), app.FormatK(c.Prediction.Lo), app.FormatK(c.Prediction.Hi))
	if got := tb.eval(`document.querySelector('#plot svg text.xlabel.predicted').textContent`); got != label {
		t.Errorf("plot's predicted crossover label %q, want %q", got, label)
	}
	if n := tb.eval(`String(document.querySelectorAll('#plot svg line.xover.predicted').length)`); n != "1" {
		t.Errorf("%s predicted crossover lines", n)
	}
	if v := tb.eval(`document.querySelector('#extrapolate').value + ' ' + document.querySelector('#extrapolate-k').value`); v != "other 2000" {
		t.Errorf("controls show %q", v)
	}
	tb.checkFits(rep)
}

// checkPredictedExports downloads the CSV, SVG and session exports and
// checks that they carry the predictions of rep.
func (tb *tab) checkPredictedExports(rep *passk.Report) {
	tb.t.Helper()
	dir := tb.t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		tb.t.Fatal(err)
	}
	get := func(kind, suffix string) []byte {
		tb.t.Helper()
		tb.run(`document.querySelector('button[data-export="` + kind + `"]').click()`)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			matches, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
			if len(matches) == 1 {
				if data, err := os.ReadFile(matches[0]); err == nil && len(data) > 0 {
					return data
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		tb.t.Fatalf("no %s export downloaded", kind)
		return nil
	}
	rows, err := csv.NewReader(bytes.NewReader(get("csv", ".csv"))).ReadAll()
	if err != nil {
		tb.t.Fatal(err)
	}
	predicted := 0
	for _, r := range rows[1:] {
		if r[6] == "true" {
			predicted++
		}
	}
	want := 0
	for _, m := range rep.Models {
		for _, p := range m.Curve {
			if p.Predicted {
				want++
			}
		}
	}
	if rows[0][6] != "predicted" || predicted != want || want == 0 {
		tb.t.Errorf("CSV export: %d predicted rows, want %d (header %q)", predicted, want, rows[0])
	}
	if svg := get("svg", ".svg"); !bytes.Contains(svg, []byte(">predicted<")) {
		tb.t.Errorf("SVG export has no predicted label")
	}
	s, err := app.ParseSession(get("session", ".session.json"))
	if err != nil {
		tb.t.Fatalf("session export: %v", err)
	}
	if s.Settings.Extrapolate != rep.Extrapolate {
		tb.t.Errorf("session export: settings %+v, want extrapolate %d", s.Settings, rep.Extrapolate)
	}
}
