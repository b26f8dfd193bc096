package passk

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyzeValidation(t *testing.T) {
	m := &Model{Label: "m", Problems: []Problem{{ID: "a", N: 4, C: 1}}}
	for _, tc := range []struct {
		name   string
		models []*Model
		opt    Options
		is     error
	}{
		{"no models", nil, Options{}, ErrInvalidOption},
		{"nil model", []*Model{m, nil}, Options{}, ErrInvalidOption},
		{"negative boot", []*Model{m}, Options{Boot: -1}, ErrInvalidOption},
		{"level 1", []*Model{m}, Options{Level: 1}, ErrInvalidOption},
		{"level NaN", []*Model{m}, Options{Level: math.NaN()}, ErrInvalidOption},
		{"k = 0", []*Model{m}, Options{K: []int{1, 0}}, ErrKOutOfRange},
		{"metric", []*Model{m}, Options{Metric: "pass@x"}, ErrUnknownMetric},
		{"duplicate label", []*Model{m, {Label: "m", Problems: m.Problems}}, Options{}, ErrDuplicate},
		{"bad model", []*Model{{Label: "x", Problems: []Problem{{ID: "a", N: 2, C: 3}}}}, Options{}, ErrInconsistent},
		{"empty model", []*Model{{Label: "x"}}, Options{}, ErrNoProblems},
		{"n beyond MaxN", []*Model{{Label: "x", Problems: []Problem{{ID: "a", N: MaxN + 1, C: 1}}}}, Options{}, ErrTooLarge},
		{"thousands of distinct n", []*Model{distinctN(3000)}, Options{}, ErrTooLarge},
		{"… paired", []*Model{distinctN(3000), {Label: "y", Problems: distinctN(3000).Problems}}, Options{Boot: 10}, ErrTooLarge},
	} {
		_, err := Analyze(tc.models, tc.opt)
		assert.ErrorIs(t, err, tc.is, tc.name)
	}
}

func TestAnalyzeReport(t *testing.T) {
	// Three models: "a" has uneven n (K = 6), "b" n = 10, "c" lacks a
	// problem. The grid asks for k up to 8: beyond a's range, so omitted.
	a := &Model{Label: "a", Problems: []Problem{{ID: "1", N: 6, C: 1}, {ID: "2", N: 10, C: 5}, {ID: "3", N: 10, C: 0}}}
	b := &Model{Label: "b", Problems: []Problem{{ID: "1", N: 10, C: 3}, {ID: "2", N: 10, C: 2}, {ID: "3", N: 10, C: 1}}}
	c := &Model{Label: "c", Problems: []Problem{{ID: "1", N: 10, C: 9}, {ID: "2", N: 10, C: 9}}}
	rep, err := Analyze([]*Model{a, b, c}, Options{K: []int{8, 1, 2, 6}})
	require.NoError(t, err)
	assert.Equal(t, PassAtK, rep.Metric)
	assert.Equal(t, 0.95, rep.Level)
	assert.Equal(t, 0, rep.Boot)

	require.Len(t, rep.Models, 3)
	ma := rep.Models[0]
	assert.Equal(t, ModelCurve{Label: "a", Problems: 3, NMin: 6, NMax: 10, Curve: ma.Curve}, ma)
	require.Len(t, ma.Curve, 3)
	assert.Equal(t, []int{1, 2, 6}, []int{ma.Curve[0].K, ma.Curve[1].K, ma.Curve[2].K})
	// pass@1 = (1/6 + 5/10 + 0)/3; pass@6 = (1 + (1 − C(5,6)/C(10,6)) + 0)/3 = 2/3.
	assert.InDelta(t, (1.0/6+0.5)/3, ma.Curve[0].Value, 1e-15)
	assert.InDelta(t, 2.0/3, ma.Curve[2].Value, 1e-15)
	assert.True(t, math.IsNaN(ma.Curve[0].Lo) && math.IsNaN(ma.Curve[0].Hi))
	assert.Len(t, rep.Models[1].Curve, 4)

	// Pairs in input order: a–b, a–c, b–c.
	require.Len(t, rep.Crossovers, 3)
	got := [][2]string{}
	for _, cr := range rep.Crossovers {
		got = append(got, [2]string{cr.A, cr.B})
	}
	assert.Equal(t, [][2]string{{"a", "b"}, {"a", "c"}, {"b", "c"}}, got)
	assert.Equal(t, 6, rep.Crossovers[0].KMax)
	assert.Equal(t, [3]int{2, 1, 0}, [3]int{rep.Crossovers[1].Shared, rep.Crossovers[1].OnlyA, rep.Crossovers[1].OnlyB})
	assert.Equal(t, 10, rep.Crossovers[2].KMax)

	warnings := strings.Join(rep.Warnings, "\n")
	assert.Contains(t, warnings, "a: uneven samples per problem (n from 6 to 10)")
	assert.Contains(t, warnings, "c: lacks 1 problem(s)")
	assert.Contains(t, warnings, "a: k = 8 beyond its range (k ≤ 6, its smallest n): omitted from its curve")

	// JSON: missing bands and crossovers are null.
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"lo":null`)
	assert.Contains(t, string(js), `"only_a":1`)

	// Curves agree with Model.Curve; pass^k too.
	for _, metric := range []Metric{PassAtK, PassHatK} {
		rep, err := Analyze([]*Model{a, b}, Options{Metric: metric, Boot: 50})
		require.NoError(t, err)
		assert.Equal(t, metric, rep.Metric)
		for i, m := range []*Model{a, b} {
			_, want, err := m.Curve(metric, nil)
			require.NoError(t, err)
			require.Len(t, rep.Models[i].Curve, len(want))
			for j, pt := range rep.Models[i].Curve {
				assert.Equal(t, want[j], pt.Value)
				assert.True(t, 0 <= pt.Lo && pt.Lo <= pt.Hi && pt.Hi <= 1, "band [%v, %v] at k = %d", pt.Lo, pt.Hi, pt.K)
			}
		}
	}
}

func TestAnalyzeNoSharedProblems(t *testing.T) {
	a := &Model{Label: "a", Problems: []Problem{{ID: "1", N: 4, C: 1}}}
	b := &Model{Label: "b", Problems: []Problem{{ID: "2", N: 4, C: 3}}}
	rep, err := Analyze([]*Model{a, b}, Options{Boot: 20})
	require.NoError(t, err)
	cr := rep.Crossovers[0]
	assert.Equal(t, 0, cr.Shared)
	assert.Equal(t, 0, cr.KMax)
	assert.True(t, math.IsNaN(cr.K))
	assert.Equal(t, "", cr.Leader)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "a and b share no problem")
	// Bands are there all the same.
	assert.False(t, math.IsNaN(rep.Models[0].Curve[0].Lo))
}

// benchModels returns `models` models of `problems` problems with n
// samples each, c uniform for the first and skewed for the others.
func benchModels(models, problems, n int) []*Model {
	rng := rand.New(rand.NewPCG(21, 22))
	var ms []*Model
	for i := range models {
		m := &Model{Label: fmt.Sprint("m", i)}
		for j := range problems {
			c := rng.IntN(n + 1)
			if i > 0 {
				c = int(float64(n) * math.Pow(rng.Float64(), 0.5+float64(i)))
			}
			m.Problems = append(m.Problems, Problem{ID: fmt.Sprintf("p%05d", j), N: n, C: c})
		}
		ms = append(ms, m)
	}
	return ms
}

func BenchmarkPassAtKValue(b *testing.B) {
	// One-off values at n = 10⁶ (worst case ~√(40n) factors before the sum
	// saturates).
	for b.Loop() {
		PassAtKValue(1000000, 3000, 3000)
	}
}

func BenchmarkCurve(b *testing.B) {
	// 10,000 problems × n = 1,024, c uniform: the whole curve k = 1..1024.
	m := benchModels(1, 10000, 1024)[0]
	for b.Loop() {
		if _, _, err := m.Curve(PassAtK, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	// Two models, every k up to n = 1,024, B = 1000 paired replicates:
	// curves, bands and the crossover with its interval.
	for _, problems := range []int{500, 5000} {
		b.Run(fmt.Sprintf("2x%dx1024", problems), func(b *testing.B) {
			ms := benchModels(2, problems, 1024)
			for b.Loop() {
				if _, err := Analyze(ms, DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnalyzeManyProblems: a million problems of few kinds (n = 4),
// where the bootstrap draws classes of problems rather than problems.
func BenchmarkAnalyzeManyProblems(b *testing.B) {
	x, y := manyProblems(1000000)
	ms := []*Model{x, y}
	for _, boot := range []int{0, 1000} {
		b.Run(fmt.Sprintf("2x1000000x4/B=%d", boot), func(b *testing.B) {
			opt := DefaultOptions()
			opt.Boot = boot
			for b.Loop() {
				if _, err := Analyze(ms, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// distinctN is a model of problems with distinct n just below MaxN and one
// right sample each: every k up to n needs a row of ~MaxN values per problem.
func distinctN(problems int) *Model {
	m := &Model{Label: "x"}
	for i := range problems {
		m.Problems = append(m.Problems, Problem{ID: fmt.Sprint(i), N: MaxN - i, C: 1})
	}
	return m
}

// TestDistinctNOnAGrid: the same data on a grid of k is computed (the
// tables hold the grid's values only), exactly as a per-problem sum.
func TestDistinctNOnAGrid(t *testing.T) {
	m := distinctN(3000)
	rep, err := Analyze([]*Model{m}, Options{K: []int{1, 1024, MaxN - 2999}})
	require.NoError(t, err)
	for _, pt := range rep.Models[0].Curve {
		var want float64
		for _, p := range m.Problems {
			want += float64(pt.K) / float64(p.N) // pass@k with c = 1 is k/n
		}
		assert.InDelta(t, want/3000, pt.Value, 1e-12, "k = %d", pt.K)
	}
}

// TestBootstrapTooMuchWork: 24 models that each lack one problem the others
// have need a paired bootstrap per pair (276 of them): too much work, so
// the analysis runs without a bootstrap and says so; curves and crossovers
// are still there.
func TestBootstrapTooMuchWork(t *testing.T) {
	var ms []*Model
	for j := range 24 {
		m := &Model{Label: fmt.Sprint("m", j)}
		for i := range 10000 {
			m.Problems = append(m.Problems, Problem{ID: fmt.Sprint(i), N: 16, C: (i*7 + j) % 17})
		}
		m.Problems = append(m.Problems, Problem{ID: fmt.Sprint("only", j), N: 16, C: 3})
		ms = append(ms, m)
	}
	rep, err := Analyze(ms, Options{Boot: 1000, K: []int{1, 16}})
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Boot)
	assert.Contains(t, rep.Warnings[len(rep.Warnings)-1], "no bootstrap: the bands and crossover intervals of these 24 models (300 bootstraps) need about")
	assert.True(t, math.IsNaN(rep.Models[0].Curve[0].Lo))
	assert.Len(t, rep.Crossovers, 276)
	assert.True(t, math.IsNaN(rep.Crossovers[0].Lo))
}

// TestTableBudget: a table is built while the budget has room for one more
// row, and is charged what it holds.
func TestTableBudget(t *testing.T) {
	m := distinctN(40)
	gr := groupFor(PassAtK, m.Problems, nil)
	ks := DenseGrid(MaxN - 39)
	big := &tableBudget{left: 1 << 40}
	tb, err := newTable(PassAtK, gr.keys, ks, big)
	require.NoError(t, err)
	size := len(tb.vals)
	assert.Equal(t, 1<<40-size, big.left)
	exact := &tableBudget{left: size + len(ks)}
	_, err = newTable(PassAtK, gr.keys, ks, exact)
	require.NoError(t, err)
	assert.Equal(t, len(ks), exact.left)
	_, err = newTable(PassAtK, gr.keys, ks, &tableBudget{left: size - 1})
	assert.ErrorIs(t, err, ErrTooLarge)
}
