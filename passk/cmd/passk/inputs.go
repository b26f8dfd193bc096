package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
)

// readFlags are the flags of every command that reads result files.
type readFlags struct {
	format    string
	threshold float64
	scorer    string
	variant   string
	n         int
}

func (r *readFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.format, "format", "", "read every file as this `format` (see 'passk formats'); default: detect from the content")
	fs.Float64Var(&r.threshold, "threshold", 1, "a fractional score counts as correct when ≥ this `value`")
	fs.StringVar(&r.scorer, "scorer", "", "Inspect logs: read only this `scorer` (default: each scorer is its own model)")
	fs.StringVar(&r.variant, "variant", "", "evalplus: read only `base` (HumanEval) or plus (HumanEval+)")
	fs.IntVar(&r.n, "n", 0, "samples per problem, for files that do not store it (LiveCodeBench leaderboards)")
}

// input is one file argument: PATH or LABEL=PATH.
type input struct {
	label, path string
}

// parseInput splits LABEL=PATH. An argument that names an existing file
// is a path even if it contains '='.
func parseInput(arg string) (input, error) {
	if arg == "" {
		return input{}, fmt.Errorf("%w: empty file argument", errUsage)
	}
	if _, err := os.Stat(arg); err == nil {
		return input{path: arg}, nil
	}
	if i := strings.IndexByte(arg, '='); i >= 0 {
		label, path := arg[:i], arg[i+1:]
		if label == "" || path == "" {
			return input{}, fmt.Errorf("%w: %q: expected PATH or LABEL=PATH", errUsage, arg)
		}
		return input{label: label, path: path}, nil
	}
	return input{path: arg}, nil
}

// load reads every file argument into models, in argument order, and
// returns them with the readers' warnings. Labels must be unique.
func (r *readFlags) load(args []string) ([]*passk.Model, []string, error) {
	if len(args) == 0 {
		return nil, nil, fmt.Errorf("%w: no result files given; expected [LABEL=]FILE ...", errUsage)
	}
	var models []*passk.Model
	var warnings []string
	seen := map[string]string{}
	for _, arg := range args {
		in, err := parseInput(arg)
		if err != nil {
			return nil, nil, err
		}
		f, err := format.ReadFile(in.path, &format.Options{
			Format:    r.format,
			Threshold: r.threshold,
			Scorer:    r.scorer,
			Variant:   r.variant,
			N:         r.n,
			Label:     in.label,
		})
		if err != nil {
			return nil, nil, err
		}
		for _, w := range f.Warnings {
			warnings = append(warnings, w.Error())
		}
		for _, m := range f.Models {
			if prev, ok := seen[m.Label]; ok {
				return nil, nil, fmt.Errorf("%w: label %q is given by both %s and %s; name them apart with LABEL=PATH", errUsage, m.Label, prev, in.path)
			}
			seen[m.Label] = in.path
			models = append(models, m)
		}
	}
	return models, warnings, nil
}
