package passk

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// populationCrossing is where the priors' own pass@k curves cross: the root
// of population(k, A) − population(k, B) in k, by bisection on whole k.
func populationCrossing(a, b [3]float64, lo, hi int) int {
	d := func(k int) float64 { return population(k, a[0], a[1], a[2]) - population(k, b[0], b[1], b[2]) }
	sLo := d(lo) > 0
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if (d(mid) > 0) == sLo {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func TestPredictedCrossover(t *testing.T) {
	// "rl" solves 92% of problems reliably and never the rest (π = 0.08,
	// Beta(6, 1)); "base" solves every problem now and then (Beta(0.6, 2)).
	// At n = 16 rl leads; the priors' curves cross at k = 121 (the truth the
	// prediction aims at), beyond n.
	A, B := [3]float64{6, 1, 0.08}, [3]float64{0.6, 2, 0}
	truth := populationCrossing(A, B, 16, 1_000_000)
	require.Equal(t, 121, truth)
	rl := generate("rl", 21, 1500, 16, A[0], A[1], A[2]).model
	base := generate("base", 22, 1500, 16, B[0], B[1], B[2]).model
	opt := DefaultOptions()
	opt.Boot, opt.Extrapolate = 200, 4096
	rep, err := Analyze([]*Model{rl, base}, opt)
	require.NoError(t, err)
	c := rep.Crossovers[0]
	assert.True(t, math.IsNaN(c.K), "no crossing up to n")
	assert.Equal(t, "rl", c.Leader)
	p := c.Prediction
	require.NotNil(t, p)
	t.Logf("predicted k* = %.1f [%.1f, %.1f], share %.3f; the priors cross at k = %d", p.K, p.Lo, p.Hi, p.Share, truth)
	assert.Equal(t, DefaultPredictLimit, p.KLimit)
	assert.Equal(t, "base", p.Leader)
	assert.True(t, p.Lo <= float64(truth) && float64(truth) <= p.Hi, "truth %d outside [%v, %v]", truth, p.Lo, p.Hi)
	assert.True(t, p.Lo <= p.K && p.K <= p.Hi)
	assert.Greater(t, p.Share, 0.95)
	// The predicted curves do cross at k*: D changes sign around it.
	fa := newFitBoot(rl.Problems, sortedByID(rl), 0, 1)
	fb := newFitBoot(base.Problems, sortedByID(base), 0, 1)
	d := func(k float64) float64 {
		return fa.ft.prior.predictAt(PassAtK, fa.data, k) - fb.ft.prior.predictAt(PassAtK, fb.data, k)
	}
	assert.Positive(t, d(p.K*(1-1e-6)))
	assert.Negative(t, d(p.K*(1+1e-6)))
	for _, w := range rep.Warnings {
		assert.NotContains(t, w, "the fits put", "the fits agree with the data at n")
	}
}

func TestPredictedNoCrossover(t *testing.T) {
	// Beta(2, 1) against Beta(0.5, 2): the first leads at every k (its
	// failure decays as k⁻², the other's as k^−½). Beta(2, 1) rarely gives
	// c = 0, so no replicate's AIC takes a mass of unsolvable problems
	// for it (which would cap its curve at 1 − π and make one cross).
	a := generate("a", 31, 800, 8, 2, 1, 0).model
	b := generate("b", 32, 800, 8, 0.5, 2, 0).model
	opt := DefaultOptions()
	opt.Boot, opt.Extrapolate, opt.FitBoot = 0, 100, 50
	c, err := Compare(a, b, opt)
	require.NoError(t, err)
	require.NotNil(t, c.Prediction)
	assert.True(t, math.IsNaN(c.Prediction.K))
	assert.Equal(t, "a", c.Prediction.Leader)
	assert.Less(t, c.Prediction.Share, 0.05)
	// Without extrapolation there is no prediction.
	opt.Extrapolate = 0
	c, err = Compare(a, b, opt)
	require.NoError(t, err)
	assert.Nil(t, c.Prediction)
}

func TestCrossingSearch(t *testing.T) {
	// D(k) = ln(k) − ln(1234.5): one root, found to a relative 1e-9.
	k, start, end := crossingSearch(func(k float64) float64 { return math.Log(1234.5) },
		func(k float64) float64 { return math.Log(k) }, 8, 1e6)
	assert.InEpsilon(t, 1234.5, k, 2e-9)
	assert.Equal(t, 1, start)
	assert.Equal(t, -1, end)
	// No root: NaN; ties at the start take the first sign after them.
	k, start, end = crossingSearch(func(float64) float64 { return 1 }, func(k float64) float64 { return 1 - 1/k }, 8, 1e6)
	assert.True(t, math.IsNaN(k))
	assert.Equal(t, 1, start)
	assert.Equal(t, 1, end)
}

func TestExtrapolateGridAndJSON(t *testing.T) {
	g := generate("m", 41, 200, 16, 0.5, 1, 0.1).model
	opt := DefaultOptions()
	opt.Boot, opt.FitBoot, opt.Extrapolate = 100, 50, 100
	rep, err := Analyze([]*Model{g}, opt)
	require.NoError(t, err)
	curve := rep.Models[0].Curve
	var observed, predicted []int
	for _, p := range curve {
		if p.Predicted {
			predicted = append(predicted, p.K)
			assert.True(t, p.Lo <= p.Value && p.Value <= p.Hi, "k = %d", p.K)
		} else {
			observed = append(observed, p.K)
		}
	}
	assert.Equal(t, DenseGrid(16), observed)
	assert.Equal(t, []int{32, 64, 100}, predicted, "powers of two beyond n, and K")
	// Predicted values rise with k and stay below 1 − π.
	for j := 1; j < len(curve); j++ {
		assert.GreaterOrEqual(t, curve[j].Value, curve[j-1].Value-1e-12)
	}
	assert.Equal(t, 100, rep.Extrapolate)
	assert.Equal(t, 50, rep.FitBoot)

	// The JSON: predicted points say so, the fit is there, and it reads
	// back the same.
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	s := string(b)
	assert.Contains(t, s, `"predicted":true`)
	assert.Contains(t, s, `"fit":{"chosen":`)
	assert.Contains(t, s, `"beta_binomial":{`)
	assert.Contains(t, s, `"zero_inflated":{`)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, reportJSON(t, rep), reportJSON(t, &back))

	// With --k, the listed k beyond n are the predicted points; beyond the
	// extrapolation they are omitted with a warning.
	opt.K = []int{1, 8, 20, 50, 500}
	rep, err = Analyze([]*Model{g}, opt)
	require.NoError(t, err)
	var ks []string
	for _, p := range rep.Models[0].Curve {
		ks = append(ks, fmt.Sprintf("%d%v", p.K, map[bool]string{true: "*"}[p.Predicted]))
	}
	assert.Equal(t, []string{"1", "8", "20*", "50*"}, ks)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "k = 500 beyond its range (k ≤ 16, its smallest n) and beyond the extrapolation (k ≤ 100)")
}

func TestNoExtrapolationKeepsJSON(t *testing.T) {
	// Without extrapolation the report has none of the new fields.
	base, rl := rlPair(3, 30, 12)
	opt := DefaultOptions()
	opt.Boot = 50
	rep, err := Analyze([]*Model{base, rl}, opt)
	require.NoError(t, err)
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	for _, key := range []string{`"fit"`, `"predicted`, `"extrapolate"`, `"fit_boot"`} {
		assert.NotContains(t, string(b), key)
	}
}

func TestExtrapolateOptions(t *testing.T) {
	m := generate("m", 1, 20, 4, 1, 1, 0).model
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{Extrapolate: -1}, "extrapolate"},
		{Options{Extrapolate: maxExtrapolate + 1}, "extrapolate"},
		{Options{Extrapolate: 10, FitBoot: -1}, "fit bootstrap"},
		{Options{Extrapolate: 10, Metric: MajAtK}, "extrapolation predicts"},
		{Options{Extrapolate: 10, Metric: GPassAtK(0.5)}, "extrapolation predicts"},
	} {
		_, err := Analyze([]*Model{m}, tc.opt)
		require.ErrorIs(t, err, ErrInvalidOption)
		assert.Contains(t, err.Error(), tc.want)
	}
	// pass^k extrapolates too: it falls with k.
	opt := Options{Metric: PassHatK, Extrapolate: 64, FitBoot: 20}
	rep, err := Analyze([]*Model{m}, opt)
	require.NoError(t, err)
	curve := rep.Models[0].Curve
	assert.True(t, curve[len(curve)-1].Predicted)
	assert.Less(t, curve[len(curve)-1].Value, curve[0].Value)
}

func TestMajorityThroughAnalyze(t *testing.T) {
	// maj@k of a model is the mean of its problems' maj@k, with a
	// bootstrap band; a model without answers is an error that names it
	// and the formats that carry answers.
	var ps []Problem
	for i, e := range majorityCases() {
		p := e.problem()
		if p.N < 4 {
			continue
		}
		p.ID = fmt.Sprint("p", i)
		ps = append(ps, p)
	}
	m := &Model{Label: "voter", Problems: ps}
	opt := DefaultOptions()
	opt.Metric, opt.Boot = MajAtK, 200
	rep, err := Analyze([]*Model{m}, opt)
	require.NoError(t, err)
	K, _ := m.NRange()
	require.Len(t, rep.Models[0].Curve, K)
	for _, pt := range rep.Models[0].Curve {
		var want float64
		for _, p := range ps {
			v, err := MajorityValues(p, []int{pt.K})
			require.NoError(t, err)
			want += v[0]
		}
		want /= float64(len(ps))
		assert.InDelta(t, want, pt.Value, 1e-14, "k = %d", pt.K)
		assert.True(t, pt.Lo <= pt.Value && pt.Value <= pt.Hi)
	}
	plain := &Model{Label: "counts-only", Format: "human-eval", Problems: []Problem{{ID: "a", N: 4, C: 2}}}
	_, err = Analyze([]*Model{m, plain}, opt)
	require.ErrorIs(t, err, ErrNoAnswers)
	assert.Contains(t, err.Error(), `"counts-only" (read as human-eval)`)
	assert.Contains(t, err.Error(), "qwen-math")
	// G-Pass through Analyze: the mean of GPassValue.
	opt.Metric, opt.Boot = GPassAtK(0.75), 0
	rep, err = Analyze([]*Model{plain}, opt)
	require.NoError(t, err)
	v, _ := GPassValue(4, 2, 3, 0.75)
	assert.InDelta(t, v, rep.Models[0].Curve[2].Value, 1e-15)
}

// TestFitTooMuchWork: 5,000 distinct tallies at n = 65,536 with 200 fit
// replicates would take minutes: not fitted, with why, and the measured
// curve and crossover are still there.
func TestFitTooMuchWork(t *testing.T) {
	m := &Model{Label: "wide"}
	for i := range 5000 {
		m.Problems = append(m.Problems, Problem{ID: fmt.Sprint(i), N: MaxN, C: i * 13})
	}
	other := &Model{Label: "other"}
	for i := range 5000 {
		other.Problems = append(other.Problems, Problem{ID: fmt.Sprint(i), N: MaxN, C: (i % 4) * 1000})
	}
	rep, err := Analyze([]*Model{m, other}, Options{Boot: 0, FitBoot: 200, Extrapolate: 1 << 20, K: []int{1, MaxN, 1 << 20}})
	require.NoError(t, err)
	assert.Equal(t, "not fitted: fitting 5000 distinct (n, c) tallies up to n = 65536 with 200 bootstrap replicates needs about 1.1e+09 steps, more than 5e+08 (fewer replicates need fewer): beyond passk's limits", rep.Models[0].Fit.Note)
	assert.Len(t, rep.Models[0].Curve, 2, "measured points only")
	assert.Contains(t, rep.Warnings, "wide: nothing beyond its n is predicted: fitting 5000 distinct (n, c) tallies up to n = 65536 with 200 bootstrap replicates needs about 1.1e+09 steps, more than 5e+08 (fewer replicates need fewer): beyond passk's limits")
	require.Len(t, rep.Crossovers, 1)
	assert.Nil(t, rep.Crossovers[0].Prediction)
	require.Len(t, rep.Models[1].Curve, 3, "the other model is predicted")
	assert.True(t, rep.Models[1].Curve[2].Predicted)
}
