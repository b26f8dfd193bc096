package app

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/plot"
)

// Export is a file for the page to save.
type Export struct {
	Name string
	MIME string
	Data []byte
}

// Export kinds.
const (
	ExportSVG     = "svg"
	ExportPNG     = "png"
	ExportCSV     = "csv"
	ExportSession = "session"
)

// Export renders the open session as kind: the plot as SVG or PNG (drawn by
// package passk/plot, as `passk plot` draws it, with the models shown and
// the bands as chosen), the shown curves as CSV, or the session as JSON.
func (a *App) Export(kind string) (*Export, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	base := "passk-" + slug(a.s.Name)
	if kind == ExportSession {
		data, err := a.s.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return &Export{Name: base + ".session.json", MIME: "application/json", Data: data}, nil
	}
	if len(a.s.Models) == 0 {
		return nil, fmt.Errorf("%w: no models to export", ErrInput)
	}
	metric := a.s.Settings.Metric
	if metric == "" {
		metric = passk.PassAtK
	}
	res, err := a.report(metric)
	if err != nil {
		return nil, err
	}
	r := a.relabel(res)
	var shown []string
	for _, e := range a.s.Models {
		if !e.Hidden {
			shown = append(shown, e.Model.Label)
		}
	}
	if len(shown) == 0 {
		return nil, fmt.Errorf("%w: no model is shown", ErrInput)
	}
	var buf bytes.Buffer
	switch kind {
	case ExportSVG, ExportPNG:
		opt := plot.Options{Models: shown, NoBands: !a.s.Settings.Bands}
		if kind == ExportSVG {
			err = plot.SVG(&buf, r, opt)
		} else {
			opt.Width, opt.Height = plot.Pixels(1200, 0), plot.Pixels(750, 0)
			err = plot.PNG(&buf, r, opt)
		}
		if err != nil {
			return nil, err
		}
		mime := "image/svg+xml"
		if kind == ExportPNG {
			mime = "image/png"
		}
		return &Export{Name: base + "." + kind, MIME: mime, Data: buf.Bytes()}, nil
	case ExportCSV:
		if err := r.WriteCSV(&buf, shown); err != nil {
			return nil, err
		}
		return &Export{Name: base + ".csv", MIME: "text/csv", Data: buf.Bytes()}, nil
	}
	return nil, fmt.Errorf("%w: unknown export %q", ErrInput, kind)
}

// relabel returns a copy of an analysis with today's labels of its models.
// The caller holds a.mu.
func (a *App) relabel(res reportResult) *passk.Report {
	now := map[string]string{}
	for old, key := range res.keys {
		if e := a.s.entry(key); e != nil {
			now[old] = e.Model.Label
		}
	}
	label := func(l string) string {
		if n, ok := now[l]; ok {
			return n
		}
		return l
	}
	r := *res.r
	r.Models = append([]passk.ModelCurve(nil), r.Models...)
	for i := range r.Models {
		r.Models[i].Label = label(r.Models[i].Label)
	}
	r.Crossovers = append([]passk.Crossover(nil), r.Crossovers...)
	for i := range r.Crossovers {
		c := &r.Crossovers[i]
		c.A, c.B = label(c.A), label(c.B)
		if c.Leader != "" {
			c.Leader = label(c.Leader)
		}
	}
	return &r
}

// slug turns a session name into a file name part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "session"
	}
	return out
}
