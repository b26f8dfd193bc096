package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// log2Ticks marks the powers of two between Min and Max of a log axis and
// labels them as integers. When labelling every power would crowd the
// axis (Width is the length available, Size the label font size), only
// every step-th power from 1 is labelled and the others get unlabelled
// minor ticks.
type log2Ticks struct {
	Width vg.Length
	Size  vg.Length
}

var _ gplot.Ticker = log2Ticks{}

// Ticks implements plot.Ticker.
func (t log2Ticks) Ticks(min, max float64) []gplot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	lo := int(math.Ceil(math.Log2(min) - 1e-9))
	hi := int(math.Floor(math.Log2(max) + 1e-9))
	if hi < lo {
		return nil
	}
	step := t.step(min, max, hi)
	ticks := make([]gplot.Tick, 0, hi-lo+1)
	for e := lo; e <= hi; e++ {
		v := math.Ldexp(1, e)
		tk := gplot.Tick{Value: v}
		if e%step == 0 {
			tk.Label = intLabel(v)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// step is the smallest exponent step at which the widest label fits
// between neighbouring labelled ticks with an em of space to spare.
func (t log2Ticks) step(min, max float64, hi int) int {
	doublings := math.Log2(max / min)
	if t.Width <= 0 || t.Size <= 0 || doublings <= 0 {
		return 1
	}
	perDoubling := float64(t.Width) / doublings
	// A digit of Liberation Sans is 0.556 em wide.
	widest := float64(len(intLabel(math.Ldexp(1, hi)))) * 0.556 * float64(t.Size)
	need := widest + float64(t.Size)
	for step := 1; ; step++ {
		if float64(step)*perDoubling >= need || step >= hi {
			return step
		}
	}
}

func intLabel(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// unitTicks marks 0, 0.2, …, 1 on the metric axis, labelled with one
// decimal, with unlabelled minor ticks at the tenths between.
type unitTicks struct{}

var _ gplot.Ticker = unitTicks{}

// Ticks implements plot.Ticker.
func (unitTicks) Ticks(min, max float64) []gplot.Tick {
	var ticks []gplot.Tick
	for i := 0; i <= 10; i++ {
		v := float64(i) / 10
		if v < min-1e-9 || v > max+1e-9 {
			continue
		}
		tk := gplot.Tick{Value: v}
		if i%2 == 0 {
			tk.Label = strconv.FormatFloat(v, 'f', 1, 64)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// countTicks marks a count axis from 0 at round steps (1, 2 or 5 times a
// power of ten) giving at most about six labels.
type countTicks struct{}

var _ gplot.Ticker = countTicks{}

// Ticks implements plot.Ticker.
func (countTicks) Ticks(min, max float64) []gplot.Tick {
	if !(max > min) {
		return []gplot.Tick{{Value: min, Label: intLabel(min)}}
	}
	step := 1.0
	for p := 1.0; ; p *= 10 {
		found := false
		for _, m := range []float64{1, 2, 5} {
			if (max-min)/(m*p) <= 6 {
				step, found = m*p, true
				break
			}
		}
		if found {
			break
		}
	}
	var ticks []gplot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		ticks = append(ticks, gplot.Tick{Value: v, Label: intLabel(v)})
	}
	return ticks
}
