package app

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/passk/passk/passk"
)

// climberCSV and plateauCSV are a constructed pair whose measured curves do
// not cross up to n = 64 (plateau leads: 10 of its 80 problems are never
// solved, the rest often) but whose predicted curves do (climber solves
// every problem now and then, so its predicted pass@k keeps rising).
func plateauCSV() string {
	var b strings.Builder
	b.WriteString("problem_id,n,c\n")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, "q%02d,64,%d\n", i, []int{0, 30, 40, 50, 60, 64, 20, 45}[i%8])
	}
	return b.String()
}

func climberCSV() string {
	var b strings.Builder
	b.WriteString("problem_id,n,c\n")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, "q%02d,64,%d\n", i, []int{0, 1, 1, 2, 1, 3, 0, 5, 2, 1}[i%10])
	}
	return b.String()
}

// votesJSONL is a Qwen-Math-style file (idx, score, pred) of 12 problems
// with 8 samples each, so that maj@k has answers to count.
func votesJSONL() string {
	var b strings.Builder
	answers := [][]string{
		{"1", "1", "1", "2", "2", "3", "1", "4"},
		{"5", "6", "6", "6", "5", "7", "6", "6"},
		{"a", "b", "c", "d", "a", "b", "c", "d"},
		{"x", "x", "y", "y", "y", "z", "z", "x"},
	}
	truth := []string{"1", "5", "c", "y"}
	for i := 0; i < 12; i++ {
		pred := answers[i%4]
		score := make([]bool, len(pred))
		for j, p := range pred {
			score[j] = p == truth[i%4]
		}
		line, _ := json.Marshal(map[string]any{"idx": i, "score": score, "pred": pred})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func entries(a *App) []*passk.Model {
	out := make([]*passk.Model, len(a.s.Models))
	for i, e := range a.s.Models {
		out[i] = e.Model
	}
	return out
}

// svgOK checks that a plot is well-formed XML.
func svgOK(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("plot is not XML: %v\n%.300s", err, svg)
		}
	}
}

// TestViewPredicted: with "predict up to k = 1024" the plot has dashed,
// labelled predicted points whose values, hover readout, fits and
// predicted crossover are passk.Analyze's with PredictOptions; the rows keep
// the measured pass@1 and pass@64.
func TestViewPredicted(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	ctx := context.Background()
	if err := a.SetExtrapolate(ctx, 1024); err != nil {
		t.Fatal(err)
	}
	v, err := a.View(ViewSize{Width: 800, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Predicting || v.Extrapolate != 1024 || v.FitBoot != FitBoot || v.PredictNote != "" {
		t.Fatalf("predicting %v, extrapolate %d, fit boot %d, note %q", v.Predicting, v.Extrapolate, v.FitBoot, v.PredictNote)
	}
	for _, r := range v.Rows {
		if r.KMax != 64 {
			t.Errorf("row %s: kMax %d, want the measured 64", r.Label, r.KMax)
		}
	}
	if math.Abs(float64(v.Rows[0].PassMax)-70.0/80) > 1e-12 {
		t.Errorf("base pass@64 %v", v.Rows[0].PassMax)
	}
	want, err := passk.Analyze(entries(a), PredictOptions(passk.PassAtK, 1024))
	if err != nil {
		t.Fatal(err)
	}
	if want.FitBoot != FitBoot || want.Extrapolate != 1024 {
		t.Fatalf("PredictOptions: %+v", want)
	}

	svg := v.Plot.SVG
	svgOK(t, svg)
	for _, s := range []string{`class="predicted" d=`, `stroke-dasharray="6 4"`, `>predicted (fitted prior)<`, `predicted beyond k = 64 →`, `class="band predicted"`} {
		if !strings.Contains(svg, s) {
			t.Errorf("plot lacks %q", s)
		}
	}
	if n := strings.Count(svg, `<path class="predicted"`); n != 2 {
		t.Errorf("%d dashed curves, want 2", n)
	}
	if v.Plot.Geom.LgMax != 10 {
		t.Errorf("k axis up to 2^%v, want 2^10", v.Plot.Geom.LgMax)
	}

	// The hover table points at each predicted k exactly, flagged.
	h := v.Plot.Hover
	last := len(h.K) - 1
	if h.K[last] != 1024 {
		t.Fatalf("hover ends at k = %d", h.K[last])
	}
	for j, m := range want.Models {
		byK := map[int]passk.Point{}
		for _, p := range m.Curve {
			byK[p.K] = p
		}
		s := h.Series[j]
		for i, k := range h.K {
			p, ok := byK[k]
			if !ok {
				continue
			}
			if s.P[i] != p.Predicted || float64(s.V[i]) != p.Value || float64(s.Lo[i]) != p.Lo {
				t.Errorf("%s at k = %d: hover %v [%v] predicted %v; want %v [%v] %v", m.Label, k, s.V[i], s.Lo[i], s.P[i], p.Value, p.Lo, p.Predicted)
			}
		}
		if !s.P[last] || s.P[0] {
			t.Errorf("%s: predicted flags at k = 1 and 1024: %v %v", m.Label, s.P[0], s.P[last])
		}
	}

	// Fits: passk's, per model shown.
	if len(v.Fits) != 2 {
		t.Fatalf("fits %+v", v.Fits)
	}
	for i, f := range v.Fits {
		wf := want.Models[i].Fit
		if f.Label != want.Models[i].Label || f.Fit.Chosen != wf.Chosen || f.Fit.Plain.AIC != wf.Plain.AIC || f.Fit.ZeroInflated.AIC != wf.ZeroInflated.AIC || f.Fit.AlphaLo != wf.AlphaLo {
			t.Errorf("fit of %s: %+v, want %+v", f.Label, f.Fit, wf)
		}
	}
	// rl has unsolvable problems: its zero-inflated fit wins (CLI output).
	if v.Fits[1].Fit.Chosen != passk.FitZeroInflated {
		t.Errorf("rl's prior %q", v.Fits[1].Fit.Chosen)
	}

	// The crossover panel: the measured sentence as before, and the
	// predicted one.
	if len(v.Crossovers) != 1 || v.Crossovers[0].Predicted == nil {
		t.Fatalf("crossovers %+v", v.Crossovers)
	}
	c, wp := v.Crossovers[0], want.Crossovers[0].Prediction
	if !strings.Contains(c.Text, "cross at k* = "+FormatK(want.Crossovers[0].K)) || strings.Contains(c.Text, "redicted") {
		t.Errorf("measured text %q", c.Text)
	}
	p := c.Predicted
	if !math.IsNaN(float64(p.K)) || !math.IsNaN(wp.K) || p.KLimit != wp.KLimit || p.Leader != wp.Leader || float64(p.Share) != wp.Share {
		t.Errorf("predicted %+v, want %+v", p, wp)
	}
	wantText := fmt.Sprintf("Predicted beyond k = 64 (fitted priors): the predicted curves of base and rl do not cross before k = 10^6; base leads there (%s%% of fit bootstrap replicates cross).",
		fmt.Sprintf("%.0f", wp.Share*100))
	if c.PredictedText != wantText {
		t.Errorf("predicted text\n%q, want\n%q", c.PredictedText, wantText)
	}

	// Exports carry the predictions: CSV rows marked predicted, the SVG
	// of passk/plot dashed and labelled, the session its setting.
	csv, err := a.Export(ExportCSV)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(csv.Data, []byte("\nbase,pass@k,1024,")) || bytes.Count(csv.Data, []byte(",true\n")) != 2*4 {
		t.Errorf("CSV export: %s", csv.Data[len(csv.Data)-400:])
	}
	ex, err := a.Export(ExportSVG)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ex.Data, []byte(">predicted<")) || !bytes.Contains(ex.Data, []byte("stroke-dasharray")) {
		t.Errorf("SVG export has no predicted label or dashes")
	}
	sess, err := a.Export(ExportSession)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSession(sess.Data)
	if err != nil || s.Settings.Extrapolate != 1024 {
		t.Errorf("session: %v, settings %+v", err, s.Settings)
	}

	// pass^k predicts too; G-Pass@k does not, and says so.
	a.SetMetric(ctx, passk.PassHatK)
	v, _ = a.View(ViewSize{Width: 800, Height: 480})
	if !v.Predicting || !strings.Contains(v.Plot.SVG, `<path class="predicted"`) || math.Abs(float64(v.Rows[1].PassMax)-50.0/80) > 1e-12 {
		t.Errorf("pass^k: predicting %v, rows %+v", v.Predicting, v.Rows)
	}
	a.SetMetric(ctx, passk.GPassAtK(0.5))
	v, _ = a.View(ViewSize{Width: 800, Height: 480})
	if v.Predicting || v.PredictNote == "" || len(v.Fits) != 0 || strings.Contains(v.Plot.SVG, "predicted") || v.Crossovers[0].Predicted != nil {
		t.Errorf("G-Pass: predicting %v, note %q", v.Predicting, v.PredictNote)
	}
	if v.Extrapolate != 1024 {
		t.Errorf("the setting is kept: %d", v.Extrapolate)
	}

	// Off again.
	a.SetMetric(ctx, passk.PassAtK)
	a.SetExtrapolate(ctx, 0)
	v, _ = a.View(ViewSize{Width: 800, Height: 480})
	if v.Predicting || strings.Contains(v.Plot.SVG, "predicted") || v.Crossovers[0].Predicted != nil || v.Crossovers[0].PredictedText != "" {
		t.Errorf("predictions off: %+v", v.Crossovers)
	}
	for _, bad := range []int{-1, MaxExtrapolate + 1} {
		if err := a.SetExtrapolate(ctx, bad); !errors.Is(err, ErrInput) {
			t.Errorf("SetExtrapolate(%d) = %v", bad, err)
		}
	}
}

// TestPredictedCrossoverMarked: a pair whose predicted curves cross beyond
// n gets the predicted k* in the panel and on the plot, as passk predicts.
func TestPredictedCrossoverMarked(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "plateau.csv", plateauCSV())
	add(t, a, "climber.csv", climberCSV())
	a.SetExtrapolate(context.Background(), 1024)
	v, err := a.View(ViewSize{Width: 800, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	want, err := passk.Analyze(entries(a), PredictOptions(passk.PassAtK, 1024))
	if err != nil {
		t.Fatal(err)
	}
	wc := want.Crossovers[0]
	if !math.IsNaN(wc.K) || wc.Prediction == nil || math.IsNaN(wc.Prediction.K) {
		t.Fatalf("the constructed pair should cross only in prediction: %+v %+v", wc, wc.Prediction)
	}
	c := v.Crossovers[0]
	p := c.Predicted
	if float64(p.K) != wc.Prediction.K || float64(p.Lo) != wc.Prediction.Lo || float64(p.Hi) != wc.Prediction.Hi || p.Leader != "climber" {
		t.Errorf("predicted %+v, want %+v", p, wc.Prediction)
	}
	if !strings.HasPrefix(c.Text, "plateau vs climber: no crossover up to k = 64") {
		t.Errorf("measured text %q", c.Text)
	}
	wantText := fmt.Sprintf("Predicted beyond k = 64 (fitted priors): the predicted curves of plateau and climber cross at k* = %s (95%% interval %s–%s; %.0f%% of fit bootstrap replicates cross); after it climber leads up to k = 10^6.",
		FormatK(wc.Prediction.K), FormatK(wc.Prediction.Lo), FormatK(wc.Prediction.Hi), 100*wc.Prediction.Share)
	if c.PredictedText != wantText {
		t.Errorf("predicted text\n%q, want\n%q", c.PredictedText, wantText)
	}
	svgOK(t, v.Plot.SVG)
	label := "predicted k* = " + FormatK(wc.Prediction.K) + " [" + FormatK(wc.Prediction.Lo) + ", " + FormatK(wc.Prediction.Hi) + "]"
	if !strings.Contains(v.Plot.SVG, `<line class="xover predicted"`) || !strings.Contains(v.Plot.SVG, ">"+label+"<") {
		t.Errorf("plot does not mark %q", label)
	}
	// The SVG export (passk/plot) marks it too.
	ex, err := a.Export(ExportSVG)
	if err != nil {
		t.Fatal(err)
	}
	if plotLabel := "predicted k* = " + strconv.FormatFloat(wc.Prediction.K, 'f', 0, 64); !bytes.Contains(ex.Data, []byte(plotLabel)) {
		t.Errorf("SVG export does not mark %q", plotLabel)
	}

	// The fits' warning (the fitted curves at n) is shown when predicting.
	found := false
	for _, w := range v.Warnings {
		found = found || strings.Contains(w, "fit")
	}
	if len(want.Warnings) > 0 && !found {
		t.Errorf("warnings %q, want the report's %q", v.Warnings, want.Warnings)
	}

	// Predicting only up to 100: the crossing near k = 100 may be beyond
	// the axis; it is then labelled at the axis' end with an arrow.
	a.SetExtrapolate(context.Background(), 70)
	v, _ = a.View(ViewSize{Width: 800, Height: 480})
	if p := v.Crossovers[0].Predicted; p != nil && float64(p.K) > 70 && !strings.Contains(v.Plot.SVG, "→<") {
		t.Errorf("a predicted k* beyond the axis is not labelled")
	}
}

// TestMajorityMetric: maj@k is offered when every model has answers, its
// values are passk's; a model without answers disables it with passk's
// reason, and a session showing maj@k falls back to pass@k.
func TestMajorityMetric(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, NewMemStore())
	res := add(t, a, "votes.jsonl", votesJSONL())
	if res.Format != "qwen-math" {
		t.Fatalf("read as %q", res.Format)
	}
	v, _ := a.View(ViewSize{Width: 600, Height: 400})
	if len(v.Unavailable) != 0 || !v.Rows[0].Answers {
		t.Fatalf("unavailable %v, answers %v", v.Unavailable, v.Rows[0].Answers)
	}
	for _, m := range Metrics() {
		if err := a.SetMetric(ctx, m); err != nil {
			t.Fatalf("SetMetric(%s): %v", m, err)
		}
		v, err := a.View(ViewSize{Width: 600, Height: 400})
		if err != nil {
			t.Fatal(err)
		}
		want, err := passk.Analyze(entries(a), Options(m))
		if err != nil {
			t.Fatal(err)
		}
		if v.Metric != m || !strings.Contains(v.Plot.SVG, esc(string(m))) {
			t.Errorf("metric %s: view shows %s", m, v.Metric)
		}
		h := v.Plot.Hover.Series[0]
		for i, k := range v.Plot.Hover.K {
			if p := want.Models[0].Curve[k-1]; float64(h.V[i]) != p.Value || float64(h.Hi[i]) != p.Hi {
				t.Errorf("%s at k = %d: %v, want %v", m, k, h.V[i], p.Value)
			}
		}
	}
	if err := a.SetMetric(ctx, "maj@2"); !errors.Is(err, ErrInput) {
		t.Errorf("SetMetric(maj@2) = %v", err)
	}

	// A counts file has no answers: maj@k is unavailable, with passk's
	// reason, and the view falls back to pass@k.
	a.SetMetric(ctx, passk.MajAtK)
	add(t, a, "base.csv", crossingCSV(false))
	_, wantErr := passk.Analyze(entries(a), Options(passk.MajAtK))
	if !errors.Is(wantErr, passk.ErrNoAnswers) {
		t.Fatalf("passk.Analyze: %v", wantErr)
	}
	v, err := a.View(ViewSize{Width: 600, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	if v.Unavailable[passk.MajAtK] != wantErr.Error() {
		t.Errorf("reason %q, want %q", v.Unavailable[passk.MajAtK], wantErr)
	}
	if v.Metric != passk.PassAtK || !strings.Contains(v.MetricNote, wantErr.Error()) || v.Rows[1].Answers {
		t.Errorf("fallback: metric %s, note %q", v.Metric, v.MetricNote)
	}
	if err := a.SetMetric(ctx, passk.MajAtK); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "no extracted answers") {
		t.Errorf("SetMetric(maj@k) with a model without answers = %v", err)
	}
	// Removing it makes maj@k available again; the setting was kept.
	a.Remove(ctx, "m2")
	v, _ = a.View(ViewSize{Width: 600, Height: 400})
	if v.Metric != passk.MajAtK || len(v.Unavailable) != 0 {
		t.Errorf("after removing the counts model: %s, %v", v.Metric, v.Unavailable)
	}
}

// TestSessionKeepsAnswersAndSettings: a session keeps each problem's answer
// counts and correct flags, the metric and "predict up to k"; a schema 1
// record written before predictions existed reads with predictions off.
func TestSessionKeepsAnswersAndSettings(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "votes.jsonl", votesJSONL())
	a.SetMetric(ctx, passk.GPassAtK(0.75))
	a.SetExtrapolate(ctx, 16384)
	b := newApp(t, store) // the page opened again
	if b.s.Settings.Metric != passk.GPassAtK(0.75) || b.s.Settings.Extrapolate != 16384 {
		t.Errorf("settings %+v", b.s.Settings)
	}
	got, want := b.s.Models[0].Model.Problems, a.s.Models[0].Model.Problems
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) || len(got[0].Answers) != 4 || !got[0].Answers[0].Correct {
		t.Errorf("answers not kept:\n%s\n%s", gj, wj)
	}
	old := `{"passk_session":1,"name":"old","settings":{"metric":"pass^k","bands":true},"models":[{"label":"a","problems":[{"id":"p","n":4,"c":1}]}]}`
	s, err := ParseSession([]byte(old))
	if err != nil || s.Settings.Extrapolate != 0 || s.Settings.Metric != passk.PassHatK {
		t.Errorf("schema 1 record without extrapolate: %v %+v", err, s)
	}
	for _, tt := range []struct{ in, want string }{
		{`{"passk_session":1,"settings":{"metric":"g-pass@k:0.3"}}`, "metric"},
		{`{"passk_session":1,"settings":{"extrapolate":-5}}`, "predict up to"},
	} {
		if _, err := ParseSession([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSession(%s) = %v", tt.in, err)
		}
	}
}

func TestBandSegments(t *testing.T) {
	nan := math.NaN()
	ps := []passk.Point{
		{K: 1, Lo: 0, Hi: 1}, {K: 2, Lo: 0, Hi: 1}, {K: 4, Lo: 0, Hi: 1, Predicted: true},
		{K: 8, Lo: 0, Hi: 1, Predicted: true}, {K: 16, Lo: nan, Hi: nan, Predicted: true}, {K: 32, Lo: 0, Hi: 1, Predicted: true},
	}
	var got []string
	for _, s := range bandSegments(ps) {
		var ks []string
		for _, p := range s.points {
			ks = append(ks, fmt.Sprint(p.K))
		}
		got = append(got, fmt.Sprintf("%v:%s", s.predicted, strings.Join(ks, ",")))
	}
	if strings.Join(got, " ") != "false:1,2 true:2,4,8 true:32" {
		t.Errorf("segments %q", got)
	}
}

func TestFormatLimit(t *testing.T) {
	for k, want := range map[int]string{1_000_000: "10^6", 1000: "10^3", 16384: "16384", 100: "100", 2_000_000: "2000000"} {
		if got := FormatLimit(k); got != want {
			t.Errorf("FormatLimit(%d) = %q, want %q", k, got, want)
		}
	}
}
