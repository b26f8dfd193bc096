package plot

import (
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/passk/passk/passk"
)

// The overlay is the legend and the crossover labels. Each goes where it
// covers the least length of curve: the legend in one of the corners or
// edges of the data area, each label beside its crossover line at the
// height where it covers the least curve and nothing placed before it.

// Spacing of the overlay.
var (
	inset    = vg.Points(5)   // from the data area's edge
	boxPad   = vg.Points(4)   // inside a legend or label box
	thumbGap = vg.Points(5)   // between a legend line and its text
	lineGap  = vg.Points(2.5) // between legend entries
	noteGap  = vg.Points(3)   // between a crossover line and its label
	swatch   = vg.Points(9)   // a colour sample before a crossover label
)

// blocked is a cost that outweighs any length of curve covered: the
// overlay's boxes must not cover each other.
const blocked = 1e6

// drawOverlay places and draws the legend and the crossover labels.
func (f *figure) drawOverlay(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	var segs [][2]vg.Point
	for _, s := range f.series {
		pts := thin(s.pts, tx)
		for i := 1; i < len(pts); i++ {
			a := vg.Point{X: tx(float64(pts[i-1].K)), Y: ty(pts[i-1].Value)}
			b := vg.Point{X: tx(float64(pts[i].K)), Y: ty(pts[i].Value)}
			segs = append(segs, [2]vg.Point{a, b})
		}
		if len(s.pts) == 1 {
			a := vg.Point{X: tx(float64(s.pts[0].K)), Y: ty(s.pts[0].Value)}
			segs = append(segs, [2]vg.Point{a, {X: a.X + markerSize, Y: a.Y}})
		}
	}
	for _, x := range f.cross {
		xk := tx(x.k)
		segs = append(segs, [2]vg.Point{{X: xk, Y: c.Min.Y}, {X: xk, Y: c.Max.Y}})
	}
	cover := func(r vg.Rectangle) float64 {
		var sum float64
		for _, s := range segs {
			sum += insideLength(s[0], s[1], r)
		}
		return sum
	}

	var taken []vg.Rectangle
	// Rings at crossings stay visible.
	for _, x := range f.cross {
		if finite(x.y) {
			pt := vg.Point{X: tx(x.k), Y: ty(x.y)}
			taken = append(taken, vg.Rectangle{
				Min: vg.Point{X: pt.X - crossRing, Y: pt.Y - crossRing},
				Max: vg.Point{X: pt.X + crossRing, Y: pt.Y + crossRing},
			})
		}
	}

	lg := f.legend()
	var legendRect vg.Rectangle
	if len(lg.entries) > 0 {
		legendRect = lg.place(c.Rectangle, legendPlaces(f.metric), cover)
		taken = append(taken, legendRect)
	}

	sty := textStyle(noteSize)
	for _, x := range f.cross {
		xk := tx(x.k)
		if xk < c.Min.X || xk > c.Max.X {
			continue
		}
		size := textSize(sty, x.text)
		lead := vg.Length(0)
		if len(x.pair) > 0 {
			lead = vg.Length(len(x.pair)) * (swatch + boxPad)
		}
		size.X += 2*boxPad + lead
		size.Y += boxPad
		best, bestRect := math.Inf(1), vg.Rectangle{}
		for side, x0 := range []vg.Length{xk + noteGap, xk - noteGap - size.X} {
			if x0 < c.Min.X || x0+size.X > c.Max.X {
				continue
			}
			step := size.Y / 2
			for i, y1 := 0, c.Max.Y-inset; y1-size.Y >= c.Min.Y+inset; i, y1 = i+1, y1-step {
				r := vg.Rectangle{Min: vg.Point{X: x0, Y: y1 - size.Y}, Max: vg.Point{X: x0 + size.X, Y: y1}}
				cost := cover(r) + 0.01*float64(i) + 0.005*float64(side)
				for _, t := range taken {
					if overlaps(r, t) {
						cost += blocked
					}
				}
				if cost < best {
					best, bestRect = cost, r
				}
			}
		}
		if math.IsInf(best, 1) {
			continue // no room at all
		}
		taken = append(taken, bestRect)
		fillRect(c, bestRect, paper)
		mid := (bestRect.Min.Y + bestRect.Max.Y) / 2
		sx := bestRect.Min.X + boxPad
		for _, clr := range x.pair {
			c.StrokeLine2(draw.LineStyle{Color: clr, Width: 2 * curveWidth}, sx, mid, sx+swatch, mid)
			sx += swatch + boxPad
		}
		drawText(c, sty, vg.Point{X: bestRect.Min.X + boxPad + lead, Y: bestRect.Min.Y + boxPad/2}, x.text)
	}

	if len(lg.entries) > 0 {
		lg.draw(c, legendRect)
	}
}

// legendBox is the legend: a line sample and a label per entry.
type legendBox struct {
	sty     text.Style
	entries []legendEntry
}

// legendEntry is a label with a line sample, or with a filled box when
// fill is not nil.
type legendEntry struct {
	label string
	line  draw.LineStyle
	fill  color.Color
}

func (f *figure) legend() legendBox {
	lg := legendBox{sty: textStyle(legendSize)}
	for _, s := range f.series {
		lg.entries = append(lg.entries, legendEntry{label: s.label, line: draw.LineStyle{Color: s.color, Width: curveWidth}})
	}
	if f.predict {
		lg.entries = append(lg.entries, legendEntry{label: "predicted", line: draw.LineStyle{Color: mark, Width: curveWidth, Dashes: dashes}})
	}
	return lg
}

func (lg legendBox) entryHeight() vg.Length {
	return lg.sty.FontExtents().Height
}

func (lg legendBox) size() vg.Point {
	var w vg.Length
	for _, e := range lg.entries {
		w = max(w, textSize(lg.sty, e.label).X)
	}
	n := vg.Length(len(lg.entries))
	return vg.Point{
		X: 2*boxPad + legendThumb + thumbGap + w,
		Y: 2*boxPad + n*lg.entryHeight() + (n-1)*lineGap,
	}
}

func (lg legendBox) draw(c draw.Canvas, r vg.Rectangle) {
	fillRect(c, r, paper)
	c.StrokeLines(draw.LineStyle{Color: frame, Width: vg.Points(0.5)}, []vg.Point{
		r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min,
	})
	h := lg.entryHeight()
	y := r.Max.Y - boxPad
	for _, e := range lg.entries {
		mid := y - h/2
		x := r.Min.X + boxPad
		if e.fill != nil {
			q := h * 0.35
			fillRect(c, vg.Rectangle{Min: vg.Point{X: x + legendThumb/2 - q, Y: mid - q}, Max: vg.Point{X: x + legendThumb/2 + q, Y: mid + q}}, e.fill)
		} else {
			c.StrokeLine2(e.line, x, mid, x+legendThumb, mid)
		}
		ts := textSize(lg.sty, e.label)
		drawText(c, lg.sty, vg.Point{X: x + legendThumb + thumbGap, Y: mid - ts.Y/2}, e.label)
		y -= h + lineGap
	}
}

// place returns the first of the places (fractional positions, see
// place) where the legend costs least.
func (lg legendBox) place(area vg.Rectangle, places []vg.Point, cost func(vg.Rectangle) float64) vg.Rectangle {
	size := lg.size()
	best, bestRect := math.Inf(1), vg.Rectangle{}
	for i, at := range places {
		r := place(area, size, at)
		if c := cost(r) + 0.01*float64(i); c < best {
			best, bestRect = c, r
		}
	}
	return bestRect
}

// legendPlaces are where the legend may go, in order of preference: a
// pass@k curve rises, leaving the lower right empty; a pass^k curve falls.
func legendPlaces(m passk.Metric) []vg.Point {
	// Corners and edge centres as fractions of the data area (0 left or
	// bottom, 1 right or top).
	if m == passk.PassHatK {
		return []vg.Point{{X: 1, Y: 1}, {X: 0, Y: 0}, {X: 1, Y: 0}, {X: 0, Y: 1}, {X: 1, Y: 0.5}, {X: 0.5, Y: 1}, {X: 0.5, Y: 0}}
	}
	return []vg.Point{{X: 1, Y: 0}, {X: 0, Y: 1}, {X: 1, Y: 1}, {X: 0, Y: 0}, {X: 1, Y: 0.5}, {X: 0.5, Y: 0}, {X: 0.5, Y: 1}}
}

// place puts a box of size inside area at fractional position at, inset
// from the edges.
func place(area vg.Rectangle, size, at vg.Point) vg.Rectangle {
	free := vg.Point{
		X: area.Max.X - area.Min.X - 2*inset - size.X,
		Y: area.Max.Y - area.Min.Y - 2*inset - size.Y,
	}
	min := vg.Point{X: area.Min.X + inset + at.X*free.X, Y: area.Min.Y + inset + at.Y*free.Y}
	return vg.Rectangle{Min: min, Max: min.Add(size)}
}

// textSize is the width and height (ascent to descent) of a line of text.
func textSize(sty text.Style, s string) vg.Point {
	r := sty.Rectangle(s)
	return vg.Point{X: r.Max.X - r.Min.X, Y: r.Max.Y - r.Min.Y}
}

// drawText draws a line of text with the lower left corner of its box at
// min.
func drawText(c draw.Canvas, sty text.Style, min vg.Point, s string) {
	r := sty.Rectangle(s)
	c.FillText(sty, vg.Point{X: min.X - r.Min.X, Y: min.Y - r.Min.Y}, s)
}

func fillRect(c draw.Canvas, r vg.Rectangle, clr color.Color) {
	c.FillPolygon(clr, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// insideLength is the length of the segment from a to b inside r
// (Liang–Barsky clipping).
func insideLength(a, b vg.Point, r vg.Rectangle) float64 {
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	t0, t1 := 0.0, 1.0
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return false
			}
			t0 = math.Max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = math.Min(t1, t)
		}
		return true
	}
	if !clip(-dx, float64(a.X-r.Min.X)) || !clip(dx, float64(r.Max.X-a.X)) ||
		!clip(-dy, float64(a.Y-r.Min.Y)) || !clip(dy, float64(r.Max.Y-a.Y)) || t1 < t0 {
		return 0
	}
	return (t1 - t0) * math.Hypot(dx, dy)
}
