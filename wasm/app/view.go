package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/passk/passk/passk"
)

// Num is a float64 that is null in JSON when it is NaN or infinite.
type Num float64

func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(n))
}

// View is everything the page draws, for one plot size.
type View struct {
	Session    SessionInfo  `json:"session"`
	Metric     passk.Metric `json:"metric"`
	Bands      bool         `json:"bands"`
	Rows       []Row        `json:"rows"`
	Warnings   []string     `json:"warnings"`
	Plot       *Plot        `json:"plot"`
	Crossovers []Cross      `json:"crossovers"`
	Storage    Storage      `json:"storage"`

	// Unavailable says, per metric of Metrics that the session's models
	// cannot be analysed with, why (maj@k needs extracted answers). When
	// the chosen metric is one of them, Metric is pass@k and MetricNote
	// says so.
	Unavailable map[passk.Metric]string `json:"unavailable"`
	MetricNote  string                  `json:"metricNote"`

	// Extrapolate is the "predict up to k" setting (0: off). Predicting
	// says whether the plot shows predicted points: the setting is on and
	// the metric can be predicted (else PredictNote says why not).
	// FitBoot is the number of fit bootstrap replicates behind them, and
	// Fits the fitted prior of each model shown.
	Extrapolate int        `json:"extrapolate"`
	Predicting  bool       `json:"predicting"`
	PredictNote string     `json:"predictNote"`
	FitBoot     int        `json:"fitBoot"`
	Fits        []ModelFit `json:"fits"`
}

// ModelFit is the fit behind one model's predicted points (passk.Fit: both
// priors, the one used, their log-likelihoods and AIC, a note).
type ModelFit struct {
	Key   string     `json:"key"`
	Label string     `json:"label"`
	Color int        `json:"color"`
	Fit   *passk.Fit `json:"fit"`
}

// SessionInfo names the open session.
type SessionInfo struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Saved bool   `json:"saved"`
}

// Row is one model's line in the table of models.
type Row struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Color    int      `json:"color"` // index into the palette of package passk/plot
	Visible  bool     `json:"visible"`
	Problems int      `json:"problems"`
	NMin     int      `json:"nMin"`
	NMax     int      `json:"nMax"`
	Pass1    Num      `json:"pass1"`   // pass@1
	KMax     int      `json:"kMax"`    // the largest k of its curve
	PassMax  Num      `json:"passMax"` // pass@KMax
	Format   string   `json:"format"`
	Source   string   `json:"source"`
	Warnings []string `json:"warnings"`
	Answers  bool     `json:"answers"` // its problems carry extracted answers (maj@k)
}

// Cross is one pair's crossover, as the crossover panel shows it.
type Cross struct {
	A      string `json:"a"` // model keys
	B      string `json:"b"`
	ALabel string `json:"aLabel"`
	BLabel string `json:"bLabel"`
	Text   string `json:"text"`
	K      Num    `json:"k"` // k*, null when the curves do not cross
	Lo     Num    `json:"lo"`
	Hi     Num    `json:"hi"`
	Share  Num    `json:"share"`
	Leader string `json:"leader"` // the label of the model ahead at KMax
	KMax   int    `json:"kMax"`
	Count  int    `json:"count"` // crossings up to KMax

	// Predicted is where the predicted curves cross beyond KMax (nil
	// when not predicting), and PredictedText says it in words.
	Predicted     *PredictedCross `json:"predicted,omitempty"`
	PredictedText string          `json:"predictedText,omitempty"`
}

// PredictedCross is a pair's predicted crossover (passk.PredictedCrossover):
// the first crossing of the predicted curves in (KMax, KLimit], K null when
// there is none; Lo, Hi and Share from the fit bootstrap.
type PredictedCross struct {
	K      Num    `json:"k"`
	Lo     Num    `json:"lo"`
	Hi     Num    `json:"hi"`
	Share  Num    `json:"share"`
	Leader string `json:"leader"` // the label of the model ahead at KLimit
	KLimit int    `json:"kLimit"`
}

// ViewSize is the size of the plot the page asks for, in CSS pixels.
type ViewSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// View computes what the page draws: the open session's rows, its plot at
// the given size and the crossover texts of the models shown. The
// analysis is computed on first need and kept until the data change.
func (a *App) View(size ViewSize) (*View, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.s
	v := &View{
		Session:     SessionInfo{ID: s.ID, Name: s.Name, Saved: a.saved},
		Metric:      s.Settings.Metric,
		Bands:       s.Settings.Bands,
		Rows:        []Row{},
		Storage:     a.storage(),
		Unavailable: a.unavailable(),
		Extrapolate: s.Settings.Extrapolate,
		FitBoot:     FitBoot,
		Fits:        []ModelFit{},
	}
	if v.Metric == "" {
		v.Metric = passk.PassAtK
	}
	if why := v.Unavailable[v.Metric]; why != "" {
		v.MetricNote = fmt.Sprintf("%s cannot be shown (%s); showing %s.", v.Metric, why, passk.PassAtK)
		v.Metric = passk.PassAtK
	}
	if !Predicts(v.Metric) {
		v.PredictNote = fmt.Sprintf("Predictions beyond the sampled n are made for %s and %s only.", passk.PassAtK, passk.PassHatK)
	}
	if len(s.Models) == 0 {
		return v, nil
	}
	shown, err := a.report(v.Metric)
	// The rows show measured pass@k: that of the plot when it is pass@k.
	base := shown
	if err == nil && v.Metric != passk.PassAtK {
		base, err = a.reportWith(Options(passk.PassAtK))
	}
	var curves map[string]*passk.ModelCurve
	switch {
	case err == nil:
		curves = curvesByKey(base)
	case errors.Is(err, passk.ErrTooLarge):
		// Data beyond passk's limits: the rows, so that the model can be
		// removed, and why there are no curves.
		v.Warnings = append(v.Warnings, fmt.Sprintf("No curves: %v. Remove the model that needs them.", err))
	default:
		return nil, err
	}
	for i, e := range s.Models {
		m := e.Model
		lo, hi := m.NRange()
		row := Row{
			Key: e.Key, Label: m.Label, Color: i, Visible: !e.Hidden,
			Problems: len(m.Problems), NMin: lo, NMax: hi,
			Pass1: Num(math.NaN()), PassMax: Num(math.NaN()),
			Format: m.Format, Source: m.Source, Warnings: e.Warnings,
			Answers: hasAnswers(m),
		}
		if row.Warnings == nil {
			row.Warnings = []string{}
		}
		if c := curves[e.Key]; c != nil && len(c.Curve) > 0 {
			measured := c.Curve
			for len(measured) > 0 && measured[len(measured)-1].Predicted {
				measured = measured[:len(measured)-1]
			}
			if len(measured) > 0 {
				first, last := measured[0], measured[len(measured)-1]
				if first.K == 1 {
					row.Pass1 = Num(first.Value)
				}
				row.KMax, row.PassMax = last.K, Num(last.Value)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	if curves == nil {
		v.Warnings = append(v.Warnings, crossWarnings(s.Models)...)
		return v, nil
	}
	v.Warnings = crossWarnings(s.Models)
	v.Predicting = shown.r.Extrapolate > 0
	if v.Predicting {
		v.Warnings = append(v.Warnings, fitWarnings(shown.r, s.Models)...)
	}

	visible := map[string]bool{}
	var series []series
	showCurves := curvesByKey(shown)
	for i, e := range s.Models {
		if e.Hidden {
			continue
		}
		visible[e.Key] = true
		if c := showCurves[e.Key]; c != nil {
			series = append(series, seriesOf(e, i, c))
			if c.Fit != nil {
				v.Fits = append(v.Fits, ModelFit{Key: e.Key, Label: e.Model.Label, Color: i, Fit: c.Fit})
			}
		}
	}
	var marks, predicted []crossMark
	for _, c := range shown.r.Crossovers {
		ka, kb := shown.keys[c.A], shown.keys[c.B]
		if !visible[ka] || !visible[kb] {
			continue
		}
		ea, eb := s.entry(ka), s.entry(kb)
		x := Cross{
			A: ka, B: kb, ALabel: ea.Model.Label, BLabel: eb.Model.Label,
			K: Num(c.K), Lo: Num(c.Lo), Hi: Num(c.Hi), Share: Num(c.Share),
			KMax: c.KMax, Count: len(c.All),
		}
		if k := shown.keys[c.Leader]; k != "" {
			x.Leader = s.entry(k).Model.Label
		}
		x.Text = CrossText(x, v.Metric, shown.r.Level)
		if p := c.Prediction; p != nil {
			x.Predicted = &PredictedCross{K: Num(p.K), Lo: Num(p.Lo), Hi: Num(p.Hi), Share: Num(p.Share), KLimit: p.KLimit}
			if k := shown.keys[p.Leader]; k != "" {
				x.Predicted.Leader = s.entry(k).Model.Label
			}
			x.PredictedText = PredictedText(x, shown.r.Level)
			if !math.IsNaN(p.K) {
				predicted = append(predicted, crossMark{K: p.K, Lo: p.Lo, Hi: p.Hi, Predicted: true})
			}
		}
		v.Crossovers = append(v.Crossovers, x)
		if !math.IsNaN(c.K) {
			marks = append(marks, crossMark{K: c.K, Lo: c.Lo, Hi: c.Hi})
		}
	}
	marks = append(marks, predicted...)
	if len(series) > 0 {
		v.Plot = drawCurves(series, marks, v.Metric, v.Bands, size)
	}
	return v, nil
}

// curvesByKey maps model keys to their curves in the report.
func curvesByKey(res reportResult) map[string]*passk.ModelCurve {
	out := map[string]*passk.ModelCurve{}
	for i := range res.r.Models {
		c := &res.r.Models[i]
		if k, ok := res.keys[c.Label]; ok {
			out[k] = c
		}
	}
	return out
}

// crossWarnings are the warnings about the models together (problems that
// some have and others lack); each model's own are in its row.
func crossWarnings(entries []*Entry) []string {
	models := make([]*passk.Model, len(entries))
	own := map[string]bool{}
	for i, e := range entries {
		models[i] = e.Model
		for _, w := range passk.Warnings(models[i : i+1]) {
			own[w.Error()] = true
		}
	}
	out := []string{}
	for _, w := range passk.Warnings(models) {
		if !own[w.Error()] {
			out = append(out, w.Error())
		}
	}
	return out
}

// FormatK formats a crossover position k* for the page: three significant
// digits below 100, whole numbers above.
func FormatK(k float64) string {
	switch {
	case math.IsNaN(k):
		return "–"
	case k >= 100:
		return strconv.FormatFloat(k, 'f', 0, 64)
	case k >= 10:
		return strconv.FormatFloat(k, 'f', 1, 64)
	default:
		return strconv.FormatFloat(k, 'f', 2, 64)
	}
}

// CrossText is the crossover panel's sentence for one pair.
func CrossText(c Cross, metric passk.Metric, level float64) string {
	if level == 0 {
		level = 0.95
	}
	pct := strconv.FormatFloat(level*100, 'f', -1, 64) + "%"
	lead := "the two are tied"
	if c.Leader != "" {
		lead = c.Leader + " leads"
	}
	if math.IsNaN(float64(c.K)) {
		return fmt.Sprintf("%s vs %s: no crossover up to k = %d; %s.", c.ALabel, c.BLabel, c.KMax, lead)
	}
	s := fmt.Sprintf("%s vs %s: the %s curves cross at k* = %s", c.ALabel, c.BLabel, metric, FormatK(float64(c.K)))
	if !math.IsNaN(float64(c.Lo)) && !math.IsNaN(float64(c.Hi)) {
		s += fmt.Sprintf(" (%s interval %s–%s", pct, FormatK(float64(c.Lo)), FormatK(float64(c.Hi)))
		if !math.IsNaN(float64(c.Share)) {
			s += fmt.Sprintf("; %s of bootstrap replicates cross", strconv.FormatFloat(float64(c.Share)*100, 'f', 0, 64)+"%")
		}
		s += ")"
	} else if !math.IsNaN(float64(c.Share)) {
		s += fmt.Sprintf(" (%s of bootstrap replicates cross)", strconv.FormatFloat(float64(c.Share)*100, 'f', 0, 64)+"%")
	}
	if c.Count > 1 {
		s += fmt.Sprintf(", the last of %d crossings", c.Count)
	}
	return s + fmt.Sprintf("; after it %s up to k = %d.", lead, c.KMax)
}

// PredictedText is the crossover panel's sentence for a pair's predicted
// crossover (c.Predicted must be set).
func PredictedText(c Cross, level float64) string {
	p := c.Predicted
	if level == 0 {
		level = 0.95
	}
	pct := strconv.FormatFloat(level*100, 'f', -1, 64) + "%"
	limit := FormatLimit(p.KLimit)
	s := fmt.Sprintf("Predicted beyond k = %d (fitted priors): ", c.KMax)
	share := ""
	if !math.IsNaN(float64(p.Share)) {
		share = strconv.FormatFloat(float64(p.Share)*100, 'f', 0, 64) + "% of fit bootstrap replicates cross"
	}
	lead := "the two are tied"
	if p.Leader != "" {
		lead = p.Leader + " leads"
	}
	if math.IsNaN(float64(p.K)) {
		s += fmt.Sprintf("the predicted curves of %s and %s do not cross before k = %s; %s there", c.ALabel, c.BLabel, limit, lead)
		if share != "" {
			s += " (" + share + ")"
		}
		return s + "."
	}
	s += fmt.Sprintf("the predicted curves of %s and %s cross at k* = %s", c.ALabel, c.BLabel, FormatK(float64(p.K)))
	switch {
	case !math.IsNaN(float64(p.Lo)) && !math.IsNaN(float64(p.Hi)) && share != "":
		s += fmt.Sprintf(" (%s interval %s–%s; %s)", pct, FormatK(float64(p.Lo)), FormatK(float64(p.Hi)), share)
	case share != "":
		s += " (" + share + ")"
	}
	return s + fmt.Sprintf("; after it %s up to k = %s.", lead, limit)
}

// FormatLimit formats a k that bounds a search: 10^m when it is a power of
// ten from 1000 on, else the integer.
func FormatLimit(k int) string {
	if k >= 1000 {
		m, x := 0, k
		for x%10 == 0 {
			x /= 10
			m++
		}
		if x == 1 {
			return "10^" + strconv.Itoa(m)
		}
	}
	return strconv.Itoa(k)
}

// fitWarnings are the warnings of a report with predictions that the view
// does not show otherwise: those about the fits and predicted crossovers
// (passk.Warnings of the models are in the rows and crossWarnings).
func fitWarnings(r *passk.Report, entries []*Entry) []string {
	models := make([]*passk.Model, len(entries))
	for i, e := range entries {
		models[i] = e.Model
	}
	known := map[string]bool{}
	for _, w := range passk.Warnings(models) {
		known[w.Error()] = true
	}
	var out []string
	for _, w := range r.Warnings {
		if !known[w] {
			out = append(out, w)
		}
	}
	return out
}
