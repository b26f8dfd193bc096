package format

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

// Hand-made files: see testdata/counts-csv/PROVENANCE.md and
// testdata/samples-csv/PROVENANCE.md.
func TestCSVFiles(t *testing.T) {
	for _, tt := range []struct {
		file, format string
		opt          *Options
		want         map[string]map[string]fxNC
	}{
		{"counts-csv/ragged.csv", "counts-csv", nil, map[string]map[string]fxNC{
			"ragged": {"HumanEval/0": {10, 3}, "17": {5, 5}, "id, with comma": {8, 0}, "Ünïcödé-問題": {1, 1}, "0042": {4, 2}},
		}},
		{"counts-csv/models_bom_crlf.tsv", "counts-csv", nil, map[string]map[string]fxNC{
			"base": {"p1": {16, 4}, "p2": {16, 0}},
			"rl":   {"p1": {8, 8}, "p 2": {8, 1}},
		}},
		{"samples-csv/samples.csv", "samples-csv", nil, map[string]map[string]fxNC{
			"samples": {"HumanEval/0": {3, 2}, "HumanEval/1": {2, 0}, "ü,1": {1, 1}},
		}},
		{"samples-csv/scores_bom_crlf.tsv", "samples-csv", nil, map[string]map[string]fxNC{
			"a": {"1": {2, 1}, "2": {1, 0}},
			"b": {"1": {1, 1}, "2": {1, 0}},
		}},
		{"samples-csv/scores_bom_crlf.tsv", "samples-csv", &Options{Threshold: 0.5}, map[string]map[string]fxNC{
			"a": {"1": {2, 2}, "2": {1, 0}},
			"b": {"1": {1, 1}, "2": {1, 1}},
		}},
	} {
		f := fxRead(t, tt.file, tt.opt)
		assert.Equal(t, tt.format, f.Format, tt.file)
		assert.Equal(t, tt.want, fxTallies(f), tt.file)
	}

	f := fxRead(t, "counts-csv/ragged.csv", nil)
	var ids []string
	for _, p := range f.Models[0].Problems {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"HumanEval/0", "17", "id, with comma", "Ünïcödé-問題", "0042"}, ids, "file order")

	f = fxRead(t, "samples-csv/samples.csv", nil)
	m := f.Models[0]
	assert.Equal(t, []passk.Answer{{Text: "42", Count: 2, Correct: true}, {Text: "41", Count: 1}}, m.Problems[0].Answers)
	assert.Equal(t, []passk.Answer{{Text: "7", Count: 1}}, m.Problems[1].Answers, "an empty answer is no answer")
}

func TestCSVDetect(t *testing.T) {
	for _, tt := range []struct{ head, want string }{
		{"problem,n,c\n", "counts-csv"},
		{"task_id,n,correct\n", "counts-csv"},
		{"ID\tN\tNum_Correct\n", "counts-csv"},
		{" problem_id , n , c \n", "counts-csv"},
		{"\xef\xbb\xbfmodel,id,n,c\r\n", "counts-csv"},
		{"task_id,passed\n", "samples-csv"},
		{"id\tcorrect\tanswer\n", "samples-csv"},
		{"\"problem\",\"sample\",\"correct\"\n", "samples-csv"},
		{"problem,n,passed\n", ""},
		{"question,correct\n", ""},
		{"{\"id\": 1, \"correct\": true}\n", ""},
		{"[\"id\", \"correct\"]\n", ""},
		{"id,\"correct\n", ""},
	} {
		got := ""
		if hd := sniffCSVHeader(&Head{Bytes: []byte(tt.head)}); hd != nil {
			switch hd.kind {
			case csvCounts:
				got = "counts-csv"
			case csvSamples:
				got = "samples-csv"
			}
		}
		assert.Equal(t, tt.want, got, "%q", tt.head)
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name, data string
		opt        *Options
		want       string
	}{
		{"c.csv", "problem,n,c\np1,10,3\np2,10\n", nil,
			`c.csv:3: wrong number of fields: found 2, expected 3 as in the header`},
		{"c.csv", "problem,n,c\np1,ten,3\n", nil,
			`c.csv:2:4: n is "ten", expected a whole number`},
		{"c.csv", "problem,n,correct\np1,10,2.5\n", nil,
			`c.csv:2:7: correct is "2.5", expected a whole number`},
		{"c.csv", "problem,n,c\np1,10,11\n", nil,
			`c.csv:2: problem "p1": c = 11 with n = 10, expected 0 ≤ c ≤ n`},
		{"c.csv", "problem,n,c\np1,0,0\n", nil,
			`c.csv:2: problem "p1": n = 0, expected n ≥ 1`},
		{"c.csv", "problem,n,c\np1,-1,0\n", nil,
			`c.csv:2: problem "p1": n = -1, expected n ≥ 1`},
		{"c.csv", "problem,n,c\np1,10,3\n\np1,5,1\n", nil,
			`c.csv:4: problem "p1" given again (first at c.csv:2), expected each problem once`},
		{"c.csv", "problem,n,c\n,10,3\n", nil,
			`c.csv:2:1: empty problem id, expected one in column "problem"`},
		{"c.csv", "problem,n,c\np\"1,10,3\n", nil,
			`c.csv:2:2: bare " in non-quoted-field; expected quotes only around a whole field (and "" for a quote inside one)`},
		{"c.csv", "problem,n,c\n\"p1,10,3\n", nil,
			`c.csv:2:10: extraneous or missing " in quoted-field; expected a closing quote followed by a delimiter or the end of the line`},
		{"c.csv", "problem,n,c,n\np1,10,3,4\n", nil,
			`c.csv:1: column "n" appears twice in the header (columns 2 and 4), expected it once`},
		{"c.csv", "problem,n,c\n", nil,
			`c.csv: no results found, expected at least one problem`},
		{"c.csv", "problem,samples,wins\np1,10,3\n", &Options{Format: "counts-csv"},
			`c.csv:1: the header has columns "problem", "samples", "wins", expected an id column (problem, problem_id, task_id or id), n, and c (or num_correct, correct)`},
		{"c.tsv", "id\tpassed\nq1\tmaybe\n", nil,
			`c.tsv:2:4: passed is "maybe", expected true, false, 1, 0, yes, no or a score in [0, 1]`},
		{"c.tsv", "id\tpassed\nq1\t1.5\n", nil,
			`c.tsv:2:4: passed is "1.5", expected true, false, 1, 0, yes, no or a score in [0, 1]`},
		{"c.tsv", "id\tpassed\nq1\t\n", nil,
			`c.tsv:2:4: passed is "", expected true, false, 1, 0, yes, no or a score in [0, 1]`},
		{"c.csv", "id,sample,correct\nq1,0,1\nq1,0,0\n", nil,
			`c.csv:3: problem "q1": sample 0 given twice, expected each sample once`},
		{"c.csv", "id,trial,correct\nq1,-2,1\n", nil,
			`c.csv:2:4: trial is "-2", expected a whole number ≥ 0`},
		{"c.csv", "id,sample_id,correct\nq1,s1,1\n", nil,
			`c.csv:2:4: sample_id is "s1", expected a whole number ≥ 0`},
		{"c.csv", "id,sample,correct\nq1,99999999,1\n", nil,
			`c.csv:2: problem "q1": sample index 99999999, expected below 16777216`},
		{"c.csv", "id,correct\n", &Options{Format: "counts-csv"},
			`c.csv:1: the header has columns "id", "correct", expected an id column (problem, problem_id, task_id or id), n, and c (or num_correct, correct)`},
		{"c.csv", "id,n,c\n", &Options{Format: "samples-csv"},
			`c.csv:1: the header has columns "id", "n", "c", expected an id column (problem, problem_id, task_id or id) and correct (or passed), and no n`},
		{"c.csv", "problem,n,c\n\"p1\"x,1,1\n", nil,
			`c.csv:2:4: extraneous or missing " in quoted-field; expected a closing quote followed by a delimiter or the end of the line`},
		{"c.csv", "\n\n", &Options{Format: "samples-csv"},
			`c.csv: empty file, expected a header row`},
	}
	for _, tt := range tests {
		_, err := fxReadString(tt.data, tt.name, tt.opt)
		if assert.Error(t, err, tt.want) {
			assert.Equal(t, tt.want, err.Error())
			fxCheckError(t, err, tt.name)
		}
	}

	// encoding/csv's sentinel errors stay reachable.
	_, err := fxReadString("problem,n,c\np1,10\n", "c.csv", nil)
	assert.True(t, errors.Is(err, csv.ErrFieldCount))
	_, err = fxReadString("problem,n,c\np\"1,10,3\n", "c.csv", nil)
	assert.True(t, errors.Is(err, csv.ErrBareQuote))
}

func FuzzCSV(f *testing.F) {
	for _, name := range []string{"counts-csv/ragged.csv", "counts-csv/models_bom_crlf.tsv", "samples-csv/samples.csv", "samples-csv/scores_bom_crlf.tsv"} {
		f.Add(fxFile(f, name))
	}
	f.Add([]byte("id,correct\n\"a\"\"b\",yes\n"))
	fuzzAddFiles(f, fuzzHostile("counts_"), fuzzHostile("samples_"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"", "counts-csv", "samples-csv"} {
			file, err := Read(bytes.NewReader(data), "fuzz.csv", &Options{Format: format, Threshold: 0.5})
			fxCheckError(t, err, "fuzz.csv")
			if err == nil {
				for _, m := range file.Models {
					require.NoError(t, m.Validate())
				}
			}
		}
	})
}
