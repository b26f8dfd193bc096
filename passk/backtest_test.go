package passk

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubsampleHypergeometric(t *testing.T) {
	// 20000 problems with n = 10, c = 4, subsampled to m = 3: the
	// frequencies of c_m against the hypergeometric pmf (C(4,x)C(6,3−x)/120
	// = 20, 60, 36, 4 in 120), within 5 standard errors.
	ps := make([]Problem, 20000)
	for i := range ps {
		ps[i] = Problem{ID: fmt.Sprint(i), N: 10, C: 4}
	}
	sub := Subsample(ps, nil, 3, 1)
	freq := make([]float64, 4)
	for _, p := range sub {
		require.Equal(t, 3, p.N)
		freq[p.C]++
	}
	for x, want := range []float64{20.0 / 120, 60.0 / 120, 36.0 / 120, 4.0 / 120} {
		got := freq[x] / float64(len(sub))
		se := math.Sqrt(want * (1 - want) / float64(len(sub)))
		assert.InDelta(t, want, got, 5*se, "x = %d", x)
	}
	// The same seed gives the same subsample; another seed another; n ≤ m
	// is kept; answers are dropped.
	again := Subsample(ps, nil, 3, 1)
	assert.Equal(t, sub, again)
	assert.NotEqual(t, sub, Subsample(ps, nil, 3, 2))
	kept := Subsample([]Problem{{ID: "a", N: 2, C: 1, Answers: []Answer{{Text: "x", Count: 1}}}}, nil, 5, 1)
	assert.Equal(t, []Problem{{ID: "a", N: 2, C: 1}}, kept)
	// Edge tallies: c = 0 and c = n stay so.
	for _, p := range Subsample([]Problem{{ID: "z", N: 9, C: 0}, {ID: "f", N: 9, C: 9}}, nil, 4, 3) {
		assert.Contains(t, []int{0, 4}, p.C)
	}
}

// constructed are the two models of testdata/constructed: 400 problems
// with n = 1024 samples each, rates from a plain and a zero-inflated
// beta prior (seeds 1024 and 1025).
func constructed() []generated {
	return []generated{
		generate("plain", 1024, 400, 1024, 0.3, 2.5, 0),
		generate("zero-inflated", 1025, 400, 1024, 0.5, 3, 0.2),
	}
}

// constructedCSV writes them as a counts CSV with a model column.
func constructedCSV() []byte {
	var b bytes.Buffer
	b.WriteString("model,problem,n,c\n")
	for _, g := range constructed() {
		for _, p := range g.model.Problems {
			fmt.Fprintf(&b, "%s,%s,%d,%d\n", g.model.Label, p.ID, p.N, p.C)
		}
	}
	return b.Bytes()
}

func TestConstructedFixture(t *testing.T) {
	// testdata/constructed/betabin_n1024.csv is constructed(): set
	// PASSK_WRITE_FIXTURES=1 to write it. The true pass@k its README gives
	// are logged here.
	path := filepath.Join("..", "testdata", "constructed", "betabin_n1024.csv")
	want := constructedCSV()
	if os.Getenv("PASSK_WRITE_FIXTURES") == "1" {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, want, 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "%s is not constructed() (PASSK_WRITE_FIXTURES=1 rewrites it)", path)
	for _, g := range constructed() {
		var row []string
		for _, k := range []int{128, 256, 512, 1024, 4096, 65536} {
			row = append(row, fmt.Sprintf("%d: %.4f", k, g.truth(k)))
		}
		t.Logf("%s: true expected pass@k %s", g.model.Label, strings.Join(row, ", "))
	}
}

func TestBacktestConstructed(t *testing.T) {
	// Fit on m = 128, 256, 512 of 1024 samples: the predictions of pass@k
	// up to 1024 hold the observed value and the true expected pass@k of
	// the generating rates in their 95% bands, and miss by at most 0.05.
	gs := constructed()
	models := []*Model{gs[0].model, gs[1].model}
	rep, err := Backtest(models, DefaultOptions(), nil)
	require.NoError(t, err)
	require.Len(t, rep.Models, 2)
	for i, bm := range rep.Models {
		assert.Equal(t, 1024, bm.N)
		var ms []int
		for _, c := range bm.Cuts {
			ms = append(ms, c.M)
			var ks []int
			for _, p := range c.Points {
				ks = append(ks, p.K)
				truth := gs[i].truth(p.K)
				t.Logf("%s m = %d (%s): k = %d predicted %.4f [%.4f, %.4f], observed %.4f, truth %.4f, error %+.4f",
					bm.Label, c.M, c.Fit.Chosen, p.K, p.Predicted, p.Lo, p.Hi, p.Observed, truth, p.Error)
				assert.True(t, p.Covered, "%s m %d k %d", bm.Label, c.M, p.K)
				assert.True(t, p.Lo <= truth && truth <= p.Hi, "%s m %d k %d: truth", bm.Label, c.M, p.K)
				assert.Less(t, math.Abs(p.Error), 0.05)
				assert.InDelta(t, p.Predicted-p.Observed, p.Error, 1e-15)
			}
			assert.Equal(t, backtestGrid(c.M, 1024), ks)
		}
		assert.Equal(t, []int{128, 256, 512}, ms)
	}
}

func TestBacktestErrors(t *testing.T) {
	m := generate("m", 1, 20, 8, 1, 1, 0).model
	_, err := Backtest([]*Model{m}, Options{Metric: MajAtK}, nil)
	assert.ErrorIs(t, err, ErrInvalidOption)
	_, err = Backtest([]*Model{m}, Options{}, []int{0})
	assert.ErrorIs(t, err, ErrInvalidOption)
	// m = 1 cannot fit the spread: the cut says so and has no points.
	rep, err := Backtest([]*Model{m}, Options{FitBoot: 10}, []int{8, 2})
	require.NoError(t, err)
	cuts := rep.Models[0].Cuts
	require.Len(t, cuts, 2)
	assert.Equal(t, 1, cuts[0].M)
	assert.Empty(t, cuts[0].Points)
	assert.Contains(t, cuts[0].Note, "one sample")
	assert.Equal(t, 4, cuts[1].M)
	assert.Len(t, cuts[1].Points, 1)
}
