package plot

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette is the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
// Design"), distinguishable with the common forms of colour blindness,
// ordered so the first colours contrast most; its yellow (#F0E442) is left
// out: it is too light on white.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// modelColor is the colour of the model at index i of the report.
func modelColor(i int) color.NRGBA { return palette[i%len(palette)] }

// translucent returns c with alpha a in [0, 1].
func translucent(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(a * 255))
	return c
}

var (
	ink       = color.NRGBA{0x22, 0x22, 0x22, 0xFF} // text, axes
	mark      = color.NRGBA{0x55, 0x55, 0x55, 0xFF} // crossover lines
	gridColor = color.NRGBA{0xE3, 0xE3, 0xE3, 0xFF}
	paper     = color.NRGBA{0xFF, 0xFF, 0xFF, 0xDD} // behind legend and labels
	frame     = color.NRGBA{0xBB, 0xBB, 0xBB, 0xFF}
)

// Text sizes, in points.
const (
	titleSize  = 12
	labelSize  = 11 // axis labels
	tickSize   = 9.5
	legendSize = 9.5
	noteSize   = 9 // crossover labels
)

// Line widths and lengths.
var (
	curveWidth  = vg.Points(1.6)
	markWidth   = vg.Points(0.8)
	dashes      = []vg.Length{vg.Points(5), vg.Points(3)}
	markerSize  = vg.Points(2.2)
	crossRing   = vg.Points(3.6)
	legendThumb = vg.Points(18)
)

// sans is the one face all text uses (Liberation Sans Regular).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle is a plain-text style of sans at size points. The handler is
// text.Plain whatever plot.DefaultTextHandler is, so labels are never
// read as LaTeX.
func textStyle(size float64) text.Style {
	return text.Style{
		Color:   ink,
		Font:    font.From(sans, vg.Points(size)),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: text.Plain{Fonts: font.DefaultCache},
	}
}

// maxLabel is the longest model label drawn, in runes.
const maxLabel = 40

// cleanLabel makes text from a file safe and tidy to draw: invalid UTF-8
// and characters that XML forbids or that draw nothing (controls, format
// characters) are replaced, line breaks and tabs become spaces, runs of
// spaces collapse, and labels longer than max runes keep their start and
// end around an ellipsis.
func cleanLabel(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r),
			r == 0xFFFE, r == 0xFFFF, unicode.Is(unicode.Co, r):
			r = '\uFFFD'
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.TrimRight(b.String(), " ")
	if n := utf8.RuneCountInString(out); n > max {
		rs := []rune(out)
		head := (max - 1) / 2
		tail := max - 1 - head
		out = string(rs[:head]) + "…" + string(rs[n-tail:])
	}
	if out == "" {
		out = "(unnamed)"
	}
	return out
}

// formatK writes a k (a crossover or a bound) for a label: one decimal
// below 10, a whole number from 10 up.
func formatK(k float64) string {
	if k < 9.95 {
		return strconv.FormatFloat(k, 'f', 1, 64)
	}
	return strconv.FormatFloat(k, 'f', 0, 64)
}

// crossoverText is the label of a crossover: "k* = 37 [21, 60]", or
// "k* = 37" without an interval.
func crossoverText(k, lo, hi float64) string {
	s := "k* = " + formatK(k)
	if finite(lo) && finite(hi) {
		s += " [" + formatK(lo) + ", " + formatK(hi) + "]"
	}
	return s
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
