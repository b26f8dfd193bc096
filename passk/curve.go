package passk

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A model's curve is the mean over its problems of a per-problem metric:
//
//	curve(k) = (1/N) Σ_i metric(n_i, c_i, k),  1 ≤ k ≤ K = min_i n_i.
//
// Problems with the same (n, c) have the same per-problem curve, so the work
// is done once per distinct (n, c) (a group) and weighted by how many
// problems the group holds: O(groups × K), not O(problems × K). The bootstrap
// (bootstrap.go) reuses the same per-group table with resampled weights.

// groupKey is a distinct tally; for metrics computed from answers
// (MajAtK) also a distinct answer profile (majProfile.key), else "".
type groupKey struct {
	n, c int
	prof string
}

// grouping maps items (problems, in some order) to their distinct (n, c).
type grouping struct {
	keys []groupKey // sorted by (n, c)
	of   []int32    // item → index in keys
}

// groupTallies groups the tallies ps[items[i]] (all of ps when items is
// nil). Groups are sorted by (n, c), so sums over them, and so every curve,
// do not depend on the order of the problems.
func groupTallies(ps []Problem, items []int) grouping {
	return groupBy(ps, items, false)
}

// groupFor groups the tallies as metric m needs them: by (n, c), and by
// answer profile for MajAtK.
func groupFor(m Metric, ps []Problem, items []int) grouping {
	return groupBy(ps, items, m.NeedsAnswers())
}

func groupBy(ps []Problem, items []int, answers bool) grouping {
	keyOf := func(p *Problem) groupKey {
		if answers {
			return groupKey{p.N, p.C, newMajProfile(p).key()}
		}
		return groupKey{n: p.N, c: p.C}
	}
	count := len(ps)
	if items != nil {
		count = len(items)
	}
	at := func(i int) *Problem {
		if items != nil {
			return &ps[items[i]]
		}
		return &ps[i]
	}
	index := make(map[groupKey]int32)
	var keys []groupKey
	for i := 0; i < count; i++ {
		key := keyOf(at(i))
		if _, ok := index[key]; !ok {
			index[key] = 0
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.c, b.c), strings.Compare(a.prof, b.prof))
	})
	for g, key := range keys {
		index[key] = int32(g)
	}
	of := make([]int32, count)
	for i := range of {
		of[i] = index[keyOf(at(i))]
	}
	return grouping{keys: keys, of: of}
}

// counts returns the number of items in each group.
func (gr *grouping) counts() []float64 {
	w := make([]float64, len(gr.keys))
	for _, g := range gr.of {
		w[g]++
	}
	return w
}

// table holds every group's per-problem curve at the points of a k grid.
// Row g is vals[off[g]:off[g+1]], the values at ks[0:L_g]; from position L_g
// on the row is exactly ones[g] (0 or 1): pass@k saturates at 1 (in float64
// long before k = n − c + 1 when c/n is not small), pass^k at 0. Storing only
// the heads keeps the table, and the bootstrap's work, small: with every c
// present, the pass@k heads hold 12% of the n × n values at n = 1024 and 2%
// at n = 10⁴ (pass^k: 50% and 28%).
type table struct {
	ks   []int
	off  []int
	vals []float64
	ones []bool
}

// maxTableValues bounds the values the tables of one analysis hold (256 MB
// of float64): real data stays below it (pass@k of 5,000 problems with
// distinct c at n = 10⁴ holds about 10⁶ values per model, pass^k, the
// largest, 1.4·10⁷); data made to need more (thousands of distinct n near
// MaxN) gets ErrTooLarge rather than exhausting memory.
const maxTableValues = 1 << 25

// tableBudget is what the tables of one analysis may still hold.
type tableBudget struct{ left int }

func newTableBudget() *tableBudget { return &tableBudget{left: maxTableValues} }

// newTable computes the rows of the groups' keys on the grid ks (ascending,
// ks[len−1] ≤ every group's n), taking its values from budget.
func newTable(m Metric, keys []groupKey, ks []int, budget *tableBudget) (*table, error) {
	t := &table{ks: ks, off: make([]int, 1, len(keys)+1), ones: make([]bool, len(keys))}
	if len(ks) == 0 {
		t.off = make([]int, len(keys)+1)
		return t, nil
	}
	kmax := ks[len(ks)-1]
	// Each row adds at most len(ks) values: a row is only computed while
	// the budget has room for it.
	room := func() error {
		if len(t.vals)+len(ks) > budget.left {
			return budget.exceeded(len(keys), ks)
		}
		return nil
	}
	if m.NeedsAnswers() {
		// Majority vote: values at the grid's k only, no saturation.
		var lf logFactorials
		for _, key := range keys {
			if err := room(); err != nil {
				return nil, err
			}
			if key.n >= len(lf) {
				lf = newLogFactorials(key.n) // keys are sorted by n
			}
			vals, err := parseMajProfile(key.n, key.prof).values(ks, lf)
			if err != nil {
				return nil, err
			}
			t.vals = append(t.vals, vals...)
			t.off = append(t.off, len(t.vals))
		}
		t.vals = slices.Clip(t.vals)
		budget.left -= len(t.vals)
		return t, nil
	}
	dense := kmax == len(ks) // ks is 1..kmax
	var row []float64
	if !dense {
		row = make([]float64, kmax)
	}
	for g, key := range keys {
		if err := room(); err != nil {
			return nil, err
		}
		if dense {
			// Write straight into vals; L trims it.
			start := len(t.vals)
			t.vals = slices.Grow(t.vals, kmax)[:start+kmax]
			L, tail := curveRow(m, key.n, key.c, t.vals[start:])
			t.vals = t.vals[:start+L]
			t.ones[g] = tail == 1
		} else {
			L, tail := curveRow(m, key.n, key.c, row)
			for _, k := range ks {
				if k > L {
					break
				}
				t.vals = append(t.vals, row[k-1])
			}
			t.ones[g] = tail == 1
		}
		t.off = append(t.off, len(t.vals))
	}
	t.vals = slices.Clip(t.vals)
	budget.left -= len(t.vals)
	return t, nil
}

func (b *tableBudget) exceeded(keys int, ks []int) error {
	return fmt.Errorf("the curves need more than %d stored values (%d distinct (n, c) tallies with k up to %d): %w", maxTableValues, keys, ks[len(ks)-1], ErrTooLarge)
}

// sum sets dst[j] = (1/total) Σ_g w[g]·metric(group g, ks[j]) for every grid
// position j. acc and ones are scratch of len(ks) (they are overwritten).
// Sums run over groups in order with the tail ones counted exactly, so the
// result is the same bits whatever the platform.
func (t *table) sum(w []float64, total float64, dst, acc, ones []float64) {
	clear(acc)
	clear(ones)
	nk := len(t.ks)
	for g, wg := range w {
		if wg == 0 {
			continue
		}
		lo, hi := t.off[g], t.off[g+1]
		row := t.vals[lo:hi]
		a := acc[:len(row)]
		// Four at a time: the bootstrap's inner loop, and the browser's
		// wasm does not remove the bounds checks of the plain loop. Each
		// element gets the same operations, so the same bits.
		j := 0
		for ; j+4 <= len(row); j += 4 {
			r, x := row[j:j+4:j+4], a[j:j+4:j+4]
			x[0] += float64(wg * r[0])
			x[1] += float64(wg * r[1])
			x[2] += float64(wg * r[2])
			x[3] += float64(wg * r[3])
		}
		for ; j < len(row); j++ {
			a[j] += float64(wg * row[j])
		}
		if t.ones[g] && hi-lo < nk {
			ones[hi-lo] += wg
		}
	}
	var run float64
	for j := range dst {
		run += ones[j]
		dst[j] = (acc[j] + run) / total
	}
}

// curveOn is the mean curve of the problems ps[items] (all of ps when items is
// nil) on the grid ks.
func curveOn(m Metric, ps []Problem, items []int, ks []int) ([]float64, error) {
	gr := groupFor(m, ps, items)
	t, err := newTable(m, gr.keys, ks, newTableBudget())
	if err != nil {
		return nil, err
	}
	w := gr.counts()
	dst := make([]float64, len(ks))
	t.sum(w, float64(len(gr.of)), dst, make([]float64, len(ks)), make([]float64, len(ks)))
	return dst, nil
}

// DenseGrid returns the k grid 1, 2, …, K.
func DenseGrid(K int) []int {
	ks := make([]int, max(K, 0))
	for i := range ks {
		ks[i] = i + 1
	}
	return ks
}

// checkGrid returns ks sorted without duplicates, or an error if some k < 1.
func checkGrid(ks []int) ([]int, error) {
	for _, k := range ks {
		if k < 1 {
			return nil, fmt.Errorf("k grid: k = %d, expected k ≥ 1: %w", k, ErrKOutOfRange)
		}
	}
	ks = slices.Clone(ks)
	slices.Sort(ks)
	return slices.Compact(ks), nil
}

// Curve returns the model's curve of metric ("" means PassAtK): the mean
// over all its problems of the per-problem metric,
//
//	curve(k) = (1/N) Σ_i metric(n_i, c_i, k),
//
// at each k of ks (nil: every k = 1..K, K = the smallest n of its problems).
// Problems with more samples count fully. ks is returned sorted, without
// duplicates, together with the values; a k < 1 or beyond K is an error
// wrapping ErrKOutOfRange (the curve is not defined there).
func (m *Model) Curve(metric Metric, ks []int) ([]int, []float64, error) {
	if err := metric.Validate(); err != nil {
		return nil, nil, err
	}
	return m.curve(metric, ks)
}

// FailureCurve returns 1 − pass@k of the model, the mean of the per-problem
// failure ratios F_k (see FailureCurve), with full relative precision where
// pass@k is close to 1: the curve to plot as log(1 − pass@k). ks is as for
// Curve.
func (m *Model) FailureCurve(ks []int) ([]int, []float64, error) {
	return m.curve(failure, ks)
}

func (m *Model) curve(metric Metric, ks []int) ([]int, []float64, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	K, _ := m.NRange()
	if ks == nil {
		ks = DenseGrid(K)
	} else {
		var err error
		if ks, err = checkGrid(ks); err != nil {
			return nil, nil, err
		}
		if len(ks) > 0 && ks[len(ks)-1] > K {
			return nil, nil, fmt.Errorf("model %q: k = %d beyond its range k ≤ %d (the smallest n): %w", m.Label, ks[len(ks)-1], K, ErrKOutOfRange)
		}
	}
	vals, err := curveOn(metric, m.Problems, nil, ks)
	if err != nil {
		return nil, nil, fmt.Errorf("model %q: %w", m.Label, err)
	}
	return ks, vals, nil
}
