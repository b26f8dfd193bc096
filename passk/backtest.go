package passk

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
)

// Backtesting the predictions: pretend only m of each problem's n samples
// had been drawn, fit the prior on those, predict the curve up to n, and
// compare with what all n samples show.
//
// A Problem keeps tallies, not the order of its samples, so "the first m
// samples" is a random subsample: for each problem, the number correct
// among m samples drawn without replacement from its n, c_m ~
// Hypergeometric(n, c, m), drawn from a PCG stream seeded by (Seed, m),
// problem by problem in id order. For exchangeable samples this is
// distributed exactly as the first m would be; the result depends on the
// seed as a real run of m samples would on its luck. (The alternative, the
// expected prediction over all subsamples, has no such noise but is not
// what a user with m samples gets; the band, from the fit bootstrap of the
// subsample, is what says how far off a single run may be.)
//
// For each m the predicted metric is compared with the observed one, the
// exact unbiased estimate from all samples, at k = 2m, 4m, … below K and at
// K itself, K being the model's range (its smallest n). Error is
// predicted − observed; Covered says whether the observed value lies in
// the band.

// DefaultBacktestDivisors are the subsample sizes of a backtest: m = K/8,
// K/4 and K/2.
var DefaultBacktestDivisors = []int{8, 4, 2}

// BacktestPoint is one comparison at k.
type BacktestPoint struct {
	K         int     `json:"k"`
	Predicted float64 `json:"predicted"`
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Observed  float64 `json:"observed"`
	Error     float64 `json:"error"`
	Covered   bool    `json:"covered"`
}

// MarshalJSON writes a missing band as null.
func (p BacktestPoint) MarshalJSON() ([]byte, error) {
	type plain BacktestPoint
	return json.Marshal(struct {
		plain
		Predicted nullable `json:"predicted"`
		Lo        nullable `json:"lo"`
		Hi        nullable `json:"hi"`
		Error     nullable `json:"error"`
	}{plain(p), nullable(p.Predicted), nullable(p.Lo), nullable(p.Hi), nullable(p.Error)})
}

// UnmarshalJSON reads null as NaN.
func (p *BacktestPoint) UnmarshalJSON(b []byte) error {
	type plain BacktestPoint
	v := struct {
		*plain
		Predicted nullable `json:"predicted"`
		Lo        nullable `json:"lo"`
		Hi        nullable `json:"hi"`
		Error     nullable `json:"error"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Predicted, p.Lo, p.Hi, p.Error = float64(v.Predicted), float64(v.Lo), float64(v.Hi), float64(v.Error)
	return nil
}

// BacktestCut is the backtest of one subsample size m: the fit on the
// subsample and its predictions. Note says why there are none.
type BacktestCut struct {
	M      int             `json:"m"`
	Fit    *Fit            `json:"fit"`
	Points []BacktestPoint `json:"points"`
	Note   string          `json:"note,omitempty"`
}

// BacktestModel is one model's backtest; N is its range K.
type BacktestModel struct {
	Label    string        `json:"label"`
	Problems int           `json:"problems"`
	N        int           `json:"n"`
	Cuts     []BacktestCut `json:"cuts"`
}

// BacktestReport is the backtest of a set of models.
type BacktestReport struct {
	Metric   Metric          `json:"metric"`
	FitBoot  int             `json:"fit_boot"`
	Seed     uint64          `json:"seed"`
	Level    float64         `json:"level"`
	Models   []BacktestModel `json:"models"`
	Warnings []string        `json:"warnings"`
}

// Backtest backtests the predictions of opt.Metric (pass@k or pass^k) for
// each model, fitting on m = K/d samples of each problem for each divisor
// d (nil: DefaultBacktestDivisors), with opt.FitBoot fit bootstrap
// replicates at opt.Level and opt.Seed (which also seeds the subsamples).
// opt.K, opt.Boot and opt.Extrapolate are not used.
func Backtest(models []*Model, opt Options, divisors []int) (*BacktestReport, error) {
	opt.K, opt.Extrapolate = nil, 0
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	if opt.Metric != PassAtK && opt.Metric != PassHatK {
		return nil, fmt.Errorf("backtests predict %s and %s, not %s: %w", PassAtK, PassHatK, opt.Metric, ErrInvalidOption)
	}
	if err := checkModels(models); err != nil {
		return nil, err
	}
	if divisors == nil {
		divisors = DefaultBacktestDivisors
	}
	for _, d := range divisors {
		if d < 1 {
			return nil, fmt.Errorf("backtest divisor %d, expected ≥ 1: %w", d, ErrInvalidOption)
		}
	}
	rep := &BacktestReport{Metric: opt.Metric, FitBoot: opt.FitBoot, Seed: opt.Seed, Level: opt.Level, Warnings: []string{}}
	for _, m := range models {
		for _, w := range Warnings([]*Model{m}) { // uneven n; nothing is compared
			rep.Warnings = append(rep.Warnings, w.Error())
		}
	}
	for _, m := range models {
		K, _ := m.NRange()
		bm := BacktestModel{Label: m.Label, Problems: len(m.Problems), N: K, Cuts: []BacktestCut{}}
		items := sortedByID(m)
		done := map[int]bool{}
		for _, d := range divisors {
			mm := K / d
			if mm < 1 || done[mm] {
				continue
			}
			done[mm] = true
			bm.Cuts = append(bm.Cuts, backtestCut(m, items, mm, K, opt))
		}
		rep.Models = append(rep.Models, bm)
	}
	return rep, nil
}

// backtestGrid is 2m, 4m, … below K, and K.
func backtestGrid(m, K int) []int {
	var ks []int
	for k := 2 * m; k < K; k *= 2 {
		ks = append(ks, k)
	}
	return append(ks, K)
}

// backtestCut fits on a subsample of mm samples of each problem and
// compares its predictions with the model's observed curve.
func backtestCut(m *Model, items []int, mm, K int, opt Options) BacktestCut {
	sub := Subsample(m.Problems, items, mm, opt.Seed)
	all := make([]int, len(sub))
	for i := range all {
		all[i] = i
	}
	fb := newFitBoot(sub, all, opt.FitBoot, opt.Seed)
	cut := BacktestCut{M: mm, Fit: fb.summary(opt.Level), Points: []BacktestPoint{}}
	if fb.ft.err != nil {
		cut.Note = fmt.Sprintf("m = %d: %s", mm, cut.Fit.Note)
		return cut
	}
	ks := backtestGrid(mm, K)
	if mm == K {
		ks = []int{K}
	}
	_, observed, err := m.Curve(opt.Metric, ks)
	if err != nil {
		cut.Note = err.Error()
		return cut
	}
	for j, pt := range fb.predicted(opt.Metric, ks, opt.Level) {
		bp := BacktestPoint{K: ks[j], Predicted: pt.Value, Lo: pt.Lo, Hi: pt.Hi, Observed: observed[j], Error: pt.Value - observed[j]}
		bp.Covered = !math.IsNaN(pt.Lo) && observed[j] >= pt.Lo && observed[j] <= pt.Hi
		cut.Points = append(cut.Points, bp)
	}
	return cut
}

// Subsample returns the problems ps[items] (all of ps, in order, when items
// is nil) as if only m of each one's samples had been drawn: n = m and c
// drawn from Hypergeometric(n, c, m), without answers, problem by problem
// from a PCG stream seeded by (seed, m). A problem with n ≤ m is kept as
// it is.
func Subsample(ps []Problem, items []int, m int, seed uint64) []Problem {
	if items == nil {
		items = make([]int, len(ps))
		for i := range items {
			items[i] = i
		}
	}
	rng := subsampleRNG(seed, m)
	out := make([]Problem, len(items))
	for j, i := range items {
		p := ps[i]
		out[j] = Problem{ID: p.ID, N: p.N, C: p.C}
		if p.N > m {
			out[j].N, out[j].C = m, hypergeometric(rng, p.N, p.C, m)
		}
	}
	return out
}

// subsampleRNG is the stream of the subsamples of size m.
func subsampleRNG(seed uint64, m int) *rand.PCG {
	const tag = 0x73756273616d706c // "subsampl"
	return rand.NewPCG(splitMix(seed^tag), splitMix(seed+0x9e3779b97f4a7c15*uint64(m+1)))
}

// hypergeometric draws the number correct among m of n samples, c of
// them correct, drawn one at a time without replacement: O(m).
func hypergeometric(rng *rand.PCG, n, c, m int) int {
	got := 0
	for j := 0; j < m; j++ {
		if int(bounded(rng, uint64(n-j))) < c-got {
			got++
		}
	}
	return got
}
