package passk

import (
	"encoding/json"
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// The prior behind predictions beyond n. Each problem has its own success
// rate p_i; the rates are modelled as draws from a Beta(α, β), so that a
// problem's tally is beta-binomial:
//
//	P(c | n) = C(n, c) · B(α + c, β + n − c) / B(α, β).
//
// The zero-inflated prior adds a point mass π at p = 0, problems no sample
// will ever solve:
//
//	P(c | n) = π·[c = 0] + (1 − π) · C(n, c) · B(α + c, β + n − c) / B(α, β).
//
// Both are fitted by maximum likelihood over the problems, Σ_i log P(c_i | n_i)
// (log-likelihoods include ln C(n, c), so the two are comparable), with
// gonum's BFGS on θ = (ln α, ln β) and, for the zero-inflated prior,
// logit π. The one with the lower AIC = 2·params − 2·log-lik is used.
//
// Limits: with every n_i = 1 only the mean of p is identifiable, not its
// spread, so nothing beyond k = 1 can be predicted (ErrNotIdentifiable).
// With no correct sample at all every prediction is 0, with every sample
// correct 1 (a degenerate fit). When the tallies are no more spread than
// binomial, the maximum is at α + β → ∞; the fit stops at α, β ≤ e²⁰
// (a quadratic penalty beyond |ln α|, |ln β|, |logit π| = 20), where the
// predictions have converged to those of a common p.

// The names of the two priors, as Fit.Chosen gives them.
const (
	FitBetaBinomial = "beta-binomial"
	FitZeroInflated = "zero-inflated"
)

// ErrNotIdentifiable is returned when the data cannot determine the prior:
// every problem has a single sample.
var ErrNotIdentifiable = errors.New("not identifiable")

// BetaFit is one maximum-likelihood fit: the prior's parameters (Pi is 0
// for the plain beta-binomial), its log-likelihood, its number of
// parameters and AIC = 2·Params − 2·LogLik. Parameters are NaN (null in
// JSON) when the fit is degenerate.
type BetaFit struct {
	Alpha  float64 `json:"alpha"`
	Beta   float64 `json:"beta"`
	Pi     float64 `json:"pi"`
	LogLik float64 `json:"log_lik"`
	AIC    float64 `json:"aic"`
	Params int     `json:"params"`
}

// MarshalJSON writes NaN parameters as null.
func (f BetaFit) MarshalJSON() ([]byte, error) {
	type plain BetaFit
	return json.Marshal(struct {
		plain
		Alpha  nullable `json:"alpha"`
		Beta   nullable `json:"beta"`
		Pi     nullable `json:"pi"`
		LogLik nullable `json:"log_lik"`
		AIC    nullable `json:"aic"`
	}{plain(f), nullable(f.Alpha), nullable(f.Beta), nullable(f.Pi), nullable(f.LogLik), nullable(f.AIC)})
}

// UnmarshalJSON reads null as NaN.
func (f *BetaFit) UnmarshalJSON(b []byte) error {
	type plain BetaFit
	v := struct {
		*plain
		Alpha  nullable `json:"alpha"`
		Beta   nullable `json:"beta"`
		Pi     nullable `json:"pi"`
		LogLik nullable `json:"log_lik"`
		AIC    nullable `json:"aic"`
	}{plain: (*plain)(f)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	f.Alpha, f.Beta, f.Pi, f.LogLik, f.AIC = float64(v.Alpha), float64(v.Beta), float64(v.Pi), float64(v.LogLik), float64(v.AIC)
	return nil
}

// priorKind says what a fitted prior is.
type priorKind uint8

const (
	priorBeta priorKind = iota // (π, α, β) fitted
	priorZero                  // no sample correct: p = 0 everywhere
	priorOne                   // every sample correct: p = 1 everywhere
	priorNone                  // no fit (not identifiable)
)

// prior is a fitted prior as predictions use it.
type prior struct {
	kind            priorKind
	alpha, beta, pi float64
}

// fitData is a weighted set of distinct tallies: w[g] problems have n[g]
// samples, c[g] correct, sorted by (n, c).
type fitData struct {
	n, c []int
	lc   []float64 // ln C(n, c)
	w    []float64
	runs []fitRun // the groups of each n
}

// fitRun is the groups lo..hi−1, which have the same n.
type fitRun struct{ n, lo, hi int }

// denseRun is the number of groups of one n from which the objective
// tabulates G(α, c) and G(β, n − c) for every c by running sums (O(n) per
// evaluation) instead of evaluating them group by group, if the tables are
// at most denseSteps steps a group (a group's four special functions cost
// about as much as 12 steps of the running sums).
const (
	denseRun   = 16
	denseSteps = 12
)

// tableSteps is the length of the running sums of run r.
func (r fitRun) tableSteps(d *fitData) int { return d.c[r.hi-1] + r.n - d.c[r.lo] }

// denseIn says whether the objective tabulates run r (see denseRun).
func (r fitRun) denseIn(d *fitData) bool {
	return r.hi-r.lo >= denseRun && r.tableSteps(d) <= denseSteps*(r.hi-r.lo)
}

// Fitting costs about fitEvals evaluations of the objective, and each
// bootstrap refit (from the fit) about fitRefitEvals more; maxFitWork bounds
// evaluations × the objective's cost (work, in running-sum steps, about
// 5·10⁷ a second natively) for one fit and its replicates, so about 10 s:
// 500 problems at n = 10⁴ with 200 replicates need 1.1·10⁸, 5,000 with
// distinct c 3.6·10⁸; 5,000 at n = 65,536 with 200 replicates 1.1·10⁹,
// and are not predicted (ErrTooLarge; with 20 replicates they are).
const (
	fitEvals      = 2000
	fitRefitEvals = 80
	maxFitWork    = 5e8
)

// work is the cost of one evaluation of the objective, in running-sum
// steps (a group of a sparse run counts as denseSteps).
func (d *fitData) work() float64 {
	var w float64
	for _, r := range d.runs {
		if r.denseIn(d) {
			w += float64(r.tableSteps(d))
		} else {
			w += denseSteps * float64(r.hi-r.lo)
		}
	}
	return w
}

// newFitData collects the distinct tallies of a grouping with weights 1
// per problem.
func newFitData(keys []groupKey, w []float64) *fitData {
	d := &fitData{w: w}
	for _, k := range keys {
		d.n = append(d.n, k.n)
		d.c = append(d.c, k.c)
		lg1, _ := math.Lgamma(float64(k.n + 1))
		lg2, _ := math.Lgamma(float64(k.c + 1))
		lg3, _ := math.Lgamma(float64(k.n - k.c + 1))
		d.lc = append(d.lc, lg1-lg2-lg3)
		if r := len(d.runs) - 1; r >= 0 && d.runs[r].n == k.n {
			d.runs[r].hi++
		} else {
			d.runs = append(d.runs, fitRun{n: k.n, lo: len(d.n) - 1, hi: len(d.n)})
		}
	}
	return d
}

// risingTable sets lg[j] = G(x, j) = Σ_{i<j} ln(x + i) and dg[j] = ψ(x + j)
// − ψ(x) = Σ_{i<j} 1/(x + i) for j = 0..m, reusing the slices.
func risingTable(x float64, m int, lg, dg []float64) ([]float64, []float64) {
	lg, dg = append(lg[:0], 0), append(dg[:0], 0)
	var l, d float64
	for i := 0; i < m; i++ {
		xi := x + float64(i)
		l += math.Log(xi)
		d += 1 / xi
		lg, dg = append(lg, l), append(dg, d)
	}
	return lg, dg
}

// withWeights returns d with other weights (a bootstrap replicate's).
func (d *fitData) withWeights(w []float64) *fitData {
	e := *d
	e.w = w
	return &e
}

// summary returns the totals that decide whether a fit is possible.
func (d *fitData) summary() (total, correct, wrong, multi, zeros float64) {
	for g, w := range d.w {
		if w == 0 {
			continue
		}
		total += w
		correct += w * float64(d.c[g])
		wrong += w * float64(d.n[g]-d.c[g])
		if d.n[g] > 1 {
			multi += w
		}
		if d.c[g] == 0 {
			zeros += w
		}
	}
	return
}

// degenerate returns the prior of data that leave nothing to fit, or
// ok = false.
func (d *fitData) degenerate() (prior, error, bool) {
	_, correct, wrong, multi, _ := d.summary()
	switch {
	case correct == 0:
		return prior{kind: priorZero}, nil, true
	case wrong == 0:
		return prior{kind: priorOne}, nil, true
	case multi == 0:
		return prior{kind: priorNone}, ErrNotIdentifiable, true
	}
	return prior{}, nil, false
}

// paramBound is where the quadratic penalty on |ln α|, |ln β| and
// |logit π| starts.
const paramBound = 20

// bbObjective is the negative log-likelihood of the plain (3rd parameter
// absent) or zero-inflated prior at θ = (ln α, ln β[, logit π]), with its
// gradient; gonum asks for the value and the gradient at the same θ in
// turn, so the last evaluation is kept.
type bbObjective struct {
	d    *fitData
	zi   bool
	x    []float64
	f    float64
	grad []float64
	// tables of risingTable for α and β
	la, da, lb, db []float64
}

func (o *bbObjective) at(x []float64) {
	if o.x != nil && slices.Equal(o.x, x) {
		return
	}
	o.x = append(o.x[:0], x...)
	o.f, o.grad = o.eval(x, o.grad[:0])
}

// eval computes the negative log-likelihood and its gradient at x.
func (o *bbObjective) eval(x []float64, grad []float64) (float64, []float64) {
	grad = append(grad, make([]float64, len(x))...)
	alpha, beta := math.Exp(x[0]), math.Exp(x[1])
	s := alpha + beta
	var logPi, log1mPi, pi float64
	if o.zi {
		logPi, log1mPi = -softplus(-x[2]), -softplus(x[2])
		pi = math.Exp(logPi)
	}
	var ll, du, dv, de float64
	d := o.d
	for _, r := range d.runs {
		n := r.n
		gs, ds := lgammaRatio(s, float64(n)), digammaDiff(s, float64(n))
		dense := r.denseIn(d)
		if dense {
			o.la, o.da = risingTable(alpha, d.c[r.hi-1], o.la, o.da)
			o.lb, o.db = risingTable(beta, n-d.c[r.lo], o.lb, o.db)
		}
		for g := r.lo; g < r.hi; g++ {
			w := d.w[g]
			if w == 0 {
				continue
			}
			c := d.c[g]
			var ga, gb, da, db float64
			if dense {
				ga, gb, da, db = o.la[c], o.lb[n-c], o.da[c], o.db[n-c]
			} else {
				ga, gb = lgammaRatio(alpha, float64(c)), lgammaRatio(beta, float64(n-c))
				da, db = digammaDiff(alpha, float64(c)), digammaDiff(beta, float64(n-c))
			}
			ll, du, dv, de = o.add(g, w, ga+gb-gs, alpha*(da-ds), beta*(db-ds), ll, du, dv, de, logPi, log1mPi, pi)
		}
	}
	f := -ll
	grad[0], grad[1] = -du, -dv
	if o.zi {
		grad[2] = -de
	}
	for i, xi := range x {
		if excess := math.Abs(xi) - paramBound; excess > 0 {
			f += excess * excess
			grad[i] += 2 * math.Copysign(excess, xi)
		}
	}
	return f, grad
}

// add accumulates group g (weight w) into the log-likelihood and its
// derivatives, given its beta-binomial log-probability without ln C(n, c)
// and that log-probability's derivatives in ln α and ln β.
func (o *bbObjective) add(g int, w, lr, lu, lv, ll, du, dv, de, logPi, log1mPi, pi float64) (float64, float64, float64, float64) {
	l := o.d.lc[g] + lr
	switch {
	case !o.zi:
		return ll + w*l, du + w*lu, dv + w*lv, de
	case o.d.c[g] > 0:
		return ll + w*(log1mPi+l), du + w*lu, dv + w*lv, de - w*pi
	}
	// c = 0: either unsolvable (π) or a beta-binomial zero.
	a, b := logPi, log1mPi+l
	f := logAddExp(a, b)
	r := math.Exp(b - f) // posterior weight of the beta-binomial part
	return ll + w*f, du + w*r*lu, dv + w*r*lv, de + w*((1-r)*(1-pi)-r*pi)
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// minimize runs BFGS from each start and returns the best point and its
// negative log-likelihood (penalty included). BFGS's line search may fail
// near the optimum, where the gradient is down to its rounding error; its
// best point is kept then, and only where the gradient is still large is
// Nelder–Mead run from there.
func (o *bbObjective) minimize(starts [][]float64) ([]float64, float64) {
	prob := optimize.Problem{
		Func: func(x []float64) float64 { o.at(x); return o.f },
		Grad: func(grad, x []float64) { o.at(x); copy(grad, o.grad) },
	}
	var W float64
	for _, w := range o.d.w {
		W += w
	}
	tol := 1e-6 * (1 + W)
	var best []float64
	bestF := math.Inf(1)
	keep := func(res *optimize.Result) {
		if res != nil && finiteAll(res.X) && res.F < bestF {
			bestF, best = res.F, append([]float64(nil), res.X...)
		}
	}
	for _, x0 := range starts {
		settings := &optimize.Settings{
			GradientThreshold: 1e-7,
			MajorIterations:   400,
			Converger:         &optimize.FunctionConverge{Absolute: 1e-11, Relative: 1e-13, Iterations: 25},
		}
		res, err := optimize.Minimize(prob, x0, settings, &optimize.BFGS{})
		if res != nil && !finiteAll(res.X) {
			res = nil
		}
		keep(res)
		if err == nil && res != nil {
			continue
		}
		from := x0
		if res != nil {
			o.at(res.X)
			if floats.Norm(o.grad, math.Inf(1)) <= tol {
				continue
			}
			from = res.X
		}
		res, _ = optimize.Minimize(optimize.Problem{Func: prob.Func}, from,
			&optimize.Settings{MajorIterations: 2000, Converger: &optimize.FunctionConverge{Absolute: 1e-11, Relative: 1e-13, Iterations: 50}},
			&optimize.NelderMead{})
		keep(res)
	}
	return best, bestF
}

func finiteAll(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// logLik is the log-likelihood at x without the penalty.
func (o *bbObjective) logLik(x []float64) float64 {
	f, _ := (&bbObjective{d: o.d, zi: o.zi}).eval(x, nil)
	for _, xi := range x {
		if excess := math.Abs(xi) - paramBound; excess > 0 {
			f -= excess * excess
		}
	}
	return -f
}

// momentStart is a starting point from the method of moments: the mean μ
// and variance v of c/n over the problems (only those with c > 0 when
// positive is set) give the intra-class correlation
// ρ = (v/(μ(1−μ)) − 1/n̄)/(1 − 1/n̄) = 1/(α + β + 1).
func (d *fitData) momentStart(positive bool) (u, v float64) {
	var W, mean, nbar float64
	for g, w := range d.w {
		if w == 0 || (positive && d.c[g] == 0) {
			continue
		}
		W += w
		mean += w * float64(d.c[g]) / float64(d.n[g])
		nbar += w * float64(d.n[g])
	}
	if W == 0 {
		return 0, 0
	}
	mean /= W
	nbar /= W
	var variance float64
	for g, w := range d.w {
		if w == 0 || (positive && d.c[g] == 0) {
			continue
		}
		x := float64(d.c[g])/float64(d.n[g]) - mean
		variance += w * x * x
	}
	variance /= W
	mu := min(max(mean, 1e-3), 1-1e-3)
	rho := 0.5
	if nbar > 1 {
		rho = (variance/(mu*(1-mu)) - 1/nbar) / (1 - 1/nbar)
	}
	rho = min(max(rho, 1e-3), 0.999)
	s := 1/rho - 1
	return math.Log(mu * s), math.Log((1 - mu) * s)
}

// fitted is the outcome of fitting both priors to one data set.
type fitted struct {
	plain, zi BetaFit
	xPlain    []float64
	xZI       []float64
	chosen    string // FitBetaBinomial or FitZeroInflated; "" when degenerate
	prior     prior
	err       error // ErrNotIdentifiable
}

// unfitted is the result of no fit: prior pr, NaN parameters, and err.
func unfitted(pr prior, err error) fitted {
	nan := math.NaN()
	bf := BetaFit{Alpha: nan, Beta: nan, Pi: nan, LogLik: nan, AIC: nan}
	ft := fitted{plain: bf, zi: bf, prior: pr, err: err}
	ft.plain.Params, ft.zi.Params = 2, 3
	return ft
}

// fitBoth fits the plain and the zero-inflated prior to d and picks the
// one with the lower AIC (the plain one on a tie).
func fitBoth(d *fitData) fitted {
	if pr, err, ok := d.degenerate(); ok {
		ft := unfitted(pr, err)
		if pr.kind == priorZero || pr.kind == priorOne {
			// The likelihood's supremum is 1, at the boundary.
			ft.plain.LogLik, ft.zi.LogLik = 0, 0
			ft.plain.AIC, ft.zi.AIC = 4, 6
		}
		return ft
	}
	var ft fitted
	op := &bbObjective{d: d}
	u, v := d.momentStart(false)
	mu := math.Exp(u) / (math.Exp(u) + math.Exp(v))
	ft.xPlain, _ = op.minimize([][]float64{{u, v}, {math.Log(mu), math.Log(1 - mu)}, {u + 2, v + 2}})
	if ft.xPlain == nil {
		ft.xPlain = []float64{u, v}
	}
	ft.plain = newBetaFit(op, ft.xPlain, 0)

	total, _, _, _, zeros := d.summary()
	oz := &bbObjective{d: d, zi: true}
	if zeros == 0 {
		// No problem unsolved: the zero-inflated maximum is at π = 0.
		ft.xZI = []float64{ft.xPlain[0], ft.xPlain[1], -paramBound}
		ft.zi = ft.plain
		ft.zi.Pi, ft.zi.Params, ft.zi.AIC = 0, 3, 6-2*ft.plain.LogLik
	} else {
		frac := zeros / total
		pu, pv := d.momentStart(true)
		ft.xZI, _ = oz.minimize([][]float64{
			{ft.xPlain[0], ft.xPlain[1], logit(min(max(frac/2, 1e-3), 0.9))},
			{pu, pv, logit(min(max(0.9*frac, 1e-3), 0.99))},
			{ft.xPlain[0], ft.xPlain[1], -8},
		})
		if ft.xZI == nil {
			ft.xZI = []float64{ft.xPlain[0], ft.xPlain[1], -paramBound}
		}
		ft.zi = newBetaFit(oz, ft.xZI, 1)
	}
	ft.chosen = FitBetaBinomial
	ft.prior = prior{alpha: ft.plain.Alpha, beta: ft.plain.Beta}
	if ft.zi.AIC < ft.plain.AIC {
		ft.chosen = FitZeroInflated
		ft.prior = prior{alpha: ft.zi.Alpha, beta: ft.zi.Beta, pi: ft.zi.Pi}
	}
	return ft
}

func newBetaFit(o *bbObjective, x []float64, extra int) BetaFit {
	f := BetaFit{Alpha: math.Exp(x[0]), Beta: math.Exp(x[1]), Params: 2 + extra}
	if o.zi {
		f.Pi = 1 / (1 + math.Exp(-x[2]))
	}
	f.LogLik = o.logLik(x)
	f.AIC = 2*float64(f.Params) - 2*f.LogLik
	return f
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// replicate is one fit bootstrap replicate: the prior its own AIC choice
// makes predictions with (so the bands carry the uncertainty of the
// choice too), and the full data's choice refitted (whose parameters the
// intervals of Fit describe).
type replicate struct {
	used prior
	same prior
	zi   bool // the replicate chose the zero-inflated prior
}

// refit fits both priors to a bootstrap replicate's data, starting from
// ft's optima, and picks one by AIC as fitBoth does.
func (ft *fitted) refit(d *fitData) replicate {
	if pr, _, ok := d.degenerate(); ok {
		return replicate{used: pr, same: pr}
	}
	op := &bbObjective{d: d}
	xp, _ := op.minimize([][]float64{ft.xPlain[:2]})
	if xp == nil {
		none := prior{kind: priorNone}
		return replicate{used: none, same: none}
	}
	plain := prior{alpha: math.Exp(xp[0]), beta: math.Exp(xp[1])}
	aicPlain := 4 - 2*op.logLik(xp)
	zi, aicZI := plain, aicPlain+2
	if _, _, _, _, zeros := d.summary(); zeros > 0 {
		oz := &bbObjective{d: d, zi: true}
		if xz, _ := oz.minimize([][]float64{ft.xZI}); xz != nil {
			zi = prior{alpha: math.Exp(xz[0]), beta: math.Exp(xz[1]), pi: 1 / (1 + math.Exp(-xz[2]))}
			aicZI = 6 - 2*oz.logLik(xz)
		}
	}
	r := replicate{used: plain, same: plain}
	if aicZI < aicPlain {
		r.used, r.zi = zi, true
	}
	if ft.chosen == FitZeroInflated {
		r.same = zi
	}
	return r
}
