package format

import (
	"bytes"
	"strings"

	"github.com/passk/passk/passk/internal/jsonscan"
)

// The JSON records formats. Each reads objects, one per line or as the
// elements of a top-level array, with json.go's reader; they differ in the
// keys they read. Detection looks at the keys of the first object in the
// file's first 64 KiB, which may end inside that object (a long completion):
// a rule that needs a key the cut may hide also accepts the keys that come
// before it in the tool's own files.
//
// Priorities: lm-eval 60 (it must win over generic, which would read
// doc_id); the tool formats 55; human-eval 50; generic 10 (anything with an
// id or correctness key, so that its errors explain what is missing).

var (
	genericFlavor = (&jsonFlavor{name: "jsonl", ids: genericIDs, scalars: genericScalars, counts: true,
		lists: genericLists, answers: []jsonKey{kPred, kAnswer}}).init()
	humanEvalFlavor = (&jsonFlavor{name: "human-eval", ids: []jsonKey{kTaskID}, scalars: []jsonKey{kPassed}}).init()
	qwenMathFlavor  = (&jsonFlavor{name: "qwen-math", ids: []jsonKey{kIdx}, lists: []jsonKey{kScore},
		answers: []jsonKey{kPred}}).init()
	evalArenaFlavor = (&jsonFlavor{name: "eval-arena", ids: []jsonKey{kExampleID}, counts: true, arena: true}).init()
	monkeysFlavor   = (&jsonFlavor{name: "monkeys", ids: append(genericIDs[:len(genericIDs):len(genericIDs)], kOrigIdx),
		lists: []jsonKey{kIsCorrects}}).init()
	tauBenchFlavor = (&jsonFlavor{name: "tau-bench", ids: []jsonKey{kTaskID}, scalars: []jsonKey{kReward}, reward: true}).init()
	lcbFlavor      = (&jsonFlavor{name: "livecodebench", ids: []jsonKey{kQuestionID}, lists: []jsonKey{kGradedList}}).init()
)

func openJSON(fl *jsonFlavor) func(src *Source, opt *Options) (scanner, error) {
	return func(src *Source, opt *Options) (scanner, error) {
		return newJSONReader(src, opt, fl), nil
	}
}

func init() {
	register(&Format{
		Name:     "lm-eval",
		Detect:   "JSON Lines with doc_id, arguments, resps, filtered_resps (lm-evaluation-harness samples_*.jsonl): refused with advice, they do not log per-repeat correctness",
		Priority: 60,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("doc_id") && !j.hasAny(correctnessNames...) &&
				(j.hasAny("resps", "filtered_resps", "arguments") || (j.cut && j.has("doc")))
		},
		open: func(src *Source, opt *Options) (scanner, error) { return &lmEvalReader{src: src}, nil },
	})
	register(&Format{
		Name:     "eval-arena",
		Detect:   "JSON Lines with benchmark_id, model, example_id, correct (c) and count (n) (eval-arena); models are named benchmark_id/model",
		Priority: 55,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("benchmark_id") && j.has("example_id")
		},
		open: openJSON(evalArenaFlavor),
	})
	register(&Format{
		Name:     "qwen-math",
		Detect:   "JSON Lines with idx, a list score and a list pred (Qwen2.5-Math, limit-of-RLVR)",
		Priority: 55,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("idx") && (j.keys["score"] == jsonscan.ArrayStart ||
				(j.cut && !j.has("score") && j.hasAny("code", "pred", "gt", "gt_cot", "report")))
		},
		open: openJSON(qwenMathFlavor),
	})
	register(&Format{
		Name:     "monkeys",
		Detect:   "JSON records with an id (or orig_dset_idx) and an is_corrects list (Large Language Monkeys)",
		Priority: 55,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("is_corrects")
		},
		open: openJSON(monkeysFlavor),
	})
	register(&Format{
		Name:     "tau-bench",
		Detect:   "a JSON array of {task_id, reward, trial} (τ-bench results; correct when reward is 1 ± 1e-6)",
		Priority: 55,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("task_id") && j.has("reward") && !j.hasAny(correctnessNames...)
		},
		open: openJSON(tauBenchFlavor),
	})
	register(&Format{
		Name:     "livecodebench",
		Detect:   "a JSON array of {question_id, graded_list} (LiveCodeBench *_eval_all.json)",
		Priority: 55,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("question_id") && (j.has("graded_list") ||
				(j.cut && j.hasAny("question_content", "code_list", "output_list")))
		},
		open: openJSON(lcbFlavor),
	})
	register(&Format{
		Name:     "human-eval",
		Detect:   "JSON Lines with task_id and passed (human-eval *_results.jsonl)",
		Priority: 50,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			return j != nil && j.has("task_id") && !j.has("model") &&
				(j.keys["passed"] == jsonscan.True || j.keys["passed"] == jsonscan.False ||
					(j.cut && !j.has("passed") && j.has("completion")))
		},
		open: openJSON(humanEvalFlavor),
	})
	register(&Format{
		Name: "jsonl",
		Detect: "JSON Lines (or a JSON array) of objects with an id (task_id, problem_id, question_id, example_id, doc_id, idx, id, problem) " +
			"and passed/correct/is_correct, a list is_corrects/graded_list/score/results, or counts n+c / count+correct; optional model, pred/answer, sample_id/sample_idx/trial/epoch",
		Priority: 10,
		sniff: func(h *Head) bool {
			j := peekJSON(h)
			if j == nil {
				return false
			}
			if j.hasAny(idNames...) {
				return true
			}
			for _, key := range correctnessNames {
				switch k, ok := j.keys[key]; {
				case !ok, k == jsonscan.ObjectStart, k == jsonscan.String, k == jsonscan.Null:
				default: // a flag, a number, a list, or cut before its value
					return true
				}
			}
			return false
		},
		open: openJSON(genericFlavor),
	})
}

var idNames, correctnessNames = func() (ids, correct []string) {
	for _, k := range genericIDs {
		ids = append(ids, k.String())
	}
	for _, set := range [][]jsonKey{genericScalars, genericLists, {kN, kC, kCount}} {
		for _, k := range set {
			correct = append(correct, k.String())
		}
	}
	return ids, correct
}()

// jsonHead is what the head of a file shows of its first JSON record.
type jsonHead struct {
	array bool                     // the records are in a top-level array
	keys  map[string]jsonscan.Kind // the first record's keys, with the kinds of their values
	cut   bool                     // the head ends (or breaks) inside the first record
}

func (j *jsonHead) has(key string) bool {
	_, ok := j.keys[key]
	return ok
}

func (j *jsonHead) hasAny(keys ...string) bool {
	for _, k := range keys {
		if j.has(k) {
			return true
		}
	}
	return false
}

// peekJSON reads the keys of the first record in h: the first object of a
// stream, or of a top-level array. It returns nil when the head does not
// start that way.
func peekJSON(h *Head) *jsonHead {
	if !h.jsonRead {
		h.json, h.jsonRead = parseJSONHead(h), true
	}
	return h.json
}

// parseJSONHead reads the keys of the first object of h, for peekJSON.
func parseJSONHead(h *Head) *jsonHead {
	if h.Zip {
		return nil
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(h.Bytes, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return nil
	}
	s := jsonscan.NewScanner(bytes.NewReader(h.Bytes), &jsonscan.Options{BufferSize: 4 << 10})
	k, err := s.Peek()
	if err != nil {
		return nil
	}
	j := &jsonHead{keys: map[string]jsonscan.Kind{}}
	if k == jsonscan.ArrayStart {
		j.array = true
		s.Next()
		if k, err = s.Peek(); err != nil {
			return nil
		}
	}
	if k != jsonscan.ObjectStart {
		return nil
	}
	s.Next()
	for {
		k, err := s.Peek()
		if err != nil {
			j.cut = true
			return j
		}
		if k == jsonscan.ObjectEnd {
			return j
		}
		name, _, err := s.ReadStringPrefix(64)
		if err != nil {
			j.cut = true
			return j
		}
		key := string(name)
		vk, err := s.Peek()
		if err != nil {
			j.keys[key] = jsonscan.Invalid
			j.cut = true
			return j
		}
		j.keys[key] = vk
		if err := s.Skip(); err != nil {
			j.cut = true
			return j
		}
	}
}

// lmEvalAdvice says why lm-evaluation-harness samples cannot be read and
// what to write instead.
const lmEvalAdvice = "lm-evaluation-harness samples files log each document's filtered response and its metrics, " +
	"not whether each of the repeats was correct, so pass@k cannot be computed from them; " +
	"score every repeat yourself and write JSON Lines with one object per document, " +
	`{"doc_id": 0, "n": 10, "c": 3}, or one per repeat, {"doc_id": 0, "sample_id": 2, "correct": true}`

// lmEvalReader refuses an lm-evaluation-harness samples file, at its first
// record.
type lmEvalReader struct{ src *Source }

func (l *lmEvalReader) next(*Record) (bool, error) {
	j := newJSONReader(l.src, nil, genericFlavor)
	s := j.s
	k, err := s.Peek()
	if err == nil && k == jsonscan.ArrayStart {
		s.Next()
		k, err = s.Peek()
	}
	if err != nil {
		return false, j.wrap(err)
	}
	if k != jsonscan.ObjectStart {
		return false, j.found(kNone, "an object (an lm-evaluation-harness sample)")
	}
	p := j.pos(s.Pos())
	if err := j.object(); err != nil {
		return false, j.wrap(err)
	}
	return false, errorf(p, "found an lm-evaluation-harness samples file (%s), expected per-sample correctness: %s", strings.TrimPrefix(j.keyList(), "an "), lmEvalAdvice)
}
