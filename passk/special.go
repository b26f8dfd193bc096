package passk

import (
	"math"
)

// Special functions for the beta-binomial fit and the majority vote: ratios
// of gamma functions, computed without the cancellation of differences of
// math.Lgamma at large arguments, and log-factorials for hypergeometric
// probabilities.

// stirlingMin is where lgammaRatio switches to Stirling's series: at x ≥ 16
// its terms up to z⁻¹³ leave an error below 1e-20.
const stirlingMin = 16

// stirlingCorr is the remainder of Stirling's series,
//
//	lnΓ(z) = (z − ½)·ln z − z + ½·ln 2π + stirlingCorr(z),
//	stirlingCorr(z) = Σ_m B_2m / (2m(2m−1)·z^(2m−1))
//	                = 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷)
//	                  + 1/(1188z⁹) − 691/(360360z¹¹) + 1/(156z¹³) − …,
//
// summed up to the z⁻¹³ term (z ≥ 16: the next term is below 1e-20).
func stirlingCorr(z float64) float64 {
	r := 1 / z
	r2 := r * r
	return r * (1.0/12 + r2*(-1.0/360+r2*(1.0/1260+r2*(-1.0/1680+r2*(1.0/1188+r2*(-691.0/360360+r2*(1.0/156)))))))
}

// lgammaRatio returns G(x, a) = lnΓ(x + a) − lnΓ(x) = ln(Γ(x+a)/Γ(x)) for
// x > 0 and a ≥ 0 (for whole a it is Σ_{j<a} ln(x + j), the log of the
// rising factorial). From Stirling's series, for x ≥ 16,
//
//	G(x, a) = a·ln x + (x + a − ½)·log1p(a/x) − a + corr(x + a) − corr(x),
//
// whose terms have no cancellation beyond a few ulps of a (the difference
// math.Lgamma(x+a) − math.Lgamma(x) loses ulps of lnΓ(x) instead: 1e-9 at
// x = 10⁶). Below 16 it is that difference, whose error is then a few ulps
// of max(28, lnΓ(x+a)).
func lgammaRatio(x, a float64) float64 {
	if a == 0 {
		return 0
	}
	if x < stirlingMin {
		// lnΓ(x) is at most 28 here, so the difference loses at most a few
		// ulps of 28 (or of lnΓ(x+a) when that is larger).
		lx, _ := math.Lgamma(x)
		lxa, _ := math.Lgamma(x + a)
		return lxa - lx
	}
	return a*math.Log(x) + (x+a-0.5)*math.Log1p(a/x) - a + (stirlingCorr(x+a) - stirlingCorr(x))
}

// digammaSeries is the tail of the asymptotic series of the digamma
// function, ψ(z) = ln z − 1/(2z) − digammaSeries(z),
//
//	digammaSeries(z) = Σ_k B_2k/(2k·z^2k) = 1/(12z²) − 1/(120z⁴) + 1/(252z⁶)
//	                   − 1/(240z⁸) + 1/(132z¹⁰) − 691/(32760z¹²) + 1/(12z¹⁴),
//
// accurate to 1e-19 for z ≥ 16.
func digammaSeries(z float64) float64 {
	r2 := 1 / (z * z)
	return r2 * (1.0/12 + r2*(-1.0/120+r2*(1.0/252+r2*(-1.0/240+r2*(1.0/132+r2*(-691.0/32760+r2*(1.0/12)))))))
}

// digammaDiff returns ψ(x + a) − ψ(x), the derivative of lgammaRatio(x, a)
// in x, for x > 0 and a ≥ 0. For x ≥ 16, from the asymptotic series,
//
//	ψ(x + a) − ψ(x) = log1p(a/x) − (1/(2(x+a)) − 1/(2x)) − (S(x+a) − S(x)),
//
// with S = digammaSeries; below 16, x is shifted up with ψ(x+1) = ψ(x) + 1/x:
// D(x, a) = D(x+1, a) + 1/x − 1/(x+a). Every term is positive or small, so
// the result has a relative error of a few ulps.
func digammaDiff(x, a float64) float64 {
	if a == 0 {
		return 0
	}
	var shift float64
	for x < stirlingMin {
		shift += 1/x - 1/(x+a)
		x++
	}
	return math.Log1p(a/x) + (0.5/x - 0.5/(x+a)) - (digammaSeries(x+a) - digammaSeries(x)) + shift
}

// logFactorials is a table of ln(i!) for i = 0..len−1.
type logFactorials []float64

// newLogFactorials returns ln(i!) for i = 0..n, summed as Σ ln j (exact
// to a few ulps of the sum).
func newLogFactorials(n int) logFactorials {
	lf := make(logFactorials, n+1)
	for i := 2; i <= n; i++ {
		lf[i] = lf[i-1] + math.Log(float64(i))
	}
	return lf
}

// choose returns ln C(a, b), 0 ≤ b ≤ a < len(lf). With b ≤ a − b (by
// symmetry), ln C(a, b) = G(a − b + 1, b) − ln b!, where lgammaRatio
// computes G without the cancellation of ln a! − ln b! − ln (a−b)!: the
// error is a few ulps of ln C(a, b) itself, not of ln a! (1e-13 against
// 1e-12 relative at a = 1000).
func (lf logFactorials) choose(a, b int) float64 {
	b = min(b, a-b)
	if b < 8 {
		var s float64
		for i := 0; i < b; i++ {
			s += math.Log(float64(a-i) / float64(b-i))
		}
		return s
	}
	return lgammaRatio(float64(a-b+1), float64(b)) - lf[b]
}

// hyperPMF returns the hypergeometric probability of x successes in s
// draws without replacement from a population of M successes and m
// failures: C(M, x)·C(m, s−x)/C(M+m, s); 0 outside the support.
func (lf logFactorials) hyperPMF(M, m, s, x int) float64 {
	if x < 0 || x > M || s-x < 0 || s-x > m {
		return 0
	}
	return math.Exp(lf.choose(M, x) + lf.choose(m, s-x) - lf.choose(M+m, s))
}

// hyperRow sets dst[x−lo] to hyperPMF(M, m, s, x) for x = lo..hi (dst has
// length hi−lo+1; 0 outside the support). The largest value in the range
// is computed from logs and the others from it by the ratio
//
//	pmf(x+1)/pmf(x) = (M−x)(s−x) / ((x+1)(m−s+x+1)),
//
// outwards, so each costs a few multiplications; values below the
// smallest float64 become 0, never a wrong large value.
func (lf logFactorials) hyperRow(M, m, s, lo, hi int, dst []float64) {
	clear(dst[:hi-lo+1])
	a, b := max(lo, 0, s-m), min(hi, M, s)
	if a > b {
		return
	}
	// The mode of the pmf, clamped into [a, b]: the largest value there
	// (the pmf is unimodal).
	mode := int(float64(s+1) * float64(M+1) / float64(M+m+2))
	mode = min(max(mode, a), b)
	v := lf.hyperPMF(M, m, s, mode)
	dst[mode-lo] = v
	for x, p := mode, v; x < b && p > 0; x++ {
		p *= float64(M-x) * float64(s-x) / (float64(x+1) * float64(m-s+x+1))
		dst[x+1-lo] = p
	}
	for x, p := mode, v; x > a && p > 0; x-- {
		p *= float64(x) * float64(m-s+x) / (float64(M-x+1) * float64(s-x+1))
		dst[x-1-lo] = p
	}
}
