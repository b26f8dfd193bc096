package app

import (
	"github.com/passk/passk/passk"
)

// reportKey names one analysis of the open session's data.
type reportKey struct {
	version     int
	metric      passk.Metric
	extrapolate int
}

type reportResult struct {
	r    *passk.Report
	err  error
	keys map[string]string // label at the time of the analysis → model key
}

// analyze is passk.Analyze; a variable so that the wiring is in one place.
var analyze = passk.Analyze

// Options returns the analysis options the page uses: the CLI's defaults
// (passk.DefaultOptions: B = 1000 bootstrap replicates, seed 1, 95%), with
// the given metric. The page's k* is therefore the k* of `passk curve --json`.
// Its predictions (PredictOptions) use FitBoot fit bootstrap replicates.
func Options(metric passk.Metric) passk.Options {
	opt := passk.DefaultOptions()
	opt.Metric = metric
	opt.FitBoot = FitBoot
	return opt
}

// report returns the analysis of every model of the open session with
// metric (predicting as the session's settings say, see analysisOptions),
// computing it once per change of the data and of the settings it uses.
// Models are passed in session order under their labels, exactly as the
// CLI passes the files it is given, and the result maps each label the
// report uses to the model's key. Renaming a model does not recompute: the analysis does not depend on
// labels (TestAnalysisIgnoresLabels). The caller holds a.mu.
func (a *App) report(metric passk.Metric) (reportResult, error) {
	return a.reportWith(a.analysisOptions(metric))
}

// reportWith is report with the options given (Options or PredictOptions
// of some metric). The caller holds a.mu.
func (a *App) reportWith(opt passk.Options) (reportResult, error) {
	key := reportKey{a.version, opt.Metric, opt.Extrapolate}
	if res, ok := a.reports[key]; ok {
		return res, res.err
	}
	models := make([]*passk.Model, len(a.s.Models))
	res := reportResult{keys: map[string]string{}}
	for i, e := range a.s.Models {
		models[i] = e.Model
		res.keys[e.Model.Label] = e.Key
	}
	res.r, res.err = analyze(models, opt)
	a.reports[key] = res
	return res, res.err
}
