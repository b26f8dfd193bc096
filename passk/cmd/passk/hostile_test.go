package main

import (
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
