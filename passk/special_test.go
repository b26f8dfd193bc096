package passk

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/mathext"
)

// logRising is Σ_{j<a} ln(x + j) for whole a, summed in big.Float (256
// bits) from float64 logs: an independent reference for lgammaRatio.
func logRising(x float64, a int) float64 {
	sum := new(big.Float).SetPrec(256)
	for j := 0; j < a; j++ {
		sum.Add(sum, new(big.Float).SetPrec(256).SetFloat64(math.Log(x+float64(j))))
	}
	v, _ := sum.Float64()
	return v
}

func TestLgammaRatio(t *testing.T) {
	// Whole a: against the log of the rising factorial. The tolerance is
	// relative to Σ|ln(x+j)| (each float64 log carries half an ulp), plus
	// 1e-14 for x < 16, where G is a difference of math.Lgamma values up
	// to ln Γ(16) ≈ 28.
	for _, x := range []float64{1e-6, 0.3, 1, 7.5, 15.99, 16, 40, 1e3, 1e6} {
		for _, a := range []int{1, 2, 5, 17, 100, 1000, 100000} {
			want := logRising(x, a)
			scale := 0.0
			for j := 0; j < a; j++ {
				scale += math.Abs(math.Log(x + float64(j)))
			}
			assert.InDelta(t, want, lgammaRatio(x, float64(a)), 4e-16*scale+1e-14, "x %v a %d", x, a)
		}
	}
	// Real a at moderate x: against math.Lgamma, accurate there.
	for _, x := range []float64{0.01, 0.5, 3, 20, 80} {
		for _, a := range []float64{1e-9, 0.001, 0.37, 2.5, 31.7} {
			lx, _ := math.Lgamma(x)
			lxa, _ := math.Lgamma(x + a)
			assert.InDelta(t, lxa-lx, lgammaRatio(x, a), 1e-13*math.Max(1, math.Abs(lxa)), "x %v a %v", x, a)
		}
	}
	// Large x, small a: G(x, a) ≈ a·ln x with no cancellation. At x = 10⁹,
	// a = 0.5: ln Γ(x+½) − ln Γ(x) = ½ ln x − 1/(8x) + O(x⁻²).
	x := 1e9
	assert.InEpsilon(t, 0.5*math.Log(x)-1/(8*x), lgammaRatio(x, 0.5), 1e-15)
	assert.Equal(t, 0.0, lgammaRatio(3, 0))
}

func TestHypergeometricRows(t *testing.T) {
	// hyperRow against exact binomial coefficients in big.Int.
	lf := newLogFactorials(300)
	exact := func(M, m, s, x int) float64 {
		if x < 0 || x > M || s-x < 0 || s-x > m {
			return 0
		}
		num := new(big.Int).Mul(new(big.Int).Binomial(int64(M), int64(x)), new(big.Int).Binomial(int64(m), int64(s-x)))
		r := new(big.Rat).SetFrac(num, new(big.Int).Binomial(int64(M+m), int64(s)))
		v, _ := r.Float64()
		return v
	}
	row := make([]float64, 301)
	for _, c := range [][3]int{{10, 5, 7}, {3, 200, 100}, {150, 150, 150}, {100, 200, 3}, {0, 12, 5}, {12, 0, 5}} {
		M, m, s := c[0], c[1], c[2]
		lo, hi := 0, s
		lf.hyperRow(M, m, s, lo, hi, row)
		var sum float64
		for x := lo; x <= hi; x++ {
			want := exact(M, m, s, x)
			assert.InDelta(t, want, row[x-lo], 1e-12*want+1e-300, "M %d m %d s %d x %d", M, m, s, x)
			assert.InDelta(t, want, lf.hyperPMF(M, m, s, x), 1e-12*want+1e-300)
			sum += row[x-lo]
		}
		assert.InDelta(t, 1, sum, 1e-12)
		// A window away from the mode.
		lf.hyperRow(M, m, s, hi-1, hi, row)
		assert.InDelta(t, exact(M, m, s, hi), row[1], 1e-12*exact(M, m, s, hi)+1e-300)
	}
	assert.InDelta(t, math.Log(252), lf.choose(10, 5), 1e-14)
	c, _ := new(big.Float).SetInt(new(big.Int).Binomial(300, 100)).Float64()
	assert.InEpsilon(t, math.Log(c), lf.choose(300, 100), 1e-14)
}

func TestRisingTable(t *testing.T) {
	// The running sums the objective uses for many groups of one n agree
	// with lgammaRatio and digammaDiff.
	for _, x := range []float64{1e-3, 0.4, 3, 250} {
		lg, dg := risingTable(x, 600, nil, nil)
		for _, j := range []int{0, 1, 7, 33, 600} {
			assert.InDelta(t, lgammaRatio(x, float64(j)), lg[j], 1e-12*math.Max(1, math.Abs(lg[j])), "x %v j %d", x, j)
			assert.InDelta(t, digammaDiff(x, float64(j)), dg[j], 1e-12*math.Max(1, dg[j]), "x %v j %d", x, j)
		}
	}
}

func TestDigammaDiff(t *testing.T) {
	// Real a: against gonum's digamma (accurate to about 1e-11 there).
	for _, x := range []float64{1e-4, 0.5, 7, 16, 300, 1e6} {
		for _, a := range []float64{1e-6, 0.25, 3.5, 40.5, 1e4 + 0.5} {
			want := mathext.Digamma(x+a) - mathext.Digamma(x)
			assert.InDelta(t, want, digammaDiff(x, a), 1e-10*math.Max(1, math.Abs(want)), "x %v a %v", x, a)
		}
	}
}
