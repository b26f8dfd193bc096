package passk

import (
	"fmt"
	"math"
	"math/big"
)

// Coverage splits the problems two models share by which of them solves
// each at k: a model solves a problem at k when pass@k ≥ 1/2 for it, the
// median of the number of draws needed is at most k (at k = n: it was solved
// at least once). Ids are listed in the order of A's problems.
type Coverage struct {
	A       string   `json:"a"`
	B       string   `json:"b"`
	K       int      `json:"k"`
	KMax    int      `json:"k_max"` // the largest k allowed: the smaller range on shared problems
	AOnly   []string `json:"a_only"`
	BOnly   []string `json:"b_only"`
	Both    []string `json:"both"`
	Neither []string `json:"neither"`
	OnlyInA int      `json:"only_in_a"` // problems only A has (not classified)
	OnlyInB int      `json:"only_in_b"` // problems only B has (not classified)
}

// CoverageAt classifies the problems a and b share (paired by id) at k:
// solved by A only, by B only, by both, by neither, where a model solves a
// problem at k when its pass@k = 1 − C(n−c, k)/C(n, k) ≥ 1/2 (decided
// exactly, also on the boundary, e.g. n = 2, c = 1, k = 1). k must be in
// 1..KMax, KMax the smallest n of either model on the shared problems
// (ErrKOutOfRange); models must share at least one problem (ErrNoProblems).
func CoverageAt(a, b *Model, k int) (*Coverage, error) {
	for _, m := range []*Model{a, b} {
		if err := m.Validate(); err != nil {
			return nil, err
		}
	}
	pr := pairUp(a, b)
	if len(pr.ia) == 0 {
		return nil, fmt.Errorf("%s and %s share no problem: %w", a.Label, b.Label, ErrNoProblems)
	}
	cv := &Coverage{
		A: a.Label, B: b.Label, K: k,
		KMax:  min(kRange(a.Problems, pr.ia), kRange(b.Problems, pr.ib)),
		AOnly: []string{}, BOnly: []string{}, Both: []string{}, Neither: []string{},
		OnlyInA: pr.onlyA, OnlyInB: pr.onlyB,
	}
	if k < 1 || k > cv.KMax {
		return nil, fmt.Errorf("coverage of %s and %s at k = %d, expected 1 ≤ k ≤ %d (the smallest n on shared problems): %w", a.Label, b.Label, k, cv.KMax, ErrKOutOfRange)
	}
	idx := b.Index()
	for _, p := range a.Problems {
		j, ok := idx[p.ID]
		if !ok {
			continue
		}
		q := b.Problems[j]
		sa, sb := solvedAt(p.N, p.C, k), solvedAt(q.N, q.C, k)
		switch {
		case sa && sb:
			cv.Both = append(cv.Both, p.ID)
		case sa:
			cv.AOnly = append(cv.AOnly, p.ID)
		case sb:
			cv.BOnly = append(cv.BOnly, p.ID)
		default:
			cv.Neither = append(cv.Neither, p.ID)
		}
	}
	return cv, nil
}

// solvedAt reports whether pass@k ≥ 1/2, that is F = C(n−c,k)/C(n,k) ≤ 1/2,
// for 1 ≤ k ≤ n. log F (as in PassAtKValue) decides unless it is within
// 1e-9 of −ln 2, where the exact test 2·Π(n−x−j) ≤ Π(n−j) over the
// min(k, c) factors decides in integers (there are at most about √(0.7·n)
// of them).
func solvedAt(n, c, k int) bool {
	switch {
	case c == 0:
		return false
	case k > n-c:
		return true
	}
	m, x := min(k, c), max(k, c)
	s := logRatioProduct(n, x, m, -1)
	if math.Abs(s+math.Ln2) > 1e-9 {
		return s < -math.Ln2
	}
	num, den := big.NewInt(2), big.NewInt(1)
	var t big.Int
	for j := 0; j < m; j++ {
		num.Mul(num, t.SetInt64(int64(n-x-j)))
		den.Mul(den, t.SetInt64(int64(n-j)))
	}
	return num.Cmp(den) <= 0
}

// Histogram counts a model's problems by pass rate c/n: Zero those never
// solved (c = 0), One those always solved (c = n), and Bins[b] those with
// b/B ≤ c/n < (b+1)/B, 0 < c < n, for B = len(Bins) bins (decided in
// integers: b = ⌊B·c/n⌋). The two extremes are apart because they are
// where pass@k is flat (0 or 1 at every k) and where models differ most.
type Histogram struct {
	Label string `json:"label"`
	Zero  int    `json:"zero"`
	Bins  []int  `json:"bins"`
	One   int    `json:"one"`
}

// PassRates returns the histogram of the model's per-problem pass rates in
// bins equal bins over (0, 1) (10 when bins ≤ 0), with c = 0 and c = n
// counted apart.
func (m *Model) PassRates(bins int) Histogram {
	if bins <= 0 {
		bins = 10
	}
	h := Histogram{Label: m.Label, Bins: make([]int, bins)}
	for _, p := range m.Problems {
		switch {
		case p.C <= 0:
			h.Zero++
		case p.C >= p.N:
			h.One++
		default:
			h.Bins[bins*p.C/p.N]++
		}
	}
	return h
}
