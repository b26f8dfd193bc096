package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/passk/passk/passk"
)

func init() {
	commands["curve"] = command{"print pass@k curves, 95% bands and crossovers", runCurve}
}

func runCurve(stdout, stderr io.Writer, args []string) error {
	fs := newFlagSet("curve", "[LABEL=]FILE ...", stderr)
	var rf readFlags
	var af analysisFlags
	rf.register(fs)
	af.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object: models, crossovers, warnings")
	asCSV := fs.Bool("csv", false, "print the curves as CSV: label,metric,k,value,lo,hi,predicted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return fmt.Errorf("%w: --json and --csv exclude each other", errUsage)
	}
	opt, err := af.options()
	if err != nil {
		return err
	}
	models, warnings, err := rf.load(fs.Args())
	if err != nil {
		return err
	}
	if opt.K == nil && !*asJSON && !*asCSV {
		opt.K = tableGrid(models, opt.Extrapolate)
	}
	rep, err := passk.Analyze(models, opt)
	if err != nil {
		return err
	}
	rep.Warnings = append(warnings, rep.Warnings...)
	switch {
	case *asJSON:
		return writeJSON(stdout, rep)
	case *asCSV:
		return rep.WriteCSV(stdout, nil)
	}
	return writeTable(stdout, rep, models)
}

// tableGrid is the human table's default k grid: powers of two and each
// model's largest k, and with extrapolation powers of two up to it and
// the extrapolation's k.
func tableGrid(models []*passk.Model, extrapolate int) []int {
	set := map[int]bool{}
	max := 0
	for _, m := range models {
		lo, _ := m.NRange()
		set[lo] = true
		if lo > max {
			max = lo
		}
	}
	if extrapolate > max {
		max = extrapolate
		set[extrapolate] = true
	}
	for k := 1; k <= max; k *= 2 {
		set[k] = true
	}
	var ks []int
	for k := range set {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func writeTable(w io.Writer, rep *passk.Report, models []*passk.Model) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tproblems\tn\tformat\tfile")
	for i, m := range rep.Models {
		n := strconv.Itoa(m.NMin)
		if m.NMax != m.NMin {
			n = fmt.Sprintf("%d–%d", m.NMin, m.NMax)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", m.Label, m.Problems, n, models[i].Format, models[i].Source)
	}
	tw.Flush()

	bands := rep.Boot > 0
	fmt.Fprintln(w)
	if bands {
		fmt.Fprintf(w, "%s with %g%% bootstrap band (B = %d, seed %d)\n", rep.Metric, 100*rep.Level, rep.Boot, rep.Seed)
	} else {
		fmt.Fprintf(w, "%s (no bootstrap)\n", rep.Metric)
	}
	ks, at := pointsByK(rep)
	anyPredicted := false
	fmt.Fprint(tw, "k")
	for _, m := range rep.Models {
		fmt.Fprintf(tw, "\t%s", m.Label)
		if bands {
			fmt.Fprintf(tw, "\t%g%% band", 100*rep.Level)
		}
	}
	fmt.Fprintln(tw)
	for _, k := range ks {
		fmt.Fprint(tw, k)
		for i := range rep.Models {
			p, ok := at[i][k]
			switch {
			case !ok:
				fmt.Fprint(tw, "\t—")
				if bands {
					fmt.Fprint(tw, "\t")
				}
			case p.Predicted:
				anyPredicted = true
				fmt.Fprintf(tw, "\t%.4f*", p.Value)
				if bands {
					fmt.Fprint(tw, "\t")
					if !math.IsNaN(p.Lo) {
						fmt.Fprintf(tw, "[%.4f, %.4f]", p.Lo, p.Hi)
					}
				}
			case bands:
				fmt.Fprintf(tw, "\t%.4f\t[%.4f, %.4f]", p.Value, p.Lo, p.Hi)
			default:
				fmt.Fprintf(tw, "\t%.4f", p.Value)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if anyPredicted {
		if rep.FitBoot > 0 {
			fmt.Fprintf(w, "* predicted beyond the model's n from the fitted prior below; band from %d fit bootstrap replicates\n", rep.FitBoot)
		} else {
			fmt.Fprintln(w, "* predicted beyond the model's n from the fitted prior below")
		}
	}
	if rep.Extrapolate > 0 {
		writeFits(w, rep)
	}

	if len(rep.Crossovers) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "crossovers (paired on shared problems)")
		predicted := false
		for _, c := range rep.Crossovers {
			fmt.Fprintf(tw, "%s vs %s\t%s\t%d shared\n", c.A, c.B, describeCrossover(c), c.Shared)
			predicted = predicted || c.Prediction != nil
		}
		tw.Flush()
		if predicted {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "predicted crossovers (fits on shared problems, beyond the sampled range)")
			for _, c := range rep.Crossovers {
				if c.Prediction != nil {
					fmt.Fprintf(tw, "%s vs %s\t%s\n", c.A, c.B, describePrediction(c))
				}
			}
			tw.Flush()
		}
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "warnings")
		for i, s := range rep.Warnings {
			fmt.Fprintf(w, "[%d] %s\n", i+1, s)
		}
	}
	return nil
}

// describeCrossover says in words where two curves cross.
func describeCrossover(c passk.Crossover) string {
	lead := c.Leader + " leads at k = " + strconv.Itoa(c.KMax)
	if c.Leader == "" {
		lead = "tied at k = " + strconv.Itoa(c.KMax)
	}
	if math.IsNaN(c.K) {
		s := "no crossover up to k = " + strconv.Itoa(c.KMax) + "; " + lead
		if !math.IsNaN(c.Share) {
			s += fmt.Sprintf("; %.0f%% of replicates cross", 100*c.Share)
		}
		return s
	}
	s := "k* = " + fmtK(c.K)
	if !math.IsNaN(c.Lo) {
		s += " [" + fmtK(c.Lo) + ", " + fmtK(c.Hi) + "]"
	}
	if !math.IsNaN(c.Share) {
		s += fmt.Sprintf(", %.0f%% of replicates cross", 100*c.Share)
	}
	if len(c.All) > 1 {
		s += fmt.Sprintf(" (last of %d crossings)", len(c.All))
	}
	return s + "; " + lead
}

// describePrediction says in words where the predicted curves cross.
func describePrediction(c passk.Crossover) string {
	p := c.Prediction
	limit := strconv.Itoa(p.KLimit)
	lead := p.Leader + " leads at k = " + limit
	if p.Leader == "" {
		lead = "tied at k = " + limit
	}
	if math.IsNaN(p.K) {
		s := "no crossing from k = " + strconv.Itoa(c.KMax) + " up to k = " + limit + "; " + lead
		if !math.IsNaN(p.Share) {
			s += fmt.Sprintf("; %.0f%% of fit replicates cross", 100*p.Share)
		}
		return s
	}
	s := "k* = " + fmtK(p.K)
	if !math.IsNaN(p.Lo) {
		s += " [" + fmtK(p.Lo) + ", " + fmtK(p.Hi) + "]"
	}
	if !math.IsNaN(p.Share) {
		s += fmt.Sprintf(", %.0f%% of fit replicates cross", 100*p.Share)
	}
	return s + "; " + lead
}

// writeFits prints each model's two fits, marking the one used.
func writeFits(w io.Writer, rep *passk.Report) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "fits: Beta(α, β) prior over per-problem success rates, zero-inflated with a mass π at p = 0; the lower AIC is used")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tprior\tα\tβ\tπ\tlog-lik\tAIC\tused")
	for _, m := range rep.Models {
		f := m.Fit
		if f == nil {
			continue
		}
		for _, row := range []struct {
			name string
			fit  passk.BetaFit
		}{{passk.FitBetaBinomial, f.Plain}, {passk.FitZeroInflated, f.ZeroInflated}} {
			used := row.name == f.Chosen
			a, b, pi := fmtParam(row.fit.Alpha), fmtParam(row.fit.Beta), fmtParam(row.fit.Pi)
			mark := ""
			if used {
				mark = "yes"
				if !math.IsNaN(f.AlphaLo) {
					a += fmt.Sprintf(" [%s, %s]", fmtParam(f.AlphaLo), fmtParam(f.AlphaHi))
					b += fmt.Sprintf(" [%s, %s]", fmtParam(f.BetaLo), fmtParam(f.BetaHi))
					if row.name == passk.FitZeroInflated {
						pi += fmt.Sprintf(" [%s, %s]", fmtParam(f.PiLo), fmtParam(f.PiHi))
					}
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Label, row.name, a, b, pi,
				fmtStat(row.fit.LogLik), fmtStat(row.fit.AIC), mark)
		}
	}
	tw.Flush()
	for _, m := range rep.Models {
		if m.Fit != nil && m.Fit.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", m.Label, m.Fit.Note)
		}
	}
}

// fmtParam formats a fitted parameter with 4 significant digits ("—" for
// none).
func fmtParam(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// fmtStat formats a log-likelihood or AIC with 2 decimals.
func fmtStat(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func fmtK(k float64) string {
	return strconv.FormatFloat(k, 'f', 1, 64)
}

// pointsByK indexes each model's points by k, and returns every k any
// model has, in increasing order.
func pointsByK(rep *passk.Report) ([]int, []map[int]passk.Point) {
	at := make([]map[int]passk.Point, len(rep.Models))
	set := map[int]bool{}
	for i, m := range rep.Models {
		at[i] = map[int]passk.Point{}
		for _, p := range m.Curve {
			at[i][p.K] = p
			set[p.K] = true
		}
	}
	var ks []int
	for k := range set {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks, at
}
