package plot

import (
	"fmt"
	"io"
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/passk/passk/passk"
)

// Bins is one model's histogram of per-problem pass rates c/n over
// len(Counts) equal bins of [0, 1]: Counts[i] problems have a rate in
// [i/B, (i+1)/B), the last bin including 1.
type Bins struct {
	Label  string
	Counts []int
}

// RateBins counts m's problems by pass rate c/n into nbins equal bins.
func RateBins(m *passk.Model, nbins int) Bins {
	if nbins < 1 {
		nbins = 1
	}
	b := Bins{Label: m.Label, Counts: make([]int, nbins)}
	for _, p := range m.Problems {
		if p.N < 1 {
			continue
		}
		// floor(c/n · nbins) in integers, so that rates on a bin edge
		// fall in the bin above it exactly.
		i := int(int64(p.C) * int64(nbins) / int64(p.N))
		b.Counts[min(max(i, 0), nbins-1)]++
	}
	return b
}

// Histogram writes the pass-rate histograms of several models as one
// figure in format "svg" or "png": in each bin one bar per model, side by
// side, in the models' colours. Every Bins must have the same number of
// bins. Of opt, the size, the title and Models apply.
func Histogram(w io.Writer, bins []Bins, opt Options, format string) error {
	p, err := newHistogramPlot(bins, opt)
	if err != nil {
		return err
	}
	switch strings.ToLower(format) {
	case FormatSVG:
		return writeSVG(w, p, opt)
	case FormatPNG:
		return writePNG(w, p, opt)
	}
	return fmt.Errorf("plot: %q: %w", format, ErrFormat)
}

// histogram is what newHistogramPlot draws.
type histogram struct {
	bins   []Bins // shown, in order
	colors []int  // index of each in the caller's slice, for its colour
	nbins  int
}

func newHistogramPlot(bins []Bins, opt Options) (*gplot.Plot, error) {
	h := &histogram{}
	for i, b := range bins {
		if opt.Models != nil && !contains(opt.Models, b.Label) {
			continue
		}
		h.bins = append(h.bins, b)
		h.colors = append(h.colors, i)
	}
	for _, want := range opt.Models {
		found := false
		for _, b := range bins {
			found = found || b.Label == want
		}
		if !found {
			return nil, fmt.Errorf("plot: model %q: %w", want, ErrNoModel)
		}
	}
	top := 0
	for _, b := range h.bins {
		if h.nbins != 0 && len(b.Counts) != h.nbins {
			return nil, fmt.Errorf("plot: histogram of %q has %d bins, others %d", b.Label, len(b.Counts), h.nbins)
		}
		h.nbins = len(b.Counts)
		for _, n := range b.Counts {
			if n < 0 {
				return nil, fmt.Errorf("plot: histogram of %q: negative count %d", b.Label, n)
			}
			top = max(top, n)
		}
	}

	p := newPlot(opt.Title, "pass rate c/n per problem", "problems")
	p.X.Min, p.X.Max = 0, 1
	p.X.Tick.Marker = unitTicks{}
	p.Y.Min, p.Y.Max = 0, math.Max(1, float64(top)*1.08)
	p.Y.Tick.Marker = countTicks{}
	g := newGrid()
	g.Vertical.Color = nil
	p.Add(g)
	p.Add(plotterFunc(h.draw))
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// draw draws the bars and the legend.
func (h *histogram) draw(c draw.Canvas, p *gplot.Plot) {
	if h.nbins == 0 {
		return
	}
	tx, ty := p.Transforms(&c)
	var bars []vg.Rectangle
	width := 1 / float64(h.nbins)
	bar := width * 0.84 / float64(len(h.bins))
	for j, b := range h.bins {
		clr := modelColor(h.colors[j])
		for i, n := range b.Counts {
			if n == 0 {
				continue
			}
			x0 := float64(i)*width + width*0.08 + float64(j)*bar
			r := vg.Rectangle{
				Min: vg.Point{X: tx(x0), Y: ty(0)},
				Max: vg.Point{X: tx(x0 + bar), Y: ty(float64(n))},
			}
			fillRect(c, r, clr)
			bars = append(bars, r)
		}
	}

	lg := legendBox{sty: textStyle(legendSize)}
	for j, b := range h.bins {
		lg.entries = append(lg.entries, legendEntry{label: cleanLabel(b.Label, maxLabel), fill: modelColor(h.colors[j])})
	}
	places := []vg.Point{{X: 0.5, Y: 1}, {X: 1, Y: 1}, {X: 0, Y: 1}, {X: 0.25, Y: 1}, {X: 0.75, Y: 1}}
	r := lg.place(c.Rectangle, places, func(r vg.Rectangle) float64 {
		var area float64
		for _, b := range bars {
			w := min(r.Max.X, b.Max.X) - max(r.Min.X, b.Min.X)
			ht := min(r.Max.Y, b.Max.Y) - max(r.Min.Y, b.Min.Y)
			if w > 0 && ht > 0 {
				area += float64(w * ht)
			}
		}
		return area
	})
	lg.draw(c, r)
}
