package format

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Check values from testdata/evalplus/PROVENANCE.md.
func TestEvalplusFixture(t *testing.T) {
	f := fxRead(t, "evalplus/llama3_70b_eval_results.json", nil)
	assert.Equal(t, "evalplus", f.Format)
	require.Len(t, f.Models, 2)
	base, plus := fxModel(t, f, "llama3_70b/humaneval"), fxModel(t, f, "llama3_70b/humaneval+")
	count := func(ps []fxNC) (n, c int) {
		for _, p := range ps {
			n, c = n+p.N, c+p.C
		}
		return
	}
	var bs, ps []fxNC
	for _, p := range base.Problems {
		bs = append(bs, fxNC{p.N, p.C})
	}
	for _, p := range plus.Problems {
		ps = append(ps, fxNC{p.N, p.C})
	}
	n, c := count(bs)
	assert.Equal(t, [2]int{164, 127}, [2]int{n, c})
	n, c = count(ps)
	assert.Equal(t, [2]int{164, 116}, [2]int{n, c})
	assert.Len(t, base.Problems, 164)
	assert.InDelta(t, 0.77439, fxMeanPassAt1(base), 5e-6)
	assert.InDelta(t, 0.70732, fxMeanPassAt1(plus), 5e-6)
	assert.Equal(t, "HumanEval/0", base.Problems[0].ID)

	f = fxRead(t, "evalplus/llama3_70b_eval_results.json", &Options{Variant: "plus"})
	require.Len(t, f.Models, 1)
	assert.Equal(t, "llama3_70b/humaneval+", f.Models[0].Label)
	assert.InDelta(t, 0.70732, fxMeanPassAt1(f.Models[0]), 5e-6)

	f = fxRead(t, "evalplus/llama3_70b_eval_results.json", &Options{Variant: "base", Label: "L3"})
	require.Len(t, f.Models, 1)
	assert.Equal(t, "L3", f.Models[0].Label)
	assert.InDelta(t, 0.77439, fxMeanPassAt1(f.Models[0]), 5e-6)

	f = fxRead(t, "evalplus/llama3_70b_eval_results.json", &Options{Label: "L3"})
	assert.Equal(t, []string{"L3/humaneval", "L3/humaneval+"}, []string{f.Models[0].Label, f.Models[1].Label})
}

// Hand-made files: see testdata/evalplus/PROVENANCE.md.
func TestEvalplusHandmade(t *testing.T) {
	for _, tt := range []struct {
		file string
		want map[string]map[string]fxNC
	}{
		{"evalplus/old_layout_eval_results.json", map[string]map[string]fxNC{
			"old_layout/humaneval":  {"HumanEval/0": {3, 2}, "HumanEval/1": {2, 0}},
			"old_layout/humaneval+": {"HumanEval/0": {3, 1}, "HumanEval/1": {2, 0}},
		}},
		{"evalplus/mbpp_base_only_eval_results.json", map[string]map[string]fxNC{
			"mbpp_base_only/mbpp": {"Mbpp/2": {2, 1}, "Mbpp/3": {1, 0}},
		}},
		{"evalplus/ragged_eval_results.json", map[string]map[string]fxNC{
			"ragged/humaneval":  {"HumanEval/0": {3, 2}, "HumanEval/1": {1, 1}},
			"ragged/humaneval+": {"HumanEval/0": {3, 1}, "HumanEval/1": {1, 0}},
		}},
	} {
		f := fxRead(t, tt.file, nil)
		assert.Equal(t, "evalplus", f.Format, tt.file)
		assert.Equal(t, tt.want, fxTallies(f), tt.file)
	}
}

// Tasks at the top level, without "eval", and the oldest "files" lists.
func TestEvalplusNoWrapper(t *testing.T) {
	f, err := fxReadString(`{"HumanEval/0": {"files": ["a.py", "b.py"], "base": [["success", []], ["failed", []]], "plus": [["success", []], ["success", []]]},
"HumanEval/1": {"files": ["c.py"], "base": ["success"], "plus": ["failed"]}}`, "runs/m_temp_0.8/eval_results.json", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]map[string]fxNC{
		"m_temp_0.8/humaneval":  {"HumanEval/0": {2, 1}, "HumanEval/1": {1, 1}},
		"m_temp_0.8/humaneval+": {"HumanEval/0": {2, 1}, "HumanEval/1": {1, 0}},
	}, fxTallies(f))
}

func TestEvalplusLabel(t *testing.T) {
	assert.Equal(t, "llama3_70b", evalplusLabel("x/llama3_70b_eval_results.json"))
	assert.Equal(t, "gpt-4_temp_0.0", evalplusLabel("runs/gpt-4_temp_0.0/eval_results.json"))
	assert.Equal(t, "eval_results", evalplusLabel("eval_results.json"))
	assert.Equal(t, "samples", evalplusLabel("samples_eval_results.json"))
}

func TestEvalplusErrors(t *testing.T) {
	const head = `{"date": "d", "hash": "h", "eval": {` + "\n"
	sample := func(base, plus string) string {
		return `{"task_id": "HumanEval/0", "solution": "", "base_status": ` + base + `, "plus_status": ` + plus + `}`
	}
	tests := []struct {
		data string
		opt  *Options
		want string
	}{
		{head + `"HumanEval/0": [` + sample(`"pass"`, `"maybe"`) + `]}}`, nil,
			`e.json:2:98: task "HumanEval/0" sample 0: plus_status is "maybe", expected "pass", "fail" or "timeout"`},
		{head + `"HumanEval/0": [` + sample(`"ok"`, `"pass"`) + `]}}`, nil,
			`e.json:2:17: task "HumanEval/0" sample 0: base_status is "ok", expected "pass", "fail" or "timeout"`},
		{head + `"HumanEval/0": [` + sample(`7`, `"pass"`) + `]}}`, nil,
			`e.json:2:75: base_status is the number "7", expected a string`},
		{head + `"HumanEval/0": [{"task_id": "HumanEval/0"}]}}`, nil,
			`e.json:2:17: task "HumanEval/0" sample 0 has no base_status, expected "pass" or "fail"`},
		{head + `"HumanEval/0": [` + sample(`"pass"`, `null`) + `]}}`, &Options{Variant: "plus"},
			`e.json:2:17: task "HumanEval/0" sample 0 has no plus_status (a --base-only run?), expected them to read the plus variant; read the base variant instead`},
		{head + `"HumanEval/0": [` + sample(`"pass"`, `"pass"`) + ",\n" + sample(`"pass"`, `null`) + `]}}`, nil,
			`e.json:3:1: task "HumanEval/0" sample 1 has no plus_status, expected them as earlier tasks have`},
		{head + `"HumanEval/0": [` + sample(`"pass"`, `null`) + ",\n" + sample(`"pass"`, `"fail"`) + `]}}`, nil,
			`e.json:3:1: task "HumanEval/0" sample 1 has plus_status, expected none as earlier tasks have none (a --base-only run)`},
		{head + `"HumanEval/0": 3}}`, nil,
			`e.json:2:16: task "HumanEval/0": results are the number "3", expected a list of samples or {"nfiles", "base", "plus"}`},
		{head + `"HumanEval/0": {"nfiles": 2, "base": [["success", []]], "plus": []}}}`, nil,
			`e.json:2:27: task "HumanEval/0": nfiles = 2 but base has 1 results, expected one per sample`},
		{head + `"HumanEval/0": {"nfiles": 1, "base": [["success", []]], "plus": [["success"], ["failed"]]}}}`, nil,
			`e.json:2:16: task "HumanEval/0": plus has 2 results and base 1, expected one each per sample`},
		{head + `"HumanEval/0": {"nfiles": 1, "base": [[]]}}}`, nil,
			`e.json:2:39: task "HumanEval/0": base[0] is an empty list, expected [status, details]`},
		{head + `"HumanEval/0": {"nfiles": 1, "base": [[true, []]]}}}`, nil,
			`e.json:2:40: task "HumanEval/0": base[0] is true, expected a status or [status, details]`},
		{head + `"HumanEval/0": {"nfiles": 1, "plus": []}}}`, nil,
			`e.json:2:16: task "HumanEval/0" has no "base" results, expected a list of [status, details]`},
		{head + `"HumanEval/0": {"nfiles": -1, "base": []}}}`, nil,
			`e.json:2:27: task "HumanEval/0": nfiles is the number "-1", expected a whole number ≥ 0`},
		{head + `"HumanEval/0": {"nfiles": 0, "base": []}}}`, nil,
			`e.json:2:16: problem "HumanEval/0": n = 0, expected n ≥ 1`},
		{head + `"HumanEval/0": [` + sample(`"pass"`, `"pass"`) + `], "HumanEval/0": []}}`, nil,
			`e.json:2:123: task "HumanEval/0" has no samples, expected at least one`},
		{head + `"HumanEval/0": [` + sample(`"pass"`, `"pass"`) + "],\n" + `"HumanEval/0": [` + sample(`"pass"`, `"pass"`) + `]}}`, nil,
			`e.json:3:17: problem "HumanEval/0": sample 0 given twice, expected each sample once`},
		{head + `"HumanEval/0": {"nfiles": 1, "base": ["pass"]},` + "\n" + `"HumanEval/0": {"nfiles": 1, "base": ["fail"]}}}`, nil,
			`e.json:3:16: problem "HumanEval/0" given again (first at e.json:2:16), expected each problem once`},
		{`{"date": "d", "hash": "h", "eval": []}`, nil,
			`e.json:1:36: eval is an array, expected an object mapping task ids to results`},
		{`{"date": "d", "hash": "h", "eval": {}}`, nil,
			`e.json: no tasks found, expected "eval" mapping task ids to results`},
		{`{"date": "d", "hash": "h", "eval": {"HumanEval/0": [` + sample(`"pass"`, `"pass"`) + `]}`, nil,
			`e.json:1:143: found end of input, expected ',' or '}'`},
		{`["HumanEval/0"]`, &Options{Format: "evalplus"},
			`e.json:1:1: found an array, expected an evalplus eval_results.json (a JSON object with "eval")`},
		{`{"eval": {}}`, &Options{Variant: "both", Format: "evalplus"},
			`e.json: unknown evalplus variant "both", expected "base" or "plus"`},
	}
	for _, tt := range tests {
		_, err := fxReadString(tt.data, "e.json", tt.opt)
		if assert.Error(t, err, tt.want) {
			assert.Equal(t, tt.want, err.Error())
			fxCheckError(t, err, "e.json")
		}
	}
}

func TestEvalplusDetect(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{`{"date": "2024", "hash": "h", "eval": {}}`, true},
		{`{"eval": {"HumanEval/0": [{"task_id": "HumanEval/0", "base_status": "pass"}]}}`, true},
		{`{"eval": {"HumanEval/0": {"nfiles": 1, "base": []}}}`, true},
		{`{"HumanEval/0": {"nfiles": 1, "base": [], "plus": []}}`, true},
		{`{"version": 2, "status": "success", "eval": {}}`, false},
		{`{"eval": {"x": 1}}`, false},
		{`{"task_id": "HumanEval/0", "base_status": "pass"}`, false},
	} {
		assert.Equal(t, tt.want, sniffEvalplus(&Head{Name: "x.json", Bytes: []byte(tt.head)}), tt.head)
	}
}

func FuzzEvalplus(f *testing.F) {
	for _, name := range []string{"evalplus/old_layout_eval_results.json", "evalplus/mbpp_base_only_eval_results.json", "evalplus/ragged_eval_results.json"} {
		f.Add(fxFile(f, name))
	}
	f.Add([]byte(`{"HumanEval/0": {"files": ["a", "b"], "base": ["success", "failed"], "plus": ["success", "success"]}}`))
	fuzzAddFiles(f, fuzzHostile("evalplus_"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, variant := range []string{"", "base", "plus"} {
			_, err := Read(bytes.NewReader(data), "fuzz.json", &Options{Format: "evalplus", Variant: variant})
			fxCheckError(t, err, "fuzz.json")
		}
	})
}
