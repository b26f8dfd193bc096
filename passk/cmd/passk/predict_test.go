package main

import (
	"encoding/json"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
)

const (
	qwen        = "../../../testdata/qwen-math/math_cot_100.jsonl"
	constructed = "../../../testdata/constructed/betabin_n1024.csv"
)

// Goldens of issue 6: predictions beyond n, backtests, majority vote and
// G-Pass (go test -update rewrites them). The fits' JSON carries their
// optima to the last bit, which may move with the platform's math library:
// it is checked by structure (TestExtrapolateJSON, TestBacktestJSON), the
// printed tables to 4 digits.
func TestPredictionGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"qwen_extrapolate.txt", []string{"curve", "--extrapolate", "1024", qwen}},
		{"qwen_extrapolate_k.csv", []string{"curve", "--csv", "--extrapolate", "100000", "--k", "1,8,100,10000", "--boot", "0", qwen}},
		{"crossing_extrapolate.txt", []string{"curve", "--extrapolate", "4096", "--k", "1,4,16,64,1024,4096", base, rl}},
		{"qwen_backtest.txt", []string{"backtest", qwen, he10}},
		{"constructed_backtest.txt", []string{"backtest", "--fit-boot", "100", constructed}},
		{"qwen_maj.txt", []string{"curve", "--metric", "maj@k", qwen}},
		{"qwen_maj.json", []string{"curve", "--json", "--metric", "maj@k", "--boot", "100", qwen}},
		{"qwen_gpass.txt", []string{"curve", "--metric", "g-pass@k:0.5", qwen}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(tc.args...)
			require.NoError(t, err, errOut)
			golden(t, tc.name, out)
		})
	}
}

func TestExtrapolateJSON(t *testing.T) {
	// The predicted points and the fit are in the JSON the page reads.
	out, _, err := runCLI("curve", "--json", "--extrapolate", "64", "--boot", "0", qwen)
	require.NoError(t, err)
	var rep passk.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 64, rep.Extrapolate)
	assert.Equal(t, 0, rep.FitBoot, "--boot 0 turns the fit bootstrap off too")
	m := rep.Models[0]
	require.NotNil(t, m.Fit)
	var predicted []int
	for _, p := range m.Curve {
		if p.Predicted {
			predicted = append(predicted, p.K)
		}
	}
	assert.Equal(t, []int{16, 32, 64}, predicted)
	assert.Contains(t, out, `"predicted": true`)
	assert.Contains(t, out, `"chosen": "`)

	// --fit-boot given explicitly wins over --boot 0.
	out, _, err = runCLI("curve", "--json", "--extrapolate", "64", "--boot", "0", "--fit-boot", "20", qwen)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 20, rep.FitBoot)
	assert.Equal(t, 20, rep.Models[0].Fit.Boot)
}

func TestBacktestJSON(t *testing.T) {
	out, _, err := runCLI("backtest", "--json", "--fit-boot", "50", qwen)
	require.NoError(t, err)
	var rep passk.BacktestReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 50, rep.FitBoot)
	require.Len(t, rep.Models, 1)
	m := rep.Models[0]
	assert.Equal(t, 8, m.N)
	require.Len(t, m.Cuts, 3)
	assert.Equal(t, 1, m.Cuts[0].M)
	assert.Empty(t, m.Cuts[0].Points)
	assert.Contains(t, m.Cuts[0].Note, "one sample")
	last := m.Cuts[2]
	assert.Equal(t, 4, last.M)
	require.Len(t, last.Points, 1)
	p := last.Points[0]
	assert.Equal(t, 8, p.K)
	assert.InDelta(t, 0.96, p.Observed, 1e-15, "pass@8 of the fixture (PROVENANCE.md)")
	assert.InDelta(t, p.Predicted-p.Observed, p.Error, 1e-15)
	for _, key := range []string{`"cuts"`, `"points"`, `"predicted"`, `"observed"`, `"error"`, `"covered"`, `"fit"`} {
		assert.Contains(t, out, key)
	}
}

func TestMetricsInHelp(t *testing.T) {
	_, errOut, err := runCLI("curve", "-h")
	require.Error(t, err)
	for _, m := range []string{"pass@k", "pass^k", "maj@k", "g-pass@k:τ", "0.25, 0.5, 0.75 or 1", "-extrapolate", "-fit-boot"} {
		assert.Contains(t, errOut, m)
	}
	_, errOut, _ = runCLI("backtest", "-h")
	assert.Contains(t, errOut, "-divisors")
}

func TestPredictionErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"curve", "--metric", "maj@k", he10}, `model "gpt35_n10_results" (read as human-eval): maj@k needs the extracted answer of each sample`},
		{[]string{"curve", "--metric", "maj@k", he10}, "formats that record answers: qwen-math"},
		{[]string{"curve", "--metric", "g-pass@k:2", qwen}, `--metric "g-pass@k:2": expected pass@k or pass^k, maj@k, or g-pass@k:τ`},
		{[]string{"curve", "--metric", "maj@k", "--extrapolate", "100", qwen}, "--extrapolate predicts pass@k and pass^k, not maj@k"},
		{[]string{"curve", "--extrapolate", "-3", qwen}, "--extrapolate -3"},
		{[]string{"curve", "--extrapolate", "64", "--fit-boot", "-1", qwen}, "--fit-boot -1"},
		{[]string{"backtest", "--metric", "maj@k", qwen}, "expected pass@k or pass^k"},
		{[]string{"backtest", "--divisors", "8,0", qwen}, `--divisors "8,0"`},
		{[]string{"backtest"}, "no result files given"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, _, err := runCLI(tc.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestMajorityOnFixture checks maj@k and G-Pass@k_0.5 of the Qwen-Math
// fixture (n = 8, answers from "pred") against visiting every k-subset of
// each problem's 8 samples.
func TestMajorityOnFixture(t *testing.T) {
	f, err := format.ReadFile(qwen, &format.Options{Threshold: 1})
	require.NoError(t, err)
	m := f.Models[0]
	maj, gp := make([]float64, 9), make([]float64, 9)
	for _, p := range m.Problems {
		var ans []int // answer index of each sample, -1: none
		var correct []bool
		for a, x := range p.Answers {
			for range x.Count {
				ans = append(ans, a)
			}
			correct = append(correct, x.Correct)
		}
		for len(ans) < p.N {
			ans = append(ans, -1)
		}
		for k := 1; k <= p.N; k++ {
			var sumMaj, sumG float64
			subsets := 0
			for mask := 0; mask < 1<<p.N; mask++ {
				if bits.OnesCount(uint(mask)) != k {
					continue
				}
				subsets++
				votes := make([]int, len(correct))
				right := 0
				for i := range p.N {
					if mask&(1<<i) != 0 && ans[i] >= 0 {
						votes[ans[i]]++
						if correct[ans[i]] {
							right++
						}
					}
				}
				best, tied, good := 0, 0, 0
				for _, v := range votes {
					best = max(best, v)
				}
				for a, v := range votes {
					if best > 0 && v == best {
						tied++
						if correct[a] {
							good++
						}
					}
				}
				if tied > 0 {
					sumMaj += float64(good) / float64(tied)
				}
				if 2*right >= k {
					sumG++
				}
			}
			maj[k] += sumMaj / float64(subsets) / float64(len(m.Problems))
			gp[k] += sumG / float64(subsets) / float64(len(m.Problems))
		}
	}
	for metric, want := range map[string][]float64{"maj@k": maj, "g-pass@k:0.5": gp} {
		out, _, err := runCLI("curve", "--json", "--boot", "0", "--metric", metric, qwen)
		require.NoError(t, err)
		var rep passk.Report
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		for _, pt := range rep.Models[0].Curve {
			assert.InDelta(t, want[pt.K], pt.Value, 1e-12, "%s k = %d", metric, pt.K)
		}
	}
	assert.InDelta(t, 0.925, maj[8], 1e-12, "the golden's maj@8")
}

func TestPlotPredictedAndMajority(t *testing.T) {
	// Predicted points are drawn dashed with a "predicted" legend entry;
	// maj@k labels the y axis.
	dir := t.TempDir()
	svg := filepath.Join(dir, "pred.svg")
	_, errOut, err := runCLI("plot", "-o", svg, "--extrapolate", "4096", "--boot", "100", "--fit-boot", "50", base, rl)
	require.NoError(t, err, errOut)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "predicted")
	assert.Contains(t, string(b), "4096")
	assert.Contains(t, string(b), "stroke-dasharray")

	svg = filepath.Join(dir, "maj.svg")
	_, errOut, err = runCLI("plot", "-o", svg, "--metric", "maj@k", "--boot", "100", qwen)
	require.NoError(t, err, errOut)
	b, err = os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "maj@k")
	assert.NotContains(t, string(b), "predicted")
}
