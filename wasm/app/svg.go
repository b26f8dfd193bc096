package app

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/passk/passk/passk"
)

// The page's interactive plot is SVG drawn here rather than by package
// passk/plot: it is sized to the page, styled by the page's CSS (classes,
// no inline styles, which the page's Content-Security-Policy refuses), has a
// hover layer the page moves, and needs no fonts in the wasm. It follows the
// look of passk/plot (log2 k axis with power-of-two ticks, the Okabe–Ito
// palette by model position, shaded bands, a grey k* line and interval
// span); the exports use passk/plot itself. Predicted points (beyond a
// model's n, passk.Point.Predicted) are drawn dashed with lighter bands, a
// "predicted" entry in the legend and a label where they start; predicted
// crossovers get a dashed k* line labelled "predicted k*".

// palette is the Okabe–Ito palette in package passk/plot's order.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// Color returns the colour of the model at position i of a session.
func Color(i int) string { return palette[i%len(palette)] }

// Plot is the page's plot: SVG text, the geometry the page needs to map the
// mouse to k, and the values the hover readout shows.
type Plot struct {
	SVG   string   `json:"svg"`
	Geom  Geometry `json:"geom"`
	Hover Hover    `json:"hover"`
}

// Geometry locates the data area in the SVG's user units (its viewBox is 0
// 0 Width Height): x = Left + (log2 k − LgMin)/(LgMax − LgMin)·(Right − Left),
// y = Bottom − (v − YMin)/(YMax − YMin)·(Bottom − Top).
type Geometry struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	LgMin  float64 `json:"lgMin"`
	LgMax  float64 `json:"lgMax"`
	YMin   float64 `json:"yMin"`
	YMax   float64 `json:"yMax"`
}

// Hover holds each shown model's value at the k's the mouse can point at
// (about one per pixel column): Series[j].V[i] is model j at K[i], null
// where k is beyond its curve, and Series[j].P[i] says that it is predicted.
type Hover struct {
	K      []int         `json:"k"`
	Series []HoverSeries `json:"series"`
}

// HoverSeries is one model's values in Hover.
type HoverSeries struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Color string `json:"color"`
	V     []Num  `json:"v"`
	Lo    []Num  `json:"lo"`
	Hi    []Num  `json:"hi"`
	P     []bool `json:"p"`
}

// series is one model's curve to draw.
type series struct {
	Key, Label string
	Color      int
	Points     []passk.Point
}

func seriesOf(e *Entry, i int, c *passk.ModelCurve) series {
	return series{Key: e.Key, Label: e.Model.Label, Color: i, Points: c.Curve}
}

// crossMark is a crossover to mark: k* and its interval, measured or
// predicted.
type crossMark struct {
	K, Lo, Hi float64
	Predicted bool
}

type frame struct{ Geometry }

func (f *frame) x(k float64) float64 {
	return f.Left + (math.Log2(k)-f.LgMin)/(f.LgMax-f.LgMin)*(f.Right-f.Left)
}

func (f *frame) y(v float64) float64 {
	return f.Bottom - (v-f.YMin)/(f.YMax-f.YMin)*(f.Bottom-f.Top)
}

// drawCurves draws the curves of ss with the crossovers marks.
func drawCurves(ss []series, marks []crossMark, metric passk.Metric, bands bool, size ViewSize) *Plot {
	w, h := float64(size.Width), float64(size.Height)
	if w < 300 {
		w = 300
	}
	if w > 4000 {
		w = 4000
	}
	if h < 200 {
		h = 200
	}
	if h > 3000 {
		h = 3000
	}
	kmax := 1
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range s.Points {
			kmax = max(kmax, p.K)
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
			if bands && finite(p.Lo) && finite(p.Hi) {
				lo, hi = math.Min(lo, p.Lo), math.Max(hi, p.Hi)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	ymin, ymax, step := niceRange(lo, hi)
	f := &frame{Geometry{Width: w, Height: h, Left: 58, Right: w - 18, Top: 16, Bottom: h - 48,
		LgMin: 0, LgMax: math.Max(1, math.Log2(float64(kmax))), YMin: ymin, YMax: ymax}}
	labelRows := 0
	for _, m := range marks {
		if m.K >= 1 && (m.K <= math.Exp2(f.LgMax) || m.Predicted) {
			labelRows++
		}
	}
	predicting := false
	for _, s := range ss {
		for _, p := range s.Points {
			predicting = predicting || p.Predicted
		}
	}
	if predicting {
		labelRows++ // the "predicted" label where the predictions start
	}
	f.Top += float64(min(labelRows, 5)) * 17

	var b strings.Builder
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Label
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="plot-title">`,
		num(w), num(h), num(w), num(h))
	fmt.Fprintf(&b, `<title id="plot-title">%s against k (log2 scale) for %s</title>`, esc(string(metric)), esc(strings.Join(names, ", ")))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#fff"/>`, num(w), num(h))

	// Grid and axes.
	b.WriteString(`<g class="grid">`)
	for v := ymin; v <= ymax+step/2; v += step {
		y := f.y(v)
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(f.Left), num(f.Right), num(y), num(y))
	}
	xt := xTicks(f)
	for _, k := range xt {
		x := f.x(float64(k))
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(x), num(x), num(f.Top), num(f.Bottom))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<path class="axis" d="M%s %sV%sH%s"/>`, num(f.Left), num(f.Top), num(f.Bottom), num(f.Right))
	b.WriteString(`<g class="tick">`)
	decimals := 2
	if step >= 0.1 {
		decimals = 1
	}
	for v := ymin; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(f.Left-6), num(f.y(v)+4), strconv.FormatFloat(v, 'f', decimals, 64))
	}
	for _, k := range xt {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%d</text>`, num(f.x(float64(k))), num(f.Bottom+18), k)
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<text class="title" x="%s" y="%s" text-anchor="middle">k (log2 scale)</text>`, num((f.Left+f.Right)/2), num(f.Bottom+38))
	fmt.Fprintf(&b, `<text class="title" transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text>`, num((f.Top+f.Bottom)/2), esc(string(metric)))

	// Where the predictions start: a dotted line at the first predicted
	// k of the curves, labelled.
	row := 0
	if predicting {
		start := math.Inf(1)
		for _, s := range ss {
			for i, p := range s.Points {
				if p.Predicted && i > 0 {
					start = math.Min(start, float64(s.Points[i-1].K))
					break
				}
			}
		}
		if finite(start) {
			x := f.x(start)
			fmt.Fprintf(&b, `<line class="pstart" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(x), num(x), num(f.Top), num(f.Bottom))
			fmt.Fprintf(&b, `<text class="plabel" x="%s" y="%s" text-anchor="start">predicted beyond k = %s →</text>`, num(x+4), num(f.Top-5), strconv.FormatFloat(start, 'f', 0, 64))
			row++
		}
	}

	// Crossover spans and lines, under the curves. A predicted crossover
	// beyond the k axis is labelled at its right end.
	kmaxAxis := math.Exp2(f.LgMax)
	for _, m := range marks {
		if !(m.K >= 1 && (m.K <= kmaxAxis || m.Predicted)) {
			continue
		}
		cls, prefix, span := "xover", "k* = ", "xspan"
		if m.Predicted {
			cls, prefix, span = "xover predicted", "predicted k* = ", "xspan predicted"
		}
		beyond := m.K > kmaxAxis
		if finite(m.Lo) && finite(m.Hi) && !beyond {
			x0, x1 := f.x(math.Max(1, m.Lo)), f.x(math.Min(kmaxAxis, m.Hi))
			if x1 > x0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, span, num(x0), num(f.Top), num(x1-x0), num(f.Bottom-f.Top))
			}
		}
		x := f.x(math.Min(m.K, kmaxAxis))
		if !beyond {
			fmt.Fprintf(&b, `<line class="%s" x1="%s" x2="%s" y1="%s" y2="%s"/>`, cls, num(x), num(x), num(f.Top), num(f.Bottom))
		}
		if row < 5 {
			label := prefix + FormatK(m.K)
			if finite(m.Lo) && finite(m.Hi) {
				label += " [" + FormatK(m.Lo) + ", " + FormatK(m.Hi) + "]"
			}
			if beyond {
				label += " →"
			}
			anchor, lx := "start", x+4
			if x > (f.Left+f.Right)/2 {
				anchor, lx = "end", x-4
			}
			lcls := "xlabel"
			if m.Predicted {
				lcls = "xlabel predicted"
			}
			fmt.Fprintf(&b, `<text class="%s" x="%s" y="%s" text-anchor="%s">%s</text>`, lcls, num(lx), num(f.Top-5-float64(row)*17), anchor, esc(label))
		}
		row++
	}

	// Bands (lighter where predicted), then lines.
	if bands {
		for _, s := range ss {
			for _, seg := range bandSegments(s.Points) {
				var d strings.Builder
				pts := decimate(f, seg.points)
				for i, p := range pts {
					fmt.Fprintf(&d, "%s%s %s", pathOp(i), num(f.x(float64(p.K))), num(f.y(p.Hi)))
				}
				for i := len(pts) - 1; i >= 0; i-- {
					fmt.Fprintf(&d, "L%s %s", num(f.x(float64(pts[i].K))), num(f.y(pts[i].Lo)))
				}
				if seg.predicted {
					fmt.Fprintf(&b, `<path class="band predicted" d="%sZ" fill="%s" fill-opacity="0.08" stroke="none"/>`, d.String(), Color(s.Color))
				} else {
					fmt.Fprintf(&b, `<path d="%sZ" fill="%s" fill-opacity="0.18" stroke="none"/>`, d.String(), Color(s.Color))
				}
			}
		}
	}
	for _, s := range ss {
		pts := decimate(f, s.Points)
		var d, pd strings.Builder
		prevPredicted := false
		for i, p := range pts {
			x, y := num(f.x(float64(p.K))), num(f.y(p.Value))
			if p.Predicted {
				if !prevPredicted && i > 0 {
					q := pts[i-1]
					fmt.Fprintf(&pd, "M%s %s", num(f.x(float64(q.K))), num(f.y(q.Value)))
				}
				fmt.Fprintf(&pd, "%s%s %s", pathOp(pd.Len()), x, y)
			} else {
				fmt.Fprintf(&d, "%s%s %s", pathOp(d.Len()), x, y)
			}
			prevPredicted = p.Predicted
		}
		c := Color(s.Color)
		if d.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.2" stroke-linejoin="round"/>`, d.String(), c)
		}
		if pd.Len() > 0 {
			fmt.Fprintf(&b, `<path class="predicted" d="%s" fill="none" stroke="%s" stroke-width="2.2" stroke-dasharray="6 4"/>`, pd.String(), c)
		}
		if len(s.Points) <= 16 {
			for _, p := range s.Points {
				if p.Predicted {
					fmt.Fprintf(&b, `<circle class="predicted" cx="%s" cy="%s" r="3" fill="#fff" stroke="%s" stroke-width="1.5"/>`, num(f.x(float64(p.K))), num(f.y(p.Value)), c)
				} else {
					fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, num(f.x(float64(p.K))), num(f.y(p.Value)), c)
				}
			}
		}
	}

	drawLegend(&b, f, ss, predicting)

	// The hover layer: moved and shown by the page.
	fmt.Fprintf(&b, `<g id="hover" visibility="hidden"><line class="guide" x1="0" x2="0" y1="%s" y2="%s"/>`, num(f.Top), num(f.Bottom))
	for _, s := range ss {
		fmt.Fprintf(&b, `<circle data-key="%s" r="4.5" cx="0" cy="0" fill="%s" stroke="#fff" stroke-width="1.5"/>`, esc(s.Key), Color(s.Color))
	}
	b.WriteString(`</g></svg>`)
	return &Plot{SVG: b.String(), Geom: f.Geometry, Hover: hoverTable(f, ss)}
}

func pathOp(n int) string {
	if n == 0 {
		return "M"
	}
	return "L"
}

// drawLegend draws the legend in the corner of the data area that the
// curves cross least.
func drawLegend(b *strings.Builder, f *frame, ss []series, predicting bool) {
	const lineH, pad = 18.0, 8.0
	const predictedLabel = "predicted (fitted prior)"
	width := 0.0
	for _, s := range ss {
		width = math.Max(width, textWidth(truncate(s.Label, 48)))
	}
	rows := len(ss)
	if predicting {
		width = math.Max(width, textWidth(predictedLabel))
		rows++
	}
	bw, bh := width+40+pad, float64(rows)*lineH+pad
	type corner struct{ x, y float64 }
	corners := []corner{
		{f.Left + 8, f.Top + 6},               // top left
		{f.Right - 8 - bw, f.Bottom - 6 - bh}, // bottom right
		{f.Right - 8 - bw, f.Top + 6},         // top right
		{f.Left + 8, f.Bottom - 6 - bh},       // bottom left
	}
	best, bestHits := corners[0], -1
	for _, c := range corners {
		hits := 0
		for _, s := range ss {
			for _, p := range decimate(f, s.Points) {
				x, y := f.x(float64(p.K)), f.y(p.Value)
				if x >= c.x-4 && x <= c.x+bw+4 && y >= c.y-4 && y <= c.y+bh+4 {
					hits++
				}
			}
		}
		if bestHits < 0 || hits < bestHits {
			best, bestHits = c, hits
		}
	}
	fmt.Fprintf(b, `<g class="legend"><rect x="%s" y="%s" width="%s" height="%s" fill="#fff" fill-opacity="0.85" stroke="#c9d1d9" rx="4"/>`,
		num(best.x), num(best.y), num(bw), num(bh))
	for i, s := range ss {
		y := best.y + pad/2 + lineH*float64(i) + lineH/2
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="3"/>`,
			num(best.x+pad), num(best.x+pad+22), num(y), num(y), Color(s.Color))
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, num(best.x+pad+30), num(y+4), esc(truncate(s.Label, 48)))
	}
	if predicting {
		y := best.y + pad/2 + lineH*float64(len(ss)) + lineH/2
		fmt.Fprintf(b, `<line class="predicted" x1="%s" x2="%s" y1="%s" y2="%s" stroke="#555" stroke-width="2.2" stroke-dasharray="6 4"/>`,
			num(best.x+pad), num(best.x+pad+22), num(y), num(y))
		fmt.Fprintf(b, `<text class="predicted" x="%s" y="%s">%s</text>`, num(best.x+pad+30), num(y+4), predictedLabel)
	}
	b.WriteString(`</g>`)
}

// textWidth estimates the width of s at 13 px in a sans-serif face.
func textWidth(s string) float64 {
	const scale = 13.0 / 12
	w := 0.0
	for _, r := range s {
		switch {
		case r < 128 && strings.ContainsRune("iljtf.,:;'|!()[] ", r):
			w += 3.6
		case r < 128 && strings.ContainsRune("mwMW@", r):
			w += 10
		case r >= 'A' && r <= 'Z':
			w += 8
		case r >= 0x2E80:
			w += 12
		default:
			w += 6.7
		}
	}
	return w * scale
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// decimate keeps the points of ps (sorted by k) that are at least half a
// pixel apart on the x axis, and the last one.
func decimate(f *frame, ps []passk.Point) []passk.Point {
	if len(ps) <= 2 {
		return ps
	}
	out := make([]passk.Point, 0, min(len(ps), int(f.Right-f.Left)*2+2))
	last := math.Inf(-1)
	for i, p := range ps {
		x := f.x(float64(p.K))
		if x-last >= 0.5 || i == len(ps)-1 || p.Predicted != ps[max(i-1, 0)].Predicted {
			out = append(out, p)
			last = x
		}
	}
	return out
}

// bandSegment is a run of points with a finite band, all measured or all
// predicted (a predicted run starts at the measured point before it, when
// that has a band, so that the two bands meet).
type bandSegment struct {
	points    []passk.Point
	predicted bool
}

// bandSegments splits ps into runs of points with a finite band.
func bandSegments(ps []passk.Point) []bandSegment {
	var out []bandSegment
	hasBand := func(i int) bool { return finite(ps[i].Lo) && finite(ps[i].Hi) }
	start, pred := -1, false
	for i := 0; i <= len(ps); i++ {
		ok := i < len(ps) && hasBand(i)
		if start >= 0 && (!ok || ps[i].Predicted != pred) {
			out = append(out, bandSegment{ps[start:i], pred})
			start = -1
		}
		if ok && start < 0 {
			start, pred = i, ps[i].Predicted
			if pred && i > 0 && !ps[i-1].Predicted && hasBand(i-1) {
				start = i - 1
			}
		}
	}
	return out
}

// hoverTable samples each series at about one k per pixel column.
func hoverTable(f *frame, ss []series) Hover {
	kmax := int(math.Round(math.Exp2(f.LgMax)))
	var ks []int
	last := math.Inf(-1)
	for k := 1; k <= kmax; {
		x := f.x(float64(k))
		if x-last >= 1 || k == kmax {
			ks = append(ks, k)
			last = x
		}
		// Jump ahead to the next k that is a pixel further on.
		next := int(math.Ceil(math.Exp2(f.LgMin + (last+1-f.Left)/(f.Right-f.Left)*(f.LgMax-f.LgMin))))
		if next <= k {
			next = k + 1
		}
		if k < kmax && next > kmax {
			next = kmax
		}
		k = next
	}
	// The predicted points are few (a sparse grid): the readout can
	// point at each of them exactly.
	for _, s := range ss {
		for _, p := range s.Points {
			if p.Predicted && p.K <= kmax {
				ks = append(ks, p.K)
			}
		}
	}
	slices.Sort(ks)
	ks = slices.Compact(ks)
	h := Hover{K: ks, Series: []HoverSeries{}}
	for _, s := range ss {
		hs := HoverSeries{Key: s.Key, Label: s.Label, Color: Color(s.Color),
			V: make([]Num, len(ks)), Lo: make([]Num, len(ks)), Hi: make([]Num, len(ks)), P: make([]bool, len(ks))}
		j := 0
		for i, k := range ks {
			for j < len(s.Points) && s.Points[j].K < k {
				j++
			}
			v, lo, hi := math.NaN(), math.NaN(), math.NaN()
			switch {
			case j < len(s.Points) && s.Points[j].K == k:
				p := s.Points[j]
				v, lo, hi = p.Value, p.Lo, p.Hi
				hs.P[i] = p.Predicted
			case j > 0 && j < len(s.Points):
				// Between two points of a sparse grid: interpolate in log k.
				p, q := s.Points[j-1], s.Points[j]
				t := (math.Log(float64(k)) - math.Log(float64(p.K))) / (math.Log(float64(q.K)) - math.Log(float64(p.K)))
				v = p.Value + t*(q.Value-p.Value)
				lo = p.Lo + t*(q.Lo-p.Lo)
				hi = p.Hi + t*(q.Hi-p.Hi)
				hs.P[i] = q.Predicted
			}
			hs.V[i], hs.Lo[i], hs.Hi[i] = Num(v), Num(lo), Num(hi)
		}
		h.Series = append(h.Series, hs)
	}
	return h
}

// xTicks returns the powers of two to label on the k axis: every one while
// they are at least 40 units apart, else every second, third, … power.
func xTicks(f *frame) []int {
	n := int(math.Floor(f.LgMax + 1e-9))
	per := (f.Right - f.Left) / math.Max(f.LgMax-f.LgMin, 1)
	// Labels of large k (predictions) are wider than 40 units.
	need := math.Max(40, textWidth(strconv.Itoa(1<<n))+12)
	every := 1
	for per*float64(every) < need {
		every++
	}
	var out []int
	for e := 0; e <= n; e += every {
		out = append(out, 1<<e)
	}
	return out
}

// niceRange widens [lo, hi] to tick steps of 1, 2, 2.5 or 5 × 10^n with four
// to eight ticks, within [0, 1] where the data are.
func niceRange(lo, hi float64) (min, max, step float64) {
	span := hi - lo
	if span < 0.02 {
		mid := (lo + hi) / 2
		lo, hi = mid-0.01, mid+0.01
		span = 0.02
	}
	lo -= span * 0.06
	hi += span * 0.06
	if lo < 0 {
		lo = 0
	}
	if hi > 1 && hi-span*0.06 <= 1 {
		hi = 1
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	min = math.Floor(lo/step+1e-9) * step
	max = math.Ceil(hi/step-1e-9) * step
	return min, max, step
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// num formats a coordinate with at most two decimals.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// esc makes s safe as SVG text or attribute value: characters XML does not
// allow become U+FFFD, and markup characters are escaped.
func esc(s string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20, r == 0x7F, r >= 0xFFFE && r <= 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
	return html.EscapeString(clean)
}
