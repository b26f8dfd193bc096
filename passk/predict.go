package passk

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Predictions beyond n (design §3, "Extrapolation beyond n"). A model's
// prior is fitted to its tallies (betabinom.go) and each problem keeps its
// identity through its posterior:
//
//	predicted pass@k = (1/N) Σ_i (1 − w₀ᵢ) · (1 − B(α + c_i, β + n_i − c_i + k) / B(α + c_i, β + n_i − c_i)),
//
// with w₀ᵢ the posterior probability that problem i is unsolvable (0 under
// the plain prior and for every problem with c_i > 0). pass^k is predicted
// the same way from E[p^k]. k may be any real ≥ 1; each value costs O(1)
// per distinct (n, c), so k = 10⁶ or 10⁹ costs what k = 2 does.
//
// Uncertainty: a percentile bootstrap of the fit over problems, with the
// same draws as the curve bootstrap (replicate b resamples the problems,
// sorted by id, from its own PCG stream seeded by (Seed, b)). Each
// replicate refits both priors, starting from the full data's optima, picks
// one by AIC as the full data did, and predicts again, so that the bands
// carry the uncertainty of the choice as well as of the parameters; bands
// and intervals are percentile intervals over the replicates at
// Options.Level (the parameters' intervals are those of the full data's
// choice, refitted in every replicate). Options.FitBoot is
// smaller than Options.Boot by default (200 against 1000): a replicate is a
// numerical optimisation rather than a weighted sum.

// DefaultFitBoot is the default number of fit bootstrap replicates.
const DefaultFitBoot = 200

// DefaultPredictLimit is how far predicted crossovers are sought (at least).
const DefaultPredictLimit = 1_000_000

// maxExtrapolate bounds Options.Extrapolate.
const maxExtrapolate = 1 << 40

// Fit summarises the prior behind a model's predicted points: both fits,
// which one is used (Chosen, the lower AIC), and the percentile intervals
// of the used fit's parameters over the fit bootstrap (NaN, null in JSON,
// without bootstrap; Pi's are 0 for the plain prior). Note says why there
// is no prediction, or that it is degenerate. ZeroInflatedShare is the
// fraction of fit bootstrap replicates whose AIC picks the zero-inflated
// prior (NaN without bootstrap): near 0 or 1 the choice is clear.
type Fit struct {
	Chosen            string  `json:"chosen"`
	Problems          int     `json:"problems"`
	Boot              int     `json:"boot"`
	ZeroInflatedShare float64 `json:"zero_inflated_share"`
	Plain             BetaFit `json:"beta_binomial"`
	ZeroInflated      BetaFit `json:"zero_inflated"`
	AlphaLo           float64 `json:"alpha_lo"`
	AlphaHi           float64 `json:"alpha_hi"`
	BetaLo            float64 `json:"beta_lo"`
	BetaHi            float64 `json:"beta_hi"`
	PiLo              float64 `json:"pi_lo"`
	PiHi              float64 `json:"pi_hi"`
	Note              string  `json:"note,omitempty"`
}

// Used returns the fit whose prior makes the predictions.
func (f *Fit) Used() BetaFit {
	if f.Chosen == FitZeroInflated {
		return f.ZeroInflated
	}
	return f.Plain
}

// MarshalJSON writes missing intervals as null.
func (f Fit) MarshalJSON() ([]byte, error) {
	type plain Fit
	return json.Marshal(struct {
		plain
		ZeroInflatedShare nullable `json:"zero_inflated_share"`
		AlphaLo           nullable `json:"alpha_lo"`
		AlphaHi           nullable `json:"alpha_hi"`
		BetaLo            nullable `json:"beta_lo"`
		BetaHi            nullable `json:"beta_hi"`
		PiLo              nullable `json:"pi_lo"`
		PiHi              nullable `json:"pi_hi"`
	}{plain(f), nullable(f.ZeroInflatedShare), nullable(f.AlphaLo), nullable(f.AlphaHi), nullable(f.BetaLo), nullable(f.BetaHi), nullable(f.PiLo), nullable(f.PiHi)})
}

// UnmarshalJSON reads null intervals as NaN.
func (f *Fit) UnmarshalJSON(b []byte) error {
	type plain Fit
	v := struct {
		*plain
		ZeroInflatedShare nullable `json:"zero_inflated_share"`
		AlphaLo           nullable `json:"alpha_lo"`
		AlphaHi           nullable `json:"alpha_hi"`
		BetaLo            nullable `json:"beta_lo"`
		BetaHi            nullable `json:"beta_hi"`
		PiLo              nullable `json:"pi_lo"`
		PiHi              nullable `json:"pi_hi"`
	}{plain: (*plain)(f)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	f.AlphaLo, f.AlphaHi, f.BetaLo, f.BetaHi = float64(v.AlphaLo), float64(v.AlphaHi), float64(v.BetaLo), float64(v.BetaHi)
	f.PiLo, f.PiHi = float64(v.PiLo), float64(v.PiHi)
	f.ZeroInflatedShare = float64(v.ZeroInflatedShare)
	return nil
}

// PredictedCrossover is where two models' predicted curves cross beyond
// the sampled range: the first sign change of the predicted D(k) =
// A(k) − B(k) for k in (KMax, KLimit], found on a grid of 4 points per
// doubling of k and refined by bisection in log k (k is real: the
// prediction is defined for any k ≥ 1). K is NaN when they do not cross
// before KLimit. Lo and Hi bound the first crossings of the fit bootstrap
// replicates that cross (paired: the same resampled problems for both
// models), Share is the fraction that cross (NaN without bootstrap).
// Leader is the model ahead in the prediction at KLimit ("" on a tie).
type PredictedCrossover struct {
	K      float64
	Lo, Hi float64
	Share  float64
	Leader string
	KLimit int
}

// predictedJSON is a PredictedCrossover as Crossover's JSON fields.
type predictedJSON struct {
	K      nullable `json:"predicted_k"`
	Lo     nullable `json:"predicted_lo"`
	Hi     nullable `json:"predicted_hi"`
	Share  nullable `json:"predicted_share"`
	Leader string   `json:"predicted_leader"`
	KLimit int      `json:"predicted_k_limit"`
}

func (p *PredictedCrossover) toJSON() *predictedJSON {
	if p == nil {
		return nil
	}
	return &predictedJSON{nullable(p.K), nullable(p.Lo), nullable(p.Hi), nullable(p.Share), p.Leader, p.KLimit}
}

func (j *predictedJSON) value() *PredictedCrossover {
	if j == nil {
		return nil
	}
	return &PredictedCrossover{float64(j.K), float64(j.Lo), float64(j.Hi), float64(j.Share), j.Leader, j.KLimit}
}

// value returns the expected metric at a real k ≥ 1 for a problem with n
// samples, c correct, under the prior (empirical Bayes: the posterior of
// its p given its tally). With a' = α + c and b' = β + n − c,
//
//	pass@k = 1 − B(a', b' + k)/B(a', b'),   ln of the ratio = G(b', a') − G(b' + k, a'),
//	pass^k = B(a' + k, b')/B(a', b'),       ln = G(a', b') − G(a' + k, b'),
//
// where G(x, a) = lnΓ(x + a) − lnΓ(x) (lgammaRatio; see logBetaRatio for
// the form used). Under the
// zero-inflated prior a problem with c = 0 is unsolvable with posterior
// probability w₀ = π/(π + (1 − π)·B(α, β + n)/B(α, β)), and its value is
// (1 − w₀) times the above. Metrics other than pass^k are taken as pass@k.
func (pr prior) value(metric Metric, n, c int, k float64) float64 {
	switch pr.kind {
	case priorZero:
		return 0
	case priorOne:
		return 1
	case priorNone:
		return math.NaN()
	}
	return pr.solvable(n, c) * pr.betaValue(metric, n, c, k)
}

// solvable is 1 − w₀: the posterior probability that a problem with n
// samples, c correct, is not in the prior's mass at p = 0.
func (pr prior) solvable(n, c int) float64 {
	if pr.pi == 0 || c > 0 {
		return 1
	}
	// ln of (1 − π)·B(α, β + n)/B(α, β), the beta part's chance of c = 0.
	lb := math.Log1p(-pr.pi) + logBetaRatio(pr.alpha, pr.beta, float64(n))
	lp := math.Log(pr.pi)
	return math.Exp(lb - logAddExp(lp, lb))
}

// betaValue is the metric under the Beta(α + c, β + n − c) posterior.
func (pr prior) betaValue(metric Metric, n, c int, k float64) float64 {
	a, b := pr.alpha+float64(c), pr.beta+float64(n-c)
	if metric == PassHatK {
		return math.Exp(logBetaRatio(b, a, k))
	}
	return -math.Expm1(logBetaRatio(a, b, k))
}

// logBetaRatio returns ln(B(a, b + k)/B(a, b)) = ln E[(1 − p)^k] for p ~
// Beta(a, b), as the difference of two lgammaRatio with the smaller shift:
//
//	G(b, k) − G(a + b, k) = G(b, a) − G(b + k, a),
//
// whose terms are about min(k, a)·ln(b + k): the error is a few ulps of
// that, not of the larger form.
func logBetaRatio(a, b, k float64) float64 {
	if k <= a {
		return lgammaRatio(b, k) - lgammaRatio(a+b, k)
	}
	return lgammaRatio(b, a) - lgammaRatio(b+k, a)
}

// predict returns the mean predicted metric of d's problems at each k.
func (pr prior) predict(metric Metric, d *fitData, ks []float64) []float64 {
	out := make([]float64, len(ks))
	if pr.kind != priorBeta {
		for j := range out {
			out[j] = pr.value(metric, 1, 0, 1)
		}
		return out
	}
	var W float64
	for g, w := range d.w {
		if w == 0 {
			continue
		}
		W += w
		s := w * pr.solvable(d.n[g], d.c[g])
		for j, k := range ks {
			out[j] += s * pr.betaValue(metric, d.n[g], d.c[g], k)
		}
	}
	for j := range out {
		out[j] /= W
	}
	return out
}

// fitBoot is a fit of one model's problems (the items, sorted by id) and
// its bootstrap replicates.
type fitBoot struct {
	items int
	data  *fitData
	ft    fitted
	reps  []replicate
	repW  [][]float64 // per replicate, the weights of data's groups
}

// newFitBoot fits ps[items] and B bootstrap replicates of it.
func newFitBoot(ps []Problem, items []int, B int, seed uint64) *fitBoot {
	gr := groupTallies(ps, items)
	fb := &fitBoot{items: len(items), data: newFitData(gr.keys, gr.counts())}
	if work := fb.data.work() * float64(fitEvals+fitRefitEvals*B); work > maxFitWork {
		fb.ft = unfitted(prior{kind: priorNone}, fmt.Errorf("fitting %d distinct (n, c) tallies up to n = %d with %d bootstrap replicates needs about %.2g steps, more than %.2g (fewer replicates need fewer): %w",
			len(gr.keys), gr.keys[len(gr.keys)-1].n, B, work, float64(maxFitWork), ErrTooLarge))
		return fb
	}
	fb.ft = fitBoth(fb.data)
	if fb.ft.err != nil || B == 0 {
		return fb
	}
	fb.reps = make([]replicate, B)
	fb.repW = make([][]float64, B)
	nw := min(runtime.GOMAXPROCS(0), B)
	var wg sync.WaitGroup
	for wi := range nw {
		lo, hi := wi*B/nw, (wi+1)*B/nw
		wg.Go(func() {
			counts := make([]int32, len(items))
			for b := lo; b < hi; b++ {
				w := replicateWeights(&gr, counts, seed, b)
				fb.repW[b] = w
				fb.reps[b] = fb.ft.refit(fb.data.withWeights(w))
			}
		})
	}
	wg.Wait()
	return fb
}

// replicateWeights draws replicate b's multinomial counts of the items (as
// bootSpec.replicate does) and returns the weights of gr's groups.
func replicateWeights(gr *grouping, counts []int32, seed uint64, b int) []float64 {
	rng := replicateRNG(seed, b)
	clear(counts)
	n := uint64(len(counts))
	for range counts {
		counts[bounded(rng, n)]++
	}
	w := make([]float64, len(gr.keys))
	for i, g := range gr.of {
		w[g] += float64(counts[i])
	}
	return w
}

// summary returns the Fit of fb.
func (fb *fitBoot) summary(level float64) *Fit {
	nan := math.NaN()
	f := &Fit{Chosen: fb.ft.chosen, Problems: fb.items, Boot: len(fb.reps), Plain: fb.ft.plain, ZeroInflated: fb.ft.zi,
		ZeroInflatedShare: nan, AlphaLo: nan, AlphaHi: nan, BetaLo: nan, BetaHi: nan, PiLo: nan, PiHi: nan}
	switch fb.ft.prior.kind {
	case priorZero:
		f.Note = "no sample of any problem is correct: every predicted value is 0"
	case priorOne:
		f.Note = "every sample of every problem is correct: every predicted value is 1"
	case priorNone:
		f.Note = "every problem has one sample: the spread of success rates cannot be fitted, so nothing beyond k = 1 is predicted"
		if errors.Is(fb.ft.err, ErrTooLarge) {
			f.Note = "not fitted: " + fb.ft.err.Error()
		}
	}
	if pr := fb.ft.prior; pr.kind == priorBeta && math.Max(math.Abs(math.Log(pr.alpha)), math.Abs(math.Log(pr.beta))) > paramBound-0.5 {
		f.Note = fmt.Sprintf("the fit is at its bound (α, β up to e^%d): the tallies are no more spread than binomial, as if every problem had the same p = α/(α+β) = %.4g", paramBound, pr.alpha/(pr.alpha+pr.beta))
	}
	if len(fb.reps) == 0 || fb.ft.prior.kind != priorBeta {
		return f
	}
	var as, bs, ps []float64
	zi := 0
	for _, r := range fb.reps {
		if pr := r.same; pr.kind == priorBeta {
			as, bs, ps = append(as, pr.alpha), append(bs, pr.beta), append(ps, pr.pi)
		}
		if r.zi {
			zi++
		}
	}
	f.ZeroInflatedShare = float64(zi) / float64(len(fb.reps))
	f.AlphaLo, f.AlphaHi = percentileInterval(as, level)
	f.BetaLo, f.BetaHi = percentileInterval(bs, level)
	f.PiLo, f.PiHi = percentileInterval(ps, level)
	return f
}

// percentileInterval is the central percentile interval of x at level
// (sorts x; NaN, NaN for none).
func percentileInterval(x []float64, level float64) (lo, hi float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(x)
	hLo, hHi := quantileRanks(len(x), level)
	return quantileOf(x, 0, hLo), quantileOf(x, 0, hHi)
}

// predicted returns the predicted metric at each k with its band (NaN
// without bootstrap).
func (fb *fitBoot) predicted(metric Metric, ks []int, level float64) []Point {
	kf := make([]float64, len(ks))
	for j, k := range ks {
		kf[j] = float64(k)
	}
	vals := fb.ft.prior.predict(metric, fb.data, kf)
	pts := make([]Point, len(ks))
	for j, k := range ks {
		pts[j] = Point{K: k, Value: vals[j], Lo: math.NaN(), Hi: math.NaN(), Predicted: true}
	}
	if len(fb.reps) == 0 {
		return pts
	}
	per := make([][]float64, len(ks))
	for b, r := range fb.reps {
		pr := r.used
		if pr.kind == priorNone {
			continue
		}
		v := pr.predict(metric, fb.data.withWeights(fb.repW[b]), kf)
		for j := range ks {
			per[j] = append(per[j], v[j])
		}
	}
	for j := range pts {
		pts[j].Lo, pts[j].Hi = percentileInterval(per[j], level)
	}
	return pts
}

// predictedGrid is the k of a model's predicted points: beyond its range
// K up to limit, the ks listed (those in (K, limit]) or, without a list,
// the powers of two in (K, limit) and limit itself.
func predictedGrid(K, limit int, ks []int) []int {
	var out []int
	if ks != nil {
		for _, k := range ks {
			if k > K && k <= limit {
				out = append(out, k)
			}
		}
		return out
	}
	for k := 1; k < limit; k *= 2 {
		if k > K {
			out = append(out, k)
		}
	}
	if limit > K {
		out = append(out, limit)
	}
	return out
}

// crossingSearch finds the first sign change of D(k) = a(k) − b(k) (0
// within tieTolerance) for k in [k0, kLim], where the sign is first taken
// at k0 (or at the first k where D ≠ 0): on the grid k0·2^(j/4) and kLim,
// then by bisection in log k to a relative 1e-9. It returns NaN when D
// keeps its sign, the sign of D at k0, and at kLim.
func crossingSearch(a, b func(k float64) float64, k0, kLim float64) (kStar float64, start, end int) {
	sign := func(k float64) int {
		d := diff(a(k), b(k))
		switch {
		case d > 0:
			return 1
		case d < 0:
			return -1
		}
		return 0
	}
	prevSign, prevK := 0, k0
	for j := 0; ; j++ {
		k := min(k0*math.Exp2(float64(j)/4), kLim)
		s := sign(k)
		if j == 0 {
			start = s
		}
		if s != 0 && prevSign != 0 && s != prevSign {
			lo, hi := prevK, k
			for i := 0; i < 200 && hi/lo-1 > 1e-9; i++ {
				mid := math.Sqrt(lo * hi)
				if sign(mid) == prevSign {
					lo = mid
				} else {
					hi = mid
				}
			}
			if k < kLim {
				s = sign(kLim)
			}
			return math.Sqrt(lo * hi), start, s
		}
		if s != 0 {
			prevSign, prevK = s, k
		}
		if k >= kLim {
			return math.NaN(), start, s
		}
	}
}

// predictAt is the predicted mean metric at one k.
func (pr prior) predictAt(metric Metric, d *fitData, k float64) float64 {
	return pr.predict(metric, d, []float64{k})[0]
}

// predictCrossover compares the predictions of fa and fb (fits of models
// a and b on their shared problems, with the same replicate draws) beyond
// kMax. leader is the model ahead in the data at kMax; the warning says
// when the fits disagree with it, or why there is no prediction.
func predictCrossover(metric Metric, a, b string, fa, fb *fitBoot, kMax, kLimit int, level float64, leader string) (*PredictedCrossover, string) {
	if err := errors.Join(fa.ft.err, fb.ft.err); err != nil {
		why := ""
		if errors.Is(err, ErrNotIdentifiable) {
			why = " (every shared problem has one sample)"
		}
		return nil, fmt.Sprintf("%s vs %s: no predicted crossover: %v%s", a, b, err, why)
	}
	nan := math.NaN()
	pc := &PredictedCrossover{K: nan, Lo: nan, Hi: nan, Share: nan, KLimit: kLimit}
	k0, kLim := float64(max(kMax, 1)), float64(kLimit)
	fA := func(k float64) float64 { return fa.ft.prior.predictAt(metric, fa.data, k) }
	fB := func(k float64) float64 { return fb.ft.prior.predictAt(metric, fb.data, k) }
	var start, end int
	pc.K, start, end = crossingSearch(fA, fB, k0, kLim)
	pc.Leader = signLabel(end, a, b)
	var warn string
	if fitLeader := signLabel(start, a, b); fitLeader != leader {
		warn = fmt.Sprintf("%s vs %s: at k = %d the fits put %s ahead where the data put %s: the predicted crossover is that of the fitted curves",
			a, b, kMax, orTied(fitLeader), orTied(leader))
	}
	B := min(len(fa.reps), len(fb.reps))
	if B == 0 {
		return pc, warn
	}
	last := make([]float64, B)
	var wg sync.WaitGroup
	nw := min(runtime.GOMAXPROCS(0), B)
	for wi := range nw {
		lo, hi := wi*B/nw, (wi+1)*B/nw
		wg.Go(func() {
			for r := lo; r < hi; r++ {
				pa, pb := fa.reps[r].used, fb.reps[r].used
				if pa.kind == priorNone || pb.kind == priorNone {
					last[r] = nan
					continue
				}
				da, db := fa.data.withWeights(fa.repW[r]), fb.data.withWeights(fb.repW[r])
				last[r], _, _ = crossingSearch(
					func(k float64) float64 { return pa.predictAt(metric, da, k) },
					func(k float64) float64 { return pb.predictAt(metric, db, k) }, k0, kLim)
			}
		})
	}
	wg.Wait()
	pc.Lo, pc.Hi, pc.Share = crossInterval(last, level)
	return pc, warn
}

// signLabel names the model a positive D favours (a), a negative one (b),
// or "" for a tie.
func signLabel(sign int, a, b string) string {
	switch {
	case sign > 0:
		return a
	case sign < 0:
		return b
	}
	return ""
}

func orTied(label string) string {
	if label == "" {
		return "neither (tied)"
	}
	return label
}

// describeFitError turns a fit's error into a report warning.
func describeFitError(label string, err error) string {
	if errors.Is(err, ErrTooLarge) {
		return fmt.Sprintf("%s: nothing beyond its n is predicted: %v", label, err)
	}
	return fmt.Sprintf("%s: %v: every problem has one sample, so the spread of success rates, and anything beyond k = 1, cannot be predicted", label, err)
}
