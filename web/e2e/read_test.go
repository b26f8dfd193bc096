//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/passk/passk/bench/gen"
	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
)

// TestReadStreamAndZip: files the worker streams (a 12 MB human-eval
// JSONL, in many chunks) or reads through ReadAt windows (Inspect .eval
// logs, zip archives: a generated one of 180 deflated members, and a real
// one) give the page the rows that reading them natively gives, and each
// file row ends done with its progress bar full.
func TestReadStreamAndZip(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "streamed_results.jsonl")
	writeBigResults(t, jsonl, 12<<20)
	eval := filepath.Join(dir, "generated.eval")
	f, err := os.Create(eval)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if _, _, err := gen.InspectEval(w, 60, 3, 6000, 7); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	files := []string{jsonl, eval, filepath.Join(root, "testdata/inspect/popularity.eval")}

	var models []*passk.Model
	var formats []string
	for _, p := range files {
		f, err := format.ReadFile(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range f.Models {
			formats = append(formats, f.Format)
		}
		models = append(models, f.Models...)
	}
	rep, err := passk.Analyze(models, passk.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}

	tb := newTab(t, 1280, 900)
	tb.upload(files...)
	got := tb.rowCells()
	if len(got) != len(rep.Models) {
		t.Fatalf("rows %+v, want %d", got, len(rep.Models))
	}
	for i, m := range rep.Models {
		want := pageRow{Model: got[i].Model, Problems: strconv.Itoa(m.Problems), N: strconv.Itoa(m.NMin),
			Pass1: fmt.Sprintf("%.3f", m.Curve[0].Value), PassMax: got[i].PassMax, Format: formats[i], Warnings: got[i].Warnings}
		if got[i] != want {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want)
		}
	}
	for _, p := range files {
		sel := `document.querySelector('#filelist li[data-file="` + filepath.Base(p) + `"]')`
		if state := tb.eval(sel + `.dataset.state`); state != "done" {
			t.Errorf("%s: state %q", filepath.Base(p), state)
		}
		if full := evalT[bool](tb, sel+`.querySelector('progress').value === `+sel+`.querySelector('progress').max`); !full {
			t.Errorf("%s: progress bar not full", filepath.Base(p))
		}
	}
}
