package passk

import (
	"encoding/json"
	"math"
)

// Metric names a per-problem quantity whose mean over problems is a curve.
type Metric string

const (
	PassAtK  Metric = "pass@k" // at least one of k draws correct (Chen et al. 2021)
	PassHatK Metric = "pass^k" // all k draws correct (τ-bench)
)

// The other metrics: MajAtK (majority.go), and G-Pass@k_τ, GPassAtK(τ),
// named "g-pass@k:τ" (gpass.go).

// Options choose what Analyze computes.
type Options struct {
	Metric Metric  // "" means PassAtK
	K      []int   // the k grid; nil means every integer 1..K of each model
	Boot   int     // bootstrap replicates; 0 turns bands and crossover intervals off
	Seed   uint64  // seed of the bootstrap, so output is reproducible
	Level  float64 // confidence level of bands and intervals; 0 means 0.95

	// Extrapolate > 0 adds predicted points beyond each model's range up
	// to this k (pass@k and pass^k only; see predict.go), the fit behind
	// them (ModelCurve.Fit) and predicted crossovers (Crossover.Prediction).
	Extrapolate int
	// FitBoot is the number of fit bootstrap replicates behind the bands
	// of predicted points and the intervals of predicted crossovers; 0
	// turns them off. Used only with Extrapolate.
	FitBoot int
}

// DefaultOptions are what the CLI and the page use unless told otherwise.
func DefaultOptions() Options {
	return Options{Metric: PassAtK, Boot: 1000, Seed: 1, Level: 0.95, FitBoot: DefaultFitBoot}
}

// Point is one point of a curve: the metric at k, with its bootstrap band
// [Lo, Hi] (NaN when there is no bootstrap; null in JSON).
type Point struct {
	K         int     `json:"k"`
	Value     float64 `json:"pass_at_k"`
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Predicted bool    `json:"predicted,omitempty"`
}

// ModelCurve is one model's curve and what it was computed from. With
// Options.Extrapolate the curve ends with predicted points (Predicted
// true, k beyond NMin) and Fit describes the prior behind them; Fit is nil
// otherwise.
type ModelCurve struct {
	Label    string  `json:"label"`
	Problems int     `json:"problems"`
	NMin     int     `json:"n_min"`
	NMax     int     `json:"n_max"`
	Curve    []Point `json:"curve"`
	Fit      *Fit    `json:"fit,omitempty"`
}

// Crossover compares models A and B on the problems both have. K is the
// headline (last) crossover k*, NaN when the curves do not cross up to
// KMax; Lo and Hi bound it (percentile interval over the bootstrap
// replicates that cross) and Share is the fraction of replicates that cross
// (NaN without bootstrap). Leader is the model ahead at KMax ("" on a tie).
// With Options.Extrapolate, Prediction says where the predicted curves
// cross beyond KMax (in JSON its fields are predicted_k, predicted_lo,
// predicted_hi, predicted_share, predicted_leader and predicted_k_limit);
// it is nil otherwise, and for pairs that share no problem.
type Crossover struct {
	A      string    `json:"a"`
	B      string    `json:"b"`
	K      float64   `json:"k"`
	Lo     float64   `json:"lo"`
	Hi     float64   `json:"hi"`
	Share  float64   `json:"share"`
	Leader string    `json:"leader"`
	KMax   int       `json:"k_max"`
	Shared int       `json:"shared"`
	OnlyA  int       `json:"only_a"` // problems only A has (not compared)
	OnlyB  int       `json:"only_b"` // problems only B has (not compared)
	All    []float64 `json:"all"`    // every crossing, in increasing k

	// Prediction is where the fitted curves cross beyond KMax, when
	// extrapolating and both fits succeed (else nil, with a warning).
	Prediction *PredictedCrossover `json:"-"`
}

// Report is everything the CLI prints and the page shows for a set of models.
type Report struct {
	Metric      Metric       `json:"metric"`
	Boot        int          `json:"boot"`
	Seed        uint64       `json:"seed"`
	Level       float64      `json:"level"`
	Extrapolate int          `json:"extrapolate,omitempty"` // Options.Extrapolate
	FitBoot     int          `json:"fit_boot,omitempty"`    // Options.FitBoot, when extrapolating
	Models      []ModelCurve `json:"models"`
	Crossovers  []Crossover  `json:"crossovers"`
	Warnings    []string     `json:"warnings"`
}

// nullable is a float64 that is null in JSON when NaN or infinite.
type nullable float64

func (f nullable) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

func (f *nullable) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = nullable(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

// MarshalJSON writes a missing band as null.
func (p Point) MarshalJSON() ([]byte, error) {
	type plain Point
	return json.Marshal(struct {
		plain
		Lo nullable `json:"lo"`
		Hi nullable `json:"hi"`
	}{plain(p), nullable(p.Lo), nullable(p.Hi)})
}

// UnmarshalJSON reads null bounds as NaN.
func (p *Point) UnmarshalJSON(b []byte) error {
	type plain Point
	v := struct {
		*plain
		Lo nullable `json:"lo"`
		Hi nullable `json:"hi"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Lo, p.Hi = float64(v.Lo), float64(v.Hi)
	return nil
}

// MarshalJSON writes a missing crossover, interval or share as null.
func (c Crossover) MarshalJSON() ([]byte, error) {
	type plain Crossover
	return json.Marshal(struct {
		plain
		K     nullable `json:"k"`
		Lo    nullable `json:"lo"`
		Hi    nullable `json:"hi"`
		Share nullable `json:"share"`
		*predictedJSON
	}{plain(c), nullable(c.K), nullable(c.Lo), nullable(c.Hi), nullable(c.Share), c.Prediction.toJSON()})
}

// UnmarshalJSON reads null fields as NaN.
func (c *Crossover) UnmarshalJSON(b []byte) error {
	type plain Crossover
	v := struct {
		*plain
		K     nullable `json:"k"`
		Lo    nullable `json:"lo"`
		Hi    nullable `json:"hi"`
		Share nullable `json:"share"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	c.K, c.Lo, c.Hi, c.Share = float64(v.K), float64(v.Lo), float64(v.Hi), float64(v.Share)
	c.Prediction = nil
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	if _, ok := keys["predicted_k"]; ok {
		var p predictedJSON
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		c.Prediction = p.value()
	}
	return nil
}
