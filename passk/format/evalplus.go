package format

// evalplus eval_results.json files (github.com/evalplus/evalplus).
//
// The current layout (evalplus ≥ 0.2) keeps one entry per sample:
//
//	{"date": ..., "hash": ...,
//	 "eval": {"HumanEval/0": [{"task_id", "solution", "base_status": "pass",
//	          "plus_status": "fail", "base_fail_tests", "plus_fail_tests"}, ...]}}
//
// The older layout (evalplus 0.1) keeps per task the number of samples and
// per sample a [status, per-test details] pair:
//
//	{"date": ..., "hash": ...,
//	 "eval": {"HumanEval/0": {"nfiles": 2, "base": [["success", [...]], ...],
//	          "plus": [["failed", [...]], ...]}}}
//
// where "plus" is [] after a --base-only run, and very old files have
// "files" (a list) in place of "nfiles". Tasks given at the top level,
// without the "eval" wrapper, read the same. Statuses are "pass", "fail"
// and "timeout" ("success", "failed" and "timed out" in evalplus 0.1).
//
// A file gives two models: "<label>/humaneval", where a sample is right when
// its base tests pass, and "<label>/humaneval+", where it is right when the
// base and the plus tests pass ("mbpp" and "mbpp+" for Mbpp/ tasks; the
// task id's prefix in general). Options.Variant "base" or "plus" reads one.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

func init() {
	register(&Format{
		Name:     "evalplus",
		Detect:   `evalplus eval_results.json: an object with "eval" (and "date", "hash") mapping task ids to per-sample base_status/plus_status, or to {"nfiles", "base", "plus"}`,
		Priority: 90,
		sniff:    sniffEvalplus,
		open:     openEvalplus,
	})
}

func sniffEvalplus(h *Head) bool {
	if h.Zip || (!bytes.Contains(h.Bytes, []byte(`"eval"`)) && !bytes.Contains(h.Bytes, []byte(`files"`))) {
		return false
	}
	jh := h.document()
	if !jh.object || !jh.single {
		return false
	}
	top := func(k string) bool { return jh.has(1, "", k) }
	if top("eval") && !top("status") && !top("version") &&
		(top("hash") || top("date") || jh.has(4, "eval/", "base_status")) {
		return true
	}
	// The older layout, at the top level or under "eval".
	for depth, prefix := range map[int]string{2: "", 3: "eval"} {
		if (jh.has(depth, prefix, "nfiles") || jh.has(depth, prefix, "files")) && jh.has(depth, prefix, "base") {
			return true
		}
	}
	return false
}

type evalplusScanner struct {
	d       *jwDec
	opt     *Options
	label   string // the file's label, "" when Options.Label names it
	base    bool   // read the base variant
	plus    bool   // read the plus variant
	names   [2]string
	named   bool
	mode    int // how plus statuses are given: 0 not seen yet, 1 present, 2 absent (a --base-only run)
	inEval  bool
	done    bool
	queue   []Record
	nTasks  int
	topEval bool // the file has an "eval" object
}

func openEvalplus(src *Source, opt *Options) (scanner, error) {
	s := &evalplusScanner{opt: opt}
	switch opt.Variant {
	case "":
		s.base, s.plus = true, true
	case "base":
		s.base = true
	case "plus":
		s.plus = true
	default:
		return nil, errorf(Pos{File: src.Name}, "unknown evalplus variant %q, expected \"base\" or \"plus\"", opt.Variant)
	}
	if opt.Label == "" {
		s.label = evalplusLabel(src.Name)
	}
	s.d = newJWDec(src.R, src.Name, "")
	t, off, err := s.d.token("an evalplus eval_results.json (a JSON object)")
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, s.d.errorf(off, "found %s, expected an evalplus eval_results.json (a JSON object with \"eval\")", jwDescribe(t))
	}
	return s, nil
}

// evalplusLabel is the default label of a results file: its name without
// "_eval_results", or its directory's name when that is all it has
// (evalplus writes <model>_temp_<T>/eval_results.json).
func evalplusLabel(file string) string {
	l := labelOf(file)
	for _, suffix := range []string{"_eval_results", "-eval_results"} {
		if strings.HasSuffix(l, suffix) && len(l) > len(suffix) {
			return strings.TrimSuffix(l, suffix)
		}
	}
	if l == "eval_results" {
		if dir := filepath.Base(filepath.Dir(file)); dir != "." && dir != "/" && dir != "" {
			return dir
		}
	}
	return l
}

// name fixes the two models' names from the first task's id.
func (s *evalplusScanner) name(task string) {
	if s.named {
		return
	}
	s.named = true
	base, plus := "base", "plus"
	if i := strings.IndexByte(task, '/'); i > 0 {
		base = strings.ToLower(task[:i])
		plus = base + "+"
	}
	if s.label != "" {
		base, plus = s.label+"/"+base, s.label+"/"+plus
	}
	s.names = [2]string{base, plus}
}

func (s *evalplusScanner) next(rec *Record) (bool, error) {
	d := s.d
	for {
		if len(s.queue) > 0 {
			*rec = s.queue[0]
			s.queue = s.queue[1:]
			return true, nil
		}
		s.queue = s.queue[:0]
		if s.done {
			return false, nil
		}
		if s.inEval {
			if d.more() {
				if err := s.task(); err != nil {
					return false, err
				}
				continue
			}
			if _, _, err := d.token(`"}" closing eval`); err != nil {
				return false, err
			}
			s.inEval = false
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
			if s.nTasks == 0 {
				return false, errorf(Pos{File: d.file}, "no tasks found, expected \"eval\" mapping task ids to results")
			}
			continue
		}
		off := d.next()
		t, _, err := d.token("a key")
		if err != nil {
			return false, err
		}
		key, _ := t.(string)
		switch {
		case key == "eval":
			t, voff, err := d.token("eval (an object)")
			if err != nil {
				return false, err
			}
			if t != json.Delim('{') {
				return false, d.mismatch(t, voff, "eval", "an object mapping task ids to results")
			}
			s.inEval, s.topEval = true, true
		case strings.Contains(key, "/") && !s.topEval:
			// A task at the top level (no "eval" wrapper).
			if err := s.taskBody(key, off); err != nil {
				return false, err
			}
		default:
			if err := d.skip(); err != nil {
				return false, err
			}
		}
	}
}

// task reads one task of "eval": its key and its results.
func (s *evalplusScanner) task() error {
	off := s.d.next()
	t, _, err := s.d.keyToken("a task id")
	if err != nil {
		return err
	}
	key, _ := t.(string)
	return s.taskBody(key, off)
}

func (s *evalplusScanner) taskBody(task string, off jwAt) error {
	d := s.d
	s.name(task)
	s.nTasks++
	t, voff, err := d.token("the task's results")
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('['):
		return s.samples(task, voff)
	case json.Delim('{'):
		return s.counts(task, voff)
	}
	return d.errorf(voff, "task %q: results are %s, expected a list of samples or {\"nfiles\", \"base\", \"plus\"}", task, jwDescribe(t))
}

// samples reads the current layout's list of samples (its '[' read).
func (s *evalplusScanner) samples(task string, off jwAt) error {
	d := s.d
	i := 0
	for ; d.more(); i++ {
		eoff := d.next()
		var baseSt, plusSt string
		var hasBase, hasPlus bool
		var plusOff jwAt
		var seen [2]bool // base_status, plus_status
		err := d.object("a sample", func(key string, koff jwAt) error {
			switch key {
			case "base_status", "plus_status":
				j := 0
				if key == "plus_status" {
					j = 1
				}
				if err := d.once(&seen[j], key, koff); err != nil {
					return err
				}
				st, ok, voff, err := d.str(key)
				if err != nil {
					return err
				}
				if key == "base_status" {
					baseSt, hasBase = st, ok
				} else {
					plusSt, hasPlus, plusOff = st, ok, voff
				}
				return nil
			}
			return d.skip()
		})
		if err != nil {
			return err
		}
		epos := d.pos(eoff)
		if !hasBase {
			return errorf(epos, "task %q sample %d has no base_status, expected \"pass\" or \"fail\"", task, i)
		}
		basePass, err := evalplusStatus(baseSt)
		if err != nil {
			return errorf(epos, "task %q sample %d: base_status %v", task, i, err)
		}
		plusPass := false
		if s.plus {
			if err := s.plusMode(hasPlus, fmt.Sprintf("task %q sample %d", task, i), "plus_status", epos); err != nil {
				return err
			}
			if hasPlus {
				p, err := evalplusStatus(plusSt)
				if err != nil {
					return d.errorf(plusOff, "task %q sample %d: plus_status %v", task, i, err)
				}
				plusPass = p && basePass
			}
		}
		s.add(task, i, 1, evalplusInt(basePass), evalplusInt(plusPass), false, epos)
	}
	if i == 0 {
		return d.errorf(off, "task %q has no samples, expected at least one", task)
	}
	_, _, err := d.token("']'")
	return err
}

// plusMode checks that plus results are given for all samples or none.
func (s *evalplusScanner) plusMode(has bool, where, field string, pos Pos) error {
	m := 2
	if has {
		m = 1
	}
	switch {
	case s.mode == 0:
		s.mode = m
		if m == 2 && !s.base {
			return errorf(pos, "%s has no %s (a --base-only run?), expected them to read the plus variant; read the base variant instead", where, field)
		}
	case s.mode != m && m == 2:
		return errorf(pos, "%s has no %s, expected them as earlier tasks have", where, field)
	case s.mode != m:
		return errorf(pos, "%s has %s, expected none as earlier tasks have none (a --base-only run)", where, field)
	}
	return nil
}

// add queues the records of one sample (n = 1) or one task's tally.
func (s *evalplusScanner) add(task string, sample, n, cBase, cPlus int, total bool, pos Pos) {
	idx := sample
	if total {
		idx = -1
	}
	if s.base {
		s.queue = append(s.queue, Record{Model: s.names[0], Problem: task, Sample: idx, N: n, C: cBase, Total: total, Pos: pos})
	}
	if s.plus && s.mode == 1 {
		s.queue = append(s.queue, Record{Model: s.names[1], Problem: task, Sample: idx, N: n, C: cPlus, Total: total, Pos: pos})
	}
}

// counts reads the older layout's {"nfiles", "base", "plus"} (its '{' read).
func (s *evalplusScanner) counts(task string, off jwAt) error {
	d := s.d
	pos := d.pos(off)
	nfiles := -1
	var base, plus []bool
	var nfilesOff jwAt
	hasBase, hasPlus := false, false
	statuses := func(what string) ([]bool, error) {
		var out []bool
		err := d.array(what, func(i int, eoff jwAt) error {
			t, voff, err := d.token(what)
			if err != nil {
				return err
			}
			if t == json.Delim('[') {
				// [status, details]
				if !d.more() {
					_, _, err := d.token(`"]"`)
					if err != nil {
						return err
					}
					return d.errorf(voff, "task %q: %s[%d] is an empty list, expected [status, details]", task, what, i)
				}
				t, voff, err = d.scalar(what)
				if err != nil {
					return err
				}
				if err := d.skipRest('['); err != nil {
					return err
				}
			} else if delim, ok := t.(json.Delim); ok {
				_ = d.skipRest(delim)
			}
			st, ok := t.(string)
			if !ok {
				return d.errorf(voff, "task %q: %s[%d] is %s, expected a status or [status, details]", task, what, i, jwDescribe(t))
			}
			p, err := evalplusStatus(st)
			if err != nil {
				return d.errorf(voff, "task %q: %s[%d] %v", task, what, i, err)
			}
			out = append(out, p)
			return nil
		})
		return out, err
	}
	var seen [4]bool // nfiles, files, base, plus
	err := d.objectRest(func(key string, koff jwAt) error {
		for i, k := range [...]string{"nfiles", "files", "base", "plus"} {
			if key == k {
				if err := d.once(&seen[i], key, koff); err != nil {
					return err
				}
			}
		}
		var err error
		switch key {
		case "nfiles":
			var t json.Token
			t, nfilesOff, err = d.scalar("nfiles")
			if err != nil {
				return err
			}
			n, ok := jwInt(t)
			if !ok || n < 0 {
				return d.errorf(nfilesOff, "task %q: nfiles is %s, expected a whole number ≥ 0", task, jwDescribe(t))
			}
			nfiles = n
		case "files":
			nfilesOff = d.next()
			n := 0
			err = d.array("files", func(int, jwAt) error { n++; return d.skip() })
			if nfiles < 0 {
				nfiles = n
			}
		case "base":
			base, err = statuses("base")
			hasBase = true
		case "plus":
			plus, err = statuses("plus")
			hasPlus = len(plus) > 0
		default:
			err = d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if !hasBase {
		return errorf(pos, "task %q has no \"base\" results, expected a list of [status, details]", task)
	}
	if nfiles >= 0 && nfiles != len(base) {
		return d.errorf(nfilesOff, "task %q: nfiles = %d but base has %d results, expected one per sample", task, nfiles, len(base))
	}
	if hasPlus && len(plus) != len(base) {
		return errorf(pos, "task %q: plus has %d results and base %d, expected one each per sample", task, len(plus), len(base))
	}
	if s.plus {
		if err := s.plusMode(hasPlus, fmt.Sprintf("task %q", task), "plus results", pos); err != nil {
			return err
		}
	}
	cb, cp := 0, 0
	for i, ok := range base {
		if ok {
			cb++
			if hasPlus && plus[i] {
				cp++
			}
		}
	}
	s.add(task, 0, len(base), cb, cp, true, pos)
	return nil
}

// evalplusStatus reads a test status.
func evalplusStatus(st string) (bool, error) {
	switch st {
	case "pass", "success":
		return true, nil
	case "fail", "failed", "timeout", "timed out":
		return false, nil
	}
	return false, &evalplusStatusError{st}
}

type evalplusStatusError struct{ st string }

func (e *evalplusStatusError) Error() string {
	return "is " + jwShort(e.st) + `, expected "pass", "fail" or "timeout"`
}

func evalplusInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
