package passk

import (
	"math"
	"slices"
	"strings"
)

// tieTolerance is the relative difference below which two curve values are
// taken as equal: |A(k) − B(k)| ≤ tieTolerance·max(A(k), B(k)). Curve values
// carry relative rounding errors below it (typically 1e-15, under 1e-13 up
// to n = 10⁴), so a smaller difference has no reliable sign; an exact tie of
// the rationals (e.g. 3/14 = 3/14 reached from different problems) computes
// as such a difference, not always as 0.
const tieTolerance = 1e-12

// diff returns D = a − b, or 0 when a and b are tied (see tieTolerance).
func diff(a, b float64) float64 {
	d := a - b
	if math.Abs(d) <= tieTolerance*max(math.Abs(a), math.Abs(b)) {
		return 0
	}
	return d
}

// appendCrossings appends to dst the crossings of curves a and b on
// k = 1..K (a[k−1] = A(k), K = len(a) = len(b)), in increasing k, and
// returns the extended slice.
//
// A crossing is a change of the leading curve, the sign of D(k) = A(k) −
// B(k) (0 when tied): a strict sign change of D between consecutive k and
// k+1, at
//
//	k* = exp(ln k + t·(ln(k+1) − ln k)),  t = D(k)/(D(k) − D(k+1)),
//
// or, where D is 0 from k+1 to k+r (r ≥ 1) between nonzero values of
// opposite sign at k and k+r+1, at k* = k+1 (t = 1 above: the first zero),
// counted once for the whole run of zeros. Zeros between values of the same
// sign (the curves touch), zeros at the start (k = 1..) and zeros up to K
// (the curves end tied, as when both reach exactly 1) are not crossings: the
// lead does not change there. D identically 0 has no crossing.
func appendCrossings(dst []float64, a, b []float64) []float64 {
	prev, dPrev := -1, 0.0 // the last k (index) with D ≠ 0, and D there
	for j := range a {
		d := diff(a[j], b[j])
		if d == 0 {
			continue
		}
		if prev >= 0 && (d > 0) != (dPrev > 0) {
			k := float64(prev + 1)
			if prev == j-1 {
				dst = append(dst, logInterp(k, dPrev/(dPrev-d)))
			} else {
				dst = append(dst, k+1)
			}
		}
		prev, dPrev = j, d
	}
	return dst
}

// logInterp returns exp(ln k + t·(ln(k+1) − ln k)) = k·(1+1/k)^t, computed as
// k + k·expm1(t·log1p(1/k)) (Log1p and Expm1 are the same bits on every
// platform but s390x, unlike Exp and Log).
func logInterp(k, t float64) float64 {
	return k + float64(k*math.Expm1(t*math.Log1p(1/k)))
}

// Crossings returns every crossing of the curves A and B given on
// k = 1..K (a[k−1] = A(k), b[k−1] = B(k); the shorter length is used), in
// increasing k (see Compare for the definition). It is never nil.
func Crossings(a, b []float64) []float64 {
	K := min(len(a), len(b))
	return appendCrossings([]float64{}, a[:K], b[:K])
}

// pairing matches two models' problems by id.
type pairing struct {
	ia, ib       []int // indices in a.Problems and b.Problems of the shared ids, sorted by id
	onlyA, onlyB int
}

// pairUp pairs a and b on the problem ids both have.
func pairUp(a, b *Model) pairing {
	idx := b.Index()
	var pr pairing
	for _, i := range sortedByID(a) {
		if j, ok := idx[a.Problems[i].ID]; ok {
			pr.ia = append(pr.ia, i)
			pr.ib = append(pr.ib, j)
		}
	}
	pr.onlyA = len(a.Problems) - len(pr.ia)
	pr.onlyB = len(b.Problems) - len(pr.ib)
	return pr
}

// sortedByID returns the indices of m's problems in order of id: the order
// in which the bootstrap sees problems, so that its draws do not depend on
// the order of a file.
func sortedByID(m *Model) []int {
	items := make([]int, len(m.Problems))
	for i := range items {
		items[i] = i
	}
	slices.SortFunc(items, func(i, j int) int { return strings.Compare(m.Problems[i].ID, m.Problems[j].ID) })
	return items
}

// kRange is the k range of the problems ps[items]: their smallest n.
func kRange(ps []Problem, items []int) int {
	K := 0
	for i, it := range items {
		if n := ps[it].N; i == 0 || n < K {
			K = n
		}
	}
	return K
}

// newCrossover fills the headline of a comparison from the curves of A and
// B on the shared problems, k = 1..K, and the last crossings of the
// bootstrap replicates (nil without bootstrap).
func newCrossover(a, b string, pr pairing, ca, cb, last []float64, level float64) Crossover {
	cr := Crossover{
		A: a, B: b, K: math.NaN(), KMax: len(ca),
		Shared: len(pr.ia), OnlyA: pr.onlyA, OnlyB: pr.onlyB,
		All: Crossings(ca, cb),
	}
	if n := len(cr.All); n > 0 {
		cr.K = cr.All[n-1]
	}
	if K := len(ca); K > 0 {
		switch end := diff(ca[K-1], cb[K-1]); {
		case end > 0:
			cr.Leader = a
		case end < 0:
			cr.Leader = b
		}
	}
	cr.Lo, cr.Hi, cr.Share = crossInterval(last, level)
	return cr
}

// Compare compares models a and b on the problems both have (paired by id):
// D(k) = A(k) − B(k) for k = 1..K, K the smaller of the two models' ranges
// on the shared problems (their smallest n there), where A and B are the
// curves of opt.Metric on the shared problems.
//
// A crossover is a change of the leading model: a sign change of D between
// consecutive integers k and k+1, placed by linear interpolation in log k,
//
//	k* = exp(ln k + t·(ln(k+1) − ln k)),  t = D(k)/(D(k) − D(k+1)),
//
// or a run of exact zeros of D from k+1 on between opposite signs, placed
// at its start, k* = k+1 (t = 1), and counted once. A run of zeros that
// ends where it began (the curves touch), starts at k = 1 or lasts up to K
// (as when both curves reach exactly 1) is no change of leader and no
// crossover; so D identically zero has none. D is taken as zero where
// |A(k) − B(k)| ≤ 1e-12·max(A(k), B(k)): below that float64 rounding decides
// the sign, and exact ties of the rationals (which do happen) would show as
// two spurious crossings. The headline crossover is the last one: after it
// the same model leads up to K (or the curves are tied). Leader is the model
// ahead at K, "" on a tie.
//
// With opt.Boot > 0 the paired bootstrap resamples the shared problems, the
// same draws for both models, opt.Boot times: Share is the fraction of
// replicates whose D crosses, and [Lo, Hi] the percentile interval at
// opt.Level of their last crossings. Without bootstrap they are NaN.
// opt.K is ignored: crossovers are sought at every integer k. With
// opt.Extrapolate > 0 the result has a Prediction: where the predicted
// curves cross beyond K (see PredictedCrossover).
func Compare(a, b *Model, opt Options) (Crossover, error) {
	rep, err := analyze([]*Model{a, b}, opt, false)
	if err != nil {
		return Crossover{}, err
	}
	return rep.Crossovers[0], nil
}
