package passk

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exactBinomial returns P(k) of Binomial(n, p) for every k, as rationals
// (p taken exactly as the float64 it is).
func exactBinomial(n int64, p float64) []*big.Rat {
	P := new(big.Rat).SetFloat64(p)
	Q := new(big.Rat).Sub(big.NewRat(1, 1), P)
	pow := func(x *big.Rat) []*big.Rat {
		out := []*big.Rat{big.NewRat(1, 1)}
		for range n {
			out = append(out, new(big.Rat).Mul(out[len(out)-1], x))
		}
		return out
	}
	pp, qq := pow(P), pow(Q)
	out := make([]*big.Rat, n+1)
	for k := int64(0); k <= n; k++ {
		c := new(big.Rat).SetInt(new(big.Int).Binomial(n, k))
		out[k] = c.Mul(c, new(big.Rat).Mul(pp[k], qq[n-k]))
	}
	return out
}

// TestBinomialTermsExact: the sampler's probabilities, normalised, equal
// the exact binomial ones to 1e-12 relative, and what the walk leaves out
// of the tails weighs less than 1e-15.
func TestBinomialTermsExact(t *testing.T) {
	for _, c := range []struct {
		n int64
		p float64
	}{{1, 0.5}, {2, 0.999}, {10, 0.3}, {40, 1.0 / 3}, {100, 0.01}, {200, 0.5}, {300, 0.9}, {300, 7.0 / 300}} {
		exact := exactBinomial(c.n, c.p)
		lo, terms, sum := binomialTerms(c.n, c.p, nil)
		in := new(big.Rat)
		for i, r := range terms {
			k := lo + int64(i)
			want, _ := exact[k].Float64()
			got := r / sum
			assert.InEpsilon(t, want, got, 1e-12, "n=%d p=%v k=%d", c.n, c.p, k)
			in.Add(in, exact[k])
		}
		out, _ := new(big.Rat).Sub(big.NewRat(1, 1), in).Float64()
		assert.Less(t, out, 1e-15, "n=%d p=%v: mass left out", c.n, c.p)
	}
}

// TestBinomialTermsLarge: for large n, against the pmf by log-gamma.
func TestBinomialTermsLarge(t *testing.T) {
	for _, c := range []struct {
		n int64
		p float64
	}{{100000, 0.2}, {1000000, 0.5}, {1000000, 3e-6}, {2000000, 0.999999}} {
		lo, terms, sum := binomialTerms(c.n, c.p, nil)
		lgn, _ := math.Lgamma(float64(c.n + 1))
		total := 0.0
		for i, r := range terms {
			k := lo + int64(i)
			lk, _ := math.Lgamma(float64(k + 1))
			lnk, _ := math.Lgamma(float64(c.n - k + 1))
			want := math.Exp(lgn - lk - lnk + float64(k)*math.Log(c.p) + float64(c.n-k)*math.Log1p(-c.p))
			total += want
			if want > 1e-12 {
				assert.InEpsilon(t, want, r/sum, 1e-7, "n=%d p=%v k=%d", c.n, c.p, k)
			}
		}
		assert.InDelta(t, 1, total, 1e-7, "n=%d p=%v: mass in the terms", c.n, c.p)
		sd := math.Sqrt(float64(c.n) * c.p * (1 - c.p))
		assert.LessOrEqual(t, float64(len(terms)), 2*9.7*sd+3, "n=%d p=%v: %d terms", c.n, c.p, len(terms))
	}
}

// TestClassDraws: class counts add up to the draws, and their means and
// variances are the multinomial's.
func TestClassDraws(t *testing.T) {
	cl := &classes{size: []int64{500000, 1, 299999, 200000}}
	const draws, reps = 1000000, 4000
	counts := make([]int64, len(cl.size))
	var scratch []float64
	sum, sq := make([]float64, len(cl.size)), make([]float64, len(cl.size))
	for b := range reps {
		cl.draw(replicateRNG(3, b), draws, counts, &scratch)
		total := int64(0)
		for j, c := range counts {
			total += c
			sum[j] += float64(c)
			sq[j] += float64(c) * float64(c)
		}
		require.Equal(t, int64(draws), total)
	}
	for j, s := range cl.size {
		p := float64(s) / draws
		mean, variance := draws*p, draws*p*(1-p)
		gotMean := sum[j] / reps
		gotVar := sq[j]/reps - gotMean*gotMean
		// 5 standard errors of the mean and of the variance.
		assert.InDelta(t, mean, gotMean, 5*math.Sqrt(variance/reps)+1e-9, "class %d mean", j)
		assert.InDelta(t, variance, gotVar, 5*variance*math.Sqrt(2.0/reps)+0.01, "class %d variance", j)
	}
}

// manyProblems is a pair of models over problems of few kinds: n = 4 and
// the correct counts of each model repeat with the problem's index.
func manyProblems(problems int) (a, b *Model) {
	a, b = &Model{Label: "a"}, &Model{Label: "b"}
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range problems {
		id := fmt.Sprintf("p%07d", i)
		ca := rng.IntN(5)
		cb := min(4, ca/2+rng.IntN(3))
		a.Problems = append(a.Problems, Problem{ID: id, N: 4, C: ca})
		b.Problems = append(b.Problems, Problem{ID: id, N: 4, C: cb})
	}
	return a, b
}

// TestClassBootstrapAgrees: on many problems of few kinds the bootstrap
// draws classes, and its bands agree with drawing every problem: each
// bound within 0.25 of the band's half-width (about 4 Monte Carlo
// standard errors at B = 1000), and the band's half-width within 8% of the
// normal approximation 1.96·sd/√N.
func TestClassBootstrapAgrees(t *testing.T) {
	a, b := manyProblems(60000)
	opt := Options{Boot: 1000, Seed: 5}
	s := &bootSpec{items: 60000, boot: 1, views: []*view{
		mustView(t, a.Problems), mustView(t, b.Problems)}}
	s.chooseSampler()
	require.NotNil(t, s.cl, "60,000 problems of 25 kinds: classes expected")
	assert.Len(t, s.cl.size, 15)

	byClass, err := Analyze([]*Model{a, b}, opt)
	require.NoError(t, err)
	classSampling = false
	byItem, err := Analyze([]*Model{a, b}, opt)
	classSampling = true
	require.NoError(t, err)

	for m := range byClass.Models {
		for i, pc := range byClass.Models[m].Curve {
			pi := byItem.Models[m].Curve[i]
			require.Equal(t, pi.Value, pc.Value)
			half := (pi.Hi - pi.Lo) / 2
			assert.InDelta(t, pi.Lo, pc.Lo, 0.25*half, "model %d k=%d lower bound", m, pc.K)
			assert.InDelta(t, pi.Hi, pc.Hi, 0.25*half, "model %d k=%d upper bound", m, pc.K)
			// The normal approximation of the band.
			var s1, s2 float64
			for _, p := range []*Model{a, b}[m].Problems {
				v, err := PassAtKValue(p.N, p.C, pc.K)
				require.NoError(t, err)
				s1 += v
				s2 += v * v
			}
			N := float64(len(a.Problems))
			sd := math.Sqrt(s2/N - (s1/N)*(s1/N))
			assert.InEpsilon(t, 1.96*sd/math.Sqrt(N), (pc.Hi-pc.Lo)/2, 0.08, "model %d k=%d half-width", m, pc.K)
		}
	}
}

// TestClassBootstrapGolden: fixed bits of the class sampler, the same on
// every platform (run under GOOS=js GOARCH=wasm by make test).
func TestClassBootstrapGolden(t *testing.T) {
	cl := &classes{size: []int64{500000, 1, 299999, 200000}}
	counts := make([]int64, 4)
	var scratch []float64
	var got []string
	for b := range 3 {
		cl.draw(replicateRNG(1, b), 1000000, counts, &scratch)
		got = append(got, fmt.Sprint(counts))
	}
	assert.Equal(t, goldenClassDraws, fmt.Sprint(got))
	a, b := manyProblems(8192)
	r, err := Analyze([]*Model{a, b}, Options{Boot: 200, Seed: 7})
	require.NoError(t, err)
	pt := r.Models[1].Curve[1]
	assert.Equal(t, goldenClassBand, fmt.Sprint(pt.Value, pt.Lo, pt.Hi))
}

// Recorded on linux/amd64.
const (
	goldenClassDraws = "[[500411 1 299259 200329] [499612 0 299795 200593] [499530 0 300228 200242]]"
	goldenClassBand  = "0.6755777994791667 0.6673482259114584 0.6821431477864583"
)

// mustView is the view of all of ps at k = 1.
func mustView(t *testing.T, ps []Problem) *view {
	t.Helper()
	v, err := newView(PassAtK, ps, nil, []int{1}, newTableBudget())
	require.NoError(t, err)
	return v
}
