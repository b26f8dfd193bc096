package plot

import (
	"math"

	"github.com/passk/passk/passk"
)

// Reports for the tests, built by hand: each curve is the exact pass@k (or
// pass^k) of a made-up set of per-problem success rates p, the mean over
// problems of 1 − (1 − p)^k (or p^k), and its band a fixed fraction of
// the binomial spread. The numbers only need to look like real curves.

// baseRates are those of a "base" model: many problems it solves rarely,
// so its pass@k keeps rising with k.
var baseRates = []float64{0, 0.0005, 0.002, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}

// rlRates are those of an "RL" model: sharper, more problems solved almost
// always, more never.
var rlRates = []float64{0, 0, 0, 0, 0, 0.001, 0.01, 0.05, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 1}

func metricAt(m passk.Metric, rates []float64, k int) float64 {
	var sum float64
	for _, p := range rates {
		if m == passk.PassHatK {
			sum += math.Pow(p, float64(k))
		} else {
			sum += 1 - math.Pow(1-p, float64(k))
		}
	}
	return sum / float64(len(rates))
}

// curve is the curve of rates at every k in ks, with a band of half-width
// spread·sqrt(v(1−v)) when spread > 0 (NaN bounds otherwise).
func curve(m passk.Metric, rates []float64, ks []int, spread float64) []passk.Point {
	pts := make([]passk.Point, len(ks))
	for i, k := range ks {
		v := metricAt(m, rates, k)
		lo, hi := math.NaN(), math.NaN()
		if spread > 0 {
			h := spread * math.Sqrt(v*(1-v))
			lo, hi = math.Max(0, v-h), math.Min(1, v+h)
		}
		pts[i] = passk.Point{K: k, Value: v, Lo: lo, Hi: hi}
	}
	return pts
}

func upTo(n int) []int {
	ks := make([]int, n)
	for i := range ks {
		ks[i] = i + 1
	}
	return ks
}

// powers are 1, 2, 4, … up to n.
func powers(n int) []int {
	var ks []int
	for k := 1; k <= n; k *= 2 {
		ks = append(ks, k)
	}
	return ks
}

// crossAt finds where the curves of rates a and b cross between 1 and n,
// by bisection in log k on their difference (the curves cross once).
func crossAt(m passk.Metric, a, b []float64, n int) float64 {
	d := func(k float64) float64 {
		var sa, sb float64
		for _, p := range a {
			sa += 1 - math.Pow(1-p, k)
		}
		for _, p := range b {
			sb += 1 - math.Pow(1-p, k)
		}
		return (sa - sb) / float64(len(a))
	}
	lo, hi := 0.0, math.Log(float64(n))
	for range 60 {
		mid := (lo + hi) / 2
		if (d(math.Exp(mid)) < 0) == (d(math.Exp(lo)) < 0) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

// baseVsRL is a two-model pass@k report with bands up to k = n and the
// headline crossover with an interval.
func baseVsRL(n int) *passk.Report {
	k := crossAt(passk.PassAtK, baseRates, rlRates, n)
	return &passk.Report{
		Metric: passk.PassAtK, Boot: 1000, Seed: 1, Level: 0.95,
		Models: []passk.ModelCurve{
			{Label: "Qwen2.5-7B base", Problems: len(baseRates), NMin: n, NMax: n, Curve: curve(passk.PassAtK, baseRates, upTo(n), 0.12)},
			{Label: "Qwen2.5-7B RL", Problems: len(rlRates), NMin: n, NMax: n, Curve: curve(passk.PassAtK, rlRates, upTo(n), 0.12)},
		},
		Crossovers: []passk.Crossover{{
			A: "Qwen2.5-7B base", B: "Qwen2.5-7B RL",
			K: k, Lo: k * 0.57, Hi: k * 1.62, Share: 0.97,
			Leader: "Qwen2.5-7B base", KMax: n, Shared: len(baseRates), All: []float64{k},
		}},
	}
}
