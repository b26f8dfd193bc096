package format

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/internal/jsonscan"
)

// This file reads every format whose records are JSON objects, one per line
// (JSON Lines) or as the elements of a top-level array: generic JSONL and
// the tools of json_formats.go. A flavor says which keys a format reads;
// the reading is shared, streams (memory does not grow with the file, a
// line, or a string the reader skips) and checks every value it uses.

// jsonKey is a key the JSON record reader understands.
type jsonKey uint8

const (
	kNone jsonKey = iota
	// problem ids, in order of precedence
	kTaskID
	kProblemID
	kQuestionID
	kExampleID
	kDocID
	kIdx
	kID
	kProblem
	kOrigIdx // Large Language Monkeys' orig_dset_idx
	// one correct flag or score per record (a sample)
	kPassed
	kIsCorrect
	kCorrect // a flag, or with "n"/"count" the number correct
	kReward
	// counts per record (a problem's tally)
	kN
	kC
	kCount
	kNumCorrect
	// lists with one flag per sample (a problem's tally)
	kIsCorrects
	kGradedList
	kScore
	kResults
	// extracted answers
	kPred
	kAnswer
	// sample index, in order of precedence
	kSampleID
	kSampleIdx
	kTrial
	kEpoch
	kModel
	kBenchmark
	// lm-evaluation-harness sample logs
	kResps
	kFilteredResps
	kArguments
	kDoc
	numKeys
)

var jsonKeyNames = [numKeys]string{
	kTaskID: "task_id", kProblemID: "problem_id", kQuestionID: "question_id", kExampleID: "example_id",
	kDocID: "doc_id", kIdx: "idx", kID: "id", kProblem: "problem", kOrigIdx: "orig_dset_idx",
	kPassed: "passed", kIsCorrect: "is_correct", kCorrect: "correct", kReward: "reward",
	kN: "n", kC: "c", kCount: "count", kNumCorrect: "num_correct",
	kIsCorrects: "is_corrects", kGradedList: "graded_list", kScore: "score", kResults: "results",
	kPred: "pred", kAnswer: "answer",
	kSampleID: "sample_id", kSampleIdx: "sample_idx", kTrial: "trial", kEpoch: "epoch",
	kModel: "model", kBenchmark: "benchmark_id",
	kResps: "resps", kFilteredResps: "filtered_resps", kArguments: "arguments", kDoc: "doc",
}

var jsonKeyByName = func() map[string]jsonKey {
	m := make(map[string]jsonKey, numKeys)
	for k, name := range jsonKeyNames {
		if name != "" {
			m[name] = jsonKey(k)
		}
	}
	return m
}()

func (k jsonKey) String() string { return jsonKeyNames[k] }

var (
	genericIDs     = []jsonKey{kTaskID, kProblemID, kQuestionID, kExampleID, kDocID, kIdx, kID, kProblem}
	genericScalars = []jsonKey{kPassed, kIsCorrect, kCorrect}
	genericLists   = []jsonKey{kIsCorrects, kGradedList, kScore, kResults}
	sampleKeys     = []jsonKey{kSampleID, kSampleIdx, kTrial, kEpoch}
	countKeys      = []jsonKey{kN, kC, kCount, kCorrect, kNumCorrect}
	lmEvalKeys     = []jsonKey{kResps, kFilteredResps, kArguments}
)

// jsonFlavor is what one JSON records format reads.
type jsonFlavor struct {
	name    string
	ids     []jsonKey // id keys, in order of precedence
	scalars []jsonKey // per-sample correctness keys, in order of precedence
	counts  bool      // per-problem n+c / count+correct
	lists   []jsonKey // per-problem lists of flags, in order of precedence
	answers []jsonKey // answer keys, in order of precedence
	reward  bool      // kReward is τ-bench's: correct when it is 1 (±1e-6)
	arena   bool      // eval-arena: models are named benchmark_id/model
	accept  [numKeys]bool
}

func (f *jsonFlavor) init() *jsonFlavor {
	for _, set := range [][]jsonKey{f.ids, f.scalars, f.lists, f.answers, sampleKeys, lmEvalKeys, {kModel}} {
		for _, k := range set {
			f.accept[k] = true
		}
	}
	if f.counts {
		for _, k := range countKeys {
			f.accept[k] = true
		}
	}
	f.accept[kBenchmark] = f.arena
	return f
}

// Limits of what the JSON reader keeps of a value.
const (
	maxJSONID     = 4 << 10  // bytes of a problem id or model name
	maxJSONAnswer = 64 << 10 // bytes of one extracted answer
	describeLen   = 40       // bytes of a value quoted in an error
	maxKeysShown  = 12       // keys listed in a missing-key error
)

// jsonValue is what a record holds for one key.
type jsonValue struct {
	gen  uint32 // the record that set it; stale when not the current one
	pos  Pos    // where the value starts
	kind jsonscan.Kind
	text []byte // a string's text or a number's literal
	bad  error  // the value is unusable, and this says why (reported if used)
	// lists of flags
	n, c int
	bits []uint64 // which samples are correct, by index
	// answers: a text per sample (index into texts, -1 when none)
	list  bool
	ans   []int32
	texts []string
}

// jsonShape is how a record gives correctness; all records of a file must
// give it the same way.
type jsonShape struct {
	key  jsonKey
	kind jsonscan.Kind // True (a flag) or Number, for per-sample keys
	line int
}

// jsonReader reads records from JSON Lines or a top-level array.
type jsonReader struct {
	file  string
	fl    *jsonFlavor
	s     *jsonscan.Scanner
	thr   float64
	array bool
	begun bool
	last  int // the line the previous top-level record ended on

	gen       uint32
	vals      [numKeys]jsonValue
	keyText   []byte // the first keys of the record, for messages
	keyEnds   []int  // where each key ends in keyText
	moreKeys  bool
	shape     jsonShape
	answerIdx map[string]int32
}

func newJSONReader(src *Source, opt *Options, fl *jsonFlavor) *jsonReader {
	return &jsonReader{
		file: src.Name,
		fl:   fl,
		s:    jsonscan.NewScanner(src.R, nil),
		thr:  opt.threshold(),
	}
}

// pos converts a scanner position.
func (j *jsonReader) pos(p jsonscan.Pos) Pos { return Pos{File: j.file, Line: p.Line, Col: p.Col} }

// wrap converts a scanner error into a *SyntaxError.
func (j *jsonReader) wrap(err error) error {
	var je *jsonscan.Error
	if errors.As(err, &je) {
		return &SyntaxError{Pos: j.pos(je.Pos), Err: je.Err}
	}
	var se *SyntaxError
	if errors.As(err, &se) {
		return se
	}
	return &SyntaxError{Pos: Pos{File: j.file}, Err: fmt.Errorf("reading: %w", err)}
}

// describeValue describes a kept value for a message: `string "yes"`, `number 2`.
func describeValue(v *jsonValue) string {
	switch v.kind {
	case jsonscan.String:
		if len(v.text) > describeLen {
			t := v.text[:describeLen]
			for len(t) > 0 && !utf8.Valid(t) {
				t = t[:len(t)-1] // a rune cut in two
			}
			return fmt.Sprintf("string %q…", t)
		}
		return fmt.Sprintf("string %q", v.text)
	case jsonscan.Number:
		return "number " + string(v.text)
	case jsonscan.ObjectStart:
		return "an object"
	case jsonscan.ArrayStart:
		return "an array"
	}
	return v.kind.String()
}

// found describes the next value (consuming it) for an error at its
// position: `found string "yes", expected true/false`.
func (j *jsonReader) found(key jsonKey, expected string) error {
	p := j.pos(j.s.Pos())
	desc, err := j.s.Describe(describeLen)
	if err != nil {
		return j.wrap(err)
	}
	if key == kNone {
		return errorf(p, "found %s, expected %s", desc, expected)
	}
	return errorf(p, "%q: found %s, expected %s", key.String(), desc, expected)
}

func (j *jsonReader) next(rec *Record) (bool, error) {
	ok, err := j.record(rec)
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) {
			err = j.wrap(err)
		}
	}
	return ok, err
}

// record reads the next record into rec.
func (j *jsonReader) record(rec *Record) (bool, error) {
	k, err := j.s.Peek()
	if err != nil {
		return false, err
	}
	if !j.begun {
		j.begun = true
		if k == jsonscan.ArrayStart {
			j.array = true
			if _, err := j.s.Next(); err != nil {
				return false, err
			}
			if k, err = j.s.Peek(); err != nil {
				return false, err
			}
		}
	}
	if j.array {
		if k == jsonscan.ArrayEnd {
			if _, err := j.s.Next(); err != nil {
				return false, err
			}
			if k, err = j.s.Peek(); err != nil {
				return false, err
			}
			if k != jsonscan.End {
				return false, j.found(kNone, "the end of the file after the array")
			}
			return false, nil
		}
	} else if k == jsonscan.End {
		return false, nil
	}
	if k != jsonscan.ObjectStart {
		if j.array {
			return false, j.found(kNone, "an object (a record)")
		}
		return false, j.found(kNone, "an object (a record), one per line, or an array of objects")
	}
	start := j.s.Pos()
	if !j.array && j.last > 0 && start.Line == j.last {
		return false, errorf(j.pos(start), "found a second object on line %d, expected one object per line", start.Line)
	}
	if err := j.object(); err != nil {
		return false, err
	}
	j.last = j.s.Pos().Line
	rec.Pos = j.pos(start)
	return true, j.build(rec)
}

// object reads one record's keys, keeping the values the flavor uses.
func (j *jsonReader) object() error {
	s := j.s
	if _, err := s.Next(); err != nil {
		return err
	}
	if j.gen++; j.gen == 0 { // wrapped: no value may look current
		for k := range j.vals {
			j.vals[k].gen = 0
		}
		j.gen = 1
	}
	j.keyText, j.keyEnds = j.keyText[:0], j.keyEnds[:0]
	j.moreKeys = false
	for {
		k, err := s.Peek()
		if err != nil {
			return err
		}
		if k == jsonscan.ObjectEnd {
			_, err := s.Next()
			return err
		}
		keyPos := s.Pos()
		name, complete, err := s.ReadStringPrefix(describeLen)
		if err != nil {
			return err
		}
		if len(j.keyEnds) < maxKeysShown {
			j.keyText = append(j.keyText, name...)
			if !complete {
				j.keyText = append(j.keyText, "…"...)
			}
			j.keyEnds = append(j.keyEnds, len(j.keyText))
		} else {
			j.moreKeys = true
		}
		key := kNone
		if complete {
			key = jsonKeyByName[string(name)]
		}
		if key == kNone || !j.fl.accept[key] {
			if err := s.Skip(); err != nil {
				return err
			}
			continue
		}
		v := &j.vals[key]
		if v.gen == j.gen {
			return errorf(j.pos(keyPos), "found %q twice in one object, expected each key once", key.String())
		}
		if err := j.value(key, v); err != nil {
			return err
		}
	}
}

// value reads the value of key into v. A value of the wrong type is kept
// as v.bad, reported only if the record uses it.
func (j *jsonReader) value(key jsonKey, v *jsonValue) error {
	s := j.s
	kind, err := s.Peek()
	if err != nil {
		return err
	}
	*v = jsonValue{gen: j.gen, pos: j.pos(s.Pos()), kind: kind, text: v.text[:0], bits: v.bits[:0], ans: v.ans[:0], texts: v.texts[:0]}
	switch key {
	case kResps, kFilteredResps, kArguments, kDoc:
		return s.Skip()
	case kIsCorrects, kGradedList, kScore, kResults:
		if kind != jsonscan.ArrayStart {
			return j.keepBad(v, key, "a list of true/false, one per sample")
		}
		return j.flags(key, v)
	case kPred, kAnswer:
		if kind == jsonscan.ArrayStart {
			v.list = true
			if _, err := s.Next(); err != nil {
				return err
			}
			for {
				k, err := s.Peek()
				if err != nil {
					return err
				}
				if k == jsonscan.ArrayEnd {
					_, err := s.Next()
					return err
				}
				ok, err := j.answer(key, v)
				if err != nil || !ok {
					return err
				}
			}
		}
		_, err := j.answer(key, v)
		return err
	}
	switch kind {
	case jsonscan.String:
		limit := maxJSONID
		b, complete, err := s.ReadStringPrefix(limit)
		if err != nil {
			return err
		}
		v.text = append(v.text, b...)
		if !complete {
			v.bad = errorf(v.pos, "%q: found a string longer than %d bytes, expected a short one", key.String(), limit)
		}
		return nil
	case jsonscan.Number:
		b, err := s.ReadNumber()
		if err != nil {
			return err
		}
		v.text = append(v.text, b...)
		if len(v.text) > maxJSONID {
			v.bad = errorf(v.pos, "%q: found a number longer than %d bytes, expected a short one", key.String(), maxJSONID)
		}
		return nil
	case jsonscan.True, jsonscan.False:
		_, err := s.Next()
		return err
	}
	return j.keepBad(v, key, "")
}

// keepBad consumes a value of the wrong kind and keeps the error it would be.
// expected "" lets build say what was expected.
func (j *jsonReader) keepBad(v *jsonValue, key jsonKey, expected string) error {
	desc, err := j.s.Describe(describeLen)
	if err != nil {
		return err
	}
	v.bad = &foundError{pos: v.pos, key: key, desc: desc, expected: expected}
	return nil
}

// foundError is a value of the wrong kind; its expectation is filled in
// where the value is used.
type foundError struct {
	pos      Pos
	key      jsonKey
	desc     string
	expected string
}

func (e *foundError) Error() string {
	return fmt.Sprintf("%q: found %s, expected %s", e.key.String(), e.desc, e.expected)
}

// bad returns v's error as a *SyntaxError, saying what was expected.
func (j *jsonReader) bad(v *jsonValue, expected string) error {
	var fe *foundError
	if errors.As(v.bad, &fe) {
		if fe.expected == "" {
			fe.expected = expected
		}
		return &SyntaxError{Pos: fe.pos, Err: errors.New(fe.Error())}
	}
	return v.bad
}

// flags reads a list of flags (or scores in [0, 1]), one per sample.
func (j *jsonReader) flags(key jsonKey, v *jsonValue) error {
	s := j.s
	if _, err := s.Next(); err != nil {
		return err
	}
	v.list = true
	for i := 0; ; i++ {
		ok, isBool, err := s.Bool() // the common case, in one call
		if err != nil {
			return err
		}
		if !isBool {
			k, err := s.Peek()
			if err != nil {
				return err
			}
			if k == jsonscan.ArrayEnd {
				_, err := s.Next()
				return err
			}
			if v.bad != nil {
				if err := s.Skip(); err != nil {
					return err
				}
				continue
			}
			at := s.Pos() // for an error; converted only then
			switch k {
			case jsonscan.True, jsonscan.False:
				if _, err := s.Next(); err != nil {
					return err
				}
				ok = k == jsonscan.True
			case jsonscan.Number:
				lit, err := s.ReadNumber()
				if err != nil {
					return err
				}
				f, err := jsonscan.ParseFloat(lit)
				if err != nil || f < 0 || f > 1 {
					v.bad = errorf(j.pos(at), "%q: found number %s, expected true/false or a score from 0 to 1", key.String(), lit)
					continue
				}
				ok = f >= j.thr
			default:
				desc, err := s.Describe(describeLen)
				if err != nil {
					return err
				}
				v.bad = errorf(j.pos(at), "%q: found %s in the list, expected true/false", key.String(), desc)
				continue
			}
		}
		if v.bad != nil {
			continue // the list is unusable already: the rest is only checked
		}
		if i/64 >= len(v.bits) {
			v.bits = append(v.bits, 0)
		}
		if ok {
			v.bits[i/64] |= 1 << (i % 64)
			v.c++
		}
		v.n++
	}
}

// answer reads one answer (a string, number or flag; null for none) into
// v. It reports false when the value was unusable (v.bad is set).
func (j *jsonReader) answer(key jsonKey, v *jsonValue) (bool, error) {
	s := j.s
	k, err := s.Peek()
	if err != nil {
		return false, err
	}
	at := s.Pos() // for an error; converted only then
	var text []byte
	switch k {
	case jsonscan.String:
		b, complete, err := s.ReadStringPrefix(maxJSONAnswer)
		if err != nil {
			return false, err
		}
		if !complete {
			v.bad = errorf(j.pos(at), "%q: found a string longer than %d bytes, expected a short extracted answer", key.String(), maxJSONAnswer)
			return false, j.skipRest(v)
		}
		text = b
	case jsonscan.Number, jsonscan.True, jsonscan.False:
		if _, err := s.Next(); err != nil {
			return false, err
		}
		text = s.Bytes()
	case jsonscan.Null:
		_, err := s.Next()
		v.ans = append(v.ans, -1)
		return true, err
	default:
		desc, err := s.Describe(describeLen)
		if err != nil {
			return false, err
		}
		v.bad = errorf(j.pos(at), "%q: found %s, expected an answer (a string)", key.String(), desc)
		return false, j.skipRest(v)
	}
	if j.answerIdx == nil {
		j.answerIdx = map[string]int32{}
	}
	if len(v.texts) == 0 {
		clear(j.answerIdx)
	}
	if n := len(v.ans); n > 0 && v.ans[n-1] >= 0 && v.texts[v.ans[n-1]] == string(text) {
		v.ans = append(v.ans, v.ans[n-1]) // the same as the one before: often so
		return true, nil
	}
	idx, ok := j.answerIdx[string(text)]
	if !ok {
		idx = int32(len(v.texts))
		t := string(text)
		v.texts = append(v.texts, t)
		j.answerIdx[t] = idx
	}
	v.ans = append(v.ans, idx)
	return true, nil
}

// skipRest skips what is left of a list of answers after a bad one.
func (j *jsonReader) skipRest(v *jsonValue) error {
	if !v.list {
		return nil
	}
	for {
		k, err := j.s.Peek()
		if err != nil {
			return err
		}
		if k == jsonscan.ArrayEnd {
			_, err := j.s.Next()
			return err
		}
		if err := j.s.Skip(); err != nil {
			return err
		}
	}
}

// has reports whether the current record set key.
func (j *jsonReader) has(k jsonKey) bool { return j.vals[k].gen == j.gen && j.fl.accept[k] }

// first returns the first of keys the current record set.
func (j *jsonReader) first(keys []jsonKey) jsonKey {
	for _, k := range keys {
		if j.has(k) {
			return k
		}
	}
	return kNone
}

func quoteKeys(keys []jsonKey) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k.String())
	}
	return strings.Join(q, ", ")
}

// keyList lists the current record's keys for a message.
func (j *jsonReader) keyList() string {
	if len(j.keyEnds) == 0 {
		return "an empty object"
	}
	q := make([]string, len(j.keyEnds))
	start := 0
	for i, end := range j.keyEnds {
		q[i] = fmt.Sprintf("%q", j.keyText[start:end])
		start = end
	}
	s := "an object with keys " + strings.Join(q, ", ")
	if j.moreKeys {
		s += ", …"
	}
	return s
}

// build turns the current record's values into rec.
func (j *jsonReader) build(rec *Record) error {
	fl := j.fl
	// The problem id.
	idKey := j.first(fl.ids)
	if idKey == kNone {
		return errorf(rec.Pos, "found %s, expected an id key: %s", j.keyList(), quoteKeys(fl.ids))
	}
	id := &j.vals[idKey]
	if id.bad != nil {
		return j.bad(id, "a string or number id")
	}
	if id.kind != jsonscan.String && id.kind != jsonscan.Number {
		return errorf(id.pos, "%q: found %s, expected a string or number id", idKey.String(), describeValue(id))
	}
	rec.Problem = string(id.text)
	// The model.
	if j.has(kModel) {
		m := &j.vals[kModel]
		if m.bad != nil || m.kind != jsonscan.String {
			if m.bad == nil {
				return errorf(m.pos, "%q: found %s, expected a string", "model", describeValue(m))
			}
			return j.bad(m, "a string")
		}
		rec.Model = string(m.text)
	}
	if fl.arena && j.has(kBenchmark) {
		b := &j.vals[kBenchmark]
		if b.bad != nil {
			return j.bad(b, "a string")
		}
		if b.kind != jsonscan.String {
			return errorf(b.pos, "%q: found %s, expected a string", "benchmark_id", describeValue(b))
		}
		rec.Model = string(b.text) + "/" + rec.Model
	}
	// Correctness.
	if j.has(kN) || j.has(kCount) {
		return j.buildCounts(rec)
	}
	if key := j.first(fl.scalars); key != kNone {
		return j.buildSample(rec, key)
	}
	if key := j.first(fl.lists); key != kNone {
		return j.buildList(rec, key)
	}
	return j.missing(rec)
}

// missing explains a record without a correctness key.
func (j *jsonReader) missing(rec *Record) error {
	var want []string
	if len(j.fl.scalars) > 0 {
		want = append(want, quoteKeys(j.fl.scalars))
	}
	if len(j.fl.lists) > 0 {
		want = append(want, "a list "+quoteKeys(j.fl.lists))
	}
	if j.fl.counts {
		want = append(want, `counts "n" and "c" (or "count" and "correct")`)
	}
	if j.fl.counts {
		if ck := j.first([]jsonKey{kC, kNumCorrect, kCorrect}); ck != kNone && (ck != kCorrect || len(j.fl.scalars) == 0) {
			return errorf(j.vals[ck].pos, "found %q without the number of samples, expected \"n\" (or \"count\") with it", ck.String())
		}
	}
	if j.has(kResps) || j.has(kFilteredResps) || j.has(kArguments) {
		return errorf(rec.Pos, "found %s, expected a correctness key: %s; it looks like an lm-evaluation-harness samples file: %s", j.keyList(), strings.Join(want, ", or "), lmEvalAdvice)
	}
	return errorf(rec.Pos, "found %s, expected a correctness key: %s", j.keyList(), strings.Join(want, ", or "))
}

// checkShape checks that the record gives correctness as the first did.
func (j *jsonReader) checkShape(rec *Record, key jsonKey, kind jsonscan.Kind, p Pos) error {
	if j.shape.key == kNone {
		j.shape = jsonShape{key: key, kind: kind, line: rec.Pos.Line}
		return nil
	}
	if key != j.shape.key {
		return errorf(p, "found correctness in %q, expected it in %q as on line %d (every record the same way)", key.String(), j.shape.key.String(), j.shape.line)
	}
	if kind != j.shape.kind {
		want := "true/false"
		if j.shape.kind == jsonscan.Number {
			want = "a number"
		}
		got := "true/false"
		if kind == jsonscan.Number {
			got = "a number"
		}
		return errorf(p, "%q: found %s, expected %s as on line %d (every record the same way)", key.String(), got, want, j.shape.line)
	}
	return nil
}

// buildSample fills rec from a per-sample flag or score.
func (j *jsonReader) buildSample(rec *Record, key jsonKey) error {
	v := &j.vals[key]
	expected := "true/false or a score from 0 to 1"
	if key == kReward {
		expected = "a number (the reward)"
	}
	if v.bad != nil {
		return j.bad(v, expected)
	}
	rec.N = 1
	switch v.kind {
	case jsonscan.True, jsonscan.False:
		if key == kReward {
			return errorf(v.pos, "%q: found %s, expected %s", key.String(), describeValue(v), expected)
		}
		if v.kind == jsonscan.True {
			rec.C = 1
		}
	case jsonscan.Number:
		f, err := jsonscan.ParseFloat(v.text)
		switch {
		case err != nil:
			return errorf(v.pos, "%q: found number %s, expected %s (it is out of range)", key.String(), v.text, expected)
		case key == kReward:
			if math.Abs(f-1) <= 1e-6 {
				rec.C = 1
			}
		case f < 0 || f > 1:
			return errorf(v.pos, "%q: found number %s, expected %s", key.String(), v.text, expected)
		case f >= j.thr:
			rec.C = 1
		}
	default:
		return errorf(v.pos, "%q: found %s, expected %s", key.String(), describeValue(v), expected)
	}
	kind := v.kind
	if kind == jsonscan.False {
		kind = jsonscan.True
	}
	if err := j.checkShape(rec, key, kind, v.pos); err != nil {
		return err
	}
	if sk := j.first(sampleKeys); sk != kNone {
		sv := &j.vals[sk]
		n, err := j.count(sk, sv)
		if err != nil {
			return err
		}
		rec.Sample = n
	}
	if ak := j.first(j.fl.answers); ak != kNone {
		a := &j.vals[ak]
		if a.bad != nil {
			return j.bad(a, "an answer (a string)")
		}
		if !a.list && len(a.ans) == 1 && a.ans[0] >= 0 {
			rec.Answers = []passk.Answer{{Text: a.texts[a.ans[0]], Count: 1, Correct: rec.C == 1}}
		}
	}
	return nil
}

// count reads v as a whole number ≥ 0.
func (j *jsonReader) count(key jsonKey, v *jsonValue) (int, error) {
	const expected = "a whole number ≥ 0"
	if v.bad != nil {
		return 0, j.bad(v, expected)
	}
	if v.kind != jsonscan.Number {
		return 0, errorf(v.pos, "%q: found %s, expected %s", key.String(), describeValue(v), expected)
	}
	n, err := jsonscan.ParseInt(v.text)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0, errorf(v.pos, "%q: found number %s, expected %s", key.String(), v.text, expected)
	}
	return int(n), nil
}

// buildCounts fills rec from a problem's counts: n and c, or count and
// correct.
func (j *jsonReader) buildCounts(rec *Record) error {
	nk := kN
	if j.has(kCount) {
		if j.has(kN) {
			return errorf(j.vals[kCount].pos, "found both \"n\" and \"count\", expected one of them")
		}
		nk = kCount
	}
	ck := j.first([]jsonKey{kC, kCorrect, kNumCorrect})
	if ck == kNone {
		return errorf(j.vals[nk].pos, "found %q without the number correct, expected \"c\" (or \"correct\", \"num_correct\") with it", nk.String())
	}
	n, err := j.count(nk, &j.vals[nk])
	if err != nil {
		return err
	}
	c, err := j.count(ck, &j.vals[ck])
	if err != nil {
		return err
	}
	if err := j.checkShape(rec, nk, jsonscan.Number, j.vals[nk].pos); err != nil {
		return err
	}
	rec.N, rec.C, rec.Total = n, c, true
	return nil
}

// buildList fills rec from a list of flags, one per sample, with answers
// from a list of the same length.
func (j *jsonReader) buildList(rec *Record, key jsonKey) error {
	v := &j.vals[key]
	if v.bad != nil {
		return j.bad(v, "a list of true/false, one per sample")
	}
	if err := j.checkShape(rec, key, jsonscan.ArrayStart, v.pos); err != nil {
		return err
	}
	rec.N, rec.C, rec.Total = v.n, v.c, true
	ak := j.first(j.fl.answers)
	if ak == kNone || !j.vals[ak].list {
		return nil
	}
	a := &j.vals[ak]
	if a.bad != nil {
		return j.bad(a, "a list of answers (strings)")
	}
	if len(a.ans) != v.n {
		return errorf(a.pos, "%q: found %d answers, expected %d, one per sample as in %q", ak.String(), len(a.ans), v.n, key.String())
	}
	answers := make([]passk.Answer, len(a.texts))
	for i, t := range a.texts {
		answers[i].Text = t
	}
	for i, idx := range a.ans {
		if idx < 0 {
			continue
		}
		answers[idx].Count++
		if v.bits[i/64]&(1<<(i%64)) != 0 {
			answers[idx].Correct = true
		}
	}
	if len(answers) > 0 {
		rec.Answers = answers
	}
	return nil
}
