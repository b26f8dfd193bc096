package passk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// generated is a model drawn from a known prior: p_i = 0 with probability
// pi, else p_i ~ Beta(alpha, beta); c_i ~ Binomial(n, p_i). It keeps the
// true p_i.
type generated struct {
	model *Model
	p     []float64
}

func generate(label string, seed uint64, N, n int, alpha, beta, pi float64) generated {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	be := distuv.Beta{Alpha: alpha, Beta: beta, Src: rand.NewPCG(seed+1, seed+2)}
	g := generated{model: &Model{Label: label}}
	for i := range N {
		p := be.Rand()
		if rng.Float64() < pi {
			p = 0
		}
		c := 0
		for range n {
			if rng.Float64() < p {
				c++
			}
		}
		g.model.Problems = append(g.model.Problems, Problem{ID: fmt.Sprintf("q%05d", i), N: n, C: c})
		g.p = append(g.p, p)
	}
	return g
}

// truth is the in-sample expected pass@k of the true rates:
// 1 − (1/N) Σ (1 − p_i)^k.
func (g generated) truth(k int) float64 {
	var s float64
	for _, p := range g.p {
		s += -math.Expm1(float64(k) * math.Log1p(-p))
	}
	return s / float64(len(g.p))
}

// population is pass@k of the prior itself: (1 − π)(1 − B(α, β + k)/B(α, β)),
// from the product form Π_{j<k} (β + j)/(α + β + j) (independent of
// lgammaRatio).
func population(k int, alpha, beta, pi float64) float64 {
	logR := 0.0
	for j := 0; j < k; j++ {
		logR += math.Log((beta + float64(j)) / (alpha + beta + float64(j)))
	}
	return (1 - pi) * -math.Expm1(logR)
}

func fitOnly(t *testing.T, m *Model, extrapolate int, ks []int) *Report {
	return fitWith(t, m, extrapolate, ks, DefaultFitBoot)
}

func fitWith(t *testing.T, m *Model, extrapolate int, ks []int, fitBoot int) *Report {
	t.Helper()
	opt := DefaultOptions()
	opt.Boot, opt.Extrapolate, opt.K, opt.FitBoot = 0, extrapolate, ks, fitBoot
	rep, err := Analyze([]*Model{m}, opt)
	require.NoError(t, err)
	return rep
}

func TestFitRecoversParameters(t *testing.T) {
	// 2000 problems, n = 16, from Beta(0.6, 1.4): the plain prior is
	// chosen and its 95% fit-bootstrap intervals hold the true α and β.
	g := generate("plain", 3, 2000, 16, 0.6, 1.4, 0)
	f := fitOnly(t, g.model, 64, nil).Models[0].Fit
	require.NotNil(t, f)
	assert.Equal(t, FitBetaBinomial, f.Chosen)
	assert.Equal(t, 200, f.Boot)
	assert.Equal(t, 2000, f.Problems)
	t.Logf("α = %.4f [%.4f, %.4f], β = %.4f [%.4f, %.4f]", f.Plain.Alpha, f.AlphaLo, f.AlphaHi, f.Plain.Beta, f.BetaLo, f.BetaHi)
	assert.True(t, f.AlphaLo <= 0.6 && 0.6 <= f.AlphaHi, "α interval [%v, %v]", f.AlphaLo, f.AlphaHi)
	assert.True(t, f.BetaLo <= 1.4 && 1.4 <= f.BetaHi, "β interval [%v, %v]", f.BetaLo, f.BetaHi)
	assert.InDelta(t, 2*2-2*f.Plain.LogLik, f.Plain.AIC, 1e-9)
	assert.InDelta(t, 2*3-2*f.ZeroInflated.LogLik, f.ZeroInflated.AIC, 1e-9)
	// The zero-inflated prior nests the plain one: never a worse maximum.
	assert.GreaterOrEqual(t, f.ZeroInflated.LogLik, f.Plain.LogLik-1e-6)
}

func TestFitRecoversZeroInflation(t *testing.T) {
	// A quarter of the problems unsolvable, the rest Beta(1.5, 2): the
	// zero-inflated prior wins clearly by AIC and is the one used.
	g := generate("zi", 5, 2000, 16, 1.5, 2, 0.25)
	f := fitOnly(t, g.model, 64, nil).Models[0].Fit
	assert.Equal(t, FitZeroInflated, f.Chosen)
	zi := f.ZeroInflated
	t.Logf("π = %.4f [%.4f, %.4f], α = %.4f [%.4f, %.4f], β = %.4f [%.4f, %.4f]; AIC %.2f against %.2f",
		zi.Pi, f.PiLo, f.PiHi, zi.Alpha, f.AlphaLo, f.AlphaHi, zi.Beta, f.BetaLo, f.BetaHi, zi.AIC, f.Plain.AIC)
	assert.Less(t, zi.AIC, f.Plain.AIC-10, "a clear win")
	assert.InDelta(t, 0.25, zi.Pi, 0.05)
	assert.Equal(t, f.ZeroInflated, f.Used())
}

func TestFitIntervalsCover(t *testing.T) {
	// The 95% fit-bootstrap intervals hold the true parameters in most
	// data sets: 20 seeded data sets of 1000 problems, n = 16, per prior,
	// with 100 replicates each.
	// A calibrated interval covers 17 or more of 20 with probability
	// 98.4% (binomial); these seeds give 18–20 (see the log).
	if testing.Short() {
		t.Skip("fits 40 data sets")
	}
	for _, tc := range []struct {
		name            string
		alpha, beta, pi float64
	}{
		{"plain", 0.6, 1.4, 0},
		{"zero-inflated", 1.5, 2, 0.25},
	} {
		ca, cb, cp, chosen := 0, 0, 0, 0
		for s := range 20 {
			g := generate(tc.name, uint64(100+s), 1000, 16, tc.alpha, tc.beta, tc.pi)
			f := fitWith(t, g.model, 64, nil, 100).Models[0].Fit
			inside := func(lo, x, hi float64) int {
				if lo <= x && x <= hi {
					return 1
				}
				return 0
			}
			ca += inside(f.AlphaLo, tc.alpha, f.AlphaHi)
			cb += inside(f.BetaLo, tc.beta, f.BetaHi)
			cp += inside(f.PiLo, tc.pi, f.PiHi)
			if (f.Chosen == FitZeroInflated) == (tc.pi > 0) {
				chosen++
			}
		}
		t.Logf("%s: α covered %d/20, β %d/20, π %d/20; the right prior chosen %d/20", tc.name, ca, cb, cp, chosen)
		assert.GreaterOrEqual(t, ca, 17, tc.name)
		assert.GreaterOrEqual(t, cb, 17, tc.name)
		assert.GreaterOrEqual(t, cp, 17, tc.name)
		assert.GreaterOrEqual(t, chosen, 17, tc.name)
	}
}

func TestPredictedCurveMatchesTruth(t *testing.T) {
	// Rates from the prior, n = 8 samples each; the prediction far beyond
	// n must lie within its band of the truth: the in-sample expected
	// pass@k of the true rates, and the prior's own pass@k. Beyond k ≈ 10⁴
	// the in-sample truth is decided by the handful of problems with
	// p < 1/k, so the checks stop at 4096.
	for _, tc := range []struct {
		name            string
		alpha, beta, pi float64
	}{
		{"plain", 0.4, 1.2, 0},
		{"zero-inflated", 0.5, 1.5, 0.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := generate(tc.name, 11, 2000, 8, tc.alpha, tc.beta, tc.pi)
			ks := []int{64, 512, 4096}
			rep := fitOnly(t, g.model, 4096, ks)
			pts := rep.Models[0].Curve
			require.Len(t, pts, 3)
			for j, pt := range pts {
				require.True(t, pt.Predicted)
				require.Equal(t, ks[j], pt.K)
				truth, pop := g.truth(pt.K), population(pt.K, tc.alpha, tc.beta, tc.pi)
				t.Logf("k = %d: predicted %.4f [%.4f, %.4f], in-sample truth %.4f, prior %.4f", pt.K, pt.Value, pt.Lo, pt.Hi, truth, pop)
				assert.True(t, pt.Lo <= truth && truth <= pt.Hi, "k = %d: truth %v outside [%v, %v]", pt.K, truth, pt.Lo, pt.Hi)
				assert.True(t, pt.Lo <= pop && pop <= pt.Hi, "k = %d: prior %v outside [%v, %v]", pt.K, pop, pt.Lo, pt.Hi)
			}
		})
	}
}

func TestPriorValueAgainstProducts(t *testing.T) {
	// The empirical-Bayes value against the product form of the beta
	// function ratio, B(a', b'+k)/B(a', b') = Π_{j<k} (b'+j)/(a'+b'+j), and
	// the posterior weight of "unsolvable" by hand: 1e-12 relative to the
	// failure probability for pass@k, 1e-11 relative for pass^k, whose
	// values reach 1e-44 at k = 10⁵ where both sides' logs (about −100)
	// carry errors of a few 1e-14 (the reference sums 10⁵ logs).
	for _, pr := range []prior{{alpha: 0.3, beta: 1.7}, {alpha: 2.5, beta: 0.4, pi: 0.2}, {alpha: 40, beta: 900, pi: 0.05}} {
		for _, nc := range [][2]int{{8, 0}, {8, 3}, {16, 16}, {1, 0}, {100, 1}} {
			n, c := nc[0], nc[1]
			a, b := pr.alpha+float64(c), pr.beta+float64(n-c)
			solv := 1.0
			if c == 0 && pr.pi > 0 {
				bb0 := 1.0 // B(α, β+n)/B(α, β)
				for j := 0; j < n; j++ {
					bb0 *= (pr.beta + float64(j)) / (pr.alpha + pr.beta + float64(j))
				}
				solv = (1 - pr.pi) * bb0 / (pr.pi + (1-pr.pi)*bb0)
			}
			assert.InDelta(t, solv, pr.solvable(n, c), 1e-14)
			for _, k := range []int{1, 2, 10, 1000, 100000} {
				var logF, logH float64
				for j := 0; j < k; j++ {
					logF += math.Log((b + float64(j)) / (a + b + float64(j)))
					logH += math.Log((a + float64(j)) / (a + b + float64(j)))
				}
				wantAt := solv * -math.Expm1(logF)
				wantHat := solv * math.Exp(logH)
				assert.InDelta(t, wantAt, pr.value(PassAtK, n, c, float64(k)), 1e-12*math.Max(math.Exp(logF), wantAt), "%+v n %d c %d k %d", pr, n, c, k)
				assert.InDelta(t, wantHat, pr.value(PassHatK, n, c, float64(k)), 1e-11*wantHat+1e-300, "pass^k %+v n %d c %d k %d", pr, n, c, k)
			}
		}
	}
}

func TestFitDegenerate(t *testing.T) {
	mk := func(label string, n int, cs ...int) *Model {
		m := &Model{Label: label}
		for i, c := range cs {
			m.Problems = append(m.Problems, Problem{ID: fmt.Sprint(i), N: n, C: c})
		}
		return m
	}
	// Nothing solved: every prediction is 0, and says why.
	rep := fitOnly(t, mk("none", 4, 0, 0, 0), 32, nil)
	f := rep.Models[0].Fit
	assert.Contains(t, f.Note, "no sample")
	assert.Equal(t, "", f.Chosen)
	for _, pt := range rep.Models[0].Curve[4:] {
		assert.True(t, pt.Predicted)
		assert.Equal(t, 0.0, pt.Value)
	}
	// Everything solved: 1.
	rep = fitOnly(t, mk("all", 4, 4, 4), 32, nil)
	assert.Equal(t, 1.0, rep.Models[0].Curve[len(rep.Models[0].Curve)-1].Value)
	// One sample per problem: no prediction, a warning, a note.
	rep = fitOnly(t, mk("one", 1, 0, 1, 1, 0, 1), 32, nil)
	assert.Len(t, rep.Models[0].Curve, 1, "only k = 1, observed")
	assert.Contains(t, rep.Models[0].Fit.Note, "one sample")
	assert.Contains(t, fmt.Sprint(rep.Warnings), ErrNotIdentifiable.Error())
	// No problem unsolved: the zero-inflated maximum is the plain one, π = 0,
	// and AIC prefers the plain prior by 2.
	rep = fitOnly(t, mk("solved", 8, 1, 3, 5, 8, 2, 7, 8, 1), 32, nil)
	f = rep.Models[0].Fit
	assert.Equal(t, FitBetaBinomial, f.Chosen)
	assert.Equal(t, 0.0, f.ZeroInflated.Pi)
	assert.InDelta(t, f.Plain.AIC+2, f.ZeroInflated.AIC, 1e-9)
	// Tallies no more spread than binomial: the fit stops at its bound and
	// says so; the prediction is that of a common p.
	rep = fitOnly(t, mk("binomial", 16, 4, 4, 4, 4, 4, 4, 4, 4), 64, []int{64})
	assert.Contains(t, rep.Models[0].Fit.Note, "bound")
	assert.InDelta(t, 1-math.Pow(0.75, 64), rep.Models[0].Curve[0].Value, 1e-4)
}

// benchFitData is 5000 problems with n samples from a zero-inflated prior.
func benchFitData(n int) *Model {
	return generate("bench", 9, 5000, n, 0.4, 1.5, 0.1).model
}

// BenchmarkFit is one fit of both priors to 5000 problems (no bootstrap).
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{16, 1024} {
		m := benchFitData(n)
		gr := groupTallies(m.Problems, sortedByID(m))
		d := newFitData(gr.keys, gr.counts())
		b.Run(fmt.Sprintf("n=%d/groups=%d", n, len(d.n)), func(b *testing.B) {
			for b.Loop() {
				fitBoth(d)
			}
		})
	}
}

// BenchmarkFitBoot is the fit with its default 200 bootstrap replicates,
// and the predicted points of the default extrapolation grid to 10⁶.
func BenchmarkFitBoot(b *testing.B) {
	for _, n := range []int{16, 1024} {
		m := benchFitData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				fb := newFitBoot(m.Problems, sortedByID(m), DefaultFitBoot, 1)
				fb.predicted(PassAtK, predictedGrid(n, 1_000_000, nil), 0.95)
			}
		})
	}
}

func TestObjectiveGradient(t *testing.T) {
	// The analytic gradient of the negative log-likelihood against central
	// differences (step 1e-6: error ~1e-6 relative), for both priors, on
	// data with few groups per n (evaluated group by group) and many (by
	// running sums), and inside the penalty region.
	few := generate("few", 3, 300, 8, 0.7, 1.3, 0.2).model
	many := generate("many", 4, 300, 64, 0.7, 1.3, 0.2).model
	for _, m := range []*Model{few, many} {
		gr := groupTallies(m.Problems, sortedByID(m))
		d := newFitData(gr.keys, gr.counts())
		for _, zi := range []bool{false, true} {
			o := &bbObjective{d: d, zi: zi}
			for _, x := range [][]float64{{-0.3, 0.2, -1}, {1.5, -2, 0.5}, {21, 20.5, -22}} {
				if !zi {
					x = x[:2]
				}
				_, grad := o.eval(x, nil)
				for i := range x {
					h := 1e-6
					xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
					xp[i] += h
					xm[i] -= h
					fp, _ := o.eval(xp, nil)
					fm, _ := o.eval(xm, nil)
					num := (fp - fm) / (2 * h)
					assert.InDelta(t, num, grad[i], 1e-5*math.Max(1, math.Abs(num)), "%s zi %v x %v i %d", m.Label, zi, x, i)
				}
			}
		}
	}
}
