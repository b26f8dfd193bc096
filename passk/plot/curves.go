package plot

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/passk/passk/passk"
)

// ErrNoModel is returned when Options.Models names a model the report
// does not have.
var ErrNoModel = errors.New("no such model in the report")

// series is one model's curve as drawn: its points with k ≥ 1 and a
// finite value, in increasing k.
type series struct {
	label string
	color color.NRGBA
	pts   []passk.Point
}

// crossing is a crossover to mark: k* with its interval, and the metric's
// value where the curves cross (NaN when unknown).
type crossing struct {
	k, lo, hi float64
	y         float64
	text      string
	// pair are the colours of the two models, drawn before the text when
	// several crossovers are marked; nil otherwise.
	pair []color.NRGBA
	// predicted marks where the predicted curves cross beyond the sampled
	// range (Crossover.Prediction): a dashed line, a lighter span, and a
	// label "predicted k* = …".
	predicted bool
}

// figure is what newCurvesPlot draws, kept for the overlay's layout.
type figure struct {
	metric  passk.Metric
	series  []series
	cross   []crossing
	bands   bool
	predict bool // some point drawn is predicted
}

// newCurvesPlot builds the gonum plot of report r.
func newCurvesPlot(r *passk.Report, opt Options) (*gplot.Plot, error) {
	if r == nil {
		return nil, errors.New("plot: nil report")
	}
	fig, err := newFigure(r, opt)
	if err != nil {
		return nil, err
	}

	xmax := 2.0
	for _, s := range fig.series {
		if n := len(s.pts); n > 0 {
			xmax = math.Max(xmax, float64(s.pts[n-1].K))
		}
	}
	width, _ := opt.size()
	p := newPlot(opt.Title, "k", metricName(fig.metric))
	p.X.Scale = gplot.LogScale{}
	p.X.Min, p.X.Max = 1, xmax
	// The data area is the figure less the y axis, its labels and padding.
	p.X.Tick.Marker = log2Ticks{Width: width - vg.Points(70), Size: vg.Points(tickSize)}
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = unitTicks{}

	p.Add(newGrid())
	p.Add(plotterFunc(fig.drawSpans))
	if fig.bands {
		p.Add(plotterFunc(fig.drawBands))
	}
	p.Add(plotterFunc(fig.drawCrossLines))
	p.Add(plotterFunc(fig.drawCurves))
	p.Add(plotterFunc(fig.drawCrossMarkers))
	p.Add(plotterFunc(fig.drawOverlay))
	return p, nil
}

func metricName(m passk.Metric) string {
	if m == "" {
		return string(passk.PassAtK)
	}
	return cleanLabel(string(m), maxLabel)
}

// newFigure selects the models and crossovers of r that opt shows.
func newFigure(r *passk.Report, opt Options) (*figure, error) {
	fig := &figure{metric: r.Metric, bands: !opt.NoBands}
	shown := make([]bool, len(r.Models))
	if opt.Models == nil {
		for i := range shown {
			shown[i] = true
		}
	} else {
		for _, want := range opt.Models {
			found := false
			for i, m := range r.Models {
				if m.Label == want {
					shown[i], found = true, true
				}
			}
			if !found {
				return nil, fmt.Errorf("plot: model %q: %w", want, ErrNoModel)
			}
		}
	}
	byLabel := map[string]int{}
	for i, m := range r.Models {
		if !shown[i] {
			continue
		}
		s := series{label: cleanLabel(m.Label, maxLabel), color: modelColor(i)}
		for _, pt := range m.Curve {
			if pt.K < 1 || !finite(pt.Value) {
				continue
			}
			s.pts = append(s.pts, pt)
			fig.predict = fig.predict || pt.Predicted
		}
		sortPoints(s.pts)
		if _, dup := byLabel[m.Label]; !dup {
			byLabel[m.Label] = len(fig.series)
		}
		fig.series = append(fig.series, s)
	}
	if opt.NoCrossovers {
		return fig, nil
	}
	var pairs []passk.Crossover
	for _, c := range r.Crossovers {
		_, okA := byLabel[c.A]
		_, okB := byLabel[c.B]
		if okA && okB && finite(c.K) && c.K >= 1 {
			pairs = append(pairs, c)
		}
	}
	for _, c := range pairs {
		x := crossing{k: c.K, lo: c.Lo, hi: c.Hi, y: math.NaN()}
		x.text = crossoverText(c.K, c.Lo, c.Hi)
		a, b := fig.series[byLabel[c.A]], fig.series[byLabel[c.B]]
		if len(pairs) > 1 {
			// Show which pair crosses by the models' colours.
			x.pair = []color.NRGBA{a.color, b.color}
		}
		ya, okA := valueAt(a.pts, c.K)
		yb, okB := valueAt(b.pts, c.K)
		if okA && okB {
			x.y = (ya + yb) / 2
		}
		fig.cross = append(fig.cross, x)
	}
	var predicted []passk.Crossover
	for _, c := range r.Crossovers {
		_, okA := byLabel[c.A]
		_, okB := byLabel[c.B]
		if okA && okB && c.Prediction != nil && finite(c.Prediction.K) && c.Prediction.K >= 1 {
			predicted = append(predicted, c)
		}
	}
	for _, c := range predicted {
		p := c.Prediction
		x := crossing{k: p.K, lo: p.Lo, hi: p.Hi, y: math.NaN(), predicted: true}
		x.text = "predicted " + crossoverText(p.K, p.Lo, p.Hi)
		a, b := fig.series[byLabel[c.A]], fig.series[byLabel[c.B]]
		if len(pairs)+len(predicted) > 1 {
			x.pair = []color.NRGBA{a.color, b.color}
		}
		ya, okA := valueAt(a.pts, p.K)
		yb, okB := valueAt(b.pts, p.K)
		if okA && okB {
			x.y = (ya + yb) / 2
		}
		fig.cross = append(fig.cross, x)
	}
	return fig, nil
}

// sortPoints orders points by k, keeping the order of equal ones.
func sortPoints(pts []passk.Point) {
	slices.SortStableFunc(pts, func(a, b passk.Point) int { return cmp.Compare(a.K, b.K) })
}

// valueAt interpolates a curve at k, linearly in log k as the crossover
// itself is.
func valueAt(pts []passk.Point, k float64) (float64, bool) {
	for i := 1; i < len(pts); i++ {
		k0, k1 := float64(pts[i-1].K), float64(pts[i].K)
		if k < k0 || k > k1 {
			continue
		}
		if k1 == k0 {
			return pts[i].Value, true
		}
		t := (math.Log(k) - math.Log(k0)) / (math.Log(k1) - math.Log(k0))
		return pts[i-1].Value + t*(pts[i].Value-pts[i-1].Value), true
	}
	if len(pts) == 1 && float64(pts[0].K) == k {
		return pts[0].Value, true
	}
	return 0, false
}

// newPlot is an empty plot in this package's look.
func newPlot(title, xlabel, ylabel string) *gplot.Plot {
	p := gplot.New()
	p.BackgroundColor = nil // drawSafely paints the whole canvas
	p.TextHandler = textStyle(labelSize).Handler
	p.Legend.TextStyle = textStyle(legendSize)
	if title != "" {
		p.Title.Text = cleanLabel(title, 120)
	}
	p.Title.TextStyle = textStyle(titleSize)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = vg.Points(6)
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Color = ink
		a.Width = vg.Points(0.6)
		a.Padding = vg.Points(4)
		a.Tick.Color = ink
		a.Tick.Width = vg.Points(0.6)
		a.Tick.Length = vg.Points(4)
		lbl := textStyle(tickSize)
		lbl.XAlign, lbl.YAlign = a.Tick.Label.XAlign, a.Tick.Label.YAlign
		a.Tick.Label = lbl
		al := textStyle(labelSize)
		al.XAlign, al.YAlign = a.Label.TextStyle.XAlign, a.Label.TextStyle.YAlign
		a.Label.TextStyle = al
		a.Label.Padding = vg.Points(3)
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	return p
}

func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{Color: gridColor, Width: vg.Points(0.5)}
	g.Horizontal = g.Vertical
	return g
}

// plotterFunc adapts a drawing function to plot.Plotter.
type plotterFunc func(draw.Canvas, *gplot.Plot)

// Plot implements plot.Plotter.
func (f plotterFunc) Plot(c draw.Canvas, p *gplot.Plot) { f(c, p) }

// drawSpans shades each crossover's interval across the plot's height.
func (f *figure) drawSpans(c draw.Canvas, p *gplot.Plot) {
	tx, _ := p.Transforms(&c)
	for _, x := range f.cross {
		if !finite(x.lo) || !finite(x.hi) || x.hi < x.lo || x.hi < 1 {
			continue
		}
		x0 := max(tx(math.Max(x.lo, p.X.Min)), c.Min.X)
		x1 := min(tx(math.Min(x.hi, p.X.Max)), c.Max.X)
		if x1 <= x0 {
			continue
		}
		alpha := 0.1
		if x.predicted {
			alpha = 0.05
		}
		c.FillPolygon(translucent(mark, alpha), []vg.Point{
			{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
		})
	}
}

// drawBands shades each curve's band over runs of points that have one;
// predicted points' bands are lighter.
func (f *figure) drawBands(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, s := range f.series {
		for _, run := range runs(thin(s.pts, tx), func(pt passk.Point) bool {
			return finite(pt.Lo) && finite(pt.Hi)
		}) {
			if len(run) < 2 {
				continue
			}
			alpha := 0.2
			if run[len(run)-1].Predicted {
				alpha = 0.1
			}
			poly := make([]vg.Point, 0, 2*len(run))
			for _, pt := range run {
				poly = append(poly, vg.Point{X: tx(float64(pt.K)), Y: ty(pt.Hi)})
			}
			for i := len(run) - 1; i >= 0; i-- {
				poly = append(poly, vg.Point{X: tx(float64(run[i].K)), Y: ty(run[i].Lo)})
			}
			c.FillPolygon(translucent(s.color, alpha), c.ClipPolygonXY(poly))
		}
	}
}

// runs splits pts into maximal runs of consecutive points for which keep
// holds.
func runs(pts []passk.Point, keep func(passk.Point) bool) [][]passk.Point {
	var out [][]passk.Point
	start := -1
	for i, pt := range pts {
		switch {
		case keep(pt) && start < 0:
			start = i
		case !keep(pt) && start >= 0:
			out = append(out, pts[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, pts[start:])
	}
	return out
}

// minStep is the horizontal distance below which thin drops points.
var minStep = vg.Points(0.4)

// thin drops points that lie closer than minStep to the previous point
// kept, horizontally: at large k on a log axis thousands of points share a
// pixel. It keeps the ends, and the points on either side of a change
// between measured and predicted or of a band starting or ending.
func thin(pts []passk.Point, tx func(float64) vg.Length) []passk.Point {
	if len(pts) < 3 {
		return pts
	}
	kind := func(pt passk.Point) int {
		k := 0
		if pt.Predicted {
			k |= 1
		}
		if finite(pt.Lo) && finite(pt.Hi) {
			k |= 2
		}
		return k
	}
	out := []passk.Point{pts[0]}
	last := tx(float64(pts[0].K))
	for i := 1; i < len(pts); i++ {
		x := tx(float64(pts[i].K))
		keep := i == len(pts)-1 || x-last >= minStep ||
			kind(pts[i]) != kind(pts[i-1]) || kind(pts[i]) != kind(pts[i+1])
		if keep {
			out = append(out, pts[i])
			last = x
		}
	}
	return out
}

// markedPoints is the most points a curve may have for its points to be
// marked; denser curves are lines only.
const markedPoints = 16

// drawCurves draws each curve: solid through measured points, dashed into
// and through predicted ones.
func (f *figure) drawCurves(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, s := range f.series {
		solid := draw.LineStyle{Color: s.color, Width: curveWidth}
		dashed := solid
		dashed.Dashes = dashes
		var seg []vg.Point
		segPredicted := false
		flush := func() {
			if len(seg) > 1 {
				sty := solid
				if segPredicted {
					sty = dashed
				}
				c.StrokeLines(sty, c.ClipLinesXY(seg)...)
			}
		}
		for i, pt := range thin(s.pts, tx) {
			v := vg.Point{X: tx(float64(pt.K)), Y: ty(pt.Value)}
			if i > 0 && pt.Predicted != segPredicted {
				// Start a new segment at the last point drawn, so the
				// step from measured to predicted is dashed.
				last := seg[len(seg)-1]
				flush()
				seg = []vg.Point{last}
				segPredicted = pt.Predicted
			}
			if i == 0 {
				segPredicted = pt.Predicted
			}
			seg = append(seg, v)
		}
		flush()
		if len(s.pts) <= markedPoints {
			for _, pt := range s.pts {
				v := vg.Point{X: tx(float64(pt.K)), Y: ty(pt.Value)}
				if !c.Contains(v) {
					continue
				}
				if pt.Predicted {
					ring(c, v, markerSize, draw.LineStyle{Color: s.color, Width: vg.Points(1)})
					continue
				}
				c.DrawGlyph(draw.GlyphStyle{Color: s.color, Radius: markerSize, Shape: draw.CircleGlyph{}}, v)
			}
		}
	}
}

// drawCrossLines draws a vertical line at each crossover's k*.
func (f *figure) drawCrossLines(c draw.Canvas, p *gplot.Plot) {
	tx, _ := p.Transforms(&c)
	sty := draw.LineStyle{Color: mark, Width: markWidth}
	dashed := sty
	dashed.Dashes = dashes
	for _, x := range f.cross {
		xk := tx(x.k)
		if xk < c.Min.X || xk > c.Max.X {
			continue
		}
		if x.predicted {
			c.StrokeLine2(dashed, xk, c.Min.Y, xk, c.Max.Y)
			continue
		}
		c.StrokeLine2(sty, xk, c.Min.Y, xk, c.Max.Y)
	}
}

// drawCrossMarkers rings the point where the curves cross.
func (f *figure) drawCrossMarkers(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, x := range f.cross {
		if !finite(x.y) {
			continue
		}
		pt := vg.Point{X: tx(x.k), Y: ty(x.y)}
		if !c.Contains(pt) {
			continue
		}
		ring(c, pt, crossRing, draw.LineStyle{Color: ink, Width: vg.Points(1)})
	}
}

// ring strokes a circle of radius r around pt.
func ring(c draw.Canvas, pt vg.Point, r vg.Length, sty draw.LineStyle) {
	var path vg.Path
	path.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	path.Arc(pt, r, 0, 2*math.Pi)
	path.Close()
	c.SetLineStyle(sty)
	c.Stroke(path)
}
