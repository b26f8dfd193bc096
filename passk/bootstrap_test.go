package passk

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTailsMatchFullSort(t *testing.T) {
	// The streaming interval (t smallest and t largest per position, merged
	// across workers) against sorting all B values and interpolating.
	rng := rand.New(rand.NewPCG(11, 12))
	for _, level := range []float64{0.95, 0.5, 0.99, 0.9} {
		for _, B := range []int{1, 2, 3, 7, 40, 41, 1000} {
			const P = 3
			values := make([][]float64, P)
			parts := []*tails{newTails(P, tailSize(B, level)), newTails(P, tailSize(B, level)), newTails(P, tailSize(B, level))}
			for b := range B {
				for p := range P {
					x := math.Round(rng.NormFloat64()*10) / 4 // with ties
					values[p] = append(values[p], x)
					parts[b%3].add(p, x)
				}
			}
			parts[0].merge(parts[1])
			parts[0].merge(parts[2])
			lo, hi := parts[0].interval(B, level)
			for p := range P {
				x := slices.Sorted(slices.Values(values[p]))
				hLo, hHi := quantileRanks(B, level)
				assert.Equal(t, quantileOf(x, 0, hLo), lo[p], "level %v B %d", level, B)
				assert.Equal(t, quantileOf(x, 0, hHi), hi[p], "level %v B %d", level, B)
			}
		}
	}
	// Type 7 by hand: 0..9, p = 0.025 → rank 0.225 → 0.225; p = 0.975 →
	// 8.775.
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	lo, hi := quantileRanks(10, 0.95)
	assert.InDelta(t, 0.225, quantileOf(x, 0, lo), 1e-12)
	assert.InDelta(t, 8.775, quantileOf(x, 0, hi), 1e-12)
}

func TestBandBernoulli(t *testing.T) {
	// 400 problems with n = 1, half solved: pass@1 = 0.5, and a replicate's
	// pass@1 is Binomial(400, ½)/400, whose 2.5% and 97.5% quantiles are
	// 181/400 and 219/400 (from the binomial CDF: P(X ≤ 180) = 0.0255,
	// P(X ≤ 219) = 0.9744). With 2000 replicates the percentile bounds land
	// within a couple of 1/400 steps of them.
	m := &Model{Label: "coin"}
	for i := range 400 {
		m.Problems = append(m.Problems, Problem{ID: fmt.Sprint(i), N: 1, C: i % 2})
	}
	rep, err := Analyze([]*Model{m}, Options{Boot: 2000, Seed: 1})
	require.NoError(t, err)
	pt := rep.Models[0].Curve[0]
	assert.Equal(t, 0.5, pt.Value)
	assert.InDelta(t, 181.0/400, pt.Lo, 2.5/400)
	assert.InDelta(t, 219.0/400, pt.Hi, 2.5/400)
}

func reportJSON(t *testing.T, r *Report) string {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	return string(b)
}

// rlPair is a base model that solves many problems sometimes and an RL
// model that solves fewer problems more often: the RL model leads at small
// k, the base model at large k (a crossing well inside 1..n).
func rlPair(seed uint64, problems, n int) (base, rl *Model) {
	rng := rand.New(rand.NewPCG(seed, 99))
	base, rl = &Model{Label: "base"}, &Model{Label: "rl"}
	for i := range problems {
		id := fmt.Sprintf("p%05d", i)
		p := rng.Float64()
		cb := int(float64(n) * p * 0.6 * rng.Float64())
		cr := 0
		if p > 0.35 {
			cr = min(n, int(float64(n)*(0.2+0.8*p)*rng.Float64()*1.2))
		}
		base.Problems = append(base.Problems, Problem{ID: id, N: n, C: cb})
		rl.Problems = append(rl.Problems, Problem{ID: id, N: n, C: cr})
	}
	return base, rl
}

func TestBootstrapReproducible(t *testing.T) {
	base, rl := rlPair(1, 120, 32)
	opt := Options{Boot: 300, Seed: 42}
	r1, err := Analyze([]*Model{base, rl}, opt)
	require.NoError(t, err)
	r2, err := Analyze([]*Model{base, rl}, opt)
	require.NoError(t, err)
	assert.Equal(t, reportJSON(t, r1), reportJSON(t, r2))

	// Another seed: other bands, same curves.
	opt.Seed = 43
	r3, err := Analyze([]*Model{base, rl}, opt)
	require.NoError(t, err)
	assert.NotEqual(t, r1.Models[0].Curve[3].Lo, r3.Models[0].Curve[3].Lo)
	assert.NotEqual(t, r1.Crossovers[0].Lo, r3.Crossovers[0].Lo)
	assert.Equal(t, r1.Models[0].Curve[3].Value, r3.Models[0].Curve[3].Value)

	// The problems' order and the number of threads change nothing.
	shuffled := &Model{Label: "rl", Problems: slices.Clone(rl.Problems)}
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(shuffled.Problems), func(i, j int) {
		shuffled.Problems[i], shuffled.Problems[j] = shuffled.Problems[j], shuffled.Problems[i]
	})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	opt.Seed = 42
	r4, err := Analyze([]*Model{base, shuffled}, opt)
	require.NoError(t, err)
	assert.Equal(t, reportJSON(t, r1), reportJSON(t, r4))
}

func TestBootstrapGolden(t *testing.T) {
	// Fixed bits: the same on every platform (this test also runs under
	// GOOS=js GOARCH=wasm). The draws of replicate 0 for seed 1 and a band
	// and crossover interval, printed with %v (shortest exact form).
	rng := replicateRNG(1, 0)
	var draws []uint64
	for range 8 {
		draws = append(draws, bounded(rng, 1000))
	}
	assert.Equal(t, goldenDraws, fmt.Sprint(draws))
	base, rl := rlPair(2, 60, 16)
	r, err := Analyze([]*Model{base, rl}, Options{Boot: 200, Seed: 7})
	require.NoError(t, err)
	pt, cr := r.Models[1].Curve[4], r.Crossovers[0]
	assert.Equal(t, goldenBand, fmt.Sprint(pt.Value, pt.Lo, pt.Hi))
	assert.Equal(t, goldenCross, fmt.Sprint(cr.K, cr.Lo, cr.Hi, cr.Share))
}

// Recorded on linux/amd64; the test checks that js/wasm (and any other
// platform) gives the same bits, not that the numbers are right.
const (
	goldenDraws = "[794 724 77 845 488 612 982 622]"
	goldenBand  = "0.4541475885225885 0.34355235042735044 0.553334478021978"
	goldenCross = "6.411264128700127 2.9426525988325314 11.183738299688265 0.98"
)

func TestJointAndSeparateAgree(t *testing.T) {
	// When all models have the same problems one bootstrap serves every band
	// and comparison; otherwise each model and each pair get their own. Both
	// paths draw replicate b from the same stream over problems sorted by
	// id, so they agree to the bit.
	base, rl := rlPair(3, 80, 24)
	joint, err := Analyze([]*Model{base, rl}, Options{Boot: 100, Seed: 5})
	require.NoError(t, err)
	// A third model with a problem of its own forces separate bootstraps.
	other := &Model{Label: "other", Problems: append(slices.Clone(base.Problems[1:]), Problem{ID: "extra", N: 24, C: 3})}
	sep, err := Analyze([]*Model{base, rl, other}, Options{Boot: 100, Seed: 5})
	require.NoError(t, err)
	assert.Equal(t, reportJSON(t, &Report{Models: joint.Models, Crossovers: joint.Crossovers}),
		reportJSON(t, &Report{Models: sep.Models[:2], Crossovers: sep.Crossovers[:1]}))
	// A model's band does not depend on its companions.
	alone, err := Analyze([]*Model{rl}, Options{Boot: 100, Seed: 5})
	require.NoError(t, err)
	assert.Equal(t, reportJSON(t, &Report{Models: alone.Models}), reportJSON(t, &Report{Models: joint.Models[1:]}))
}

func TestCrossoverIntervalStrongAndNoise(t *testing.T) {
	// Strong: 400 problems, a clear crossing. Nearly every replicate crosses,
	// and the interval is narrow around the headline.
	base, rl := rlPair(4, 400, 64)
	cr, err := Compare(base, rl, Options{Boot: 500, Seed: 1})
	require.NoError(t, err)
	require.False(t, math.IsNaN(cr.K))
	t.Logf("strong: k* = %.3f [%.3f, %.3f], share %.3f, leader %s", cr.K, cr.Lo, cr.Hi, cr.Share, cr.Leader)
	assert.Equal(t, "base", cr.Leader)
	assert.GreaterOrEqual(t, cr.Share, 0.99)
	assert.True(t, cr.Lo <= cr.K && cr.K <= cr.Hi)
	assert.Less(t, cr.Hi/cr.Lo, 2.0)

	// Noise: two models drawn from the same per-problem rates. Their curves
	// differ by sampling noise only; where they cross, replicates cross
	// elsewhere or not at all: a low share or a wide interval.
	rng := rand.New(rand.NewPCG(8, 8))
	a, b := &Model{Label: "a"}, &Model{Label: "b"}
	binom := func(n int, p float64) int {
		c := 0
		for range n {
			if rng.Float64() < p {
				c++
			}
		}
		return c
	}
	for i := range 60 {
		p := rng.Float64() * rng.Float64()
		a.Problems = append(a.Problems, Problem{ID: fmt.Sprint(i), N: 64, C: binom(64, p)})
		b.Problems = append(b.Problems, Problem{ID: fmt.Sprint(i), N: 64, C: binom(64, p)})
	}
	cr, err = Compare(a, b, Options{Boot: 500, Seed: 1})
	require.NoError(t, err)
	t.Logf("noise: k* = %.3f [%.3f, %.3f], share %.3f, all %v", cr.K, cr.Lo, cr.Hi, cr.Share, cr.All)
	assert.True(t, cr.Share < 0.9 || cr.Hi/cr.Lo > 4, "share %v, interval [%v, %v]", cr.Share, cr.Lo, cr.Hi)
	assert.True(t, cr.Share > 0 && cr.Share <= 1)
	if cr.Share > 0 {
		assert.True(t, 1 <= cr.Lo && cr.Lo <= cr.Hi && cr.Hi <= 64)
	}
}
