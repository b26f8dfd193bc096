package app

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/passk/passk/passk"
)

// ProblemsView is the per-problem view: which problems each of two models
// solves at k (passk.CoverageAt), and each shown model's histogram of
// per-problem pass rates (passk.Model.PassRates).
type ProblemsView struct {
	K         int     `json:"k"`
	KMax      int     `json:"kMax"` // the largest k the sets can be computed at
	A         string  `json:"a"`    // labels
	B         string  `json:"b"`
	Sets      []IDSet `json:"sets"`
	Histogram string  `json:"histogram"` // SVG
	Note      string  `json:"note"`
}

// IDSet is a named set of problem ids.
type IDSet struct {
	Name string   `json:"name"`
	IDs  []string `json:"ids"`
}

// Problems computes the per-problem view for models keyA and keyB (keyB
// may be "" or keyA, for one model's solved and unsolved problems) at k. A
// k beyond the models' range on their shared problems is lowered to it.
// width is the histogram's width in CSS pixels (0: 720).
func (a *App) Problems(keyA, keyB string, k, width int) (*ProblemsView, error) {
	if k < 1 {
		return nil, fmt.Errorf("%w: k = %d, expected k ≥ 1", ErrInput, k)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	ea := a.s.entry(keyA)
	if ea == nil {
		return nil, fmt.Errorf("%w: no model %q", ErrInput, keyA)
	}
	eb := a.s.entry(keyB)
	one := eb == nil || eb == ea
	if one {
		eb = ea
	}
	v := &ProblemsView{K: k, A: ea.Model.Label}
	cv, err := passk.CoverageAt(ea.Model, eb.Model, k)
	if errors.Is(err, passk.ErrKOutOfRange) {
		// Ask again at the largest k there is.
		probe, perr := passk.CoverageAt(ea.Model, eb.Model, 1)
		if perr != nil {
			return nil, perr
		}
		v.Note = fmt.Sprintf("k = %d is beyond the models' range on their shared problems; shown at k = %d. ", k, probe.KMax)
		v.K = probe.KMax
		cv, err = passk.CoverageAt(ea.Model, eb.Model, v.K)
	}
	if err != nil {
		return nil, err
	}
	v.KMax = cv.KMax
	if one {
		v.Sets = []IDSet{{"Solved by " + ea.Model.Label, cv.Both}, {"Not solved", cv.Neither}}
	} else {
		v.B = eb.Model.Label
		v.Sets = []IDSet{
			{ea.Model.Label + " only", cv.AOnly},
			{eb.Model.Label + " only", cv.BOnly},
			{"Both", cv.Both},
			{"Neither", cv.Neither},
		}
		if n := cv.OnlyInA + cv.OnlyInB; n > 0 {
			v.Note += fmt.Sprintf("%d problem(s) are not shared by both models and are left out. ", n)
		}
	}
	v.Note += fmt.Sprintf("A problem counts as solved at k = %d when its pass@k ≥ 0.5.", v.K)
	var hs []histSeries
	for i, e := range a.s.Models {
		if !e.Hidden {
			hs = append(hs, histSeries{Label: e.Model.Label, Color: i, Hist: e.Model.PassRates(10)})
		}
	}
	v.Histogram = drawHistogram(hs, width)
	return v, nil
}

// histBins name the bins of passk.Histogram with 10 bins: never solved,
// ten bins b/10 ≤ c/n < (b+1)/10 over (0, 1), always solved.
var histBins = []string{"0", "(0,.1)", "[.1,.2)", "[.2,.3)", "[.3,.4)", "[.4,.5)", "[.5,.6)", "[.6,.7)", "[.7,.8)", "[.8,.9)", "[.9,1)", "1"}

type histSeries struct {
	Label string
	Color int
	Hist  passk.Histogram
}

func (h histSeries) counts() []int {
	return append(append([]int{h.Hist.Zero}, h.Hist.Bins...), h.Hist.One)
}

// drawHistogram draws grouped bars, one group per bin, one bar per model,
// as the share of the model's problems in each bin.
func drawHistogram(hs []histSeries, width int) string {
	w, h := 720.0, 260.0
	if width > 0 {
		w = math.Min(math.Max(float64(width), 320), 1200)
	}
	f := &frame{Geometry{Width: w, Height: h, Left: 50, Right: w - 12, Top: 14, Bottom: h - 58}}
	maxShare := 0.0
	shares := make([][]float64, len(hs))
	counts := make([][]int, len(hs))
	for i, s := range hs {
		counts[i] = s.counts()
		total := 0
		for _, c := range counts[i] {
			total += c
		}
		shares[i] = make([]float64, len(counts[i]))
		for j, c := range counts[i] {
			if total > 0 {
				shares[i][j] = float64(c) / float64(total)
				maxShare = math.Max(maxShare, shares[i][j])
			}
		}
	}
	if maxShare == 0 {
		maxShare = 1
	}
	_, top, step := niceRange(0, maxShare)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="hist-title">`, num(w), num(h), num(w), num(h))
	tick := func(j int) bool { return w >= 560 || j%2 == 0 || j == len(histBins)-1 } // label every other bin when narrow
	b.WriteString(`<title id="hist-title">Share of problems by pass rate c/n, per model</title>`)
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="#fff"/>`, num(w), num(h))
	y := func(v float64) float64 { return f.Bottom - v/top*(f.Bottom-f.Top) }
	b.WriteString(`<g class="grid">`)
	for v := 0.0; v <= top+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(f.Left), num(f.Right), num(y(v)), num(y(v)))
	}
	b.WriteString(`</g><g class="tick">`)
	for v := 0.0; v <= top+step/2; v += step {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s%%</text>`, num(f.Left-6), num(y(v)+4), num(v*100))
	}
	group := (f.Right - f.Left) / float64(len(histBins))
	for j, name := range histBins {
		if !tick(j) {
			continue
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(f.Left+group*(float64(j)+0.5)), num(f.Bottom+16), esc(name))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<path class="axis" d="M%s %sV%sH%s"/>`, num(f.Left), num(f.Top), num(f.Bottom), num(f.Right))
	bar := group * 0.8 / math.Max(1, float64(len(hs)))
	for i, s := range hs {
		for j := range counts[i] {
			x := f.Left + group*float64(j) + group*0.1 + bar*float64(i)
			yy := y(shares[i][j])
			fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %d problem(s) with pass rate %s</title></rect>`,
				num(x), num(yy), num(math.Max(bar-1, 1)), num(f.Bottom-yy), Color(s.Color), esc(s.Label), counts[i][j], esc(histBins[j]))
		}
	}
	fmt.Fprintf(&b, `<text class="title" x="%s" y="%s" text-anchor="middle">pass rate c/n</text>`, num((f.Left+f.Right)/2), num(f.Bottom+34))
	x := f.Left
	for _, s := range hs {
		label := truncate(s.Label, 32)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text class="legend" x="%s" y="%s">%s</text>`,
			num(x), num(h-16), Color(s.Color), num(x+16), num(h-6), esc(label))
		x += 16 + textWidth(label) + 18
	}
	b.WriteString(`</svg>`)
	return b.String()
}
