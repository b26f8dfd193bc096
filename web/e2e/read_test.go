//go:build !js

package e2e

import (
	"archive/zip"
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
		// The members of the .eval logs came from the reader thread:
		// inflated by the browser, or (some, while it was behind) read
		// for Go to inflate.
		inflated, raw := tb.eval(sel+`.dataset.inflated`), tb.eval(sel+`.dataset.raw`)
		i, _ := strconv.Atoi(inflated)
		r, _ := strconv.Atoi(raw)
		if want := sampleMembers(t, p); i+r != want || (want > 0 && i == 0) {
			t.Errorf("%s: %s members inflated by the browser, %s by Go from the reader thread; want %d in all, some by the browser", filepath.Base(p), inflated, raw, want)
		}
	}
}

// sampleMembers counts the samples/ members of the zip archive at path, 0
// if it is not one.
func sampleMembers(t *testing.T, path string) int {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "samples/") {
			n++
		}
	}
	return n
}

// TestReadWithoutReaderThread: the worker reads the slices of a file on a
// thread of its own (reader.js); where that thread does not start (the
// server does not have reader.js) or fails with slices asked of it, the
// app's worker reads the file itself, with the same rows as natively.
func TestReadWithoutReaderThread(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "streamed_results.jsonl")
	writeBigResults(t, jsonl, 20<<20)
	f, err := format.ReadFile(jsonl, nil)
	if err != nil {
		t.Fatal(err)
	}
	eval := filepath.Join(dir, "small.eval")
	fh, err := os.Create(eval)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gen.InspectEval(fh, 20, 2, 3000, 3); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	for _, tc := range []struct {
		name   string
		reader func(w http.ResponseWriter, r *http.Request)
	}{
		{"missing", http.NotFound},
		{"failing", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `onmessage = () => { throw new Error('the reader broke'); };`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			srv.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/reader.js" {
					tc.reader(w, r)
					return
				}
				handler.ServeHTTP(w, r)
			}))
			tb := tabOn(t, srv, 1280, 900)
			tb.open()
			tb.upload(jsonl, eval)
			if !slices.Contains(srv.served(), "/reader.js") {
				t.Errorf("the worker did not ask for reader.js: %q", srv.served())
			}
			sel := `document.querySelector('#filelist li[data-file="streamed_results.jsonl"]')`
			if state := tb.eval(sel + `.dataset.state`); state != "done" {
				t.Fatalf("state %q: %s", state, tb.eval(sel+`.textContent`))
			}
			ev := `document.querySelector('#filelist li[data-file="small.eval"]')`
			if state, inflated := tb.eval(ev+`.dataset.state`), tb.eval(ev+`.dataset.inflated`)+"+"+tb.eval(ev+`.dataset.raw`); state != "done" || inflated != "0+0" {
				t.Errorf("small.eval: state %q, %s members inflated by the browser; want done by Go alone", state, inflated)
			}
			got := tb.rowCells()
			if len(got) != 2 || got[1].Problems != "20" || got[1].N != "2" {
				t.Errorf("rows %+v, want the .eval log's 20 problems, n = 2, second", got)
			}
			if len(got) == 0 || got[0].Problems != strconv.Itoa(len(f.Models[0].Problems)) || got[0].N != strconv.Itoa(f.Models[0].Problems[0].N) {
				t.Errorf("rows %+v, want one of %d problems, n = %d", got, len(f.Models[0].Problems), f.Models[0].Problems[0].N)
			}
		})
	}
}

// TestReadFileChangedBeforeItsTurn: a file chosen with others and changed
// on disk while it waits its turn fails with the browser's NotReadableError
// (its slices come from the reader thread), the session keeps the files
// read before it, and a file chosen after it is read.
func TestReadFileChangedBeforeItsTurn(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big_results.jsonl")
	writeBigResults(t, big, 60<<20)
	small := filepath.Join(dir, "small_results.jsonl")
	writeBigResults(t, small, 1<<20)
	tb := newTab(t, 1280, 900)
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{big, small}))
	tb.poll(`document.querySelector('#filelist li[data-file="small_results.jsonl"]')?.dataset.state === 'queued'`, 30*time.Second)
	if err := os.WriteFile(small, []byte(`{"task_id": "HumanEval/0", "completion": "", "passed": true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sel := `document.querySelector('#filelist li[data-file="small_results.jsonl"]')`
	tb.poll(sel+`.dataset.state === 'error'`, 120*time.Second)
	if msg := tb.eval(sel + `.textContent`); !strings.Contains(msg, "NotReadableError") {
		t.Errorf("the changed file's row says %q, want the browser's NotReadableError", msg)
	}
	tb.idle()
	if state := tb.eval(`document.querySelector('#filelist li[data-file="big_results.jsonl"]').dataset.state`); state != "done" {
		t.Errorf("the first file's state is %q", state)
	}
	if rows := tb.rows(); !slices.Equal(rows, []string{"big_results"}) {
		t.Errorf("rows %q, want the first file's model", rows)
	}
	tb.upload(small)
	if rows := tb.rows(); len(rows) != 2 {
		t.Errorf("rows %q after choosing the changed file again", rows)
	}
}
