package passk

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCoverageAt(t *testing.T) {
	// By hand, pass@k = 1 − C(n−c, k)/C(n, k):
	//   x: A (2,1) pass@1 = 1/2 (the boundary counts), B (4,1) = 1/4;
	//   y: A (4,1) pass@1 = 1/4, at k = 2: 1 − 3/6 = 1/2;  B (4,3) = 3/4;
	//   z: A (4,0) = 0 at every k;                          B (4,2) = 1/2;
	//   w: A (4,4) = 1;                                     B (5,4) = 4/5;
	//   v: A (4,1), B (4,0): at k = 4 A solved (c ≥ 1), B never.
	a := &Model{Label: "A", Problems: []Problem{
		{ID: "x", N: 2, C: 1}, {ID: "y", N: 4, C: 1}, {ID: "z", N: 4, C: 0}, {ID: "w", N: 4, C: 4},
		{ID: "v", N: 4, C: 1}, {ID: "a-only", N: 9, C: 9},
	}}
	b := &Model{Label: "B", Problems: []Problem{
		{ID: "w", N: 5, C: 4}, {ID: "z", N: 4, C: 2}, {ID: "y", N: 4, C: 3}, {ID: "x", N: 4, C: 1},
		{ID: "v", N: 4, C: 0},
	}}
	cv, err := CoverageAt(a, b, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, cv.AOnly)
	assert.Equal(t, []string{"y", "z"}, cv.BOnly)
	assert.Equal(t, []string{"w"}, cv.Both)
	assert.Equal(t, []string{"v"}, cv.Neither)
	assert.Equal(t, 2, cv.KMax) // x has n = 2 in A
	assert.Equal(t, [2]int{1, 0}, [2]int{cv.OnlyInA, cv.OnlyInB})

	cv, err = CoverageAt(a, b, 2)
	require.NoError(t, err)
	// x: A 1 (k = n), B 1 − C(3,2)/C(4,2) = 1/2; y: A 1/2, B 1; v: A 1/2, B 0.
	assert.Equal(t, []string{"v"}, cv.AOnly)
	assert.Equal(t, []string{"z"}, cv.BOnly)
	assert.Equal(t, []string{"x", "y", "w"}, cv.Both)
	assert.Equal(t, []string{}, cv.Neither)

	_, err = CoverageAt(a, b, 3)
	assert.ErrorIs(t, err, ErrKOutOfRange)
	_, err = CoverageAt(a, b, 0)
	assert.ErrorIs(t, err, ErrKOutOfRange)
	_, err = CoverageAt(a, &Model{Label: "C", Problems: []Problem{{ID: "q", N: 1, C: 1}}}, 1)
	assert.ErrorIs(t, err, ErrNoProblems)
}

func TestSolvedAtExact(t *testing.T) {
	// solvedAt against the exact test 2·C(n−c, k) ≤ C(n, k) in integers, for
	// random (n, c, k), and on every exact boundary F = 1/2 with n ≤ 60.
	rng := rand.New(rand.NewPCG(13, 14))
	exact := func(n, c, k int) bool {
		var num, den big.Int
		num.Binomial(int64(n-c), int64(k))
		den.Binomial(int64(n), int64(k))
		return num.Lsh(&num, 1).Cmp(&den) <= 0
	}
	boundaries := 0
	for n := 1; n <= 60; n++ {
		for c := 0; c <= n; c++ {
			for k := 1; k <= n; k++ {
				var num, den big.Int
				num.Binomial(int64(n-c), int64(k))
				den.Binomial(int64(n), int64(k))
				if num.Lsh(&num, 1).Cmp(&den) == 0 {
					boundaries++
					require.True(t, solvedAt(n, c, k), "n=%d c=%d k=%d", n, c, k)
				}
			}
		}
	}
	assert.Greater(t, boundaries, 10)
	for range 3000 {
		n := 1 + rng.IntN(2000)
		c, k := rng.IntN(n+1), 1+rng.IntN(n)
		if rng.IntN(2) == 0 { // near the boundary: c·k ≈ 0.7·n
			k = 1 + rng.IntN(min(n, 60))
			c = min(n, int(0.69*float64(n)/float64(k))+rng.IntN(3))
		}
		require.Equal(t, exact(n, c, k), solvedAt(n, c, k), "n=%d c=%d k=%d", n, c, k)
	}
}

func TestPassRates(t *testing.T) {
	m := &Model{Label: "m", Problems: []Problem{
		{ID: "a", N: 10, C: 0}, {ID: "b", N: 10, C: 10}, {ID: "c", N: 10, C: 1}, // 0.1 → bin 1
		{ID: "d", N: 3, C: 1}, {ID: "e", N: 3, C: 2}, {ID: "f", N: 100, C: 99}, {ID: "g", N: 100, C: 9},
		{ID: "h", N: 1, C: 1}, {ID: "i", N: 1, C: 0},
	}}
	h := m.PassRates(0)
	assert.Equal(t, Histogram{Label: "m", Zero: 2, One: 2, Bins: []int{1, 1, 0, 1, 0, 0, 1, 0, 0, 1}}, h)
	h = m.PassRates(2)
	assert.Equal(t, []int{3, 2}, h.Bins)
}
