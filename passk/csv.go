package passk

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteCSV writes the curves of r as CSV, one row per model and k:
//
//	label,metric,k,value,lo,hi,predicted
//
// lo and hi are empty where there is no band. labels chooses the models
// (nil writes every model). A label that a spreadsheet would read as a
// formula (starting with = + - @, a tab or a carriage return) is written
// with a leading apostrophe, so opening the file runs nothing.
func (r *Report) WriteCSV(w io.Writer, labels []string) error {
	var show map[string]bool
	if labels != nil {
		show = make(map[string]bool, len(labels))
		for _, l := range labels {
			show[l] = true
		}
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"label", "metric", "k", "value", "lo", "hi", "predicted"})
	for _, m := range r.Models {
		if show != nil && !show[m.Label] {
			continue
		}
		label := csvCell(m.Label)
		for _, p := range m.Curve {
			cw.Write([]string{label, string(r.Metric), strconv.Itoa(p.K), csvNumber(p.Value), csvNumber(p.Lo), csvNumber(p.Hi), strconv.FormatBool(p.Predicted)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell neutralises text that a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvNumber formats a value exactly; NaN and infinities are empty.
func csvNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
