package format

// The hostile-input corpus (testdata/hostile/README.md): for every format,
// truncated files, decompression bombs, 100 MB lines, nesting 100,000 deep,
// NUL bytes, invalid UTF-8, out-of-range numbers, duplicate keys, 1 MB ids
// and millions of problems. Each case gets a clear positioned error or a
// correct result, within bounded memory and time. Small cases are files in
// testdata/hostile; big ones are generated here and streamed through a pipe
// (or a temporary file), never stored.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/passk/passk/internal/measure"
)

const hsDir = "testdata/hostile"

// hsCase is one hostile input and what reading it must give.
type hsCase struct {
	name string // a file in testdata/hostile, or a generated case's file name
	// gen writes a generated case's content; it is streamed to the reader
	// through an io.Pipe, or written to a temporary file when file is set
	// (zip archives need random access).
	gen  func(w io.Writer) error
	file bool
	opt  *Options
	// err is a substring of the error expected; "" expects a result.
	err    string
	noLine bool // the error is about the whole file: it has no line
	// want is the result expected, as hsSummary prints it; check, when
	// set, checks a result too large to print.
	want  string
	check func(t *testing.T, f *File)
	heap  uint64 // bound on the growth of the heap in use; 0 means 64 MiB
	short bool   // skipped under -short
}

const (
	hsMiB      = 1 << 20
	hsBig      = 100 * hsMiB // the length of a "100 MB single line"
	hsDeep     = 100000
	hsMillions = 2000000
)

func hsCases() []hsCase {
	return []hsCase{
		// --- truncated: every format cut in the middle
		{name: "jsonl_truncated.jsonl", err: `found end of input, expected '"' to close the string that starts at 2:21`},
		{name: "jsonl_truncated_string.jsonl", err: `found end of input, expected '"' to close the string`},
		{name: "he_truncated_results.jsonl", err: `found end of input, expected '"' to close the string`},
		{name: "qwen_truncated.jsonl", err: `found "fa" and the end of input, expected false`},
		{name: "lcb_truncated_eval_all.json", err: `found "tr" and the end of input, expected true`},
		{name: "lcb_unclosed_eval_all.json", err: `found end of input, expected ',' or ']'`},
		{name: "tau_truncated.json", err: `found end of input, expected '"' to close the string`},
		{name: "counts_truncated.csv", err: `wrong number of fields: found 2, expected 3 as in the header`},
		{name: "counts_truncated_quote.csv", err: `extraneous or missing " in quoted-field`},
		{name: "samples_truncated.tsv", err: `passed is "tr", expected true, false`},
		{name: "inspect_truncated.json", err: `found end of input, expected ':' after the object key`},
		{name: "inspect_truncated.eval", err: `not a readable zip archive (zip: not a valid zip file)`, noLine: true},
		{name: "inspect_truncated_member.eval", err: `!samples/1_epoch_1.json:1:44: found end of input`},
		{name: "evalplus_truncated.json", err: `found end of input, expected '"' to close the string`},
		{name: "lcbboard_truncated.json", opt: &Options{N: 10}, err: `found end of input`},

		// --- decompression bombs
		{name: "jsonl_bomb.jsonl.gz", err: "too large: gzip expands to more than 1000 times", noLine: true},
		{name: "samples_bomb.csv.gz", err: "too large: gzip expands to more than 1000 times", noLine: true},
		{name: "inspect_bomb.json.gz", err: "too large: gzip expands to more than 1000 times", noLine: true},
		{name: "inspect_bomb.eval", err: "!samples/1_epoch_1.json: too large: the member expands to", noLine: true},
		{name: "gen_gzip_10GiB.jsonl.gz", gen: hsGzipBomb(`{"problem_id": "a", "correct": true, "output": "`, 640),
			err: "too large: gzip expands to more than 1000 times", noLine: true},
		{name: "gen_zip_member_10GiB.eval", gen: hsZipBomb, file: true,
			err: "!samples/1_epoch_1.json: too large: the member expands to 10737418240 bytes", noLine: true},

		// --- 100 MB single lines: a skipped string streams through
		{name: "gen_100MB_line.jsonl", gen: hsBigLine(`{"problem_id": "a", "correct": true, "output": "`, `"}`+"\n"+`{"problem_id": "b", "correct": false}`+"\n"),
			want: `jsonl: gen_100MB_line: "a"=1/1 "b"=0/1`},
		{name: "gen_100MB_line_eval_all.json", gen: hsBigLine(`[{"question_id": "1", "code_list": ["`, `"], "graded_list": [true, false]}]`),
			want: `livecodebench: gen_100MB_line_eval_all: "1"=1/2`},
		{name: "gen_100MB_line.csv", gen: hsBigLine("problem,n,c,note\na,10,7,", "\n"),
			err: "line 2 is longer than", heap: 256 * hsMiB},
		{name: "gen_100MB_line.json", gen: hsBigLine(`{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [{"id": 1, "epoch": 1, "input": "`, `", "scores": {"s": {"value": "C"}}}]}`),
			want: `inspect: m: "1"=1/1`},
		{name: "gen_100MB_line_evalplus.json", gen: hsBigLine(`{"date": "d", "hash": "h", "eval": {"HumanEval/0": [{"task_id": "HumanEval/0", "solution": "`, `", "base_status": "pass", "plus_status": "fail"}]}}`),
			want: `evalplus: gen_100MB_line_evalplus/humaneval: "HumanEval/0"=1/1; gen_100MB_line_evalplus/humaneval+: "HumanEval/0"=0/1`},
		{name: "gen_100MB_line_lcbboard.json", opt: &Options{N: 10}, gen: hsBigLine(`{"performances": [{"question_id": "1", "model": "m", "note": "`, `", "pass@1": 50}]}`),
			want: `lcb-leaderboard: m: "1"=5/10`},
		{name: "gen_100MB_member.eval", file: true, gen: hsZip(zip.Store, hsMember{"samples/1_epoch_1.json", `{"id": 1, "epoch": 1, "input": "`, hsBig, `", "scores": {"s": {"value": "C"}}}`}),
			want: `inspect: mock/m: "1"=1/1`},

		// --- nesting 100,000 deep
		{name: "gen_deep.jsonl", gen: hsDeepGen(`{"problem_id": "a", "correct": true, "x": `, "}\n"), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_qwen.jsonl", gen: hsDeepGen(`{"idx": 0, "score": [true], "code": `, "}\n"), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_eval_all.json", gen: hsDeepGen(`[{"question_id": "1", "graded_list": [true], "x": `, "}]"), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_tau.json", gen: hsDeepGen(`[{"task_id": 0, "reward": 1, "trial": 0, "info": `, "}]"), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep.json", gen: hsDeepGen(`{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [{"id": 1, "epoch": 1, "metadata": `, `, "scores": {"s": {"value": "C"}}}]}`), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_evalplus.json", gen: hsDeepGen(`{"date": "d", "hash": "h", "eval": {"HumanEval/0": [{"task_id": "HumanEval/0", "x": `, `, "base_status": "pass"}]}}`), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_lcbboard.json", opt: &Options{N: 10}, gen: hsDeepGen(`{"performances": [{"question_id": "1", "model": "m", "x": `, `, "pass@1": 50}]}`), err: "nested arrays and objects, expected at most 10000"},
		{name: "gen_deep_member.eval", file: true, gen: hsZip(zip.Deflate, hsMember{"samples/1_epoch_1.json", `{"id": 1, "epoch": 1, "metadata": `, -hsDeep, `, "scores": {"s": {"value": "C"}}}`}), err: "!samples/1_epoch_1.json:1:"},
		{name: "gen_deep_only.json", gen: hsDeepGen("", ""), err: "unknown format"},
		{name: "gen_deep_id.csv", gen: func(w io.Writer) error {
			_, err := io.WriteString(w, "problem,n,c\n"+strings.Repeat("[", hsDeep)+",10,7\n")
			return err
		}, check: hsOneProblem("counts-csv", hsDeep, 10, 7)},

		// --- NUL bytes
		{name: "jsonl_nul.jsonl", err: "found control character U+0000, expected a string key"},
		{name: "jsonl_nul_in_string.jsonl", err: "found control character U+0000 in a string, expected it escaped"},
		{name: "jsonl_nul_escaped.jsonl", want: `jsonl: jsonl_nul_escaped: "a\x00b"=1/1`},
		{name: "he_nul_results.jsonl", err: "found control character U+0000, expected a value"},
		{name: "lcb_nul_eval_all.json", err: "found control character U+0000, expected ',' or ']'"},
		{name: "counts_nul.csv", want: `counts-csv: counts_nul: "a\x00"=7/10`},
		{name: "counts_nul_number.csv", err: `n is "1\x000", expected a whole number`},
		{name: "samples_nul.tsv", err: `passed is "true\x00", expected true, false`},
		{name: "inspect_nul.json", err: "found control character U+0000, expected a string key"},
		{name: "inspect_nul_member.eval", err: "!samples/1_epoch_1.json:1:10: found control character U+0000"},
		{name: "evalplus_nul.json", err: "unknown format"},
		{name: "lcbboard_nul.json", opt: &Options{N: 10}, err: "found control character U+0000, expected ',' or '}'"},

		// --- invalid UTF-8
		{name: "jsonl_badutf8_id.jsonl", err: "found invalid UTF-8 (byte 0xFF) in a string, expected UTF-8 text"},
		{name: "jsonl_badutf8_skipped.jsonl", err: "found invalid UTF-8 (byte 0xC3) in a string"},
		{name: "jsonl_badutf8_key.jsonl", err: "found invalid UTF-8 (byte 0xFF) in a string"},
		{name: "he_badutf8_completion_results.jsonl", err: "found invalid UTF-8 (byte 0xED) in a string"},
		{name: "qwen_badutf8_pred.jsonl", err: "found invalid UTF-8 (byte 0xFF) in a string"},
		{name: "counts_badutf8_id.csv", want: `counts-csv: counts_badutf8_id: "a\xff\xfe"=7/10`},
		{name: "inspect_badutf8_id.json", err: "found invalid UTF-8 (byte 0xFF) in a string"},
		{name: "inspect_badutf8_skipped.json", err: "found invalid UTF-8 (byte 0xC0) in a string"},
		{name: "inspect_badutf8_header.eval", err: "!header.json:1:61: found invalid UTF-8 (byte 0xFF)"},
		{name: "evalplus_badutf8_solution.json", err: "found invalid UTF-8 (byte 0xFF) in a string"},
		{name: "lcbboard_badutf8_model.json", opt: &Options{N: 10}, err: "found invalid UTF-8 (byte 0xFF) in a string"},

		// --- numbers: 1e400 (out of range), -0, 1e-400 (underflows to 0)
		{name: "jsonl_1e400_correct.jsonl", err: `"correct": found number 1e400, expected true/false or a score from 0 to 1 (it is out of range)`},
		{name: "jsonl_1e400_n.jsonl", err: `"n": found number 1e400, expected a whole number ≥ 0`},
		{name: "jsonl_1e400_c.jsonl", err: `"c": found number 1e400, expected a whole number ≥ 0`},
		{name: "jsonl_neg0_c.jsonl", want: `jsonl: jsonl_neg0_c: "a"=0/4`},
		{name: "jsonl_neg0_correct.jsonl", want: `jsonl: jsonl_neg0_correct: "a"=0/1`},
		{name: "jsonl_1e-400_correct.jsonl", want: `jsonl: jsonl_1e-400_correct: "a"=0/1`},
		{name: "jsonl_1e-400_n.jsonl", err: `problem "a": n = 0, expected n ≥ 1`},
		{name: "he_1e400_passed_results.jsonl", err: `"passed": found number 1e400`},
		{name: "qwen_1e400_score.jsonl", err: `"score": found number 1e400, expected true/false or a score from 0 to 1`},
		{name: "qwen_neg0_score.jsonl", want: `qwen-math: qwen_neg0_score: "0"=1/2`},
		{name: "qwen_1e-400_score.jsonl", want: `qwen-math: qwen_1e-400_score: "0"=1/2`},
		{name: "lcb_1e400_eval_all.json", err: `"graded_list": found number 1e400`},
		{name: "tau_1e400_reward.json", err: `"reward": found number 1e400, expected a number (the reward) (it is out of range)`},
		{name: "tau_1e400_trial.json", err: `"trial": found number 1e400, expected a whole number ≥ 0`},
		{name: "tau_neg0_reward.json", want: `tau-bench: tau_neg0_reward: "0"=1/1 "1"=0/1`},
		{name: "tau_1e-400_reward.json", want: `tau-bench: tau_1e-400_reward: "0"=1/1 "1"=0/1`},
		// --- more samples per problem than passk takes (passk.MaxN): the
		// record that goes past it; thousands of distinct n read, and are
		// refused by the analysis (TestHostileCLI)
		{name: "counts_huge_n.csv", err: `problem "p1": more than 65536 samples, expected at most 65536 per problem`},
		{name: "jsonl_huge_n.jsonl", err: `problem "b": more than 65536 samples, expected at most 65536 per problem`},
		{name: "gen_65537_samples.jsonl", gen: hsLines(`{"problem_id": "a", "correct": true}`+"\n", 65537), err: `:65537:1: problem "a": more than 65536 samples`},
		{name: "counts_distinct_n.csv", check: func(t *testing.T, f *File) {
			if len(f.Models) != 1 || len(f.Models[0].Problems) != 3000 || f.Models[0].Problems[2999].N != 65536-2999 {
				t.Errorf("want one model of 3000 problems with n = 65536 … 62537, got %d models", len(f.Models))
			}
		}},
		{name: "counts_1e400_n.csv", err: `n is "1e400", expected a whole number`},
		{name: "counts_neg0_c.csv", want: `counts-csv: counts_neg0_c: "a"=0/10`},
		{name: "counts_1e-400_n.csv", err: `problem "a": n = 0, expected n ≥ 1`},
		{name: "samples_1e400.tsv", err: `passed is "1e400", expected true, false, 1, 0, yes, no or a score in [0, 1]`},
		{name: "samples_1e-400.tsv", want: `samples-csv: samples_1e-400: "A"=0/2`},
		{name: "inspect_1e400_value.json", err: `score "s" is the number "1e400", expected "C", "I", "P", "N", a bool or a number in [0, 1]`},
		{name: "inspect_1e400_value.eval", err: `!samples/1_epoch_1.json:1:49: score "s" is the number "1e400"`},
		{name: "inspect_1e400_epoch.json", err: `epoch is the number "1e400", expected a whole number ≥ 0`},
		{name: "inspect_neg0_value.json", want: `inspect: mock/m: "1"=1/1 "2"=0/1`},
		{name: "inspect_1e-400_value.json", want: `inspect: mock/m: "1"=1/1 "2"=0/1`},
		{name: "evalplus_1e400_nfiles.json", err: `nfiles is the number "1e400", expected a whole number ≥ 0`},
		{name: "evalplus_neg0_nfiles.json", err: `problem "HumanEval/0": n = 0, expected n ≥ 1`},
		{name: "lcbboard_1e400.json", opt: &Options{N: 10}, err: `pass@1 is the number "1e400", expected a percentage`},
		{name: "lcbboard_neg0.json", opt: &Options{N: 10}, want: `lcb-leaderboard: m: "1873_A"=5/10 "1873_B"=0/10`},
		{name: "lcbboard_1e-400.json", opt: &Options{N: 10}, want: `lcb-leaderboard: m: "1873_A"=5/10 "1873_B"=0/10`},

		// --- duplicate keys: an error naming the key, never the last value silently
		{name: "jsonl_dup_correct.jsonl", err: `found "correct" twice in one object, expected each key once`},
		{name: "jsonl_dup_id.jsonl", err: `found "problem_id" twice in one object`},
		{name: "jsonl_dup_n.jsonl", err: `found "n" twice in one object`},
		{name: "he_dup_passed_results.jsonl", err: `found "passed" twice in one object`},
		{name: "qwen_dup_score.jsonl", err: `found "score" twice in one object`},
		{name: "lcb_dup_graded_list_eval_all.json", err: `found "graded_list" twice in one object`},
		{name: "tau_dup_reward.json", err: `found "reward" twice in one object`},
		{name: "counts_dup_column.csv", err: `column "c" appears twice in the header (columns 3 and 4), expected it once`},
		{name: "samples_dup_column.tsv", err: `column "passed" appears twice in the header`},
		{name: "inspect_dup_id.json", err: `found "id" twice in one object`},
		{name: "inspect_dup_epoch.json", err: `found "epoch" twice in one object`},
		{name: "inspect_dup_value.json", err: `found "value" twice in one object`},
		{name: "inspect_dup_value.eval", err: `!samples/1_epoch_1.json:1:54: found "value" twice in one object`},
		{name: "evalplus_dup_base_status.json", err: `found "base_status" twice in one object`},
		{name: "evalplus_dup_task.json", err: `problem "HumanEval/0": sample 0 given twice`},
		{name: "lcbboard_dup_pass.json", opt: &Options{N: 10}, err: `found "pass@1" twice in one object`},

		// --- ids of 1 MB
		{name: "gen_1MB_id.jsonl", gen: hsBigID(`{"problem_id": "`, `", "correct": true}`+"\n"), err: `"problem_id": found a string longer than 4096 bytes`},
		{name: "gen_1MB_id_eval_all.json", gen: hsBigID(`[{"question_id": "`, `", "graded_list": [true]}]`), err: `"question_id": found a string longer than 4096 bytes`},
		{name: "gen_1MB_id.csv", gen: hsBigID("problem,n,c\n", ",10,7\n"), check: hsOneProblem("counts-csv", hsMiB, 10, 7)},
		{name: "gen_1MB_id.json", gen: hsBigID(`{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [{"id": "`, `", "epoch": 1, "scores": {"s": {"value": "C"}}}]}`), check: hsOneProblem("inspect", hsMiB, 1, 1)},
		{name: "gen_1MB_id_evalplus.json", opt: &Options{Variant: "base"}, gen: hsBigID(`{"date": "d", "hash": "h", "eval": {"`, `": [{"base_status": "pass", "plus_status": "pass"}]}}`), check: hsOneProblem("evalplus", hsMiB, 1, 1)},
		{name: "gen_1MB_id_lcbboard.json", opt: &Options{N: 10}, gen: hsBigID(`{"performances": [{"question_id": "`, `", "model": "m", "pass@1": 50}]}`), check: hsOneProblem("lcb-leaderboard", hsMiB, 10, 5)},

		// --- millions of problems, one sample each: memory grows with the problems only
		{name: "gen_millions.jsonl", gen: hsMany(hsMillions, "", `{"problem_id": "p%d", "correct": %t}`+"\n", ""), check: hsManyCheck("jsonl", hsMillions), heap: hsHeap(hsMillions), short: true},
		{name: "gen_millions.csv", gen: hsMany(hsMillions, "problem,n,c\n", "p%d,1,%d\n", ""), check: hsManyCheck("counts-csv", hsMillions), heap: hsHeap(hsMillions), short: true},
		{name: "gen_many_tau.json", gen: hsMany(hsMillions/4, "[", `{"task_id": %d, "reward": %d, "trial": 0},`+"\n", `{"task_id": -1, "reward": 0, "trial": 0}]`), check: hsManyCheck("tau-bench", hsMillions/4+1), heap: hsHeap(hsMillions / 4)},
		{name: "gen_many.json", gen: hsMany(hsMillions/8, `{"version": 2, "status": "success", "eval": {"model": "m"}, "samples": [`, `{"id": %d, "epoch": 1, "scores": {"s": {"value": %t}}},`+"\n", `{"id": -1, "epoch": 1, "scores": {"s": {"value": false}}}]}`), check: hsManyCheck("inspect", hsMillions/8+1), heap: hsHeap(hsMillions / 8)},
		{name: "gen_many_evalplus.json", gen: hsMany(hsMillions/8, `{"date": "d", "hash": "h", "eval": {`, `"T/%d": [{"base_status": "%s", "plus_status": "pass"}],`+"\n", `"T/x": [{"base_status": "fail", "plus_status": "pass"}]}}`), opt: &Options{Variant: "base"}, check: hsManyCheck("evalplus", hsMillions/8+1), heap: hsHeap(hsMillions / 8)},
		{name: "gen_many_lcbboard.json", opt: &Options{N: 1}, gen: hsMany(hsMillions/8, `{"performances": [`, `{"question_id": "q%d", "model": "m", "pass@1": %d},`+"\n", `{"question_id": "x", "model": "m", "pass@1": 0}]}`), check: hsManyCheck("lcb-leaderboard", hsMillions/8+1), heap: hsHeap(hsMillions / 8)},
	}
}

// hsHeap bounds the heap for n problems: about 300 bytes each is what the
// builder keeps; twice that for the garbage collector's slack.
func hsHeap(n int) uint64 { return 64*hsMiB + uint64(n)*600 }

func TestHostile(t *testing.T) {
	cases := hsCases()
	// Every committed file has a case, and every case's file is there.
	named := map[string]bool{}
	for _, c := range cases {
		if named[c.name] {
			t.Fatalf("case %s listed twice", c.name)
		}
		named[c.name] = true
		if c.gen == nil {
			if _, err := os.Stat(filepath.Join(hsDir, c.name)); err != nil {
				t.Errorf("case %s: %v", c.name, err)
			}
		}
	}
	files, err := os.ReadDir(hsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if n := f.Name(); !named[n] && n != "README.md" && n != "gen.py" {
			t.Errorf("testdata/hostile/%s has no case in hsCases", n)
		}
		if info, err := f.Info(); err == nil && info.Size() > 1<<20 {
			t.Errorf("testdata/hostile/%s is %d bytes: generate big cases, commit only files under 1 MB", f.Name(), info.Size())
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.short && testing.Short() {
				t.Skip("a big case; skipped with -short")
			}
			hsRun(t, c)
		})
	}
}

// hsRun reads one case under a time guard and a heap bound, and checks
// what it gives.
func hsRun(t *testing.T, c hsCase) {
	name := filepath.Join(hsDir, c.name)
	var in io.Reader
	switch {
	case c.gen == nil:
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		in = fh
	case c.file:
		name = filepath.Join(t.TempDir(), c.name)
		fh, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(fh, 1<<20)
		if err := c.gen(bw); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if _, err := fh.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		in = fh
	default:
		name = c.name
		pr, pw := io.Pipe()
		go func() {
			bw := bufio.NewWriterSize(pw, 64<<10)
			err := c.gen(bw)
			if err == nil {
				err = bw.Flush()
			}
			pw.CloseWithError(err)
		}()
		defer pr.Close() // stops the generator when the reader gave up early
		in = pr
	}

	type result struct {
		f   *File
		err error
	}
	done := make(chan result, 1)
	runtime.GC()
	base := measure.HeapInUse()
	stop := measure.HeapPeak(5 * time.Millisecond)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		f, err := Read(in, name, c.opt)
		done <- result{f, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: no answer after 60 s: reading hangs", c.name)
	}
	peak := stop()
	grew := peak - min(base, peak)
	limit := c.heap
	if limit == 0 {
		limit = 64 * hsMiB
	}
	t.Logf("%s in %v, heap grew %.1f MiB", c.name, time.Since(start).Round(time.Millisecond), float64(grew)/hsMiB)
	if grew > limit {
		t.Errorf("the heap grew by %d MiB, expected at most %d MiB", grew>>20, limit>>20)
	}

	if c.err != "" {
		if r.err == nil {
			t.Fatalf("read it as %s, expected an error with %q", hsSummary(r.f), c.err)
		}
		msg := r.err.Error()
		if !strings.Contains(msg, c.err) {
			t.Fatalf("error %q, expected one with %q", msg, c.err)
		}
		var se *SyntaxError
		if !errors.As(r.err, &se) {
			t.Fatalf("error %q (%T) is not a *SyntaxError", msg, r.err)
		}
		if se.File != name {
			t.Errorf("error %q names file %q, expected %q", msg, se.File, name)
		}
		if !strings.HasPrefix(msg, name) {
			t.Errorf("error %q does not start with the file name %q", msg, name)
		}
		if c.noLine != (se.Line == 0) {
			t.Errorf("error %q at line %d: expected a line: %v", msg, se.Line, !c.noLine)
		}
		return
	}
	if r.err != nil {
		t.Fatalf("error %v, expected a result", r.err)
	}
	if c.check != nil {
		c.check(t, r.f)
	}
	if c.want != "" {
		if got := hsSummary(r.f); got != c.want {
			t.Errorf("read\n\t%s\nexpected\n\t%s", got, c.want)
		}
	}
}

// hsSummary prints a result: "format: label: "id"=c/n …; label: …".
func hsSummary(f *File) string {
	var ms []string
	for _, m := range f.Models {
		s := m.Label + ":"
		for _, p := range m.Problems {
			s += fmt.Sprintf(" %q=%d/%d", p.ID, p.C, p.N)
		}
		ms = append(ms, s)
	}
	return f.Format + ": " + strings.Join(ms, "; ")
}

// hsRepeat writes n bytes of b.
func hsRepeat(w io.Writer, b byte, n int) error {
	chunk := bytes.Repeat([]byte{b}, 64<<10)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// hsBigLine writes head, 100 MB of 'x', then tail: one line.
func hsBigLine(head, tail string) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		if err := hsRepeat(w, 'x', hsBig); err != nil {
			return err
		}
		_, err := io.WriteString(w, tail)
		return err
	}
}

// hsBigID writes head, a 1 MiB id, then tail.
func hsBigID(head, tail string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, head+strings.Repeat("i", hsMiB)+tail)
		return err
	}
}

// hsDeepGen writes head, then arrays nested 100,000 deep, then tail.
func hsDeepGen(head, tail string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, head+strings.Repeat("[", hsDeep)+strings.Repeat("]", hsDeep)+tail)
		return err
	}
}

// hsOneProblem checks a result of one problem whose id is idLen bytes.
func hsOneProblem(format string, idLen, n, c int) func(*testing.T, *File) {
	return func(t *testing.T, f *File) {
		if f.Format != format || len(f.Models) != 1 || len(f.Models[0].Problems) != 1 {
			t.Fatalf("read %s with %d models, expected %s with one model of one problem", f.Format, len(f.Models), format)
		}
		p := f.Models[0].Problems[0]
		if len(p.ID) != idLen || p.N != n || p.C != c {
			t.Errorf("problem of a %d-byte id with %d/%d, expected a %d-byte id with %d/%d", len(p.ID), p.C, p.N, idLen, c, n)
		}
	}
}

// hsMany writes head, n records from the pattern (given the index and
// whether it is correct: every third one is), then tail.
// hsLines writes line n times.
func hsLines(line string, n int) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Repeat(line, n))
		return err
	}
}

func hsMany(n int, head, pattern, tail string) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		var b []byte
		for i := 0; i < n; i++ {
			ok := i%3 == 0
			var v any = ok
			switch {
			case strings.Contains(pattern, `"%s"`):
				v = map[bool]string{true: "pass", false: "fail"}[ok]
			case strings.Contains(pattern, "%t"):
			case strings.Contains(pattern, "pass@1"):
				v = map[bool]int{true: 100, false: 0}[ok]
			default:
				v = map[bool]int{true: 1, false: 0}[ok]
			}
			b = fmt.Appendf(b[:0], pattern, i, v)
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, tail)
		return err
	}
}

// hsManyCheck checks a result of n problems of one sample, every third right.
func hsManyCheck(format string, n int) func(*testing.T, *File) {
	return func(t *testing.T, f *File) {
		if f.Format != format || len(f.Models) != 1 {
			t.Fatalf("read %s with %d models, expected %s with one", f.Format, len(f.Models), format)
		}
		ps := f.Models[0].Problems
		right := 0
		for _, p := range ps {
			if p.N != 1 {
				t.Fatalf("problem %q has n = %d, expected 1", p.ID, p.N)
			}
			right += p.C
		}
		if len(ps) != n || right != (n+1)/3 && right != (n-1+2)/3 {
			t.Errorf("%d problems, %d right; expected %d, %d right", len(ps), right, n, (n+2)/3)
		}
	}
}

// hsGzipBomb writes a gzip stream of head then blocks × 16 MiB of 'a', as
// concatenated gzip members (a gzip reader reads them as one stream), so
// that many GiB cost little to make.
func hsGzipBomb(head string, blocks int) func(io.Writer) error {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(bytes.Repeat([]byte{'a'}, 16*hsMiB))
	_ = zw.Close()
	return func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := io.WriteString(zw, head); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		for i := 0; i < blocks; i++ {
			if _, err := w.Write(member.Bytes()); err != nil {
				return err
			}
		}
		return nil
	}
}

const hsHeader = `{"version": 2, "status": "success", "eval": {"model": "mock/m", "config": {}}}`

// hsZipBomb writes an .eval whose sample member says it expands to 10 GiB
// from a few KiB.
func hsZipBomb(w io.Writer) error {
	zw := zip.NewWriter(w)
	hw, err := zw.Create("header.json")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(hw, hsHeader); err != nil {
		return err
	}
	raw, err := zw.CreateRaw(&zip.FileHeader{Name: "samples/1_epoch_1.json", Method: zip.Deflate,
		CompressedSize64: 10 << 10, UncompressedSize64: 10 << 30})
	if err != nil {
		return err
	}
	if err := hsRepeat(raw, 0, 10<<10); err != nil {
		return err
	}
	return zw.Close()
}

// hsMember is a zip member: head, then n bytes of 'x' (or, for n < 0,
// arrays nested -n deep), then tail.
type hsMember struct {
	name, head string
	n          int
	tail       string
}

// hsZip writes an .eval of a header and the member, stored or deflated.
func hsZip(method uint16, m hsMember) func(io.Writer) error {
	return func(w io.Writer) error {
		zw := zip.NewWriter(w)
		hw, err := zw.Create("header.json")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(hw, hsHeader); err != nil {
			return err
		}
		mw, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: method})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(mw, m.head); err != nil {
			return err
		}
		if m.n >= 0 {
			err = hsRepeat(mw, 'x', m.n)
		} else {
			_, err = io.WriteString(mw, strings.Repeat("[", -m.n)+strings.Repeat("]", -m.n))
		}
		if err != nil {
			return err
		}
		if _, err := io.WriteString(mw, m.tail); err != nil {
			return err
		}
		return zw.Close()
	}
}

var _ = sort.Strings
