package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/passk/passk/passk"
)

// analysisFlags are the flags that choose what is computed.
type analysisFlags struct {
	metric      string
	k           string
	boot        int
	seed        uint64
	extrapolate int
	fitBoot     int
	fs          *flag.FlagSet
}

// metricHelp lists the metrics for --help.
const metricHelp = "the `metric`: pass@k (at least one of k right), pass^k (all k right), " +
	"maj@k (majority vote over k, ties split; needs extracted answers), or " +
	"g-pass@k:τ (at least ⌈τk⌉ of k right; τ = 0.25, 0.5, 0.75 or 1, any 0 < τ ≤ 1)"

func (a *analysisFlags) register(fs *flag.FlagSet) {
	d := passk.DefaultOptions()
	a.fs = fs
	fs.StringVar(&a.metric, "metric", string(d.Metric), metricHelp)
	fs.StringVar(&a.k, "k", "", "comma-separated `list` of k (default: every k from 1 to the smallest n; the table shows powers of two)")
	fs.IntVar(&a.boot, "boot", d.Boot, "bootstrap replicates for 95% bands and crossover intervals; 0 turns them off")
	fs.Uint64Var(&a.seed, "seed", d.Seed, "bootstrap `seed`")
	fs.IntVar(&a.extrapolate, "extrapolate", 0, "predict pass@k (or pass^k) beyond each model's n up to this `K` from a beta-binomial fit: "+
		"powers of two and K, or the --k beyond n; also predicts crossovers up to max(K, 10^6)")
	fs.IntVar(&a.fitBoot, "fit-boot", d.FitBoot, "fit bootstrap replicates behind the bands of predicted points (default 200, or 0 with --boot 0)")
}

func (a *analysisFlags) options() (passk.Options, error) {
	opt := passk.DefaultOptions()
	m, err := passk.ParseMetric(a.metric)
	if err != nil {
		return opt, fmt.Errorf("%w: --metric %q: expected pass@k or pass^k, maj@k, or g-pass@k:τ with 0 < τ ≤ 1 (g-pass@k:0.25, g-pass@k:0.5, g-pass@k:0.75, g-pass@k:1)", errUsage, a.metric)
	}
	opt.Metric = m
	if a.boot < 0 {
		return opt, fmt.Errorf("%w: --boot %d: expected 0 or more replicates", errUsage, a.boot)
	}
	opt.Boot, opt.Seed = a.boot, a.seed
	ks, err := parseWholeList("k", a.k)
	if err != nil {
		return opt, err
	}
	opt.K = ks
	if a.extrapolate < 0 {
		return opt, fmt.Errorf("%w: --extrapolate %d: expected a k ≥ 1 (0: off)", errUsage, a.extrapolate)
	}
	if a.extrapolate > 0 && m != passk.PassAtK && m != passk.PassHatK {
		return opt, fmt.Errorf("%w: --extrapolate predicts pass@k and pass^k, not %s", errUsage, m)
	}
	if a.fitBoot < 0 {
		return opt, fmt.Errorf("%w: --fit-boot %d: expected 0 or more replicates", errUsage, a.fitBoot)
	}
	opt.Extrapolate, opt.FitBoot = a.extrapolate, a.fitBoot
	if a.boot == 0 && !a.set("fit-boot") {
		opt.FitBoot = 0
	}
	return opt, nil
}

// set reports whether the flag was given on the command line.
func (a *analysisFlags) set(name string) bool {
	found := false
	if a.fs != nil {
		a.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	}
	return found
}

// parseWholeList parses the value of --name, a comma-separated list of
// whole numbers ≥ 1 such as "1,2,4,8"; "" gives nil.
func parseWholeList(name, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var vs []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%w: --%s %q: expected a comma-separated list of whole numbers ≥ 1", errUsage, name, s)
		}
		vs = append(vs, v)
	}
	return vs, nil
}
