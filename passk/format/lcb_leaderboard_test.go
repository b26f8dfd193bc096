package format

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Check values from testdata/lcb-leaderboard/PROVENANCE.md: the
// leaderboard's published mean pass@1 with n = 10.
func TestLCBLeaderboardFixture(t *testing.T) {
	f := fxRead(t, "lcb-leaderboard/leaderboard_2024_02_26.json", &Options{N: 10})
	assert.Equal(t, "lcb-leaderboard", f.Format)
	assert.Len(t, f.Models, 16)
	for label, want := range map[string]float64{
		"DSCoder-33b-Ins":  0.3298,
		"GPT-4-Turbo-1106": 0.4163,
		"Cllama-7b-Ins":    0.1034,
	} {
		m := fxModel(t, f, label)
		assert.Len(t, m.Problems, 349, label)
		assert.InDelta(t, want, fxMeanPassAt1(m), 0.00005, label) // published to 0.01%
		lo, hi := m.NRange()
		assert.Equal(t, [2]int{10, 10}, [2]int{lo, hi}, label)
	}
	assert.Len(t, fxModel(t, f, "Claude-Instant-1").Problems, 348)
	assert.Equal(t, fxNC{10, 1}, fxTallies(f)["DSCoder-33b-Ins"]["1873_B"]) // "pass@1": 10

	_, err := ReadFile(fxDir+"/lcb-leaderboard/leaderboard_2024_02_26.json", nil)
	assert.EqualError(t, err, fxDir+"/lcb-leaderboard/leaderboard_2024_02_26.json: a LiveCodeBench leaderboard gives pass@1 as a percentage of n samples per problem but does not store n; give n with --n (e.g. --n 10)")

	// With the wrong n the percentages are not whole numbers of samples.
	_, err = ReadFile(fxDir+"/lcb-leaderboard/leaderboard_2024_02_26.json", &Options{N: 4})
	assert.EqualError(t, err, fxDir+`/lcb-leaderboard/leaderboard_2024_02_26.json:16:23: question "1873_B", model "DSCoder-33b-Ins": pass@1 = 10 is not a whole number of 4 samples (0.4 of them), expected a multiple of 100/n = 25; is n = 4 right? (--n)`)
}

// n from the file name; see testdata/lcb-leaderboard/PROVENANCE.md.
func TestLCBLeaderboardHandmade(t *testing.T) {
	f := fxRead(t, "lcb-leaderboard/Scenario.codegeneration_3_0.2_leaderboard.json", nil)
	assert.Equal(t, "lcb-leaderboard", f.Format)
	assert.Equal(t, map[string]map[string]fxNC{
		"M1": {"abc301_a": {3, 0}, "3000": {3, 1}},
		"M2": {"abc301_a": {3, 2}, "3000": {3, 3}, "ü-1": {3, 1}},
	}, fxTallies(f))

	// Options.N wins over the name: 33.33% of 6 is not whole.
	_, err := ReadFile(fxDir+"/lcb-leaderboard/Scenario.codegeneration_3_0.2_leaderboard.json", &Options{N: 5})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `:4:97: question "3000", model "M1": pass@1 = 33.33 is not a whole number of 5 samples (1.666 of them)`)
}

func TestLCBLeaderboardN(t *testing.T) {
	n, ok := lcbN("dir/Scenario.codegeneration_10_0.2_eval_all.json", &Options{})
	assert.Equal(t, 10, n)
	assert.True(t, ok)
	n, ok = lcbN("codegeneration_10_0.2.json", &Options{N: 5})
	assert.Equal(t, 5, n)
	assert.True(t, ok)
	_, ok = lcbN("2024_02_26.json", &Options{})
	assert.False(t, ok)
	_, ok = lcbN("codegeneration_0_0.2.json", &Options{})
	assert.False(t, ok)
}

func TestLCBLeaderboardErrors(t *testing.T) {
	const head = `{"performances": [` + "\n"
	opt := &Options{N: 10, Format: "lcb-leaderboard"}
	tests := []struct {
		data string
		opt  *Options
		want string
	}{
		{head + `{"question_id": "q", "model": "m", "pass@1": 15}]}`, opt,
			`l.json:2:46: question "q", model "m": pass@1 = 15 is not a whole number of 10 samples (1.5 of them), expected a multiple of 100/n = 10; is n = 10 right? (--n)`},
		{head + `{"question_id": "q", "model": "m", "pass@1": 101}]}`, opt,
			`l.json:2:46: pass@1 is the number "101", expected a percentage (a number from 0 to 100)`},
		{head + `{"question_id": "q", "model": "m", "pass@1": "10"}]}`, opt,
			`l.json:2:46: pass@1 is the string "10", expected a percentage (a number from 0 to 100)`},
		{head + `{"question_id": "q", "model": "m"}]}`, opt,
			`l.json:2:1: performances[0] (question "q", model "m") has no pass@1, expected a percentage`},
		{head + `{"model": "m", "pass@1": 10}]}`, opt,
			`l.json:2:1: performances[0] has no question_id, expected one in every row`},
		{head + `{"question_id": "q", "pass@1": 10}]}`, opt,
			`l.json:2:1: performances[0] (question "q") has no model, expected one in every row`},
		{head + `{"question_id": null, "model": "m", "pass@1": 10}]}`, opt,
			`l.json:2:17: question_id is null, expected a string or a number`},
		{head + `{"question_id": "q", "model": 3, "pass@1": 10}]}`, opt,
			`l.json:2:31: model is the number "3", expected a string`},
		{head + `{"question_id": "q", "model": "m", "pass@1": 10},` + "\n" + `{"question_id": "q", "model": "m", "pass@1": 20}]}`, opt,
			`l.json:3:1: problem "q" given again (first at l.json:2:1), expected each problem once`},
		{head + `7]}`, opt,
			`l.json:2:1: performances[0] is the number "7", expected an object`},
		{`{"performances": {}}`, opt,
			`l.json:1:18: performances is an object, expected an array of {question_id, model, pass@1}`},
		{`{"performances": []}`, opt,
			`l.json: no performances found, expected "performances": [{"question_id", "model", "pass@1"}, ...]`},
		{head + `{"question_id": "q", "model": "m", "pass@1": 10}`, opt,
			`l.json:2:49: found end of input, expected ',' or ']'`},
		{`[]`, &Options{N: 10, Format: "lcb-leaderboard"},
			`l.json:1:1: found an array, expected a LiveCodeBench leaderboard (a JSON object with "performances")`},
	}
	for _, tt := range tests {
		_, err := fxReadString(tt.data, "l.json", tt.opt)
		if assert.Error(t, err, tt.want) {
			assert.Equal(t, tt.want, err.Error())
			fxCheckError(t, err, "l.json")
		}
	}
}

func TestLCBLeaderboardDetect(t *testing.T) {
	assert.True(t, sniffLCBLeaderboard(&Head{Bytes: fxFile(t, "lcb-leaderboard/leaderboard_2024_02_26.json")[:headSize]}))
	assert.False(t, sniffLCBLeaderboard(&Head{Bytes: []byte(`[{"question_id": "1", "graded_list": [true]}]`)}))
	assert.False(t, sniffLCBLeaderboard(&Head{Bytes: []byte(`{"performances": 3}`)}))
}

func FuzzLCBLeaderboard(f *testing.F) {
	f.Add(fxFile(f, "lcb-leaderboard/Scenario.codegeneration_3_0.2_leaderboard.json"))
	f.Add([]byte(`{"performances": [{"question_id": 1, "model": "m", "pass@1": 1e2}], "models": []}`))
	fuzzAddFiles(f, fuzzHostile("lcbboard_"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Read(bytes.NewReader(data), "fuzz.json", &Options{Format: "lcb-leaderboard", N: 3})
		fxCheckError(t, err, "fuzz.json")
	})
}
