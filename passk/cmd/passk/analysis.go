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
	metric string
	k      string
	boot   int
	seed   uint64
}

func (a *analysisFlags) register(fs *flag.FlagSet) {
	d := passk.DefaultOptions()
	fs.StringVar(&a.metric, "metric", string(d.Metric), "the `metric`: pass@k (at least one of k right) or pass^k (all k right)")
	fs.StringVar(&a.k, "k", "", "comma-separated `list` of k (default: every k from 1 to the smallest n; the table shows powers of two)")
	fs.IntVar(&a.boot, "boot", d.Boot, "bootstrap replicates for 95% bands and crossover intervals; 0 turns them off")
	fs.Uint64Var(&a.seed, "seed", d.Seed, "bootstrap `seed`")
}

func (a *analysisFlags) options() (passk.Options, error) {
	opt := passk.DefaultOptions()
	switch m := passk.Metric(a.metric); m {
	case passk.PassAtK, passk.PassHatK:
		opt.Metric = m
	default:
		return opt, fmt.Errorf("%w: --metric %q: expected pass@k or pass^k", errUsage, a.metric)
	}
	if a.boot < 0 {
		return opt, fmt.Errorf("%w: --boot %d: expected 0 or more replicates", errUsage, a.boot)
	}
	opt.Boot, opt.Seed = a.boot, a.seed
	ks, err := parseKs(a.k)
	if err != nil {
		return opt, err
	}
	opt.K = ks
	return opt, nil
}

// parseKs parses "1,2,4,8"; "" gives nil.
func parseKs(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var ks []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return nil, fmt.Errorf("%w: --k %q: expected a comma-separated list of whole numbers ≥ 1", errUsage, s)
		}
		ks = append(ks, k)
	}
	return ks, nil
}
