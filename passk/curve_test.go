package passk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomModel returns a model of `problems` problems with n drawn from ns
// and c from rate(rng, n).
func randomModel(label string, rng *rand.Rand, problems int, ns []int, rate func(*rand.Rand, int) int) *Model {
	m := &Model{Label: label}
	for i := range problems {
		n := ns[rng.IntN(len(ns))]
		m.Problems = append(m.Problems, Problem{ID: fmt.Sprintf("p%05d", i), N: n, C: rate(rng, n)})
	}
	return m
}

func uniformC(rng *rand.Rand, n int) int { return rng.IntN(n + 1) }

func TestModelCurveIsMeanOfOneOffs(t *testing.T) {
	// The grouped, tabled curve against a plain loop over problems of the
	// one-off estimators (themselves checked against exact rationals in
	// estimator_test.go): relative 1e-13. Uneven n: the range ends at the
	// smallest n and the larger problems count fully.
	rng := rand.New(rand.NewPCG(5, 6))
	m := randomModel("m", rng, 300, []int{40, 64, 100}, func(rng *rand.Rand, n int) int {
		return []int{0, 1, 2, n / 2, n - 1, n, rng.IntN(n + 1)}[rng.IntN(7)]
	})
	for _, metric := range []Metric{PassAtK, PassHatK} {
		ks, curve, err := m.Curve(metric, nil)
		require.NoError(t, err)
		require.Equal(t, DenseGrid(40), ks)
		for j, k := range ks {
			var sum float64
			for _, p := range m.Problems {
				v, err := metric.Value(p.N, p.C, k)
				require.NoError(t, err)
				sum += v
			}
			want := sum / float64(len(m.Problems))
			assert.InDelta(t, 0, curve[j]/want-1, 1e-13, "%s k=%d", metric, k)
		}
		// Any grid gives the same values as the dense one.
		ks2, curve2, err := m.Curve(metric, []int{40, 3, 17, 3, 1})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 3, 17, 40}, ks2)
		for j, k := range ks2 {
			assert.Equal(t, curve[k-1], curve2[j])
		}
	}
	// 1 − pass@k, accurate where pass@k is close to 1.
	_, fail, err := m.FailureCurve([]int{1, 20, 40})
	require.NoError(t, err)
	for j, k := range []int{1, 20, 40} {
		var sum float64
		for _, p := range m.Problems {
			sum += exactFailure(p.N, p.C, k)
		}
		assert.InDelta(t, 0, fail[j]/(sum/float64(len(m.Problems)))-1, 1e-13, "k=%d", k)
	}
}

func TestModelCurveOrderAndErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := randomModel("m", rng, 500, []int{50}, uniformC)
	_, a, err := m.Curve(PassAtK, nil)
	require.NoError(t, err)
	// Reordering problems gives the same bits (groups are summed in (n, c)
	// order).
	r := &Model{Label: "r", Problems: append([]Problem(nil), m.Problems...)}
	rng.Shuffle(len(r.Problems), func(i, j int) { r.Problems[i], r.Problems[j] = r.Problems[j], r.Problems[i] })
	_, b, err := r.Curve(PassAtK, nil)
	require.NoError(t, err)
	assert.Equal(t, a, b)

	_, _, err = m.Curve(PassAtK, []int{51})
	assert.ErrorIs(t, err, ErrKOutOfRange)
	_, _, err = m.Curve(PassAtK, []int{0, 1})
	assert.ErrorIs(t, err, ErrKOutOfRange)
	_, _, err = m.Curve("nope", nil)
	assert.ErrorIs(t, err, ErrUnknownMetric)
	_, _, err = (&Model{Label: "empty"}).Curve(PassAtK, nil)
	assert.ErrorIs(t, err, ErrNoProblems)
}

func TestModelCurveSaturation(t *testing.T) {
	// Every problem solved at least once: pass@n is exactly 1 (C(n−c, n) = 0
	// for c ≥ 1), as is the mean; pass^k is exactly 0 beyond the largest c.
	m := &Model{Label: "m", Problems: []Problem{{ID: "a", N: 8, C: 1}, {ID: "b", N: 8, C: 8}, {ID: "c", N: 8, C: 4}}}
	_, curve, err := m.Curve(PassAtK, nil)
	require.NoError(t, err)
	assert.Equal(t, 1.0, curve[7])
	// pass@1 = (1/8 + 1 + 1/2)/3 = 13/24.
	assert.InDelta(t, 13.0/24, curve[0], 1e-15)
	_, hat, err := m.Curve(PassHatK, nil)
	require.NoError(t, err)
	// pass^8: only c = n contributes: 1/3.
	assert.InDelta(t, 1.0/3, hat[7], 1e-15)
	assert.False(t, math.IsNaN(hat[0]))
}
