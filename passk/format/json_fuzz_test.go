package format

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"testing/iotest"
)

// fuzzMaxSeed bounds the size of a file used as a fuzz seed: the mutator
// works best on small inputs.
const fuzzMaxSeed = 4 << 10

// fuzzAddFiles seeds f with the files matching the glob patterns (relative
// to the package directory) that are under fuzzMaxSeed bytes.
func fuzzAddFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatalf("bad pattern %q: %v", pattern, err)
		}
		for _, path := range files {
			if data, err := os.ReadFile(path); err == nil && len(data) < fuzzMaxSeed {
				f.Add(data)
			}
		}
	}
}

// jsRecordsFormats are the formats json.go reads, whose errors all have a
// line but for the few jsCheckError knows.
var jsRecordsFormats = map[string]bool{
	"jsonl": true, "human-eval": true, "qwen-math": true, "eval-arena": true,
	"monkeys": true, "tau-bench": true, "livecodebench": true, "lm-eval": true,
}

// fuzzHostile is the pattern of the hostile-corpus files starting with prefix.
func fuzzHostile(prefix string) string {
	return filepath.Join("testdata", "hostile", prefix+"*")
}

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
			if data, err := os.ReadFile(path); err == nil && len(data) < fuzzMaxSeed {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := Read(bytes.NewReader(in), "fuzz.jsonl", &Options{Format: format})
		if err != nil {
			// Detection may pick another format (an Inspect log, an
			// evalplus or leaderboard file): its own fuzz target checks
			// its errors in full, here it only has to name the file.
			if format == "" {
				rd := NewReader(bytes.NewReader(in), "fuzz.jsonl", nil)
				rd.Scan()
				if f := rd.Format(); f != nil && !jsRecordsFormats[f.Name] {
					fxCheckError(t, err, "fuzz.jsonl")
					return
				}
			}
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
	fuzzAddFiles(f, fuzzHostile("jsonl_"))
	jsFuzz(f, "jsonl", []string{"jsonl"},
		`{"problem": 1, "n": 10, "c": 3}`,
		`{"id": "a", "model": "m", "sample_id": 0, "correct": 0.5, "answer": "x"}`,
		`{"idx": 0, "results": [true, 0, 1], "pred": ["a", null, 3]}`,
		`[{"example_id": "q", "count": 3, "correct": 1}]`)
}

func FuzzJSONHumanEval(f *testing.F) {
	fuzzAddFiles(f, fuzzHostile("he_"))
	jsFuzz(f, "human-eval", []string{"human-eval"},
		`{"task_id": "HumanEval/0", "completion": "  return 1\n", "result": "passed", "passed": true}`+"\n"+
			`{"task_id": "HumanEval/0", "completion": "", "result": "failed: ", "passed": false}`)
}

func FuzzJSONQwenMath(f *testing.F) {
	fuzzAddFiles(f, fuzzHostile("qwen_"))
	jsFuzz(f, "qwen-math", nil, `{"idx": 0, "gt": "2", "pred": ["2", "3"], "score": [true, false]}`,
		// The keys of testdata/qwen-math/math_cot_100.jsonl, its long texts cut short.
		`{"idx": 0, "question": "What is $10\\cdot 6$?", "gt_cot": "\\boxed{60}", "gt": "60", "level": "Level 3", "code": ["x"], "pred": ["60", "60", "61"], "report": [null, null, null], "score": [true, true, false], "history": [], "pred_score": "[[3.5], [3.2], [1.0]]"}`+"\n"+
			`{"idx": 1, "gt": "\\frac{1}{2}", "pred": ["\\frac{1}{2}", ""], "report": [null, null], "score": [true, false]}`+"\n")
}

func FuzzJSONEvalArena(f *testing.F) {
	jsFuzz(f, "eval-arena", []string{"eval-arena"},
		`{"benchmark_id":"humaneval", "model":"m", "example_id":"HumanEval\/4", "pass1":1, "count": 2, "correct": 2}`)
}

func FuzzJSONMonkeys(f *testing.F) {
	jsFuzz(f, "monkeys", []string{"monkeys"}, `{"orig_dset_idx": 0, "is_corrects": [true, false]}`)
}

func FuzzJSONTauBench(f *testing.F) {
	fuzzAddFiles(f, fuzzHostile("tau_"))
	jsFuzz(f, "tau-bench", []string{"tau-bench"}, `[{"task_id": 0, "reward": 1.0, "info": {}, "traj": [], "trial": 0}]`)
}

func FuzzJSONLiveCodeBench(f *testing.F) {
	fuzzAddFiles(f, fuzzHostile("lcb_"))
	jsFuzz(f, "livecodebench", []string{"livecodebench"}, `[{"question_id": "1873_A", "graded_list": [true]}]`)
}

func FuzzJSONLMEval(f *testing.F) {
	jsFuzz(f, "lm-eval", []string{"lm-eval"}, `{"doc_id": 0, "resps": [["a"]], "filtered_resps": ["a"]}`)
}

// FuzzJSONDetect fuzzes detection and reading together, seeded with the
// JSON testdata and the whole hostile corpus (but its bombs).
func FuzzJSONDetect(f *testing.F) {
	fuzzAddFiles(f, fuzzHostile(""))
	jsFuzz(f, "", []string{"jsonl", "eval-arena", "monkeys", "tau-bench", "livecodebench", "lm-eval", "human-eval"},
		`{"task_id": "a", "passed": true}`, `[{"task_id": 1, "reward": 1, "trial": 0}]`, "\xef\xbb\xbf{\"id\": 1, \"correct\": 1}\r\n")
}

// FuzzGzip fuzzes the way a file arrives. Input that starts with the gzip
// magic goes through decompression as it is (a mutated stream, a bad
// checksum, a cut trailer): it reads or fails with a *SyntaxError naming
// the file. Any other input is also read gzip-compressed and from a stream
// that gives one byte at a time and no random access (as the browser's
// files): both must give exactly what reading it from memory gives, the
// same models or the same error.
func FuzzGzip(f *testing.F) {
	for _, pattern := range []string{
		filepath.Join(jsTestdata, "*", "*.json*"), filepath.Join(jsTestdata, "*", "*.csv"), filepath.Join(jsTestdata, "*", "*.tsv"),
		filepath.Join(jsTestdata, "*", "*.eval"), fuzzHostile(""),
	} {
		files, _ := filepath.Glob(pattern)
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil || len(data) >= fuzzMaxSeed || filepath.Ext(path) == ".want" {
				continue
			}
			f.Add(data)
			f.Add(fuzzGzipped(f, data))
		}
	}
	f.Add(fuzzGzipped(f, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.eval.gz" // an Inspect archive may be detected by its name
		file, err := Read(bytes.NewReader(data), name, nil)
		if err != nil {
			fxCheckError(t, err, name)
		} else {
			for _, m := range file.Models {
				if err := m.Validate(); err != nil {
					t.Fatalf("invalid model read: %v", err)
				}
			}
		}
		if bytes.HasPrefix(data, gzipMagic) {
			return
		}
		for _, way := range []struct {
			what string
			r    io.Reader
		}{
			{"gzip-compressed", bytes.NewReader(fuzzGzipped(t, data))},
			{"from a stream", iotest.OneByteReader(bytes.NewReader(data))},
		} {
			got, gotErr := Read(way.r, name, nil)
			switch {
			case (err == nil) != (gotErr == nil):
				t.Fatalf("read from memory: %v; read %s: %v", err, way.what, gotErr)
			case err != nil && err.Error() != gotErr.Error():
				t.Fatalf("read from memory: %v\nread %s: %v", err, way.what, gotErr)
			case err == nil && !reflect.DeepEqual(file, got):
				t.Fatalf("read from memory: %+v\nread %s: %+v", file, way.what, got)
			}
		}
	})
}

// fuzzGzipWriters keeps gzip writers for reuse: a new one allocates some
// 800 KB of compressor state, which made half the time of an exec of
// FuzzGzip (its seeds 20 times: 4.2-4.4 s with a new writer each, 1.9-2.8 s).
var fuzzGzipWriters sync.Pool

// fuzzGzipped returns data gzip-compressed.
func fuzzGzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := fuzzGzipWriters.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(&b)
	} else {
		zw.Reset(&b)
	}
	defer fuzzGzipWriters.Put(zw)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
