package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CLI on hostile files (../../format/testdata/hostile): an error that
// names the file, and no panic.
func TestHostileCLI(t *testing.T) {
	dir := filepath.Join("..", "..", "format", "testdata", "hostile")
	deep := filepath.Join(t.TempDir(), "deep.jsonl")
	if err := os.WriteFile(deep, []byte(`{"problem_id": "a", "correct": true, "x": `+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{
		filepath.Join(dir, "jsonl_truncated.jsonl"),
		filepath.Join(dir, "jsonl_bomb.jsonl.gz"),
		filepath.Join(dir, "inspect_bomb.eval"),
		filepath.Join(dir, "counts_truncated_quote.csv"),
		filepath.Join(dir, "evalplus_dup_base_status.json"),
		filepath.Join(dir, "lcb_nul_eval_all.json"),
		filepath.Join(dir, "jsonl_badutf8_id.jsonl"),
		filepath.Join(dir, "counts_huge_n.csv"),
		deep,
	} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic: %v", p)
				}
			}()
			_, _, err := runCLI("curve", file)
			if err == nil {
				t.Fatalf("no error, expected one naming %s", file)
			}
			if !strings.Contains(err.Error(), file) {
				t.Errorf("error %q does not name the file %s", err, file)
			}
		})
	}
}

// Thousands of distinct n near passk.MaxN: the table's k (powers of two)
// are computed; every k up to n would need too much memory, an error.
func TestHostileCLIDistinctN(t *testing.T) {
	file := filepath.Join("..", "..", "format", "testdata", "hostile", "counts_distinct_n.csv")
	out, _, err := runCLI("curve", "--boot", "0", file)
	if err != nil || !strings.Contains(out, "62537  0.9768") {
		t.Errorf("curve: %v\n%s", err, out)
	}
	if _, _, err := runCLI("curve", "--json", "--boot", "0", file); err == nil || !strings.Contains(err.Error(), "the curves need more than 33554432 stored values (3000 distinct (n, c) tallies with k up to 62537): beyond passk's limits") {
		t.Errorf("curve --json: %v, want the limit's error", err)
	}
}

// Answers made for maj@k's worst case (32 answers given 64 times each, at
// n = 2048): pass@k is computed; maj@k stops at its step budget with an
// error instead of running for as long as the votes need.
func TestHostileCLIMajority(t *testing.T) {
	file := filepath.Join(t.TempDir(), "votes.jsonl")
	var b strings.Builder
	for i := range 2048 {
		fmt.Fprintf(&b, `{"problem_id": "a", "answer": "%d", "correct": %t}`+"\n", i%32, i%32 == 0)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI("curve", "--boot", "0", file); err != nil || !strings.Contains(out, "2048  1.0000") {
		t.Errorf("curve: %v\n%s", err, out)
	}
	_, _, err := runCLI("curve", "--metric", "maj@k", "--boot", "0", file)
	if err == nil || !strings.Contains(err.Error(), "maj@k of a problem with n = 2048 and 32 answers (the largest given 64 times) needs more than 268435456 steps: beyond passk's limits") {
		t.Errorf("curve --metric maj@k: %v, want the step budget's error", err)
	}
}
