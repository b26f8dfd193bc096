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

func TestCrossingsRules(t *testing.T) {
	sqrt2 := math.Sqrt2 // k* between 1 and 2 with t = 1/2: exp(ln 2 / 2)
	for _, tc := range []struct {
		name string
		d    []float64
		want []float64
	}{
		{"none", []float64{1, 2, 3}, []float64{}},
		{"empty", nil, []float64{}},
		{"single k", []float64{-1}, []float64{}},
		{"sign change, t = 1/2", []float64{1, -1}, []float64{sqrt2}},
		{"B to A", []float64{-1, 1}, []float64{sqrt2}},
		// t = 3/(3+1) between k = 2 and 3: exp(ln 2 + 0.75·ln 1.5).
		{"t = 3/4", []float64{5, 3, -1, -2}, []float64{2 * math.Pow(1.5, 0.75)}},
		// An exact zero at k+1 between opposite signs: one crossing at k+1,
		// not a second one from (0, −).
		{"zero at k+1", []float64{2, 0, -1}, []float64{2}},
		{"run of zeros", []float64{2, 1, 0, 0, 0, -1}, []float64{3}},
		// Zeros between equal signs: the curves touch, the lead stays.
		{"touch", []float64{2, 0, 0, 1}, []float64{}},
		// Zeros up to K: both curves end tied (e.g. both at exactly 1).
		{"tied end", []float64{-1, -0.5, 0, 0}, []float64{}},
		// Zeros from k = 1: no leader before, so no change of leader.
		{"tied start", []float64{0, 0, 1, 2}, []float64{}},
		{"tied start then cross", []float64{0, 1, -1}, []float64{2 * math.Pow(1.5, 0.5)}},
		{"identically zero", []float64{0, 0, 0}, []float64{}},
		{"three", []float64{1, -1, 0, 1, 1, -1}, []float64{sqrt2, 3, 5 * math.Pow(1.2, 0.5)}},
		// Differences within 1e-12 relative are ties (float64 rounding
		// cannot give their sign): a touch, not two crossings.
		{"rounding noise", []float64{1, 3e-15, -2e-15, 1}, []float64{}},
		{"noise between", []float64{1, 3e-15, -1}, []float64{2}},
	} {
		// Curves A = 10 + d and B = 10, so that D = d exactly.
		a, b := make([]float64, len(tc.d)), make([]float64, len(tc.d))
		for i, v := range tc.d {
			a[i], b[i] = 10+v, 10
		}
		got := Crossings(a, b)
		require.NotNil(t, got, tc.name)
		assert.InDeltaSlice(t, tc.want, got, 1e-14, tc.name)
	}
}

// exactRatio is C(n−c, k)/C(n, k) as a rational.
func exactRatio(n, c, k int) *big.Rat {
	var num, den big.Int
	num.Binomial(int64(n-c), int64(k))
	den.Binomial(int64(n), int64(k))
	return new(big.Rat).SetFrac(&num, &den)
}

// exactD returns D(k) = A(k) − B(k) for k = 1..K, where A and B are the
// mean pass@k of the problems both models have, in exact rationals.
func exactD(a, b *Model) []*big.Rat {
	idx := b.Index()
	K := math.MaxInt
	type pair struct{ p, q Problem }
	var shared []pair
	for _, p := range a.Problems {
		if j, ok := idx[p.ID]; ok {
			q := b.Problems[j]
			shared = append(shared, pair{p, q})
			K = min(K, p.N, q.N)
		}
	}
	var d []*big.Rat
	for k := 1; k <= K; k++ {
		sum := new(big.Rat)
		for _, s := range shared {
			// (1 − F_a) − (1 − F_b) = F_b − F_a
			sum.Add(sum, exactRatio(s.q.N, s.q.C, k))
			sum.Sub(sum, exactRatio(s.p.N, s.p.C, k))
		}
		d = append(d, sum.Quo(sum, new(big.Rat).SetInt64(int64(len(shared)))))
	}
	return d
}

// referenceCrossings applies design.md §3 to exact D, written
// independently of appendCrossings: walk k = 1..K−1; a strict sign change
// between k and k+1 is a crossing at exp(ln k + t(ln(k+1) − ln k)); an exact
// zero at k+1 after a nonzero D(k) is a crossing at k+1 when the next nonzero
// value has the opposite sign of D(k).
func referenceCrossings(d []*big.Rat) []float64 {
	out := []float64{}
	for k := 1; k < len(d); k++ {
		s0, s1 := d[k-1].Sign(), d[k].Sign()
		switch {
		case s0*s1 < 0:
			num := new(big.Rat).Set(d[k-1])
			t, _ := num.Quo(num, new(big.Rat).Sub(d[k-1], d[k])).Float64()
			lk, lk1 := math.Log(float64(k)), math.Log(float64(k+1))
			out = append(out, math.Exp(lk+t*(lk1-lk)))
		case s0 != 0 && s1 == 0:
			for j := k + 1; j < len(d); j++ {
				if s := d[j].Sign(); s != 0 {
					if s != s0 {
						out = append(out, float64(k+1))
					}
					break
				}
			}
		}
	}
	return out
}

func TestCompareAnalytic(t *testing.T) {
	// A solves half of 20 problems with c/n = 12/16 and never the others; B
	// solves every problem with c/n = 2/16. By hand:
	//   A(k) = ½(1 − C(4,k)/C(16,k)),  B(k) = 1 − C(14,k)/C(16,k).
	//   k = 4: A = ½(1 − 1/1820) = 909.5/1820, B = 1 − 1001/1820 = 819/1820,
	//          D(4) = 90.5/1820 = 181/3640 > 0;
	//   k = 5: A = ½ (C(4,5) = 0), B = 1 − 2002/4368, D(5) = −182/4368 = −1/24.
	//   t = (181/3640)/(181/3640 + 1/24) = 543/998, k* = 4·(5/4)^(543/998).
	// B leads from k = 5 to K = 16 (B(16) = 1 > A(16) = ½).
	a, b := &Model{Label: "A"}, &Model{Label: "B"}
	for i := range 20 {
		id := fmt.Sprintf("q%d", i)
		a.Problems = append(a.Problems, Problem{ID: id, N: 16, C: 12 * (i % 2)})
		b.Problems = append(b.Problems, Problem{ID: id, N: 16, C: 2})
	}
	want := 4 * math.Pow(1.25, 543.0/998)
	cr, err := Compare(a, b, Options{})
	require.NoError(t, err)
	assert.InDelta(t, want, cr.K, 1e-12*want)
	assert.InDeltaSlice(t, []float64{want}, cr.All, 1e-12*want)
	assert.Equal(t, "B", cr.Leader)
	assert.Equal(t, 16, cr.KMax)
	assert.Equal(t, 20, cr.Shared)
	assert.True(t, math.IsNaN(cr.Lo) && math.IsNaN(cr.Hi) && math.IsNaN(cr.Share), "no bootstrap")
	// The same from exact rationals, through the reference rule.
	assert.InDeltaSlice(t, referenceCrossings(exactD(a, b)), cr.All, 1e-12*want)

	// Swapped: the same k*, the leader named the other way.
	cr2, err := Compare(b, a, Options{})
	require.NoError(t, err)
	assert.InDelta(t, want, cr2.K, 1e-12*want)
	assert.Equal(t, "B", cr2.Leader)

	// A problem only A has and one only B has are not compared, but counted.
	a.Problems = append(a.Problems, Problem{ID: "onlyA", N: 2, C: 2})
	b.Problems = append(b.Problems, Problem{ID: "onlyB", N: 3, C: 0}, Problem{ID: "onlyB2", N: 3, C: 0})
	cr3, err := Compare(a, b, Options{})
	require.NoError(t, err)
	assert.Equal(t, cr.All, cr3.All)
	assert.Equal(t, [3]int{20, 1, 2}, [3]int{cr3.Shared, cr3.OnlyA, cr3.OnlyB})
	assert.Equal(t, 16, cr3.KMax, "K is the range on shared problems")
}

func TestCompareNoCrossing(t *testing.T) {
	// A dominates B problem by problem (c_A ≥ c_B, same n): pass@k is
	// increasing in c, so D ≥ 0 everywhere: no crossing, A leads.
	a, b := &Model{Label: "A"}, &Model{Label: "B"}
	for i := range 10 {
		id := fmt.Sprint(i)
		a.Problems = append(a.Problems, Problem{ID: id, N: 10, C: 1 + i%5})
		b.Problems = append(b.Problems, Problem{ID: id, N: 10, C: i % 5})
	}
	cr, err := Compare(a, b, Options{Boot: 200, Seed: 3})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(cr.K))
	assert.Empty(t, cr.All)
	assert.Equal(t, "A", cr.Leader)
	// In no replicate can B overtake (the same problems are drawn for both).
	assert.Equal(t, 0.0, cr.Share)
	assert.True(t, math.IsNaN(cr.Lo) && math.IsNaN(cr.Hi))

	// Identical models: D is identically zero: no crossing, no leader.
	cr, err = Compare(a, &Model{Label: "A2", Problems: a.Problems}, Options{Boot: 50})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(cr.K))
	assert.Equal(t, "", cr.Leader)
	assert.Equal(t, 0.0, cr.Share)
}

func TestCompareRandomAgainstExact(t *testing.T) {
	// Random small pairs of models: the crossings of Compare against the
	// reference rule on exact rational D, positions to 1e-9 relative (t is a
	// ratio of float64 differences). Pairs where some exact D is nonzero
	// but within 1e-10 of 0 are skipped: float64 cannot be asked to get
	// their sign, and Compare takes |D| ≤ 1e-12·max(A, B) as a tie. Exact
	// zeros are kept: they must come out as ties, also where the two sums
	// round differently. Covers multiple crossings, mid-curve ties and curves
	// ending tied at 1.
	rng := rand.New(rand.NewPCG(9, 10))
	var multi, tied, midTie, checked int
	for range 1500 {
		n := []int{4, 6, 8, 12}[rng.IntN(4)]
		a, b := &Model{Label: "a"}, &Model{Label: "b"}
		for i := range 2 + rng.IntN(4) {
			id := fmt.Sprint(i)
			a.Problems = append(a.Problems, Problem{ID: id, N: n, C: rng.IntN(n + 1)})
			b.Problems = append(b.Problems, Problem{ID: id, N: n + rng.IntN(3), C: rng.IntN(n + 1)})
		}
		d := exactD(a, b)
		skip := false
		for _, v := range d {
			f, _ := v.Float64()
			skip = skip || (v.Sign() != 0 && math.Abs(f) < 1e-10)
		}
		if skip {
			continue
		}
		checked++
		want := referenceCrossings(d)
		cr, err := Compare(a, b, Options{})
		require.NoError(t, err)
		require.Len(t, cr.All, len(want), "%+v %+v", a.Problems, b.Problems)
		for i := range want {
			assert.InDelta(t, want[i], cr.All[i], 1e-9*want[i])
		}
		if len(want) > 0 {
			assert.Equal(t, cr.All[len(cr.All)-1], cr.K, "headline is the last crossing")
		}
		multi += min(len(want)/2, 1)
		for k := 1; k+1 < len(d); k++ {
			if d[k].Sign() == 0 && d[k-1].Sign() != 0 && d[k+1].Sign() != 0 {
				midTie++
			}
		}
		if d[len(d)-1].Sign() == 0 {
			tied++
			assert.Equal(t, "", cr.Leader)
		}
	}
	t.Logf("%d pairs checked, %d with two or more crossings, %d ending tied, %d exact ties mid-curve", checked, multi, tied, midTie)
	assert.Greater(t, checked, 1000)
	assert.Greater(t, multi, 5)
	assert.Greater(t, tied, 50)
	assert.Greater(t, midTie, 0)
}
