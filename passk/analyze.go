package passk

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrInvalidOption is wrapped by the errors of options Analyze cannot use.
var ErrInvalidOption = errors.New("invalid option")

// normalized checks o and fills in its defaults: metric PassAtK, level 0.95,
// the k grid sorted without duplicates.
func (o Options) normalized() (Options, error) {
	if o.Metric == "" {
		o.Metric = PassAtK
	}
	if err := o.Metric.Validate(); err != nil {
		return o, err
	}
	if o.Boot < 0 {
		return o, fmt.Errorf("%d bootstrap replicates, expected ≥ 0: %w", o.Boot, ErrInvalidOption)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, fmt.Errorf("level %v, expected 0 < level < 1: %w", o.Level, ErrInvalidOption)
	}
	if o.K != nil {
		ks, err := checkGrid(o.K)
		if err != nil {
			return o, err
		}
		o.K = ks
	}
	if o.Extrapolate < 0 || o.Extrapolate > maxExtrapolate {
		return o, fmt.Errorf("extrapolate to k = %d, expected 0 (off) up to %d: %w", o.Extrapolate, maxExtrapolate, ErrInvalidOption)
	}
	if o.FitBoot < 0 {
		return o, fmt.Errorf("%d fit bootstrap replicates, expected ≥ 0: %w", o.FitBoot, ErrInvalidOption)
	}
	if o.Extrapolate > 0 && o.Metric != PassAtK && o.Metric != PassHatK {
		return o, fmt.Errorf("extrapolation predicts %s and %s, not %s: %w", PassAtK, PassHatK, o.Metric, ErrInvalidOption)
	}
	return o, nil
}

// checkAnswers checks that every model has answers when the metric needs
// them.
func checkAnswers(models []*Model, metric Metric) error {
	if !metric.NeedsAnswers() {
		return nil
	}
	for _, m := range models {
		has := false
		for i := range m.Problems {
			if len(m.Problems[i].Answers) > 0 {
				has = true
				break
			}
		}
		if !has {
			from := ""
			if m.Format != "" {
				from = fmt.Sprintf(" (read as %s)", m.Format)
			}
			return fmt.Errorf("model %q%s: %s needs the extracted answer of each sample, and it has none: %w; formats that record answers: %s", m.Label, from, metric, ErrNoAnswers, answerFormats)
		}
	}
	return nil
}

// checkModels validates each model and that labels are unique.
func checkModels(models []*Model) error {
	if len(models) == 0 {
		return fmt.Errorf("no models: %w", ErrInvalidOption)
	}
	labels := make(map[string]bool, len(models))
	for i, m := range models {
		if m == nil {
			return fmt.Errorf("model %d is nil: %w", i+1, ErrInvalidOption)
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if labels[m.Label] {
			return fmt.Errorf("model label %q: %w (labels name models in the report)", m.Label, ErrDuplicate)
		}
		labels[m.Label] = true
	}
	return nil
}

// Analyze computes the report of a set of models: for each model its curve
// of opt.Metric (the mean over all its problems, see Model.Curve) at every k
// of opt.K up to its range K (the smallest n of its problems), or at every
// k = 1..K when opt.K is nil; with opt.Boot > 0 each point has its
// percentile bootstrap band at opt.Level over the model's problems (else Lo
// and Hi are NaN). Grid values beyond a model's range are omitted from its
// curve, with a warning. For every pair of models i < j, in input order, it
// compares them on their shared problems (see Compare).
//
// With opt.Extrapolate > 0 (pass@k and pass^k only) each model's curve
// continues with predicted points beyond its range up to opt.Extrapolate
// (the k of opt.K in that range, or without opt.K the powers of two and
// opt.Extrapolate itself), ModelCurve.Fit describes the fitted prior, and
// each comparison gets a Crossover.Prediction (see predict.go), with
// opt.FitBoot fit bootstrap replicates behind their bands and intervals.
// Metrics computed from answers (MajAtK) need every model to have some.
//
// Report.Metric, Boot, Seed and Level echo the options as used (Metric ""
// becomes PassAtK and Level 0 becomes 0.95), and Extrapolate and FitBoot
// when extrapolating. The warnings are those of Warnings, then the omitted
// grid values and pairs with no shared problem, then those of the fits.
//
// Models must pass Validate and have distinct labels; opt.Boot must be
// ≥ 0, opt.Level in (0, 1), every k of opt.K ≥ 1 (they are used sorted,
// without duplicates). The result depends only on the data and the options:
// not on the order of problems within a model, nor on the platform.
func Analyze(models []*Model, opt Options) (*Report, error) {
	return analyze(models, opt, true)
}

// curveJob locates a model's curve in a bootstrap: its view, and the grid
// positions of the model's own grid within the view's grid.
type curveJob struct {
	spec *bootSpec
	view int
	pos  []int
	band int // index in spec.bands, -1 for none
}

// pairJob locates a comparison in a bootstrap (spec nil: nothing shared).
type pairJob struct {
	spec *bootSpec
	pr   pairing
	a, b int // views
	K    int
	pair int // index in spec.pairs
}

// plan lays out the bootstraps of an analysis.
type plan struct {
	opt    Options
	models []*Model
	Ks     []int   // each model's range
	grids  [][]int // each model's grid (nil: no curve wanted)
	ij     [][2]int
	prs    []pairing
	specs  []*bootSpec
	curves []curveJob
	pairs  []pairJob
	budget *tableBudget
	err    error // the first view that could not be built
}

// view builds a view (see newView) from the plan's budget; after a failure
// it records the error and returns an empty view.
func (pl *plan) view(ps []Problem, items []int, ks []int) *view {
	if pl.err == nil {
		v, err := newView(pl.opt.Metric, ps, items, ks, pl.budget)
		if err == nil {
			return v
		}
		pl.err = err
	}
	return &view{t: &table{}}
}

func (pl *plan) newSpec(items int) *bootSpec {
	s := &bootSpec{items: items, boot: pl.opt.Boot, seed: pl.opt.Seed, level: pl.opt.Level}
	pl.specs = append(pl.specs, s)
	return s
}

// joint plans one bootstrap for models that all have the same problems: its
// items, the problems sorted by id, are those of each model and of each
// pair, so it serves every band and every comparison.
func (pl *plan) joint() {
	items := sortedByID(pl.models[0])
	s := pl.newSpec(len(items))
	itemsOf := make([][]int, len(pl.models)) // the same ids in each model
	itemsOf[0] = items
	need := make([]int, len(pl.models)) // the dense prefix comparisons need
	for p, ij := range pl.ij {
		if ij[0] == 0 {
			itemsOf[ij[1]] = pl.prs[p].ib
		}
		K := min(pl.Ks[ij[0]], pl.Ks[ij[1]])
		need[ij[0]], need[ij[1]] = max(need[ij[0]], K), max(need[ij[1]], K)
	}
	views := make([]int, len(pl.models))
	for i, m := range pl.models {
		grid, pos := withDensePrefix(pl.grids[i], need[i])
		views[i] = s.addView(pl.view(m.Problems, itemsOf[i], grid))
		pl.curves[i] = curveJob{spec: s, view: views[i], pos: pos, band: s.addBand(views[i], pos)}
	}
	for p, ij := range pl.ij {
		a, b, K := views[ij[0]], views[ij[1]], min(pl.Ks[ij[0]], pl.Ks[ij[1]])
		pl.pairs[p] = pairJob{spec: s, pr: pl.prs[p], a: a, b: b, K: K, pair: s.addPair(a, b, K)}
	}
}

// separate plans a bootstrap per model (over its problems) and one per pair
// (over their shared problems). Replicate b draws the same stream in every
// bootstrap, so where the items coincide the results are those of joint.
func (pl *plan) separate() {
	for i, m := range pl.models {
		if pl.grids[i] == nil {
			continue
		}
		items := sortedByID(m)
		s := pl.newSpec(len(items))
		v := s.addView(pl.view(m.Problems, items, pl.grids[i]))
		pos := make([]int, len(pl.grids[i]))
		for j := range pos {
			pos[j] = j
		}
		pl.curves[i] = curveJob{spec: s, view: v, pos: pos, band: s.addBand(v, pos)}
	}
	for p, ij := range pl.ij {
		pr := pl.prs[p]
		a, b := pl.models[ij[0]], pl.models[ij[1]]
		pl.pairs[p] = pairJob{pr: pr}
		if len(pr.ia) == 0 {
			continue
		}
		K := min(kRange(a.Problems, pr.ia), kRange(b.Problems, pr.ib))
		s := pl.newSpec(len(pr.ia))
		grid := DenseGrid(K)
		va := s.addView(pl.view(a.Problems, pr.ia, grid))
		vb := s.addView(pl.view(b.Problems, pr.ib, grid))
		pl.pairs[p] = pairJob{spec: s, pr: pr, a: va, b: vb, K: K, pair: s.addPair(va, vb, K)}
	}
}

func analyze(models []*Model, opt Options, curves bool) (*Report, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	if err := checkModels(models); err != nil {
		return nil, err
	}
	if err := checkAnswers(models, opt.Metric); err != nil {
		return nil, err
	}
	rep := &Report{
		Metric: opt.Metric, Boot: opt.Boot, Seed: opt.Seed, Level: opt.Level,
		Models: make([]ModelCurve, len(models)), Crossovers: []Crossover{}, Warnings: []string{},
	}
	for _, w := range Warnings(models) {
		rep.Warnings = append(rep.Warnings, w.Error())
	}
	pl := &plan{opt: opt, models: models, Ks: make([]int, len(models)), grids: make([][]int, len(models)),
		curves: make([]curveJob, len(models)), budget: newTableBudget()}
	predicted := make([][]int, len(models)) // each model's predicted k

	// Each model's range and grid.
	for i, m := range models {
		pl.Ks[i], _ = m.NRange()
		if !curves {
			continue
		}
		if opt.Extrapolate > 0 {
			predicted[i] = predictedGrid(pl.Ks[i], opt.Extrapolate, opt.K)
		}
		if opt.K == nil {
			pl.grids[i] = DenseGrid(pl.Ks[i])
			continue
		}
		var beyond []int
		pl.grids[i] = []int{}
		for _, k := range opt.K {
			switch {
			case k <= pl.Ks[i]:
				pl.grids[i] = append(pl.grids[i], k)
			case k > opt.Extrapolate:
				beyond = append(beyond, k)
			}
		}
		switch {
		case len(beyond) > 0 && opt.Extrapolate > 0:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: k = %s beyond its range (k ≤ %d, its smallest n) and beyond the extrapolation (k ≤ %d): omitted from its curve", m.Label, listInts(beyond), pl.Ks[i], opt.Extrapolate))
		case len(beyond) > 0:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: k = %s beyond its range (k ≤ %d, its smallest n): omitted from its curve", m.Label, listInts(beyond), pl.Ks[i]))
		}
	}

	// Pairs, in input order.
	joint := len(models) > 1
	for i := range models {
		for j := i + 1; j < len(models); j++ {
			pr := pairUp(models[i], models[j])
			pl.ij, pl.prs = append(pl.ij, [2]int{i, j}), append(pl.prs, pr)
			joint = joint && pr.onlyA == 0 && pr.onlyB == 0
			if len(pr.ia) == 0 {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s and %s share no problem: they are not compared", models[i].Label, models[j].Label))
			}
		}
	}
	pl.pairs = make([]pairJob, len(pl.ij))
	if joint {
		pl.joint()
	} else {
		pl.separate()
	}
	if pl.err != nil {
		return nil, pl.err
	}

	var work float64
	for _, s := range pl.specs {
		if len(s.bands) == 0 && len(s.pairs) == 0 {
			s.boot = 0
		}
		work += s.work()
	}
	if work > maxBootWork {
		for _, s := range pl.specs {
			s.boot = 0
		}
		rep.Boot = 0
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no bootstrap: the bands and crossover intervals of these %d models (%d bootstraps) need about %.2g steps, more than %.2g; fewer models or fewer replicates need fewer", len(models), len(pl.specs), work, float64(maxBootWork)))
	}
	outs := make(map[*bootSpec]bootOut, len(pl.specs))
	means := make(map[*bootSpec][][]float64, len(pl.specs))
	for _, s := range pl.specs {
		outs[s] = s.run()
		for _, v := range s.views {
			means[s] = append(means[s], v.mean())
		}
	}

	for i, m := range models {
		lo, hi := m.NRange()
		mc := ModelCurve{Label: m.Label, Problems: len(m.Problems), NMin: lo, NMax: hi, Curve: []Point{}}
		if job := pl.curves[i]; job.spec != nil {
			mean, ks := means[job.spec][job.view], job.spec.views[job.view].t.ks
			for j, p := range job.pos {
				pt := Point{K: ks[p], Value: mean[p], Lo: math.NaN(), Hi: math.NaN()}
				if job.band >= 0 && rep.Boot > 0 {
					out := outs[job.spec]
					pt.Lo, pt.Hi = out.lo[job.band][j], out.hi[job.band][j]
				}
				mc.Curve = append(mc.Curve, pt)
			}
		}
		rep.Models[i] = mc
	}
	for p, ij := range pl.ij {
		job := pl.pairs[p]
		var ca, cb, last []float64
		if job.spec != nil {
			ca, cb = means[job.spec][job.a][:job.K], means[job.spec][job.b][:job.K]
			if rep.Boot > 0 {
				last = outs[job.spec].last[job.pair]
			}
		}
		rep.Crossovers = append(rep.Crossovers, newCrossover(models[ij[0]].Label, models[ij[1]].Label, job.pr, ca, cb, last, opt.Level))
	}
	if opt.Extrapolate > 0 {
		extrapolate(rep, pl, predicted, curves)
	}
	return rep, nil
}

// extrapolate adds to rep the fits, predicted points and predicted
// crossovers (predict.go).
func extrapolate(rep *Report, pl *plan, predicted [][]int, curves bool) {
	opt, models := pl.opt, pl.models
	rep.Extrapolate, rep.FitBoot = opt.Extrapolate, opt.FitBoot
	fits := make([]*fitBoot, len(models))
	fitOf := func(i int) *fitBoot {
		if fits[i] == nil {
			fits[i] = newFitBoot(models[i].Problems, sortedByID(models[i]), opt.FitBoot, opt.Seed)
		}
		return fits[i]
	}
	if curves {
		for i, m := range models {
			fb := fitOf(i)
			rep.Models[i].Fit = fb.summary(opt.Level)
			if fb.ft.err != nil {
				rep.Warnings = append(rep.Warnings, describeFitError(m.Label, fb.ft.err))
				continue
			}
			if len(predicted[i]) > 0 {
				rep.Models[i].Curve = append(rep.Models[i].Curve, fb.predicted(opt.Metric, predicted[i], opt.Level)...)
			}
		}
	}
	limit := max(DefaultPredictLimit, opt.Extrapolate)
	for p, ij := range pl.ij {
		cr := &rep.Crossovers[p]
		pr := pl.prs[p]
		if len(pr.ia) == 0 || cr.KMax < 1 {
			continue
		}
		var fa, fb *fitBoot
		if pr.onlyA == 0 && pr.onlyB == 0 {
			// The shared problems are all of both, in the same id order:
			// the models' own fits and replicates serve.
			fa, fb = fitOf(ij[0]), fitOf(ij[1])
		} else {
			fa = newFitBoot(models[ij[0]].Problems, pr.ia, opt.FitBoot, opt.Seed)
			fb = newFitBoot(models[ij[1]].Problems, pr.ib, opt.FitBoot, opt.Seed)
		}
		pc, warn := predictCrossover(opt.Metric, cr.A, cr.B, fa, fb, cr.KMax, limit, opt.Level, cr.Leader)
		cr.Prediction = pc
		if warn != "" {
			rep.Warnings = append(rep.Warnings, warn)
		}
	}
}

// withDensePrefix returns the grid 1..K merged with grid (ascending) and
// the positions of grid's values in it.
func withDensePrefix(grid []int, K int) (merged, pos []int) {
	merged = DenseGrid(K)
	for _, k := range grid {
		if k > K {
			merged = append(merged, k)
		}
	}
	pos = make([]int, len(grid))
	j := 0
	for i, k := range grid {
		for merged[j] != k {
			j++
		}
		pos[i] = j
	}
	return merged, pos
}

// listInts formats up to 8 values, then how many more.
func listInts(ks []int) string {
	var b strings.Builder
	for i, k := range ks {
		if i == 8 {
			fmt.Fprintf(&b, " and %d more", len(ks)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, k)
	}
	return b.String()
}
