package format

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

// fxMember is one member of a generated zip archive.
type fxMember struct {
	name, body string
	stored     bool // store it uncompressed
}

// fxZip builds a zip archive of members, in order.
func fxZip(t testing.TB, members ...fxMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		if m.stored {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write([]byte(m.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// fxSample is a sample member's text.
func fxSample(id string, epoch int, scores string) fxMember {
	name := "samples/" + strings.Trim(id, `"`) + "_epoch_" + string(rune('0'+epoch)) + ".json"
	return fxMember{name: name, body: `{"id": ` + id + `, "epoch": ` + string(rune('0'+epoch)) + `, "scores": ` + scores + `}`}
}

var fxHeader = fxMember{name: "header.json", body: `{"version": 2, "status": "success", "eval": {"model": "mock/m", "config": {}}}`}

// Check values from testdata/inspect/PROVENANCE.md (the logs' own metrics).
func TestInspectFixtures(t *testing.T) {
	t.Run("epochs2.eval", func(t *testing.T) {
		f := fxRead(t, "inspect/epochs2.eval", nil)
		assert.Equal(t, "inspect", f.Format)
		require.Len(t, f.Models, 1)
		m := f.Models[0]
		assert.Equal(t, "azureai/Meta-Llama-3-1-405B-Instruct-jqf", m.Label)
		assert.Equal(t, map[string]fxNC{"1": {2, 1}, "2": {2, 2}}, fxTallies(f)[m.Label])
		assert.InDelta(t, 0.75, fxMeanPassAt1(m), 1e-12) // the log's accuracy
		assert.InDelta(t, 1.0, fxMeanPassAt2(m), 1e-12)
		// Problems in order of id; answers from scores.match.answer.
		assert.Equal(t, "1", m.Problems[0].ID)
		assert.Equal(t, []passk.Answer{{Text: "No", Count: 1}, {Text: "Yes.", Count: 1, Correct: true}}, m.Problems[0].Answers)
	})
	t.Run("popularity.json", func(t *testing.T) {
		f := fxRead(t, "inspect/popularity.json", nil)
		assert.Equal(t, "inspect", f.Format)
		require.Len(t, f.Models, 1)
		m := f.Models[0]
		assert.Equal(t, "openai/gpt-4o-mini", m.Label)
		assert.Equal(t, map[string]fxNC{"1": {1, 1}, "2": {1, 1}, "3": {1, 0}}, fxTallies(f)[m.Label])
		assert.InDelta(t, 2.0/3, fxMeanPassAt1(m), 1e-12)
	})
	t.Run("popularity.eval", func(t *testing.T) {
		f := fxRead(t, "inspect/popularity.eval", nil)
		require.Len(t, f.Models, 1)
		m := f.Models[0]
		assert.Equal(t, "openai/gpt-4o-mini", m.Label)
		require.Len(t, m.Problems, 10)
		want := map[string]fxNC{}
		for i := 1; i <= 10; i++ {
			id := string(rune('0' + i))
			if i == 10 {
				id = "10"
			}
			want[id] = fxNC{1, 1}
		}
		want["3"], want["7"] = fxNC{1, 0}, fxNC{1, 0}
		assert.Equal(t, want, fxTallies(f)[m.Label])
		assert.InDelta(t, 0.8, fxMeanPassAt1(m), 1e-12)
		assert.Equal(t, "10", m.Problems[9].ID, "ids sort by number")
	})
}

// Records carry the position of their sample: the archive member of a
// .eval, the line and column of a .json log's sample.
func TestInspectRecordPositions(t *testing.T) {
	r := NewReader(bytes.NewReader(fxFile(t, "inspect/epochs2.eval")), "epochs2.eval", nil)
	var got []string
	for r.Scan() {
		rec := r.Result()
		got = append(got, rec.Problem+"@"+strconv.Itoa(rec.Sample)+" "+rec.Pos.String())
	}
	require.NoError(t, r.Err())
	assert.Equal(t, []string{
		"1@1 epochs2.eval!samples/1_epoch_1.json:1:1",
		"1@2 epochs2.eval!samples/1_epoch_2.json:1:1",
		"2@1 epochs2.eval!samples/2_epoch_1.json:1:1",
		"2@2 epochs2.eval!samples/2_epoch_2.json:1:1",
	}, got)

	r = NewReader(bytes.NewReader(fxFile(t, "inspect/multi_scorer.json")), "multi_scorer.json", &Options{Scorer: "match"})
	require.True(t, r.Scan())
	assert.Equal(t, "multi_scorer.json:12:5", r.Result().Pos.String())
	assert.Equal(t, "mock/model", r.Result().Model)
}

// A byte-order mark, and samples before eval (the model is then unknown,
// and the file names it).
func TestInspectJSONOddities(t *testing.T) {
	f, err := fxReadString("\xef\xbb\xbf"+`{"version": 2, "status": "success", "samples": [{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}], "eval": {"model": "late"}}`, "odd.json", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]map[string]fxNC{"odd": {"1": {1, 1}}}, fxTallies(f))

	_, err = fxReadString("\xef\xbb\xbf"+`{"version": 2, "status": "success", "samples": [{"id": 1, "epoch": 1, "scores": {"s": {"value": "Z"}}}]}`, "odd.json", nil)
	assert.EqualError(t, err, `odd.json:1:97: score "s" is the string "Z", expected "C", "I", "P", "N", a bool or a number in [0, 1]`)
}

// A .eval read without random access (a stream, a gzip-compressed file)
// is buffered and read the same.
func TestInspectEvalWithoutReaderAt(t *testing.T) {
	raw := fxFile(t, "inspect/epochs2.eval")
	want := fxTallies(fxRead(t, "inspect/epochs2.eval", nil))

	f, err := Read(fxStream{bytes.NewReader(raw)}, "epochs2.eval", nil)
	require.NoError(t, err)
	assert.Equal(t, want, fxTallies(f))

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(raw)
	require.NoError(t, zw.Close())
	f, err = Read(bytes.NewReader(gz.Bytes()), "epochs2.eval.gz", nil)
	require.NoError(t, err)
	assert.Equal(t, "inspect", f.Format)
	assert.Equal(t, want, fxTallies(f))

	old := inspectMaxZipBuffer
	inspectMaxZipBuffer = 4096
	defer func() { inspectMaxZipBuffer = old }()
	_, err = Read(fxStream{bytes.NewReader(raw)}, "epochs2.eval", nil)
	assert.EqualError(t, err, "epochs2.eval: too large: a zip archive read from a stream or a compressed file must fit in 4096 bytes of memory (zip is read from its end); decompress it, or open it as a file")
	assert.ErrorIs(t, err, ErrTooLarge)
}

// Hand-made logs: see testdata/inspect/PROVENANCE.md for the expected values.
func TestInspectHandmade(t *testing.T) {
	f := fxRead(t, "inspect/multi_scorer.json", nil)
	assert.Equal(t, map[string]map[string]fxNC{
		"mock/model/match":    {"a-1": {3, 1}, "2": {1, 0}, "問題3": {1, 1}},
		"mock/model/includes": {"a-1": {3, 2}, "2": {1, 0}, "問題3": {1, 1}},
	}, fxTallies(f))
	match := fxModel(t, f, "mock/model/match")
	assert.Equal(t, []passk.Answer{{Text: "4", Count: 2, Correct: true}, {Text: "5", Count: 1}}, match.Problems[0].Answers)
	assert.Empty(t, match.Problems[1].Answers, "a null answer is no answer")

	f = fxRead(t, "inspect/multi_scorer.json", &Options{Threshold: 0.5})
	assert.Equal(t, fxNC{3, 2}, fxTallies(f)["mock/model/match"]["a-1"], "P = 0.5 reaches 0.5")
	assert.Equal(t, fxNC{3, 3}, fxTallies(f)["mock/model/includes"]["a-1"])

	f = fxRead(t, "inspect/multi_scorer.json", &Options{Scorer: "includes"})
	assert.Equal(t, map[string]map[string]fxNC{
		"mock/model": {"a-1": {3, 2}, "2": {1, 0}, "問題3": {1, 1}},
	}, fxTallies(f))

	f = fxRead(t, "inspect/multi_scorer.json", &Options{Label: "mine"})
	assert.ElementsMatch(t, []string{"mine/match", "mine/includes"}, []string{f.Models[0].Label, f.Models[1].Label})

	f = fxRead(t, "inspect/dict_value.json", nil)
	assert.Equal(t, map[string]map[string]fxNC{
		"mock/model/grade/accuracy": {"1": {2, 1}},
		"mock/model/grade/partial":  {"1": {2, 1}},
	}, fxTallies(f))
}

// Generated archives: a log still being written (only _journal/start.json),
// string and number ids, a stored member, several scorers.
func TestInspectEvalGenerated(t *testing.T) {
	data := fxZip(t,
		fxMember{name: "_journal/start.json", body: `{"version": 2, "eval": {"model": "mock/journal"}, "plan": {}}`},
		fxSample(`"b"`, 1, `{"s": {"value": "C"}, "t": {"value": 0}}`),
		fxSample(`"10"`, 1, `{"s": {"value": "I"}, "t": {"value": 1}}`),
		fxSample(`"a"`, 2, `{"s": {"value": true}, "t": {"value": 1.0}}`),
		fxMember{name: "samples/a_epoch_1.json", body: `{"id": "a", "epoch": 1, "scores": {"t": {"value": "yes"}, "s": {"value": "P"}}}`, stored: true},
		fxSample(`9`, 1, `{"s": {"value": "N"}, "t": {"value": "no"}}`),
		fxMember{name: "summaries.json", body: `[{"id": "ignored"}]`},
		fxMember{name: "samples/", body: ""},
	)
	f, err := Read(bytes.NewReader(data), "run.eval", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]map[string]fxNC{
		"mock/journal/s": {"9": {1, 0}, "10": {1, 0}, "a": {2, 1}, "b": {1, 1}},
		"mock/journal/t": {"9": {1, 0}, "10": {1, 1}, "a": {2, 2}, "b": {1, 0}},
	}, fxTallies(f))
	var ids []string
	for _, p := range f.Models[0].Problems {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"9", "10", "a", "b"}, ids, "numbers first, by value")
}

func TestInspectErrors(t *testing.T) {
	const head = `{"version": 2, "status": "success", "eval": {"model": "m"},` + "\n" + ` "samples": [`
	sample := func(id string, epoch int, value string) string {
		return `{"id": ` + id + `, "epoch": ` + string(rune('0'+epoch)) + `, "scores": {"s": {"value": ` + value + `}}}`
	}
	tests := []struct {
		name, data string
		opt        *Options
		want       string
	}{
		{"a.json", head + sample("1", 1, `"X"`) + `]}`, nil,
			`a.json:2:62: score "s" is the string "X", expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{"a.json", head + sample("1", 1, `3`) + `]}`, nil,
			`a.json:2:62: score "s" is the number "3", outside [0, 1]; expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{"a.json", head + sample("1", 1, `null`) + `]}`, nil,
			`a.json:2:62: score "s" is null, expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{"a.json", head + sample("1", 1, `[1]`) + `]}`, nil,
			`a.json:2:62: score "s" is an array, expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + sample("1", 1, `1`) + `]}`, nil,
			`a.json:3:1: problem "1": sample 1 given twice, expected each sample once`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + `{"id": 1, "epoch": 2, "scores": {"t": {"value": 1}}}]}`, nil,
			`a.json:3:1: sample "1" (epoch 2): scorer "t" is not in the first scored sample, expected the scorers "s"`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + `{"id": 1, "epoch": 2, "scores": {}}]}`, nil,
			`a.json:3:1: sample "1" (epoch 2) has no scores, expected scores.<scorer>.value`},
		{"a.json", head + `{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}, "t": {"value": 1}}},` + "\n" + sample("1", 2, `1`) + `]}`, nil,
			`a.json:3:1: sample "1" (epoch 2) has no score for scorer "t", expected every sample scored by "s", "t"`},
		{"a.json", head + `{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}, "s": {"value": 0}}}]}`, nil,
			`a.json:2:14: sample "1" (epoch 1): scorer "s" given twice, expected each scorer once`},
		{"a.json", head + sample("1", 1, `1`) + `]}`, &Options{Scorer: "x"},
			`a.json: no scorer "x" in this log; its scorers are "s"`},
		{"a.json", head + `{"epoch": 1, "scores": {"s": {"value": 1}}}]}`, nil,
			`a.json:2:14: sample has no id, expected an "id"`},
		{"a.json", head + `{"id": [1], "epoch": 1}]}`, nil,
			`a.json:2:21: the sample's id is an array, expected a string or a number`},
		{"a.json", head + `{"id": 1, "epoch": 1.5}]}`, nil,
			`a.json:2:33: epoch is the number "1.5", expected a whole number ≥ 0`},
		{"a.json", head + `{"id": 1, "epoch": 1, "scores": {"s": {"answer": "x"}}}]}`, nil,
			`a.json:2:14: score "s" has no value, expected scores.s.value`},
		{"a.json", head + `{"id": 1, "epoch": 1, "scores": [1]}]}`, nil,
			`a.json:2:46: scores is an array, expected an object of scorer: score`},
		{"a.json", head + `7]}`, nil,
			`a.json:2:14: the sample is the number "7", expected an object`},
		{"a.json", `{"version": 2, "status": "success", "samples": {}}`, nil,
			`a.json:1:48: samples is an object, expected an array of samples`},
		{"a.json", `{"version": 2, "status": "success", "eval": {}}`, nil,
			`a.json: the log has no samples, expected a "samples" array (was it written with log_samples=False?)`},
		{"a.json", `{"version": 2, "status": "success", "eval": {"model": 7}, "samples": []}`, nil,
			`a.json:1:55: eval.model is the number "7", expected a string`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + `{"id": 1, "epoch": 2, "scores": {"s": {"value": 1}}, ]}`, nil,
			`a.json:3:54: found ']', expected a string key`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + sample("1", 2, `tru`) + `]}`, nil,
			`a.json:3:49: found "tru}", expected true`},
		{"a.json", head + sample("1", 1, `1`) + ",\n" + `{"id": 1, "epoch": 2, "messages": [{"a": [1, 2,]}], "scores": {}}]}`, nil,
			`a.json:3:48: found ']', expected a value`},
		{"a.json", head + sample("1", 1, `1`), nil,
			`a.json:2:66: found end of input, expected ',' or ']'`},
		{"a.json", head + sample("1", 1, `1`) + "]}\n x", nil,
			`a.json:3:2: found more data after the end of the JSON document, expected the end of the file`},
		{"a.json", `[{"version": 2}]`, &Options{Format: "inspect"},
			`a.json:1:1: found an array, expected an Inspect log (a JSON object with keys version, status, eval, samples)`},
		{"a.eval", string(fxZip(t, fxHeader, fxMember{name: "samples/1_epoch_1.json", body: "{\"id\": 1,\n \"epoch\": 1, \"scores\": {\"s\": {\"value\": \"C\"}}"})), nil,
			`a.eval!samples/1_epoch_1.json:2:45: found end of input, expected ',' or '}'`},
		{"a.eval", string(fxZip(t, fxHeader, fxMember{name: "samples/1_epoch_1.json", body: "{\"id\": 1,\n \"epoch\": 1, \"scores\": {\"s\": {\"value\": \"Q\"}}}"})), nil,
			`a.eval!samples/1_epoch_1.json:2:40: score "s" is the string "Q", expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{"a.eval", string(fxZip(t, fxHeader, fxMember{name: "samples/1_epoch_1.json", body: `{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}}} {}`})), nil,
			`a.eval!samples/1_epoch_1.json:1:54: found more data after the end of the JSON document, expected the end of the file`},
		{"a.eval", string(fxZip(t, fxHeader, fxSample("1", 1, `{"s": {"value": 1}}`), fxMember{name: "samples/1_epoch_1b.json", body: `{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}}}`})), nil,
			`a.eval!samples/1_epoch_1b.json:1:1: problem "1": sample 1 given twice, expected each sample once`},
		{"a.eval", string(fxZip(t, fxMember{name: "header.json", body: `{"eval": [}`}, fxSample("1", 1, `{}`))), nil,
			`a.eval!header.json:1:10: eval is an array, expected an object`},
		{"a.eval", string(fxZip(t, fxMember{name: "header.json", body: "{\"eval\": {\n\"model\": }}"}, fxSample("1", 1, `{}`))), nil,
			`a.eval!header.json:2:10: found '}', expected a value`},
		{"a.eval", string(fxZip(t, fxHeader)), nil,
			`a.eval: the log has no samples/ members, expected one per sample (was it written with log_samples=False?)`},
		{"a.eval", string(fxZip(t, fxSample("1", 1, `{}`))), &Options{Format: "inspect"},
			`a.eval: a zip archive with no header.json or _journal/start.json, expected an Inspect .eval log`},
		{"a.eval", "PK\x03\x04garbage", nil,
			`a.eval: not a readable zip archive (zip: not a valid zip file), expected an Inspect .eval log`},
	}
	for _, tt := range tests {
		_, err := fxReadString(tt.data, tt.name, tt.opt)
		if assert.Error(t, err, tt.want) {
			assert.Equal(t, tt.want, err.Error())
			fxCheckError(t, err, tt.name)
		}
	}
}

// A member that says it expands more than MaxExpansion times its
// compressed size is refused before it is read.
func TestInspectEvalZipBomb(t *testing.T) {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	body := []byte(`{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}}}`)
	_, _ = fw.Write(body)
	_ = fw.Close()

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(fxHeader.name)
	require.NoError(t, err)
	_, _ = w.Write([]byte(fxHeader.body))
	raw, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "samples/1_epoch_1.json",
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(body),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: 1 << 40, // a lie, as a bomb would tell the truth
	})
	require.NoError(t, err)
	_, _ = raw.Write(comp.Bytes())
	require.NoError(t, zw.Close())

	_, err = Read(bytes.NewReader(buf.Bytes()), "bomb.eval", nil)
	require.Error(t, err)
	assert.Equal(t, "bomb.eval!samples/1_epoch_1.json: too large: the member expands to 1099511627776 bytes from "+
		strconv.Itoa(comp.Len())+", more than 1000 times its compressed size; refusing it as a decompression bomb", err.Error())
	assert.True(t, errors.Is(err, ErrTooLarge))

	// An honest bomb: 80 MiB of spaces deflate about 1028 to 1.
	big := fxZip(t, fxHeader, fxMember{name: "samples/1_epoch_1.json", body: `{"id": 1, "epoch": 1, "scores": {"s": {"value": 1}}}` + strings.Repeat(" ", 80<<20)})
	_, err = Read(bytes.NewReader(big), "bomb.eval", nil)
	require.Error(t, err)
	assert.Regexp(t, `^bomb\.eval!samples/1_epoch_1\.json: too large: the member expands to 83886132 bytes from [0-9]+, more than 1000 times its compressed size; refusing it as a decompression bomb$`, err.Error())
	assert.True(t, errors.Is(err, ErrTooLarge))
	// A larger bound lets it through: it is an (odd but) valid log.
	_, err = Read(bytes.NewReader(big), "bomb.eval", &Options{MaxExpansion: 2000})
	require.NoError(t, err)
}

// Detection: Inspect logs are told from other JSON and zip files.
func TestInspectDetect(t *testing.T) {
	for _, tt := range []struct {
		name, head string
		zip, want  bool
	}{
		{"x.json", `{"version": 2, "status": "success", "eval": {}}`, false, true},
		{"x.json", `{"eval": {"model": "m"}, "status": "started"}`, false, true},
		{"x.json", `{"date": "2024", "hash": "h", "eval": {}}`, false, false},
		{"x.json", `{"version": 1}`, false, false},
		{"x.jsonl", `{"version": 1, "status": "ok"}` + "\n" + `{"version": 1, "status": "ok"}`, false, false},
		{"x.eval", "PK\x03\x04", true, true},
		{"x.zip", "PK\x03\x04....header.json", true, true},
		{"x.zip", "PK\x03\x04....", true, false},
	} {
		assert.Equal(t, tt.want, sniffInspect(&Head{Name: tt.name, Bytes: []byte(tt.head), Zip: tt.zip}), "%s %s", tt.name, tt.head)
	}
}

func FuzzInspectJSON(f *testing.F) {
	for _, name := range []string{"inspect/popularity.json", "inspect/multi_scorer.json", "inspect/dict_value.json"} {
		f.Add(fxFile(f, name))
	}
	f.Add([]byte(`{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}]}`))
	f.Add([]byte(`{"samples": [{"id": "x", "epoch": 99999999999, "scores": {"s": {"value": {"a": 1}}}}]}`))
	fuzzAddFiles(f, fuzzHostile("inspect_*.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Read(bytes.NewReader(data), "fuzz.json", &Options{Format: "inspect"})
		fxCheckError(t, err, "fuzz.json")
	})
}

// FuzzInspectEvalMember fuzzes the text of one sample member of a .eval.
func FuzzInspectEvalMember(f *testing.F) {
	f.Add(`{"id": 1, "epoch": 1, "scores": {"s": {"value": "C", "answer": "x"}}}`)
	f.Add(`{"id": "a", "epoch": 2, "error": "boom", "scores": null}`)
	f.Add(`{"id": 1, "scores": {"s": {"value": {"a": 0.5, "b": "P"}}}}`)
	f.Add(`{"id": 1, "epoch": 1, "scores": {"s": {"value": 1e400}}}`)
	f.Fuzz(func(t *testing.T, member string) {
		data := fxZip(t, fxHeader, fxMember{name: "samples/1_epoch_1.json", body: member}, fxSample("1", 2, `{"s": {"value": 1}}`))
		_, err := Read(bytes.NewReader(data), "fuzz.eval", nil)
		fxCheckError(t, err, "fuzz.eval")
	})
}

// FuzzInspectEvalZip fuzzes whole archives.
func FuzzInspectEvalZip(f *testing.F) {
	f.Add(fxFile(f, "inspect/epochs2.eval"))
	f.Add(fxZip(f, fxHeader, fxSample("1", 1, `{"s": {"value": "C"}}`)))
	fuzzAddFiles(f, fuzzHostile("inspect_*.eval"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Read(bytes.NewReader(data), "fuzz.eval", &Options{Format: "inspect"})
		fxCheckError(t, err, "fuzz.eval")
	})
}

// Members decoded at once give the records and the first error that
// decoding them one by one gives: the error of the first bad member in
// order, even when a later one fails first.
func TestInspectEvalWorkers(t *testing.T) {
	// 24 problems × 3 epochs; cut makes the epoch-2 member of these ids
	// end early; any cut also gives problem 20 a scorer of another name.
	archive := func(cut ...int) []byte {
		ms := []fxMember{fxHeader}
		for id := 1; id <= 24; id++ {
			for e := 1; e <= 3; e++ {
				m := fxSample(strconv.Itoa(id), e, `{"s": {"value": `+strconv.Itoa((id+e)%2)+`}}`)
				if e == 2 && slices.Contains(cut, id) {
					m.body = m.body[:len(m.body)-2]
				}
				if id == 20 && len(cut) > 0 {
					m.body = strings.Replace(m.body, `"s"`, `"t"`, 1)
				}
				ms = append(ms, m)
			}
		}
		return fxZip(t, ms...)
	}
	defer func(old func() int) { inspectWorkers = old }(inspectWorkers)
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{archive(), ""},
		{archive(7), `w.eval!samples/7_epoch_2.json:1:51: found end of input, expected ',' or '}'`},
		{archive(15, 3), `w.eval!samples/3_epoch_2.json:1:51: found end of input, expected ',' or '}'`},
		{archive(22), `w.eval!samples/20_epoch_1.json:1:1: sample "20" (epoch 1): scorer "t" is not in the first scored sample, expected the scorers "s"`},
	} {
		var first map[string]map[string]fxNC
		for _, workers := range []int{1, 2, 5} {
			inspectWorkers = func() int { return workers }
			f, err := Read(bytes.NewReader(tc.data), "w.eval", nil)
			if tc.want != "" {
				if assert.Error(t, err, "%d workers", workers) {
					assert.Equal(t, tc.want, err.Error(), "%d workers", workers)
				}
				continue
			}
			require.NoError(t, err)
			got := fxTallies(f)
			assert.Len(t, got["mock/m"], 24)
			if first == nil {
				first = got
			}
			assert.Equal(t, first, got, "%d workers", workers)
		}
	}
}
