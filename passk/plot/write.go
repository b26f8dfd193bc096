package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/passk/passk/passk"
)

// Defaults of Options.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
	DefaultDPI    = 127 // 16 cm × 10 cm at 127 dpi is 800 × 500 pixels
)

// Output formats accepted by Write.
const (
	FormatSVG = "svg"
	FormatPNG = "png"
)

// ErrFormat is returned for an output format other than svg or png.
var ErrFormat = errors.New("unknown plot format (want svg or png)")

// Options choose what a figure shows and how large it is. The zero value
// is a 16 cm × 10 cm figure (800 × 500 pixels as PNG) of every model with
// its bands and crossovers, without a title.
type Options struct {
	// Width and Height are the figure's size; 0 means DefaultWidth and
	// DefaultHeight.
	Width, Height vg.Length

	// DPI is the resolution of PNG output; 0 means DefaultDPI. A PNG is
	// Width·DPI × Height·DPI pixels (Width in inches); Pixels converts.
	DPI int

	// Models are the labels of the models to show, drawn in the report's
	// order whatever their order here; nil shows every model. A label that
	// is not in the report is an error.
	Models []string

	// NoBands turns the bootstrap bands off.
	NoBands bool

	// NoCrossovers turns the crossover marks off.
	NoCrossovers bool

	// Title is drawn above the plot; "" draws none.
	Title string
}

// Pixels is the length that is px pixels at dpi dots per inch (0 means
// DefaultDPI): Options{Width: Pixels(1200, 0), Height: Pixels(750, 0)}
// is a 1200 × 750 PNG.
func Pixels(px, dpi int) vg.Length {
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	return vg.Length(px) / vg.Length(dpi) * vg.Inch
}

func (o Options) size() (w, h vg.Length) {
	w, h = o.Width, o.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

func (o Options) dpi() int {
	if o.DPI <= 0 {
		return DefaultDPI
	}
	return o.DPI
}

// SVG writes the figure of r to w as an SVG document.
func SVG(w io.Writer, r *passk.Report, opt Options) error {
	p, err := newCurvesPlot(r, opt)
	if err != nil {
		return err
	}
	return writeSVG(w, p, opt)
}

// PNG writes the figure of r to w as a PNG image.
func PNG(w io.Writer, r *passk.Report, opt Options) error {
	p, err := newCurvesPlot(r, opt)
	if err != nil {
		return err
	}
	return writePNG(w, p, opt)
}

// Write writes the figure of r to w in format "svg" or "png" (see
// FormatOf to choose it from a file name).
func Write(w io.Writer, r *passk.Report, opt Options, format string) error {
	switch strings.ToLower(format) {
	case FormatSVG:
		return SVG(w, r, opt)
	case FormatPNG:
		return PNG(w, r, opt)
	}
	return fmt.Errorf("plot: %q: %w", format, ErrFormat)
}

// FormatOf returns the output format named by a file name's extension:
// "svg" for .svg and "png" for .png, any case.
func FormatOf(name string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".svg":
		return FormatSVG, nil
	case ".png":
		return FormatPNG, nil
	default:
		return "", fmt.Errorf("plot: %s: extension %q: %w", name, ext, ErrFormat)
	}
}

// svgFamily is the font-family gonum writes for Liberation Sans, and
// svgFallback what it becomes: Liberation Sans has Arial's metrics, so text
// keeps its measured width in a browser that lacks Liberation.
const (
	svgFamily   = `style="font-family:Liberation Sans;`
	svgFallback = `style="font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`
)

func writeSVG(w io.Writer, p drawer, opt Options) error {
	width, height := opt.size()
	c := vgsvg.New(width, height)
	if err := drawSafely(p, draw.New(c)); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	// Text is escaped by vgsvg (html.EscapeString), so a quote cannot
	// occur inside text: the pattern matches style attributes only.
	out := bytes.ReplaceAll(buf.Bytes(), []byte(svgFamily), []byte(svgFallback))
	_, err := w.Write(out)
	return err
}

func writePNG(w io.Writer, p drawer, opt Options) error {
	width, height := opt.size()
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(opt.dpi()))
	if err := drawSafely(p, draw.New(c)); err != nil {
		return err
	}
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// drawer is what a figure is drawn by: a gonum plot.
type drawer interface{ Draw(draw.Canvas) }

var _ drawer = (*gplot.Plot)(nil)

// margin is white space around the figure.
var margin = vg.Points(6)

// drawSafely paints c white and draws p on it within the margin, turning
// a panic inside gonum/plot (it panics on some impossible layouts, such as
// a canvas too small for its text) into an error.
func drawSafely(p drawer, c draw.Canvas) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("plot: drawing failed: %v", v)
		}
	}()
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	p.Draw(draw.Crop(c, margin/2, -margin, margin/2, -margin))
	return nil
}
