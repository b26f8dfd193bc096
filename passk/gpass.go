package passk

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// G-Pass@k_τ (Liu et al. 2024, "Are Your LLMs Capable of Stable
// Reasoning?"): the probability that at least ⌈τ·k⌉ of k samples drawn
// without replacement from the n are correct,
//
//	G-Pass@k_τ = Σ_{x = ⌈τk⌉}^{min(c, k)} C(c, x)·C(n − c, k − x) / C(n, k),
//
// a hypergeometric upper tail; τ = 1 is pass^k, and τ → 0 approaches pass@k.
// ⌈τ·k⌉ is taken after subtracting 1e-9, so that 0.3·10 counts as 3 (τ is
// a decimal, its float64 is not). The tail is summed from its largest term
// outwards (the complement where that is shorter) and stops where the
// terms no longer change the sum, so a value costs O(√k) operations, not
// O(k).

// gPassPrefix starts the name of a G-Pass metric: "g-pass@k:0.5".
const gPassPrefix = "g-pass@k:"

// GPassTaus are the thresholds the CLI and the page offer.
var GPassTaus = []float64{0.25, 0.5, 0.75, 1}

// GPassAtK returns the metric G-Pass@k_τ, named "g-pass@k:τ" with τ in its
// shortest form ("g-pass@k:0.5", "g-pass@k:1").
func GPassAtK(tau float64) Metric {
	return Metric(gPassPrefix + strconv.FormatFloat(tau, 'g', -1, 64))
}

// Tau returns τ of a G-Pass metric, and whether m is one (in its canonical
// form, with 0 < τ ≤ 1).
func (m Metric) Tau() (float64, bool) {
	s, ok := strings.CutPrefix(string(m), gPassPrefix)
	if !ok {
		return 0, false
	}
	tau, err := strconv.ParseFloat(s, 64)
	if err != nil || !(tau > 0 && tau <= 1) || GPassAtK(tau) != m {
		return 0, false
	}
	return tau, true
}

// gPassThreshold is ⌈τ·k⌉ (see above), at least 1.
func gPassThreshold(tau float64, k int) int {
	return max(1, int(math.Ceil(tau*float64(k)-1e-9)))
}

// GPassValue returns G-Pass@k_τ of a problem with n samples, c correct,
// for 1 ≤ k ≤ n and 0 < τ ≤ 1. Errors are as for PassAtKValue, and a τ
// outside (0, 1] is one wrapping ErrUnknownMetric.
func GPassValue(n, c, k int, tau float64) (float64, error) {
	if err := checkNCK(n, c, k); err != nil {
		return math.NaN(), err
	}
	if !(tau > 0 && tau <= 1) {
		return math.NaN(), fmt.Errorf("τ = %v, expected 0 < τ ≤ 1: %w", tau, ErrUnknownMetric)
	}
	return newLogFactorials(n).upperTail(c, n-c, k, gPassThreshold(tau, k)), nil
}

// gPassRow writes G-Pass@k_τ for k = 1..len(dst); it never saturates, so it
// returns len(dst) and a tail of 0 (curveRow's contract).
func gPassRow(n, c int, tau float64, dst []float64) (int, float64) {
	checkNC(n, c)
	lf := newLogFactorials(n)
	for k := 1; k <= len(dst); k++ {
		dst[k-1] = lf.upperTail(c, n-c, k, gPassThreshold(tau, k))
	}
	return len(dst), 0
}

// negligible is the relative size below which tail terms are dropped.
const negligible = 1e-18

// upperTail returns P(X ≥ r) for X hypergeometric: s draws from M
// successes and m failures.
func (lf logFactorials) upperTail(M, m, s, r int) float64 {
	lo, hi := max(0, s-m), min(M, s)
	switch {
	case r <= lo:
		return 1
	case r > hi:
		return 0
	}
	mode := int(float64(s+1) * float64(M+1) / float64(M+m+2))
	if r >= mode {
		return lf.tailFrom(M, m, s, r, hi, +1)
	}
	return 1 - lf.tailFrom(M, m, s, r-1, lo, -1)
}

// tailFrom sums the pmf from x = from towards to (step dir = ±1), where the
// terms decrease (from is on the far side of the mode), stopping once a
// term is negligible against the sum.
func (lf logFactorials) tailFrom(M, m, s, from, to, dir int) float64 {
	p := lf.hyperPMF(M, m, s, from)
	sum := p
	for x := from; x != to && p > 0; x += dir {
		if dir > 0 {
			p *= float64(M-x) * float64(s-x) / (float64(x+1) * float64(m-s+x+1))
		} else {
			p *= float64(x) * float64(m-s+x) / (float64(M-x+1) * float64(s-x+1))
		}
		sum += p
		if p < negligible*sum {
			break
		}
	}
	return min(sum, 1)
}
