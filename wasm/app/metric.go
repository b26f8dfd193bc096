package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/passk/passk/passk"
)

// The metrics the page offers, and its predictions beyond the sampled n
// (design §3, "Extrapolation beyond n"; passk/predict.go).

// MaxExtrapolate bounds Settings.Extrapolate: the page predicts up to
// k = 10^9 at most.
const MaxExtrapolate = 1_000_000_000

// FitBoot is the number of fit bootstrap replicates behind the bands of the
// page's predicted points and the intervals of its predicted crossovers.
// It is half the CLI's default (passk.DefaultFitBoot = 200): each replicate
// refits both priors by numerical optimisation, and the browser runs them
// on one thread, so that turning predictions on stays within about a
// second for typical files. `passk curve --extrapolate K --fit-boot 100`
// gives the page's numbers.
const FitBoot = 100

// Metrics returns the metrics the page offers, in the order of its picker:
// pass@k, pass^k, maj@k, and G-Pass@k_τ for each τ of passk.GPassTaus.
func Metrics() []passk.Metric {
	out := []passk.Metric{passk.PassAtK, passk.PassHatK, passk.MajAtK}
	for _, tau := range passk.GPassTaus {
		out = append(out, passk.GPassAtK(tau))
	}
	return out
}

// checkMetric checks that the page offers m.
func checkMetric(m passk.Metric) error {
	all := Metrics()
	if slices.Contains(all, m) {
		return nil
	}
	names := make([]string, len(all))
	for i, x := range all {
		names[i] = fmt.Sprintf("%q", x)
	}
	return fmt.Errorf("metric %q, expected one of %s", m, strings.Join(names, ", "))
}

// Predicts reports whether the page can predict metric m beyond n: pass@k
// and pass^k only (passk.Options.Extrapolate).
func Predicts(m passk.Metric) bool { return m == passk.PassAtK || m == passk.PassHatK }

// checkExtrapolate checks a Settings.Extrapolate.
func checkExtrapolate(k int) error {
	if k < 0 || k > MaxExtrapolate {
		return fmt.Errorf("predict up to k = %d, expected 0 (off) or 1 up to %d", k, MaxExtrapolate)
	}
	return nil
}

// SetExtrapolate predicts pass@k and pass^k beyond each model's n up to k
// (0 turns predictions off). The setting is kept whatever the metric; it
// applies while the metric is pass@k or pass^k.
func (a *App) SetExtrapolate(ctx context.Context, k int) error {
	if err := checkExtrapolate(k); err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}
	return a.update(ctx, func(s *Session) error {
		s.Settings.Extrapolate = k
		return nil
	})
}

// analysisOptions returns the options of the analysis the page shows for
// metric under the session's settings: Options(metric), predicting up to
// Settings.Extrapolate when metric is pass@k or pass^k. The caller holds
// a.mu.
func (a *App) analysisOptions(metric passk.Metric) passk.Options {
	return PredictOptions(metric, a.s.Settings.Extrapolate)
}

// PredictOptions is Options(metric) predicting up to extrapolate (0: off)
// when the metric can be predicted: what the page computes with "predict
// up to k" set.
func PredictOptions(metric passk.Metric, extrapolate int) passk.Options {
	opt := Options(metric)
	if Predicts(metric) {
		opt.Extrapolate = extrapolate
	}
	return opt
}

// unavailable returns why the metrics of Metrics that need extracted
// answers cannot be computed for the open session (keyed by metric; empty
// when all can): the error passk.Analyze gives, which names the first
// model without answers and the formats that record them. The caller holds
// a.mu.
func (a *App) unavailable() map[passk.Metric]string {
	out := map[passk.Metric]string{}
	for _, m := range Metrics() {
		if !m.NeedsAnswers() {
			continue
		}
		for _, e := range a.s.Models {
			if hasAnswers(e.Model) {
				continue
			}
			// Analyze refuses the model before computing anything.
			_, err := analyze([]*passk.Model{e.Model}, passk.Options{Metric: m, K: []int{1}})
			if err == nil {
				err = fmt.Errorf("model %q has no extracted answers", e.Model.Label)
			}
			out[m] = err.Error()
			break
		}
	}
	return out
}

// hasAnswers reports whether some problem of m carries extracted answers.
func hasAnswers(m *passk.Model) bool {
	for i := range m.Problems {
		if len(m.Problems[i].Answers) > 0 {
			return true
		}
	}
	return false
}
