package format

// LiveCodeBench leaderboard files (the JSON the livecodebench.github.io
// site shows):
//
//	{"performances": [{"question_id": "1873_A", "model": "GPT-4-Turbo-1106",
//	                   "pass@1": 30, "date", "difficulty", "platform"}, ...],
//	 "models": [...], "date_marks": [...]}
//
// One row per model and problem; "pass@1" is the percentage of the
// problem's n samples that were right. n is not stored: it comes from
// Options.N (--n), or else from a file name that carries it the way
// LiveCodeBench names its outputs, codegeneration_<n>_<temperature>…; with
// neither the file is refused rather than guessed. c = pass@1 / 100 × n must
// be a whole number, to within the rounding of a percentage printed with two
// decimals (n × 5e-5, at most 0.1). Each distinct "model" is a model.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
)

func init() {
	register(&Format{
		Name:     "lcb-leaderboard",
		Detect:   `LiveCodeBench leaderboard: an object with "performances", rows of question_id, model and pass@1 (a percentage; needs --n)`,
		Priority: 90,
		sniff:    sniffLCBLeaderboard,
		open:     openLCBLeaderboard,
	})
}

func sniffLCBLeaderboard(h *Head) bool {
	if h.Zip || !bytes.Contains(h.Bytes, []byte(`"performances"`)) {
		return false
	}
	jh := h.document()
	return jh.object && jh.single && jh.has(1, "", "performances") &&
		(jh.has(3, "performances/[]", "pass@1") || jh.has(3, "performances/[]", "question_id"))
}

// lcbNamePattern finds n in a LiveCodeBench output name such as
// Scenario.codegeneration_10_0.2_eval_all.json.
var lcbNamePattern = regexp.MustCompile(`codegeneration_([0-9]+)_`)

// lcbN returns the n samples per problem: Options.N, else the file name's.
func lcbN(file string, opt *Options) (int, bool) {
	if opt.N > 0 {
		return opt.N, true
	}
	if m := lcbNamePattern.FindStringSubmatch(filepath.Base(file)); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, false
}

type lcbScanner struct {
	d     *jwDec
	n     int
	in    bool // inside "performances"
	done  bool
	rows  int
	index int
}

func openLCBLeaderboard(src *Source, opt *Options) (scanner, error) {
	n, ok := lcbN(src.Name, opt)
	if !ok {
		return nil, errorf(Pos{File: src.Name}, "a LiveCodeBench leaderboard gives pass@1 as a percentage of n samples per problem but does not store n; give n with --n (e.g. --n 10)")
	}
	d := newJWDec(src.R, src.Name, "")
	t, off, err := d.token("a LiveCodeBench leaderboard (a JSON object)")
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, d.errorf(off, "found %s, expected a LiveCodeBench leaderboard (a JSON object with \"performances\")", jwDescribe(t))
	}
	return &lcbScanner{d: d, n: n}, nil
}

func (s *lcbScanner) next(rec *Record) (bool, error) {
	d := s.d
	for !s.done {
		if s.in {
			if d.more() {
				if err := s.row(rec); err != nil {
					return false, err
				}
				return true, nil
			}
			if _, _, err := d.token(`"]" closing performances`); err != nil {
				return false, err
			}
			s.in = false
			continue
		}
		if !d.more() {
			if _, _, err := d.token(`"}"`); err != nil {
				return false, err
			}
			if err := d.end(); err != nil {
				return false, err
			}
			s.done = true
			if s.rows == 0 {
				return false, errorf(Pos{File: d.file}, "no performances found, expected \"performances\": [{\"question_id\", \"model\", \"pass@1\"}, ...]")
			}
			break
		}
		t, _, err := d.token("a key")
		if err != nil {
			return false, err
		}
		if t != "performances" {
			if err := d.skip(); err != nil {
				return false, err
			}
			continue
		}
		t, off, err := d.token("performances (an array)")
		if err != nil {
			return false, err
		}
		if t != json.Delim('[') {
			return false, d.mismatch(t, off, "performances", "an array of {question_id, model, pass@1}")
		}
		s.in = true
	}
	return false, nil
}

// row reads one row of performances into rec.
func (s *lcbScanner) row(rec *Record) error {
	d := s.d
	off := d.next()
	i := s.index
	s.index++
	var id, model string
	var hasID, hasModel, hasPass bool
	var pass float64
	var passTok json.Token
	var passOff jwAt
	var seen [3]bool // question_id, model, pass@1
	err := d.object(fmt.Sprintf("performances[%d]", i), func(key string, koff jwAt) error {
		for i, k := range [...]string{"question_id", "model", "pass@1"} {
			if key == k {
				if err := d.once(&seen[i], key, koff); err != nil {
					return err
				}
			}
		}
		var err error
		switch key {
		case "question_id":
			id, _, err = d.id("question_id")
			hasID = true
		case "model":
			var ok bool
			model, ok, _, err = d.str("model")
			hasModel = ok
		case "pass@1":
			passTok, passOff, err = d.scalar("pass@1")
			if err != nil {
				return err
			}
			num, ok := passTok.(json.Number)
			if !ok {
				return d.errorf(passOff, "pass@1 is %s, expected a percentage (a number from 0 to 100)", jwDescribe(passTok))
			}
			f, ferr := num.Float64()
			if ferr != nil || f < 0 || f > 100 {
				return d.errorf(passOff, "pass@1 is %s, expected a percentage (a number from 0 to 100)", jwDescribe(passTok))
			}
			pass, hasPass = f, true
		default:
			err = d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	pos := d.pos(off)
	switch {
	case !hasID:
		return errorf(pos, "performances[%d] has no question_id, expected one in every row", i)
	case !hasModel:
		return errorf(pos, "performances[%d] (question %q) has no model, expected one in every row", i, id)
	case !hasPass:
		return errorf(pos, "performances[%d] (question %q, model %q) has no pass@1, expected a percentage", i, id, model)
	}
	x := pass / 100 * float64(s.n)
	c := math.Round(x)
	tol := math.Min(1e-6+float64(s.n)*5e-5, 0.1)
	if math.Abs(x-c) > tol {
		return d.errorf(passOff, "question %q, model %q: pass@1 = %s is not a whole number of %d samples (%.4g of them), expected a multiple of 100/n = %.4g; is n = %d right? (--n)", id, model, passTok, s.n, x, 100/float64(s.n), s.n)
	}
	s.rows++
	*rec = Record{Model: model, Problem: id, Sample: -1, N: s.n, C: int(c), Total: true, Pos: pos}
	return nil
}
