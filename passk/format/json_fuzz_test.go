package format

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// jsFuzz fuzzes reading with format forced ("" detects it): reading never
// panics, every error is a *SyntaxError with a line (or about the whole
// file), and what is read is a valid model.
func jsFuzz(f *testing.F, format string, dirs []string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(jsTestdata, dir, "*.json*"))
		for _, path := range files {
			if filepath.Ext(path) == ".want" {
				continue
			}
			if data, err := os.ReadFile(path); err == nil && len(data) < 4<<10 {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := Read(bytes.NewReader(in), "fuzz.jsonl", &Options{Format: format})
		if err != nil {
			jsCheckError(t, err)
			return
		}
		for _, m := range file.Models {
			if err := m.Validate(); err != nil {
				t.Fatalf("invalid model read: %v", err)
			}
		}
	})
}

func FuzzJSONGeneric(f *testing.F) {
	jsFuzz(f, "jsonl", []string{"jsonl"},
		`{"problem": 1, "n": 10, "c": 3}`,
		`{"id": "a", "model": "m", "sample_id": 0, "correct": 0.5, "answer": "x"}`,
		`{"idx": 0, "results": [true, 0, 1], "pred": ["a", null, 3]}`,
		`[{"example_id": "q", "count": 3, "correct": 1}]`)
}

func FuzzJSONHumanEval(f *testing.F) {
	jsFuzz(f, "human-eval", []string{"human-eval"},
		`{"task_id": "HumanEval/0", "completion": "  return 1\n", "result": "passed", "passed": true}`+"\n"+
			`{"task_id": "HumanEval/0", "completion": "", "result": "failed: ", "passed": false}`)
}

func FuzzJSONQwenMath(f *testing.F) {
	jsFuzz(f, "qwen-math", nil, `{"idx": 0, "gt": "2", "pred": ["2", "3"], "score": [true, false]}`)
}

func FuzzJSONEvalArena(f *testing.F) {
	jsFuzz(f, "eval-arena", []string{"eval-arena"},
		`{"benchmark_id":"humaneval", "model":"m", "example_id":"HumanEval\/4", "pass1":1, "count": 2, "correct": 2}`)
}

func FuzzJSONMonkeys(f *testing.F) {
	jsFuzz(f, "monkeys", []string{"monkeys"}, `{"orig_dset_idx": 0, "is_corrects": [true, false]}`)
}

func FuzzJSONTauBench(f *testing.F) {
	jsFuzz(f, "tau-bench", []string{"tau-bench"}, `[{"task_id": 0, "reward": 1.0, "info": {}, "traj": [], "trial": 0}]`)
}

func FuzzJSONLiveCodeBench(f *testing.F) {
	jsFuzz(f, "livecodebench", []string{"livecodebench"}, `[{"question_id": "1873_A", "graded_list": [true]}]`)
}

func FuzzJSONLMEval(f *testing.F) {
	jsFuzz(f, "lm-eval", []string{"lm-eval"}, `{"doc_id": 0, "resps": [["a"]], "filtered_resps": ["a"]}`)
}

// FuzzJSONDetect fuzzes detection and reading together.
func FuzzJSONDetect(f *testing.F) {
	jsFuzz(f, "", []string{"jsonl", "eval-arena", "monkeys", "tau-bench", "livecodebench", "lm-eval", "human-eval"},
		`{"task_id": "a", "passed": true}`, `[{"task_id": 1, "reward": 1, "trial": 0}]`, "\xef\xbb\xbf{\"id\": 1, \"correct\": 1}\r\n")
}
