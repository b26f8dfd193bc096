package passk

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrKOutOfRange is returned for a k outside 1..n: the estimators are not
// defined there (they are never 1 for k > n).
var ErrKOutOfRange = errors.New("k out of range")

// ErrUnknownMetric is returned for a Metric other than PassAtK and PassHatK.
var ErrUnknownMetric = errors.New("unknown metric")

// checkNCK checks the arguments of a one-off estimate.
func checkNCK(n, c, k int) error {
	if n < 1 || c < 0 || c > n {
		return fmt.Errorf("n = %d, c = %d: expected n ≥ 1 and 0 ≤ c ≤ n: %w", n, c, ErrInconsistent)
	}
	if k < 1 || k > n {
		return fmt.Errorf("k = %d with n = %d: expected 1 ≤ k ≤ n: %w", k, n, ErrKOutOfRange)
	}
	return nil
}

// checkNC panics on a tally no Problem.Validate would accept.
func checkNC(n, c int) {
	if n < 1 || c < 0 || c > n {
		panic(fmt.Sprintf("passk: n = %d, c = %d: expected n ≥ 1 and 0 ≤ c ≤ n", n, c))
	}
}

// logRatioProduct returns
//
//	S = Σ_{j=0}^{m−1} log((n−j−x)/(n−j)),  n−m+1 > x ≥ 0,
//
// the log of Π_{j<m} (n−x−j)/(n−j), summed with Neumaier's compensation so
// that S has a relative error of a few ulps whatever m. Each term is
// log1p(−x/(n−j)) while x/(n−j) ≤ 1/2 and log of the ratio beyond, so every
// term is well conditioned. All terms are negative (or zero), so the sum only
// decreases: it stops once it is below stop, where the caller's result no
// longer changes in float64.
func logRatioProduct(n, x, m int, stop float64) float64 {
	var sum, comp float64
	for j := 0; j < m; j++ {
		d := float64(n - j)
		var t float64
		if 2*x <= n-j {
			t = math.Log1p(-float64(x) / d)
		} else {
			t = math.Log(float64(n-j-x) / d)
		}
		s := sum + t
		if math.Abs(sum) >= math.Abs(t) {
			comp += (sum - s) + t
		} else {
			comp += (t - s) + sum
		}
		sum = s
		if sum+comp < stop {
			break
		}
	}
	return sum + comp
}

// PassAtKValue returns the unbiased estimate of pass@k for a problem with n
// samples of which c are correct (Chen et al. 2021):
//
//	pass@k = 1 − C(n−c, k) / C(n, k),  1 ≤ k ≤ n.
//
// The failure ratio F = C(n−c, k)/C(n, k) is the product of min(k, c)
// factors, F = Π_{j<k} (n−c−j)/(n−j) = Π_{j<c} (n−k−j)/(n−j), summed in logs
// with compensation and turned into pass@k = −expm1(log F), so the result has
// a relative error of a few ulps at any n, also where pass@k is tiny (c = 1,
// n = 10⁶). At most about √(40n) factors are needed: once log F < −40,
// pass@k is 1 in float64. c = 0 gives 0, k > n − c gives exactly 1.
//
// k < 1 or k > n is an error wrapping ErrKOutOfRange; an impossible tally
// (n < 1, c outside 0..n) one wrapping ErrInconsistent.
func PassAtKValue(n, c, k int) (float64, error) {
	if err := checkNCK(n, c, k); err != nil {
		return math.NaN(), err
	}
	switch {
	case c == 0:
		return 0, nil
	case k > n-c:
		return 1, nil
	}
	m, x := min(k, c), max(k, c)
	return -math.Expm1(logRatioProduct(n, x, m, -40)), nil
}

// PassHatKValue returns the unbiased estimate of pass^k, the probability that
// all k of k draws without replacement are correct (τ-bench, Inspect's
// pass_k), for a problem with n samples of which c are correct:
//
//	pass^k = C(c, k) / C(n, k),  1 ≤ k ≤ n.
//
// It is the product of min(k, n−c) factors, Π_{j<k} (c−j)/(n−j) =
// Π_{j<n−c} (n−k−j)/(n−j), summed in logs with compensation, so its relative
// error is a few ulps times |log pass^k| (below 1e-13 down to pass^k ≈
// 1e-300; values below the smallest normal float64 lose precision and below
// about e^−745 are 0). k > c gives exactly 0, c = n exactly 1.
//
// Errors are as for PassAtKValue.
func PassHatKValue(n, c, k int) (float64, error) {
	if err := checkNCK(n, c, k); err != nil {
		return math.NaN(), err
	}
	switch {
	case k > c:
		return 0, nil
	case c == n:
		return 1, nil
	}
	m, x := min(k, n-c), max(k, n-c)
	s := logRatioProduct(n, x, m, -746)
	if s < -746 {
		return 0, nil
	}
	return math.Exp(s), nil
}

// The curves below use only +, −, × and ÷, with every product that feeds a
// sum converted explicitly (float64(a*b)) so that no platform fuses it into
// an FMA: a curve is the same bits on amd64, arm64 and js/wasm.

// curveRow writes metric values for k = 1..len(dst) and returns the number
// of leading values written, L, after which every value is exactly tail
// (tail is 0 or 1). dst[L:] is left untouched. It is the kernel of the
// whole-curve functions and of the tables that curves and the bootstrap sum.
func curveRow(m Metric, n, c int, dst []float64) (L int, tail float64) {
	switch m {
	case PassAtK, "":
		return passAtKRow(n, c, dst)
	case PassHatK:
		return passHatKRow(n, c, dst)
	case failure:
		return failureRow(n, c, dst)
	}
	if tau, ok := m.Tau(); ok {
		return gPassRow(n, c, tau, dst)
	}
	panic(fmt.Sprintf("passk: %v: %q", ErrUnknownMetric, string(m)))
}

// passAtKRow: F_k = F_{k−1}·(n−c−k+1)/(n−k+1) and pass@k = 1 − F_k. While
// F_k > 1/2, where 1 − F_k would cancel, pass@k is accumulated instead as
// pass@k = pass@(k−1) + F_{k−1}·c/(n−k+1), a sum of positive terms, so the
// curve keeps its relative precision where pass@k is small. It saturates at
// exactly 1 when F_k ≤ 2⁻⁵⁴ (1 − F_k rounds to 1), at the latest at
// k = n − c + 1 where F_k = 0.
func passAtKRow(n, c int, dst []float64) (int, float64) {
	checkNC(n, c)
	if c == 0 {
		return 0, 0
	}
	f, p := 1.0, 0.0
	cf := float64(c)
	for k := 1; k <= len(dst); k++ {
		den := float64(n - k + 1)
		nf := f * (float64(n-c-k+1) / den)
		if nf <= 0.5 {
			p = 1 - nf
		} else {
			p += float64(f * (cf / den))
		}
		f = nf
		if p == 1 {
			return k - 1, 1
		}
		dst[k-1] = p
	}
	return len(dst), 1
}

// failureRow: F_k = C(n−c, k)/C(n, k) = 1 − pass@k, for plots of
// log(1 − pass@k); exactly 0 from k = n − c + 1 on (or where it underflows).
func failureRow(n, c int, dst []float64) (int, float64) {
	checkNC(n, c)
	if c == n {
		return 0, 0
	}
	f := 1.0
	for k := 1; k <= len(dst); k++ {
		f *= float64(n-c-k+1) / float64(n-k+1)
		if f == 0 {
			return k - 1, 0
		}
		dst[k-1] = f
	}
	return len(dst), 0
}

// passHatKRow: H_k = H_{k−1}·(c−k+1)/(n−k+1), exactly 0 from k = c + 1 on
// (or where it underflows), exactly 1 throughout when c = n.
func passHatKRow(n, c int, dst []float64) (int, float64) {
	checkNC(n, c)
	if c == n {
		return 0, 1
	}
	h := 1.0
	for k := 1; k <= len(dst); k++ {
		h *= float64(c-k+1) / float64(n-k+1)
		if h == 0 {
			return k - 1, 0
		}
		dst[k-1] = h
	}
	return len(dst), 0
}

// wholeCurve fills dst (resized to n) with the metric for k = 1..n.
func wholeCurve(m Metric, n, c int, dst []float64) []float64 {
	checkNC(n, c)
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	L, tail := curveRow(m, n, c, dst)
	for i := L; i < n; i++ {
		dst[i] = tail
	}
	return dst
}

// PassAtKCurve returns pass@k of a problem with n samples, c correct, for
// every k = 1..n: dst[k−1] = 1 − F_k with the failure ratio
//
//	F_k = Π_{j=0}^{k−1} (n−c−j)/(n−j),
//
// computed incrementally in O(n) without overflow at any n (see
// PassAtKValue for the definition). dst is reused when it has the capacity.
// The values agree with the exact ones to a relative 1e-13 for n up to 10⁴
// (the error grows at most linearly in k). It panics if n < 1 or c is
// outside 0..n.
func PassAtKCurve(n, c int, dst []float64) []float64 {
	return wholeCurve(PassAtK, n, c, dst)
}

// FailureCurve returns the failure ratio F_k = C(n−c, k)/C(n, k) =
// 1 − pass@k for k = 1..n (dst[k−1] = F_k), with full relative precision
// where pass@k is close to 1: the curve to plot as log(1 − pass@k). It panics
// if n < 1 or c is outside 0..n.
func FailureCurve(n, c int, dst []float64) []float64 {
	return wholeCurve(failure, n, c, dst)
}

// PassHatKCurve returns pass^k = C(c, k)/C(n, k) for k = 1..n (dst[k−1]),
// computed incrementally as H_k = H_{k−1}·(c−k+1)/(n−k+1). It panics if
// n < 1 or c is outside 0..n.
func PassHatKCurve(n, c int, dst []float64) []float64 {
	return wholeCurve(PassHatK, n, c, dst)
}

// failure is the per-problem failure ratio 1 − pass@k as a metric: the
// curves behind FailureCurve and Model.FailureCurve. Analyze does not accept
// it.
const failure Metric = "1-pass@k"

// Validate reports whether m is a metric Analyze computes: PassAtK,
// PassHatK, "" (which means PassAtK), MajAtK, or a G-Pass metric
// GPassAtK(τ) with 0 < τ ≤ 1 in its canonical form (see ParseMetric).
func (m Metric) Validate() error {
	switch m {
	case PassAtK, PassHatK, "", MajAtK:
		return nil
	}
	if _, ok := m.Tau(); ok {
		return nil
	}
	return fmt.Errorf("metric %q: %w (expected %q or %q, %q, or %s with 0 < τ ≤ 1)", string(m), ErrUnknownMetric, PassAtK, PassHatK, MajAtK, gPassPrefix+"τ")
}

// ParseMetric reads a metric's name: pass@k, pass^k, maj@k, or g-pass@k:τ
// with 0 < τ ≤ 1 (written any way strconv.ParseFloat reads, e.g.
// "g-pass@k:0.50"; the result is canonical, "g-pass@k:0.5").
func ParseMetric(s string) (Metric, error) {
	m := Metric(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(string(m), gPassPrefix); ok {
		if tau, err := strconv.ParseFloat(rest, 64); err == nil && tau > 0 && tau <= 1 {
			return GPassAtK(tau), nil
		}
	}
	if m == "" {
		return "", fmt.Errorf("empty metric: %w", ErrUnknownMetric)
	}
	return m, m.Validate()
}

// NeedsAnswers reports whether the metric is computed from extracted
// answers rather than from (n, c): MajAtK.
func (m Metric) NeedsAnswers() bool { return m == MajAtK }

// Value returns the metric for one problem with n samples, c correct, at k
// ("" means PassAtK): PassAtKValue(n, c, k), PassHatKValue(n, c, k) or
// GPassValue(n, c, k, τ). MajAtK needs the answers (MajorityValues): it is
// an error wrapping ErrNoAnswers here.
func (m Metric) Value(n, c, k int) (float64, error) {
	switch m {
	case PassAtK, "":
		return PassAtKValue(n, c, k)
	case PassHatK:
		return PassHatKValue(n, c, k)
	case MajAtK:
		return math.NaN(), fmt.Errorf("%s is computed from answers, not from (n, c): use MajorityValues: %w", m, ErrNoAnswers)
	}
	if tau, ok := m.Tau(); ok {
		return GPassValue(n, c, k, tau)
	}
	return math.NaN(), m.Validate()
}

// Curve returns the metric's per-problem curve for k = 1..n into dst
// (resized to n): PassAtKCurve, PassHatKCurve or G-Pass@k_τ. It panics on an
// unknown metric (check with Validate), on MajAtK (which needs answers: see
// MajorityValues) or an impossible tally.
func (m Metric) Curve(n, c int, dst []float64) []float64 {
	if m != failure {
		if err := m.Validate(); err != nil {
			panic("passk: " + err.Error())
		}
		if m.NeedsAnswers() {
			panic("passk: " + string(m) + " needs answers: use MajorityValues")
		}
	}
	return wholeCurve(m, n, c, dst)
}
