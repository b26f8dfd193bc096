package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/passk/passk/passk"
)

func init() {
	commands["backtest"] = command{"check the predictions beyond n: fit on n/8, n/4, n/2 samples, compare with all n", runBacktest}
}

func runBacktest(stdout, stderr io.Writer, args []string) error {
	fs := newFlagSet("backtest", "[LABEL=]FILE ...", stderr)
	var rf readFlags
	rf.register(fs)
	d := passk.DefaultOptions()
	metric := fs.String("metric", string(d.Metric), "the `metric` predicted: pass@k or pass^k")
	divisors := fs.String("divisors", "8,4,2", "comma-separated `list` of d: fit on m = n/d samples of each problem (a seeded random subsample)")
	fitBoot := fs.Int("fit-boot", d.FitBoot, "fit bootstrap replicates behind the 95% bands")
	seed := fs.Uint64("seed", d.Seed, "`seed` of the subsamples and of the bootstrap")
	asJSON := fs.Bool("json", false, "print one JSON object: models, their cuts (m, fit, points), warnings")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := d
	m, err := passk.ParseMetric(*metric)
	if err != nil || (m != passk.PassAtK && m != passk.PassHatK) {
		return fmt.Errorf("%w: --metric %q: expected pass@k or pass^k (the metrics that are predicted)", errUsage, *metric)
	}
	opt.Metric = m
	if *fitBoot < 0 {
		return fmt.Errorf("%w: --fit-boot %d: expected 0 or more replicates", errUsage, *fitBoot)
	}
	opt.FitBoot, opt.Seed = *fitBoot, *seed
	ds, err := parseWholeList("divisors", *divisors)
	if err != nil {
		return err
	}
	if ds == nil {
		return fmt.Errorf("%w: --divisors %q: expected a comma-separated list of whole numbers ≥ 1", errUsage, *divisors)
	}
	models, warnings, err := rf.load(fs.Args())
	if err != nil {
		return err
	}
	rep, err := passk.Backtest(models, opt, ds)
	if err != nil {
		return err
	}
	rep.Warnings = append(warnings, rep.Warnings...)
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	return writeBacktest(stdout, rep)
}

func writeBacktest(w io.Writer, rep *passk.BacktestReport) error {
	fmt.Fprintf(w, "backtest of predicted %s: fit on m of each problem's n samples (a seeded random subsample), predict up to n,\n", rep.Metric)
	fmt.Fprintf(w, "compare with the observed %s of all n samples; error = predicted − observed\n", rep.Metric)
	band := fmt.Sprintf("%g%% band", 100*rep.Level)
	if rep.FitBoot > 0 {
		fmt.Fprintf(w, "band: %d fit bootstrap replicates, seed %d\n", rep.FitBoot, rep.Seed)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "model\tn\tm\tprior\tk\tpredicted\t%s\tobserved\terror\tin band\n", band)
	var notes []string
	for _, m := range rep.Models {
		for _, c := range m.Cuts {
			prior := c.Fit.Chosen
			if prior == "" {
				prior = "—"
			}
			if len(c.Points) == 0 {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t—\t—\t\t\t\t\n", m.Label, m.N, c.M, prior)
			}
			for _, p := range c.Points {
				bandText, in := "", "—"
				if !math.IsNaN(p.Lo) {
					bandText = fmt.Sprintf("[%.4f, %.4f]", p.Lo, p.Hi)
					in = "no"
					if p.Covered {
						in = "yes"
					}
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%.4f\t%s\t%.4f\t%+.4f\t%s\n", m.Label, m.N, c.M, prior, p.K, p.Predicted, bandText, p.Observed, p.Error, in)
			}
			if c.Note != "" {
				notes = append(notes, m.Label+": "+c.Note)
			} else if c.Fit.Note != "" {
				notes = append(notes, fmt.Sprintf("%s: m = %d: %s", m.Label, c.M, c.Fit.Note))
			}
		}
	}
	tw.Flush()
	if len(notes) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "notes")
		for _, n := range notes {
			fmt.Fprintln(w, n)
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
