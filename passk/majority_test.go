package passk

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// enumerated is a problem's samples one by one: ans[i] is the answer of
// sample i (-1: none), correct[a] whether answer a is correct.
type enumerated struct {
	ans     []int
	correct []bool
}

func (e enumerated) problem() Problem {
	p := Problem{ID: "p", N: len(e.ans)}
	counts := make([]int, len(e.correct))
	for _, a := range e.ans {
		if a >= 0 {
			counts[a]++
			if e.correct[a] {
				p.C++
			}
		}
	}
	for a, m := range counts {
		p.Answers = append(p.Answers, Answer{Text: fmt.Sprint("a", a), Count: m, Correct: e.correct[a]})
	}
	return p
}

// enumerate returns maj@k, and the number correct of each k-subset, by
// visiting every k-subset of the n samples (n ≤ 12): the independent
// reference for the exact algorithms.
func (e enumerated) enumerate(k int) (maj float64, correctCounts []int) {
	n := len(e.ans)
	var total float64
	subsets := 0
	votes := make([]int, len(e.correct))
	for mask := uint32(0); mask < 1<<n; mask++ {
		if bits.OnesCount32(mask) != k {
			continue
		}
		subsets++
		clear(votes)
		right := 0
		for i := 0; i < n; i++ {
			if mask&(1<<i) != 0 && e.ans[i] >= 0 {
				votes[e.ans[i]]++
				if e.correct[e.ans[i]] {
					right++
				}
			}
		}
		correctCounts = append(correctCounts, right)
		best := 0
		for _, v := range votes {
			best = max(best, v)
		}
		if best == 0 {
			continue // nothing voted
		}
		tied, good := 0, 0
		for a, v := range votes {
			if v == best {
				tied++
				if e.correct[a] {
					good++
				}
			}
		}
		total += float64(good) / float64(tied)
	}
	return total / float64(subsets), correctCounts
}

// fromCounts lays out samples with the given answer counts, then none more.
func fromCounts(counts []int, correct []bool, none int) enumerated {
	var e enumerated
	e.correct = correct
	for a, m := range counts {
		for range m {
			e.ans = append(e.ans, a)
		}
	}
	for range none {
		e.ans = append(e.ans, -1)
	}
	return e
}

func majorityCases() []enumerated {
	T, F := true, false
	cases := []enumerated{
		fromCounts([]int{8}, []bool{T}, 0),
		fromCounts([]int{8}, []bool{F}, 0),
		fromCounts([]int{3, 3}, []bool{T, F}, 0),             // a tie of two
		fromCounts([]int{2, 2, 2, 1}, []bool{F, T, F, F}, 1), // three-way ties, one abstention
		fromCounts([]int{1, 1, 1, 1, 1, 1}, []bool{F, F, T, F, F, F}, 0),
		fromCounts([]int{3, 3, 2}, []bool{T, T, F}, 0), // two correct forms
		fromCounts([]int{4, 4}, []bool{T, F}, 2),
		fromCounts([]int{2, 3, 3, 1}, []bool{F, T, F, F}, 1),
		fromCounts([]int{1, 5}, []bool{T, F}, 4), // correct minority
		fromCounts(nil, nil, 5),                  // no answers at all
		fromCounts([]int{1}, []bool{T}, 9),       // mostly abstaining
		fromCounts([]int{2, 2, 2, 2, 2}, []bool{T, F, F, F, F}, 0),
	}
	// Random profiles with n ≤ 10, seeded.
	rng := rand.New(rand.NewPCG(6, 7))
	for range 40 {
		n := 1 + rng.IntN(10)
		r := 1 + rng.IntN(5)
		e := enumerated{correct: make([]bool, r)}
		for a := range e.correct {
			e.correct[a] = rng.IntN(3) == 0
		}
		for range n {
			e.ans = append(e.ans, rng.IntN(r+1)-1)
		}
		cases = append(cases, e)
	}
	return cases
}

func TestMajorityMatchesEnumeration(t *testing.T) {
	// Every k-subset of n ≤ 10 samples, votes counted one by one: maj@k
	// must agree to 1e-12 (the exact algorithm sums probabilities in
	// float64; the enumeration averages at most C(10, 5) = 252 fractions).
	for ci, e := range majorityCases() {
		p := e.problem()
		ks := DenseGrid(p.N)
		got, err := MajorityValues(p, ks)
		require.NoError(t, err)
		for _, k := range ks {
			want, _ := e.enumerate(k)
			assert.InDelta(t, want, got[k-1], 1e-12, "case %d (%v) k = %d", ci, p.Answers, k)
		}
	}
}

func TestMajorityByHand(t *testing.T) {
	// 3 correct, 3 wrong, k = 2 of 6: both drawn from one answer with
	// probability (3+3)/15, else a 1–1 tie (9/15) worth ½: 3/15 + 4.5/15.
	p := fromCounts([]int{3, 3}, []bool{true, false}, 0).problem()
	v, err := MajorityValues(p, []int{2, 1, 6})
	require.NoError(t, err)
	assert.InDelta(t, 7.5/15, v[0], 1e-15)
	assert.InDelta(t, 0.5, v[1], 1e-15) // k = 1: the drawn sample's answer
	assert.InDelta(t, 0.5, v[2], 1e-15) // k = n: a 3–3 tie
	_, err = MajorityValues(p, []int{7})
	assert.ErrorIs(t, err, ErrKOutOfRange)
}

func TestMajorityLargeN(t *testing.T) {
	// At n = 400 the probabilities must stay finite and in [0, 1], k = 1 is
	// the share of correct samples, and with a clear correct majority
	// maj@n = 1.
	p := Problem{ID: "x", N: 400, C: 220, Answers: []Answer{
		{Text: "a", Count: 220, Correct: true}, {Text: "b", Count: 120}, {Text: "c", Count: 40}, {Text: "d", Count: 20}}}
	ks := []int{1, 2, 3, 10, 100, 399, 400}
	v, err := MajorityValues(p, ks)
	require.NoError(t, err)
	assert.InDelta(t, 220.0/400, v[0], 1e-13)
	assert.InDelta(t, 1, v[len(v)-1], 1e-13)
	for i, x := range v {
		assert.True(t, x >= 0 && x <= 1, "k = %d: %v", ks[i], x)
	}
	assert.Greater(t, v[4], 0.97, "a 55%–30% lead wins most votes of 100")
}

// TestMajorityTooMuchWork: answers made for the tie programme's worst case
// (32 answers of 64 votes at n = 2048, about 10⁹ steps) get ErrTooLarge
// after the step budget instead of running for as long as they need, in
// MajorityValues and in an analysis; 32 answers of 32 at n = 1024 are
// computed.
func TestMajorityTooMuchWork(t *testing.T) {
	equal := func(n, answers int) Problem {
		p := Problem{ID: "eq", N: n, C: n / answers}
		for i := range answers {
			p.Answers = append(p.Answers, Answer{Text: fmt.Sprint(i), Count: n / answers, Correct: i == 0})
		}
		return p
	}
	_, err := MajorityValues(equal(2048, 32), DenseGrid(2048))
	require.ErrorIs(t, err, ErrTooLarge)
	assert.EqualError(t, err, `problem "eq": maj@k of a problem with n = 2048 and 32 answers (the largest given 64 times) needs more than 268435456 steps: beyond passk's limits`)
	_, err = Analyze([]*Model{{Label: "m", Problems: []Problem{equal(2048, 32)}}}, Options{Metric: MajAtK, Boot: 0})
	assert.ErrorIs(t, err, ErrTooLarge)
	v, err := MajorityValues(equal(1024, 32), []int{1, 1024})
	require.NoError(t, err)
	assert.InDelta(t, 1.0/32, v[0], 1e-12) // one vote: the right answer with chance 32/1024
}

func TestGPassMatchesEnumeration(t *testing.T) {
	// G-Pass@k_τ = P(at least ⌈τk⌉ of k draws correct), against counting
	// the correct samples of every k-subset.
	for n := 1; n <= 10; n++ {
		for c := 0; c <= n; c++ {
			e := fromCounts([]int{c, n - c}, []bool{true, false}, 0)
			for k := 1; k <= n; k++ {
				_, counts := e.enumerate(k)
				for _, tau := range append([]float64{0.1, 0.3, 0.6}, GPassTaus...) {
					need := int(math.Ceil(tau*float64(k) - 1e-9))
					hits := 0
					for _, x := range counts {
						if x >= need {
							hits++
						}
					}
					want := float64(hits) / float64(len(counts))
					got, err := GPassValue(n, c, k, tau)
					require.NoError(t, err)
					assert.InDelta(t, want, got, 1e-13, "n %d c %d k %d τ %v", n, c, k, tau)
					row := GPassAtK(tau).Curve(n, c, nil)
					assert.InDelta(t, want, row[k-1], 1e-13)
				}
			}
		}
	}
}

func TestGPassLimits(t *testing.T) {
	// τ = 1 is pass^k; a small τ (⌈τk⌉ = 1 for k ≤ 1/τ) is pass@k. The
	// hypergeometric probabilities come from logs of binomial coefficients
	// of up to ln C(1000, 500) ≈ 690, whose last ulps (1e-13) are the
	// tolerance's scale: 1e-12 relative.
	for _, nc := range [][2]int{{50, 7}, {200, 150}, {1000, 3}} {
		n, c := nc[0], nc[1]
		hat := PassHatKCurve(n, c, nil)
		at := PassAtKCurve(n, c, nil)
		g1 := GPassAtK(1).Curve(n, c, nil)
		gSmall := GPassAtK(1.0/float64(n)).Curve(n, c, nil)
		for k := 1; k <= n; k++ {
			assert.InDelta(t, hat[k-1], g1[k-1], 1e-12*hat[k-1]+1e-300, "pass^k n %d c %d k %d", n, c, k)
			assert.InDelta(t, at[k-1], gSmall[k-1], 1e-12*at[k-1], "pass@k n %d c %d k %d", n, c, k)
		}
	}
	_, err := GPassValue(5, 2, 2, 0)
	assert.ErrorIs(t, err, ErrUnknownMetric)
	_, err = GPassValue(5, 2, 6, 0.5)
	assert.ErrorIs(t, err, ErrKOutOfRange)
}

func TestParseMetric(t *testing.T) {
	for in, want := range map[string]Metric{
		"pass@k": PassAtK, "pass^k": PassHatK, "maj@k": MajAtK,
		"g-pass@k:0.5": "g-pass@k:0.5", "g-pass@k:0.50": "g-pass@k:0.5", " g-pass@k:1.0": "g-pass@k:1",
		"g-pass@k:.25": "g-pass@k:0.25",
	} {
		m, err := ParseMetric(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, m)
		require.NoError(t, m.Validate())
	}
	for _, in := range []string{"", "pass@x", "g-pass@k:0", "g-pass@k:1.5", "g-pass@k:", "g-pass@k:x", "maj@"} {
		_, err := ParseMetric(in)
		assert.ErrorIs(t, err, ErrUnknownMetric, in)
	}
	assert.Error(t, Metric("g-pass@k:0.50").Validate(), "only the canonical form is a metric")
	_, err := MajAtK.Value(4, 2, 1)
	assert.ErrorIs(t, err, ErrNoAnswers)
	assert.Panics(t, func() { MajAtK.Curve(4, 2, nil) })
}

// benchProfile is a problem with one frequent correct answer, a few
// frequent wrong ones and a tail of answers given once or twice.
func benchProfile(n int) Problem {
	p := Problem{ID: "b", N: n}
	add := func(m int, correct bool) {
		p.Answers = append(p.Answers, Answer{Text: fmt.Sprint(len(p.Answers)), Count: m, Correct: correct})
		if correct {
			p.C += m
		}
	}
	add(n*45/100, true)
	add(n*25/100, false)
	add(n*10/100, false)
	add(n*5/100, false)
	left := n - n*45/100 - n*25/100 - n*10/100 - n*5/100
	for left > 0 {
		m := min(left, 1+len(p.Answers)%2)
		add(m, false)
		left -= m
	}
	return p
}

// BenchmarkMajority is a whole maj@k curve, k = 1..n, of one problem.
func BenchmarkMajority(b *testing.B) {
	for _, n := range []int{8, 64, 256, 1024} {
		p := benchProfile(n)
		ks := DenseGrid(n)
		b.Run(fmt.Sprintf("n=%d/answers=%d", n, len(p.Answers)), func(b *testing.B) {
			for b.Loop() {
				if _, err := MajorityValues(p, ks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGPassCurve is a whole G-Pass@k_0.5 curve, k = 1..n.
func BenchmarkGPassCurve(b *testing.B) {
	for _, n := range []int{64, 1024, 10000} {
		dst := make([]float64, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				gPassRow(n, n/3, 0.5, dst)
			}
		})
	}
}

// exactMajority sums the multivariate hypergeometric distribution of the
// vote counts (x_a) exactly in big.Rat: Π C(m_a, x_a) · C(u, k − Σx) / C(n, k),
// each outcome scored by the tie rule. Independent of the dynamic
// programme; feasible for a few answers at moderate n.
func exactMajority(counts []int, correct []bool, none, k int) float64 {
	n := none
	for _, m := range counts {
		n += m
	}
	total := new(big.Rat)
	x := make([]int, len(counts))
	var walk func(a, used int)
	walk = func(a, used int) {
		if a == len(counts) {
			rest := k - used
			if rest < 0 || rest > none {
				return
			}
			ways := new(big.Int).Binomial(int64(none), int64(rest))
			for i, m := range counts {
				ways.Mul(ways, new(big.Int).Binomial(int64(m), int64(x[i])))
			}
			best, tied, good := 0, 0, 0
			for _, v := range x {
				best = max(best, v)
			}
			if best == 0 {
				return
			}
			for i, v := range x {
				if v == best {
					tied++
					if correct[i] {
						good++
					}
				}
			}
			term := new(big.Rat).SetFrac(ways.Mul(ways, big.NewInt(int64(good))), big.NewInt(int64(tied)))
			total.Add(total, term)
			return
		}
		for v := 0; v <= counts[a] && used+v <= k; v++ {
			x[a] = v
			walk(a+1, used+v)
		}
	}
	walk(0, 0)
	total.Quo(total, new(big.Rat).SetInt(new(big.Int).Binomial(int64(n), int64(k))))
	f, _ := total.Float64()
	return f
}

func TestMajorityMultivariateExact(t *testing.T) {
	// n = 30 to 40 with up to five answers (ties at large counts, two
	// correct forms, abstentions): every k against the exact rational sum,
	// to 1e-12.
	T, F := true, false
	for _, tc := range []struct {
		counts  []int
		correct []bool
		none    int
	}{
		{[]int{12, 10, 5, 3}, []bool{T, F, F, F}, 0},
		{[]int{10, 10, 10}, []bool{T, F, F}, 2},
		{[]int{8, 8, 8, 6}, []bool{T, T, F, F}, 0},
		{[]int{15, 9, 4, 2}, []bool{F, T, F, F}, 2},
		{[]int{6, 6, 6, 6, 6}, []bool{F, F, T, F, F}, 5},
	} {
		p := fromCounts(tc.counts, tc.correct, tc.none).problem()
		got, err := MajorityValues(p, DenseGrid(p.N))
		require.NoError(t, err)
		for k := 1; k <= p.N; k++ {
			want := exactMajority(tc.counts, tc.correct, tc.none, k)
			assert.InDelta(t, want, got[k-1], 1e-12, "%v k = %d", tc.counts, k)
		}
	}
}
