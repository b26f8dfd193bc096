package format

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

var jsUpdate = flag.Bool("update-json", false, "rewrite the .want files of the JSON records tests")

const jsTestdata = "../../testdata"

// jsPassAt is the unbiased pass@k of one problem (Chen et al. 2021),
// 1 − C(n−c, k)/C(n, k), as the product 1 − Π_{i=n−c+1..n} (1 − k/i).
func jsPassAt(n, c, k int) float64 {
	if n-c < k {
		return 1
	}
	fail := 1.0
	for i := n - c + 1; i <= n; i++ {
		fail *= 1 - float64(k)/float64(i)
	}
	return 1 - fail
}

// jsMeanPassAt is a model's mean pass@k over its problems.
func jsMeanPassAt(m *passk.Model, k int) float64 {
	sum := 0.0
	for _, p := range m.Problems {
		sum += jsPassAt(p.N, p.C, k)
	}
	return sum / float64(len(m.Problems))
}

func jsGzip(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestJSONFixtures reads the public fixtures unchanged and checks the
// figures their sources publish (see each folder's PROVENANCE.md).
func TestJSONFixtures(t *testing.T) {
	const tol = 1e-6
	tests := []struct {
		path     string
		format   string
		problems int
		n        int
		passAt   map[int]float64
	}{
		// human-eval README: pass@1 = 0.5 on its example; pass@2 and pass@5 recomputed with the exact estimator.
		{"human-eval/example_results.jsonl", "human-eval", 1, 6, map[int]float64{1: 0.5, 2: 0.8, 5: 1}},
		// LLMComparisonScale README: 65.7% and 66.5%; exact values 1078/1640 and 109/164.
		{"human-eval/gpt35_n10_results.jsonl", "human-eval", 164, 10, map[int]float64{1: 0.6573170731707317, 10: 0.6646341463414634}},
		// LLMComparisonScale README: 65.85%.
		{"human-eval/gpt35_n2_results.jsonl", "human-eval", 164, 2, map[int]float64{1: 0.6585365853658537, 2: 0.6646341463414634}},
		// Qwen2.5-Math example data, recomputed with the exact estimator (fixtures README).
		{"qwen-math/math_cot_100.jsonl", "qwen-math", 100, 8, map[int]float64{1: 0.91, 2: 0.9328571428571428, 4: 0.951, 8: 0.96}},
		// LiveCodeBench submissions, first 40 problems: 32 right.
		{"livecodebench/o1mini_n1_eval_all.first40.json", "livecodebench", 40, 1, map[int]float64{1: 0.8}},
	}
	for _, tc := range tests {
		data, err := os.ReadFile(filepath.Join(jsTestdata, tc.path))
		require.NoError(t, err)
		for _, gz := range []bool{false, true} {
			name := filepath.Base(tc.path)
			in := data
			if gz {
				name += ".gz"
				in = jsGzip(t, data)
			}
			t.Run(name, func(t *testing.T) {
				f, err := Read(bytes.NewReader(in), name, nil)
				require.NoError(t, err)
				assert.Equal(t, tc.format, f.Format)
				require.Len(t, f.Models, 1)
				m := f.Models[0]
				assert.Equal(t, strings.SplitN(name, ".", 2)[0], m.Label)
				require.Len(t, m.Problems, tc.problems)
				lo, hi := m.NRange()
				assert.Equal(t, tc.n, lo)
				assert.Equal(t, tc.n, hi)
				for k, want := range tc.passAt {
					assert.InDelta(t, want, jsMeanPassAt(m, k), tol, "pass@%d", k)
				}
			})
		}
	}
}

// TestJSONQwenAnswers checks the answers read from pred, paired with score.
func TestJSONQwenAnswers(t *testing.T) {
	f, err := ReadFile(filepath.Join(jsTestdata, "qwen-math/math_cot_100.jsonl"), nil)
	require.NoError(t, err)
	m := f.Models[0]
	assert.Equal(t, passk.Problem{ID: "0", N: 8, C: 8, Answers: []passk.Answer{{Text: "420", Count: 8, Correct: true}}}, m.Problems[0])
	withAnswers, wrongAnswers := 0, 0
	for _, p := range m.Problems {
		total := 0
		for _, a := range p.Answers {
			total += a.Count
			if !a.Correct {
				wrongAnswers++
			}
		}
		if total > 0 {
			withAnswers++
		}
		assert.Equal(t, p.N, total, "problem %s: one answer per sample", p.ID)
		if p.C == 0 {
			for _, a := range p.Answers {
				assert.False(t, a.Correct, "problem %s", p.ID)
			}
		}
	}
	assert.Equal(t, 100, withAnswers)
	assert.Greater(t, wrongAnswers, 0)
}

// jsRender prints a file's tallies as the .want files hold them.
func jsRender(f *File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# format: %s\n", f.Format)
	for _, m := range f.Models {
		for _, p := range m.Problems {
			fmt.Fprintf(&b, "%s\t%s\t%d\t%d", m.Label, p.ID, p.N, p.C)
			for i, a := range p.Answers {
				sep := " "
				if i == 0 {
					sep = "\t"
				}
				mark := ""
				if a.Correct {
					mark = "✓"
				}
				fmt.Fprintf(&b, "%s%q×%d%s", sep, a.Text, a.Count, mark)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// jsGolden lists the hand-made files that have a .want file.
func jsGolden(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"jsonl", "eval-arena", "monkeys", "tau-bench", "lm-eval", "livecodebench", "human-eval"} {
		wants, err := filepath.Glob(filepath.Join(jsTestdata, dir, "*.want"))
		require.NoError(t, err)
		for _, w := range wants {
			files = append(files, strings.TrimSuffix(w, ".want"))
		}
	}
	require.NotEmpty(t, files)
	return files
}

// TestJSONHandmade reads each hand-made file (as it is and gzipped) and
// compares its tallies, or its error, with the .want file beside it. The
// .want files were written by hand; -update-json rewrites them.
func TestJSONHandmade(t *testing.T) {
	for _, path := range jsGolden(t) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			render := func(in []byte, name string) string {
				f, err := Read(bytes.NewReader(in), name, nil)
				if err != nil {
					var se *SyntaxError
					assert.ErrorAs(t, err, &se)
					return "# error: " + strings.Replace(err.Error(), ".gz:", ":", 1) + "\n"
				}
				return jsRender(f)
			}
			got := render(data, name)
			if *jsUpdate {
				require.NoError(t, os.WriteFile(path+".want", []byte(got), 0o644))
			}
			want, err := os.ReadFile(path + ".want")
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
			assert.Equal(t, string(want), render(jsGzip(t, data), name+".gz"), "gzipped")
		})
	}
}

func TestJSONThreshold(t *testing.T) {
	f, err := ReadFile(filepath.Join(jsTestdata, "jsonl/models.jsonl"), &Options{Threshold: 0.5})
	require.NoError(t, err)
	assert.Equal(t, 3, f.Models[0].Problems[0].C, "0.5 counts as correct at threshold 0.5")
	f, err = ReadFile(filepath.Join(jsTestdata, "jsonl/lists.jsonl"), &Options{Threshold: 0.99})
	require.NoError(t, err)
	assert.Equal(t, 3, f.Models[0].Problems[2].C, "[0.5, 1, 0.99, false, true] at threshold 0.99")
}

// TestJSONForced reads files with a forced format: a tool's format reads
// only its own keys.
func TestJSONForced(t *testing.T) {
	f, err := ReadFile(filepath.Join(jsTestdata, "human-eval/example_results.jsonl"), &Options{Format: "jsonl"})
	require.NoError(t, err)
	assert.Equal(t, "jsonl", f.Format)
	assert.Equal(t, 3, f.Models[0].Problems[0].C)

	_, err = ReadFile(filepath.Join(jsTestdata, "jsonl/models.jsonl"), &Options{Format: "human-eval"})
	assert.EqualError(t, err, `../../testdata/jsonl/models.jsonl:1:1: found an object with keys "problem_id", "model", "sample_id", "correct", "answer", expected an id key: "task_id"`)

	_, err = ReadFile(filepath.Join(jsTestdata, "livecodebench/edge.json"), &Options{Format: "qwen-math"})
	assert.EqualError(t, err, `../../testdata/livecodebench/edge.json:2:3: found an object with keys "question_id", "graded_list", expected an id key: "idx"`)

	f, err = ReadFile(filepath.Join(jsTestdata, "qwen-math/math_cot_100.jsonl"), &Options{Format: "jsonl"})
	require.NoError(t, err)
	assert.InDelta(t, 0.91, jsMeanPassAt(f.Models[0], 1), 1e-9)
}

// TestJSONDetectCut checks detection when the 64 KiB head ends inside the
// first record, as it does with long completions.
func TestJSONDetectCut(t *testing.T) {
	long := strings.Repeat(`x = 1\n`, 20000) // 140 KB
	tests := []struct {
		name, in, want string
	}{
		{"human-eval", `{"task_id": "HumanEval/0", "completion": "` + long + `", "result": "passed", "passed": true}` + "\n", "human-eval"},
		{"qwen-math", `{"idx": 0, "question": "q", "gt": "2", "code": ["` + long + `"], "pred": ["2"], "score": [true]}` + "\n", "qwen-math"},
		{"livecodebench", `[{"question_title": "t", "question_content": "c", "platform": "atcoder", "question_id": "abc_1", "code_list": ["` + long + `"], "graded_list": [true]}]`, "livecodebench"},
		{"tau-bench", `[{"task_id": 0, "reward": 1.0, "info": {}, "traj": [{"content": "` + long + `"}], "trial": 0}]`, "tau-bench"},
		{"generic", `{"problem_id": "p", "response": "` + long + `", "correct": true}` + "\n", "jsonl"},
		{"lm-eval", `{"doc_id": 0, "doc": {"question": "` + long + `"}, "target": "1", "resps": [["1"]]}` + "\n", "lm-eval"},
		{"monkeys", `{"orig_dset_idx": 0, "is_corrects": [true], "samples": ["` + long + `"]}` + "\n", "monkeys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), tc.name+".jsonl", nil)
			ok := r.Scan()
			if tc.want == "lm-eval" {
				assert.False(t, ok)
				assert.ErrorContains(t, r.Err(), "lm-evaluation-harness")
			} else {
				require.True(t, ok, "%v", r.Err())
			}
			require.NotNil(t, r.Format())
			assert.Equal(t, tc.want, r.Format().Name)
			f, err := Read(bytes.NewReader(jsGzip(t, []byte(tc.in))), tc.name+".jsonl.gz", nil)
			if tc.want == "lm-eval" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, f.Format)
		})
	}
}

var jsFormats = map[string]bool{"lm-eval": true, "eval-arena": true, "qwen-math": true, "monkeys": true,
	"tau-bench": true, "livecodebench": true, "human-eval": true, "jsonl": true}

// TestJSONDetect checks which of the JSON records formats claims a head,
// in priority order, and that they leave other files alone.
func TestJSONDetect(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"task_id": "a", "passed": true}`, "human-eval"},
		{`{"task_id": "a", "passed": true, "model": "m"}`, "jsonl"},
		{`{"task_id": "a", "n": 3, "c": 1}`, "jsonl"},
		{`[{"task_id": 1, "reward": 1.0, "trial": 0}]`, "tau-bench"},
		{`[{"question_id": "q", "graded_list": [true]}]`, "livecodebench"},
		{`{"idx": 0, "score": [true], "pred": ["1"]}`, "qwen-math"},
		{`{"idx": 0, "score": 1}`, "jsonl"},
		{`{"benchmark_id": "b", "example_id": "e", "correct": 1, "count": 1}`, "eval-arena"},
		{`{"doc_id": 0, "arguments": {}, "resps": [], "filtered_resps": []}`, "lm-eval"},
		{`{"doc_id": 0, "resps": [], "n": 3, "c": 1}`, "jsonl"},
		{"\xef\xbb\xbf\r\n\r\n{\"id\": 1, \"correct\": true}", "jsonl"},
		{`{"unrelated": 1}`, ""},
		{`{"results": [true, false]}`, "jsonl"},
		{`{"version": 2, "status": "success", "eval": {}, "results": {"scores": []}}`, ""},
		{`[1, 2]`, ""},
		{`"text"`, ""},
	} {
		h := &Head{Name: "x", Bytes: []byte(tc.in)}
		got := ""
		for _, f := range registry {
			if !jsFormats[f.Name] {
				continue // another reader's format
			}
			if f.sniff(h) {
				got = f.Name
				break
			}
		}
		assert.Equal(t, tc.want, got, tc.in)
	}
}

// TestJSONErrors checks the exact message of each kind of bad input.
func TestJSONErrors(t *testing.T) {
	tests := []struct {
		format, in, want string
	}{
		// human-eval
		{"", `{"task_id": "a", "passed": true}` + "\n" + `{"task_id": "a", "completion": "x", "passed": "yes"}`,
			`base.jsonl:2:47: "passed": found string "yes", expected true/false or a score from 0 to 1`},
		{"human-eval", `{"task_id": "a", "passed": 2}`, `base.jsonl:1:28: "passed": found number 2, expected true/false or a score from 0 to 1`},
		{"human-eval", `{"task_id": "a", "passed": null}`, `base.jsonl:1:28: "passed": found null, expected true/false or a score from 0 to 1`},
		{"human-eval", `{"task_id": "a", "passed": true}` + "\n" + `{"task_id": "b", "passed": 1}`,
			`base.jsonl:2:28: "passed": found a number, expected true/false as on line 1 (every record the same way)`},
		{"human-eval", `{"completion": "x", "passed": true}`,
			`base.jsonl:1:1: found an object with keys "completion", "passed", expected an id key: "task_id"`},
		{"human-eval", `{"task_id": "a", "result": "passed"}`,
			`base.jsonl:1:1: found an object with keys "task_id", "result", expected a correctness key: "passed"`},
		{"human-eval", `{"task_id": ["a"], "passed": true}`, `base.jsonl:1:13: "task_id": found an array, expected a string or number id`},
		{"human-eval", `{"task_id": "a", "passed": true, "passed": false}`, `base.jsonl:1:34: found "passed" twice in one object, expected each key once`},
		{"human-eval", `{"task_id": "a", "passed": true} {"task_id": "b", "passed": true}`, `base.jsonl:1:34: found a second object on line 1, expected one object per line`},
		{"human-eval", `{"task_id": "a", "passed": true}` + "\n" + `[1]`, `base.jsonl:2:1: found an array, expected an object (a record), one per line, or an array of objects`},
		{"human-eval", `{"task_id": "a", "passed": tru}`, `base.jsonl:1:28: found "tru}", expected true`},
		{"human-eval", `{"task_id": "a", "passed": true`, `base.jsonl:1:32: found end of input, expected ',' or '}'`},
		{"human-eval", "{\"task_id\": \"a\", \"completion\": \"a\tb\", \"passed\": true}", `base.jsonl:1:34: found control character U+0009 in a string, expected it escaped (as \n, \t or \u0009)`},
		{"human-eval", `{"task_id": "a", "completion": "\x", "passed": true}`, `base.jsonl:1:34: found 'x' after '\' in a string, expected an escape: \" \\ \/ \b \f \n \r \t or \uXXXX`},
		{"human-eval", `{"task_id": "` + strings.Repeat("x", 5000) + `", "passed": true}`, `base.jsonl:1:13: "task_id": found a string longer than 4096 bytes, expected a short one`},
		// generic
		{"jsonl", `{"problem": "p", "n": 2.5, "c": 1}`, `base.jsonl:1:23: "n": found number 2.5, expected a whole number ≥ 0`},
		{"jsonl", `{"problem": "p", "n": -1, "c": 1}`, `base.jsonl:1:23: "n": found number -1, expected a whole number ≥ 0`},
		{"jsonl", `{"problem": "p", "n": "10", "c": 1}`, `base.jsonl:1:23: "n": found string "10", expected a whole number ≥ 0`},
		{"jsonl", `{"problem": "p", "n": 1e400, "c": 1}`, `base.jsonl:1:23: "n": found number 1e400, expected a whole number ≥ 0`},
		{"jsonl", `{"problem": "p", "n": 3}`, `base.jsonl:1:23: found "n" without the number correct, expected "c" (or "correct", "num_correct") with it`},
		{"jsonl", `{"problem": "p", "c": 3}`, `base.jsonl:1:23: found "c" without the number of samples, expected "n" (or "count") with it`},
		{"jsonl", `{"problem": "p", "n": 3, "c": 4}`, `base.jsonl:1:1: problem "p": c = 4 with n = 3, expected 0 ≤ c ≤ n`},
		{"jsonl", `{"problem": "p", "n": 0, "c": 0}`, `base.jsonl:1:1: problem "p": n = 0, expected n ≥ 1`},
		{"jsonl", `{"problem": "p", "n": 3, "count": 3, "c": 1}`, `base.jsonl:1:35: found both "n" and "count", expected one of them`},
		{"jsonl", `{"problem": "p", "n": 3, "c": 1}` + "\n" + `{"problem": "p", "n": 3, "c": 1}`, `base.jsonl:2:1: problem "p" given again (first at base.jsonl:1:1), expected each problem once`},
		{"jsonl", `{"id": 1, "correct": true, "sample_id": 0}` + "\n" + `{"id": 1, "correct": false, "sample_id": 0}`, `base.jsonl:2:1: problem "1": sample 0 given twice, expected each sample once`},
		{"jsonl", `{"id": 1, "correct": true, "sample_id": "s0"}`, `base.jsonl:1:41: "sample_id": found string "s0", expected a whole number ≥ 0`},
		{"jsonl", `{"id": 1, "correct": true}` + "\n" + `{"id": 2, "n": 3, "c": 1}`, `base.jsonl:2:16: found correctness in "n", expected it in "correct" as on line 1 (every record the same way)`},
		{"jsonl", `{"id": 1, "score": [true, "yes"]}`, `base.jsonl:1:27: "score": found string "yes" in the list, expected true/false`},
		{"jsonl", `{"id": 1, "score": [true, 1.5]}`, `base.jsonl:1:27: "score": found number 1.5, expected true/false or a score from 0 to 1`},
		{"jsonl", `{"id": 1, "score": 0.5}`, `base.jsonl:1:20: "score": found number 0.5, expected a list of true/false, one per sample`},
		{"jsonl", `{"id": 1, "score": [true, false], "pred": ["1"]}`, `base.jsonl:1:43: "pred": found 1 answers, expected 2, one per sample as in "score"`},
		{"jsonl", `{"id": 1, "score": [true], "pred": [{"a": 1}]}`, `base.jsonl:1:37: "pred": found an object, expected an answer (a string)`},
		{"jsonl", `{"id": 1, "correct": true, "model": 7}`, `base.jsonl:1:37: "model": found number 7, expected a string`},
		{"jsonl", `{"id": 1, "name": "x"}`, `base.jsonl:1:1: found an object with keys "id", "name", expected a correctness key: "passed", "is_correct", "correct", or a list "is_corrects", "graded_list", "score", "results", or counts "n" and "c" (or "count" and "correct")`},
		{"jsonl", `{}`, `base.jsonl:1:1: found an empty object, expected an id key: "task_id", "problem_id", "question_id", "example_id", "doc_id", "idx", "id", "problem"`},
		{"jsonl", `[{"id": 1, "correct": true}] [1]`, `base.jsonl:1:30: found an array, expected the end of the file after the array`},
		{"jsonl", `[{"id": 1, "correct": true}, 5]`, `base.jsonl:1:30: found number 5, expected an object (a record)`},
		{"jsonl", "\n\n  ", `base.jsonl: no results found, expected at least one problem`},
		{"jsonl", `{"doc_id": 0, "resps": [["a"]], "exact_match": 1}`, `base.jsonl:1:1: found an object with keys "doc_id", "resps", "exact_match", expected a correctness key: "passed", "is_correct", "correct", or a list "is_corrects", "graded_list", "score", "results", or counts "n" and "c" (or "count" and "correct"); it looks like an lm-evaluation-harness samples file: ` + lmEvalAdvice},
		{"jsonl", strings.Repeat("[", 10001), `base.jsonl:1:10001: found more than 10000 nested arrays and objects, expected at most 10000`},
		{"jsonl", `{"id": 1, "correct": true, "x": ` + strings.Repeat("[", 10001), `base.jsonl:1:10032: found more than 10000 nested arrays and objects, expected at most 10000`},
		{"jsonl", "{\"id\": \"\xff\", \"correct\": true}", `base.jsonl:1:9: found invalid UTF-8 (byte 0xFF) in a string, expected UTF-8 text`},
		// qwen-math
		{"qwen-math", `{"idx": 0, "score": [true, false], "pred": ["1", "2", "3"]}`, `base.jsonl:1:44: "pred": found 3 answers, expected 2, one per sample as in "score"`},
		{"qwen-math", `{"idx": 0, "score": []}`, `base.jsonl:1:1: problem "0": n = 0, expected n ≥ 1`},
		{"qwen-math", `{"idx": 0, "pred": ["1"]}`, `base.jsonl:1:1: found an object with keys "idx", "pred", expected a correctness key: a list "score"`},
		// eval-arena
		{"eval-arena", `{"benchmark_id": "b", "model": "m", "example_id": "e", "correct": 1}`, `base.jsonl:1:67: found "correct" without the number of samples, expected "n" (or "count") with it`},
		{"eval-arena", `{"benchmark_id": 3, "model": "m", "example_id": "e", "correct": 1, "count": 2}`, `base.jsonl:1:18: "benchmark_id": found number 3, expected a string`},
		{"eval-arena", `{"benchmark_id": "b", "model": "m", "example_id": "e", "correct": 3, "count": 2}`, `base.jsonl:1:1: problem "e": c = 3 with n = 2, expected 0 ≤ c ≤ n`},
		// monkeys
		{"monkeys", `{"orig_dset_idx": 0, "is_corrects": "true"}`, `base.jsonl:1:37: "is_corrects": found string "true", expected a list of true/false, one per sample`},
		// τ-bench
		{"tau-bench", `[{"task_id": 0, "reward": "1", "trial": 0}]`, `base.jsonl:1:27: "reward": found string "1", expected a number (the reward)`},
		{"tau-bench", `[{"task_id": 0, "reward": true, "trial": 0}]`, `base.jsonl:1:27: "reward": found true, expected a number (the reward)`},
		{"tau-bench", `[{"task_id": 0, "reward": 1e999, "trial": 0}]`, `base.jsonl:1:27: "reward": found number 1e999, expected a number (the reward) (it is out of range)`},
		{"tau-bench", `[{"task_id": 0, "reward": 1, "trial": 0}, {"task_id": 0, "reward": 0, "trial": 0}]`, `base.jsonl:1:43: problem "0": sample 0 given twice, expected each sample once`},
		{"tau-bench", `[{"task_id": 0, "reward": 1, "trial": -1}]`, `base.jsonl:1:39: "trial": found number -1, expected a whole number ≥ 0`},
		{"tau-bench", `[{"task_id": 0, "reward": 1, "trial": 0}`, `base.jsonl:1:41: found end of input, expected ',' or ']'`},
		// livecodebench
		{"livecodebench", `[{"question_id": "q", "graded_list": [true, null]}]`, `base.jsonl:1:45: "graded_list": found null in the list, expected true/false`},
		{"livecodebench", `[{"question_id": null, "graded_list": [true]}]`, `base.jsonl:1:18: "question_id": found null, expected a string or number id`},
		// lm-eval
		{"lm-eval", `{"doc_id": 0, "resps": []}`, `base.jsonl:1:1: found an lm-evaluation-harness samples file (object with keys "doc_id", "resps"), expected per-sample correctness: ` + lmEvalAdvice},
		{"lm-eval", `{"doc_id": 0, "resps": [}`, `base.jsonl:1:25: found '}', expected a value or ']'`},
	}
	for _, tc := range tests {
		_, err := Read(strings.NewReader(tc.in), "base.jsonl", &Options{Format: tc.format})
		if !assert.Error(t, err, tc.in) {
			continue
		}
		assert.Equal(t, tc.want, err.Error(), "%.80s", tc.in)
		var se *SyntaxError
		assert.ErrorAs(t, err, &se, tc.in)
	}
}

// TestJSONGzipBomb checks that the framework's expansion bound reaches the
// JSON reader as a *SyntaxError.
func TestJSONGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write([]byte(`{"task_id": "a", "completion": "`))
	require.NoError(t, err)
	zeros := bytes.Repeat([]byte("a"), 1<<20)
	for range 80 {
		_, err = zw.Write(zeros)
		require.NoError(t, err)
	}
	_, err = zw.Write([]byte(`", "passed": true}`))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	_, err = Read(bytes.NewReader(buf.Bytes()), "bomb.jsonl.gz", nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTooLarge)
	var se *SyntaxError
	assert.ErrorAs(t, err, &se)

	_, err = Read(bytes.NewReader(buf.Bytes()), "bomb.jsonl.gz", &Options{MaxExpansion: 1 << 20})
	assert.NoError(t, err)

	cut := jsGzip(t, []byte(`{"task_id": "a", "passed": true}`+"\n"))
	_, err = Read(bytes.NewReader(cut[:len(cut)-6]), "cut.jsonl.gz", nil)
	assert.Error(t, err)
	assert.ErrorAs(t, err, &se)
}

// streamReader generates a file with one record per sample whose
// completions are size bytes, without holding it.
type streamReader struct {
	records, size int
	rec           int
	buf           []byte
	left          int // completion bytes still to write for the current record
	state         int
}

func (s *streamReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.buf) > 0 {
			c := copy(p[n:], s.buf)
			s.buf = s.buf[c:]
			n += c
			continue
		}
		switch s.state {
		case 0:
			if s.rec == s.records {
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			s.buf = fmt.Appendf(s.buf[:0], `{"task_id": "T/%d", "completion": "`, s.rec/4)
			s.left = s.size
			s.state = 1
		case 1:
			chunk := min(s.left, len(p)-n)
			const pattern = `    x = \"y\"\n`
			for i := range chunk {
				p[n+i] = pattern[(s.size-s.left+i)%len(pattern)]
			}
			n += chunk
			s.left -= chunk
			if s.left == 0 {
				s.state = 2
			}
		case 2:
			s.buf = fmt.Appendf(s.buf[:0], `", "result": "passed", "passed": %v}`+"\n", s.rec%3 == 0)
			s.rec++
			s.state = 0
		}
	}
	return n, nil
}

// TestJSONMemoryBounded reads lines of 8 MB and 32 MB and checks that what
// the reader allocates does not grow with them.
func TestJSONMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 96 MB")
	}
	alloc := func(size int) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f, err := Read(&streamReader{records: 2, size: size}, "big.jsonl", nil)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		require.Len(t, f.Models[0].Problems, 1)
		assert.Equal(t, passk.Problem{ID: "T/0", N: 2, C: 1}, f.Models[0].Problems[0])
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(8<<20), alloc(32<<20)
	t.Logf("allocated %d bytes for 8 MB lines, %d for 32 MB lines", small, large)
	assert.Less(t, large, uint64(1<<20), "allocation stays under 1 MiB")
	assert.Less(t, large, 2*small+64<<10, "allocation does not grow with the line")
}

// TestJSONErrorsAreSyntaxErrors reads truncations of every hand-made file:
// every error is a *SyntaxError with a line, or about the whole file.
func TestJSONErrorsAreSyntaxErrors(t *testing.T) {
	for _, path := range jsGolden(t) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		for i := range len(data) {
			_, err := Read(bytes.NewReader(data[:i]), "cut.json", nil)
			if err == nil {
				continue
			}
			jsCheckError(t, err)
		}
	}
}

// jsCheckError checks that err is a *SyntaxError with a line, or an error
// about the whole file.
func jsCheckError(t testing.TB, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("not a *SyntaxError: %T %v", err, err)
	}
	if se.Line > 0 {
		return
	}
	msg := se.Err.Error()
	for _, whole := range []string{"no results found", "empty file", "model ", "gzip", "unknown format", "too large"} {
		if strings.Contains(msg, whole) {
			return
		}
	}
	t.Fatalf("error without a line: %v", err)
}
