package format

// Inspect (UK AISI inspect_ai) evaluation logs, in both of their forms:
//
//   - .eval: a zip archive with header.json (written at the end of a run;
//     _journal/start.json while it runs) and one samples/<id>_epoch_<e>.json
//     member per sample (inspect_eval.go);
//   - .json: one JSON object {"version", "status", "eval", ..., "samples":
//     [...], "reductions": [...]} (inspect_json.go).
//
// A sample is {"id", "epoch", "scores": {scorer: {"value", "answer", ...}},
// "error", ...}. Its n is the number of epochs read (not eval.config.epochs,
// which a cancelled or limited run need not reach). A score value reads
// "C" = 1, "I" = 0, "P" = 0.5, "N" = 0 (Inspect's own value_to_float),
// "yes"/"true" = 1, "no"/"false" = 0, a bool, or a number in [0, 1]; a value
// below 1 counts as correct when it reaches Options.Threshold. A value that
// is itself an object (a scorer returning several values) reads as one
// scorer per key, named "<scorer>/<key>". A sample that errored and has no
// scores is left out (Inspect leaves it out of its metrics too).
//
// Each scorer is a model of its own, labelled "<eval.model>/<scorer>" when
// the log has several, or just "<eval.model>" when it has one;
// Options.Scorer reads one scorer only.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/passk/passk/passk"
)

func init() {
	register(&Format{
		Name:     "inspect",
		Detect:   "Inspect log: a zip archive with header.json or _journal/start.json (.eval), or a JSON object with top-level keys version, status and eval (.json)",
		Priority: 100,
		sniff:    sniffInspect,
		open:     openInspect,
	})
}

func sniffInspect(h *Head) bool {
	if h.Zip {
		name := strings.TrimSuffix(strings.ToLower(h.Name), ".gz")
		return bytes.Contains(h.Bytes, []byte("header.json")) ||
			bytes.Contains(h.Bytes, []byte("_journal/start.json")) ||
			strings.HasSuffix(name, ".eval")
	}
	if !bytes.Contains(h.Bytes, []byte(`"eval"`)) && !bytes.Contains(h.Bytes, []byte(`"status"`)) {
		return false
	}
	jh := h.document()
	if !jh.object || !jh.single {
		return false
	}
	v, s, e := jh.has(1, "", "version"), jh.has(1, "", "status"), jh.has(1, "", "eval")
	return (v && s) || (e && (v || s))
}

func openInspect(src *Source, opt *Options) (scanner, error) {
	magic, _ := src.R.Peek(len(zipMagic))
	if bytes.Equal(magic, zipMagic) {
		return openInspectEval(src, opt)
	}
	return openInspectJSON(src, opt)
}

// inspectScore is one scorer's score of one sample.
type inspectScore struct {
	scorer    string
	value     float64
	answer    string
	hasAnswer bool
}

// inspectSample is what passk reads of one sample.
type inspectSample struct {
	id      string
	hasID   bool
	epoch   int // -1 when the sample has none
	scores  []inspectScore
	errored bool // its "error" is set
	pos     Pos
}

// readInspectSample reads one sample object at d's position.
func readInspectSample(d *jwDec, off jwAt) (*inspectSample, error) {
	s := &inspectSample{epoch: -1, pos: d.pos(off)}
	var seen [4]bool // id, epoch, scores, error
	err := d.object("the sample", func(key string, koff jwAt) error {
		for i, k := range [...]string{"id", "epoch", "scores", "error"} {
			if key == k {
				if err := d.once(&seen[i], key, koff); err != nil {
					return err
				}
			}
		}
		switch key {
		case "id":
			id, _, err := d.id("the sample's id")
			s.id, s.hasID = id, true
			return err
		case "epoch":
			t, voff, err := d.scalar("the sample's epoch")
			if err != nil {
				return err
			}
			e, ok := jwInt(t)
			if !ok || e < 0 {
				return d.errorf(voff, "epoch is %s, expected a whole number ≥ 0", jwDescribe(t))
			}
			s.epoch = e
			return nil
		case "scores":
			t, voff, err := d.token("the sample's scores")
			if err != nil {
				return err
			}
			switch t {
			case nil:
				return nil
			case json.Delim('{'):
				return d.objectRest(func(scorer string, soff jwAt) error {
					return readInspectScore(d, s, scorer)
				})
			}
			return d.mismatch(t, voff, "scores", "an object of scorer: score")
		case "error":
			t, _, err := d.scalar("the sample's error")
			s.errored = t != nil && t != "" && err == nil
			return err
		}
		return d.skip()
	})
	return s, err
}

// readInspectScore reads the score object of scorer.
func readInspectScore(d *jwDec, s *inspectSample, scorer string) error {
	first := len(s.scores)
	var answer string
	hasAnswer, hasValue, seenAnswer := false, false, false
	err := d.object(fmt.Sprintf("score %q", scorer), func(key string, koff jwAt) error {
		switch key {
		case "value":
			if err := d.once(&hasValue, key, koff); err != nil {
				return err
			}
			t, voff, err := d.token(fmt.Sprintf("the value of score %q", scorer))
			if err != nil {
				return err
			}
			if t == json.Delim('{') {
				// Several values: one scorer per key.
				return d.objectRest(func(sub string, soff jwAt) error {
					name := scorer + "/" + sub
					t, voff, err := d.scalar(fmt.Sprintf("the value of score %q", name))
					if err != nil {
						return err
					}
					v, err := inspectValue(d, t, voff, name)
					s.scores = append(s.scores, inspectScore{scorer: name, value: v})
					return err
				})
			}
			if delim, ok := t.(json.Delim); ok {
				if err := d.skipRest(delim); err != nil {
					return err
				}
			}
			v, err := inspectValue(d, t, voff, scorer)
			s.scores = append(s.scores, inspectScore{scorer: scorer, value: v})
			return err
		case "answer":
			if err := d.once(&seenAnswer, key, koff); err != nil {
				return err
			}
			t, _, err := d.scalar("the answer")
			switch v := t.(type) {
			case string:
				answer, hasAnswer = v, true
			case json.Number:
				answer, hasAnswer = v.String(), true
			case bool:
				answer, hasAnswer = strconv.FormatBool(v), true
			}
			return err
		}
		return d.skip()
	})
	if err != nil {
		return err
	}
	if !hasValue {
		return errorf(s.pos, "score %q has no value, expected scores.%s.value", scorer, scorer)
	}
	for i := first; i < len(s.scores); i++ {
		s.scores[i].answer, s.scores[i].hasAnswer = answer, hasAnswer
	}
	return nil
}

// inspectValue converts a score value to a number in [0, 1].
func inspectValue(d *jwDec, t json.Token, off jwAt, scorer string) (float64, error) {
	const expected = `expected "C", "I", "P", "N", a bool or a number in [0, 1]`
	var v float64
	switch x := t.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		switch x {
		case "C":
			return 1, nil
		case "I", "N":
			return 0, nil
		case "P":
			return 0.5, nil
		}
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "true":
			return 1, nil
		case "no", "false":
			return 0, nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, d.errorf(off, "score %q is %s, %s", scorer, jwDescribe(t), expected)
		}
		v = f
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, d.errorf(off, "score %q is %s, %s", scorer, jwDescribe(t), expected)
		}
		v = f
	default:
		return 0, d.errorf(off, "score %q is %s, %s", scorer, jwDescribe(t), expected)
	}
	if math.IsNaN(v) || v < 0 || v > 1 {
		return 0, d.errorf(off, "score %q is %s, outside [0, 1]; %s", scorer, jwDescribe(t), expected)
	}
	return v, nil
}

// jwInt reads a whole number token.
func jwInt(t json.Token) (int, bool) {
	n, ok := t.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 0)
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		return int(f), true
	}
	return int(i), true
}

// inspectState turns samples into records: it fixes the scorers from the
// first scored sample and checks every later sample against them.
type inspectState struct {
	file      string
	opt       *Options
	model     string   // eval.model, "" when the log has none
	scorers   []string // nil until the first scored sample
	names     map[string]string
	queue     []Record
	hasSample bool // a sample (scored or not) was read
}

func newInspectState(file string, opt *Options) *inspectState {
	return &inspectState{file: file, opt: opt}
}

// add queues the records of sample s.
func (st *inspectState) add(s *inspectSample) error {
	st.hasSample = true
	if !s.hasID {
		return errorf(s.pos, "sample has no id, expected an \"id\"")
	}
	if len(s.scores) == 0 {
		if s.errored {
			return nil
		}
		return errorf(s.pos, "sample %q (epoch %d) has no scores, expected scores.<scorer>.value", s.id, s.epoch)
	}
	if st.scorers == nil {
		if err := st.fix(s); err != nil {
			return err
		}
	}
	th := st.opt.threshold()
	seen := make(map[string]bool, len(s.scores))
	for _, sc := range s.scores {
		if seen[sc.scorer] {
			return errorf(s.pos, "sample %q (epoch %d): scorer %q given twice, expected each scorer once", s.id, s.epoch, sc.scorer)
		}
		seen[sc.scorer] = true
		model, ok := st.names[sc.scorer]
		if !ok {
			if st.opt.Scorer != "" {
				continue
			}
			return errorf(s.pos, "sample %q (epoch %d): scorer %q is not in the first scored sample, expected the scorers %s", s.id, s.epoch, sc.scorer, inspectList(st.scorers))
		}
		c := 0
		if sc.value >= th {
			c = 1
		}
		rec := Record{Model: model, Problem: s.id, Sample: s.epoch, N: 1, C: c, Pos: s.pos}
		if sc.hasAnswer {
			rec.Answers = []passk.Answer{{Text: sc.answer, Count: 1, Correct: c == 1}}
		}
		st.queue = append(st.queue, rec)
	}
	for _, name := range st.scorers {
		if !seen[name] {
			return errorf(s.pos, "sample %q (epoch %d) has no score for scorer %q, expected every sample scored by %s", s.id, s.epoch, name, inspectList(st.scorers))
		}
	}
	return nil
}

// fix decides the scorers, and the model of each, from the first sample.
func (st *inspectState) fix(s *inspectSample) error {
	var all []string
	for _, sc := range s.scores {
		all = append(all, sc.scorer)
	}
	st.scorers = all
	if st.opt.Scorer != "" {
		found := false
		for _, name := range all {
			found = found || name == st.opt.Scorer
		}
		if !found {
			return errorf(Pos{File: st.file}, "no scorer %q in this log; its scorers are %s", st.opt.Scorer, inspectList(all))
		}
		st.scorers = []string{st.opt.Scorer}
	}
	st.names = map[string]string{}
	for _, name := range st.scorers {
		switch {
		case len(st.scorers) == 1:
			st.names[name] = st.model
		case st.opt.Label != "":
			st.names[name] = name
		case st.model != "":
			st.names[name] = st.model + "/" + name
		default:
			st.names[name] = labelOf(st.file) + "/" + name
		}
	}
	return nil
}

func inspectList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// pop moves the first queued record into rec.
func (st *inspectState) pop(rec *Record) bool {
	if len(st.queue) == 0 {
		return false
	}
	*rec = st.queue[0]
	st.queue[0] = Record{}
	st.queue = st.queue[1:]
	if len(st.queue) == 0 {
		st.queue = st.queue[:0:0]
	}
	return true
}

// readInspectEvalModel reads eval.model from the top-level object at d
// (a .eval header or journal start, or the head of a .json log's "eval").
func readInspectEvalModel(d *jwDec) (string, error) {
	var model string
	err := d.object("eval", func(key string, off jwAt) error {
		if key != "model" {
			return d.skip()
		}
		m, _, _, err := d.str("eval.model")
		model = m
		return err
	})
	return model, err
}
