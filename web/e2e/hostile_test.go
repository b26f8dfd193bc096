//go:build !js

package e2e

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/passk/passk/passk/format"
	"github.com/passk/passk/wasm/app"
)

// hostileDir is the hostile-input corpus of package format (its
// README.md says what each file is).
const hostileDir = "passk/format/testdata/hostile"

// hostileOutcome is what reading one file natively gives, as the page must
// show it: the error's text, or the format and the number of models.
type hostileOutcome struct {
	err    string
	format string
	models int
}

func nativeOutcome(t *testing.T, path string) hostileOutcome {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := format.Read(f, filepath.Base(path), nil)
	if err != nil {
		return hostileOutcome{err: err.Error()}
	}
	return hostileOutcome{format: res.Format, models: len(res.Models)}
}

// TestHostilePage: every file of the hostile corpus, and the generated big
// cases (a 100 MB line, a gzip bomb, nesting 100,000 deep, a 1 MB id, a
// million problems), dropped on the page: each shows exactly what the
// library (and so the CLI) says — the same positioned error, or the same
// models — the page stays usable, and the stored session holds exactly the
// files that were read.
func TestHostilePage(t *testing.T) {
	tb := newTab(t, 1280, 900)

	entries, err := os.ReadDir(filepath.Join(root, hostileDir))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		if name := e.Name(); name != "README.md" && name != "gen.py" && !e.IsDir() {
			paths = append(paths, filepath.Join(root, hostileDir, name))
		}
	}
	paths = append(paths, hostileGenerated(t)...)
	if len(paths) < 90 {
		t.Fatalf("only %d hostile files", len(paths))
	}

	// Batches whose models fit in one session (at most app.MaxModels
	// models and app.MaxProblems problems): each batch in a new session.
	want := map[string]hostileOutcome{}
	var batches [][]string
	var batch []string
	models, problems := 0, 0
	for _, p := range paths {
		o := nativeOutcome(t, p)
		want[filepath.Base(p)] = o
		np := 0
		if o.err == "" {
			np = hostileProblems(t, p)
		}
		if len(batch) > 0 && (models+o.models > app.MaxModels || problems+np > app.MaxProblems || len(batch) == 30) {
			batches = append(batches, batch)
			batch, models, problems = nil, 0, 0
		}
		batch = append(batch, p)
		models += o.models
		problems += np
	}
	batches = append(batches, batch)

	errs, reads := 0, 0
	var stored [][]string // each batch's session: the labels of its models
	for i, b := range batches {
		if i > 0 {
			tb.act(`document.querySelector('#new-session').click()`)
		}
		tb.upload(b...)
		for _, p := range b {
			name := filepath.Base(p)
			sel := fmt.Sprintf(`document.querySelector('#filelist li[data-file=%q]')`, name)
			state := tb.eval(sel + `.dataset.state`)
			msg := tb.eval(sel + `.querySelector('.fstatus').textContent`)
			w := want[name]
			switch {
			case w.err != "":
				errs++
				if state != "error" || msg != w.err {
					t.Errorf("%s: page shows %s %q, want the error %q", name, state, msg, w.err)
				}
			default:
				reads++
				prefix := fmt.Sprintf("%s: %d model", w.format, w.models)
				if state != "done" || !strings.HasPrefix(msg, prefix) {
					t.Errorf("%s: page shows %s %q, want %q…", name, state, msg, prefix)
				}
			}
		}
		stored = append(stored, tb.rows())
		// Thousands of distinct n near passk.MaxN read, but every k up to n
		// is beyond the analysis's limits: the rows stay, with why there
		// are no curves.
		if slices.ContainsFunc(b, func(p string) bool { return filepath.Base(p) == "counts_distinct_n.csv" }) {
			ws := tb.eval(`document.querySelector('#warnings').textContent`)
			if !strings.Contains(ws, "No curves: the curves need more than 33554432 stored values") || !slices.Contains(tb.rows(), "counts_distinct_n") {
				t.Errorf("counts_distinct_n.csv: warnings %q, rows %q", ws, tb.rows())
			}
		}
	}
	t.Logf("%d hostile files in %d sessions: %d errors, %d read", len(paths), len(batches), errs, reads)

	// The page still works: a good file is read and drawn.
	tb.act(`document.querySelector('#new-session').click()`)
	tb.upload(crossingBase, crossingRL)
	if got := tb.rows(); !slices.Equal(got, []string{"base", "rl"}) {
		t.Errorf("after the hostile files: rows %q, want base, rl", got)
	}
	if len(tb.crossovers()) == 0 {
		t.Error("after the hostile files: no crossover drawn for the crossing pair")
	}

	// Every session holds exactly what was read into it.
	tb.reload()
	ids := evalT[[]string](tb, `Array.from(document.querySelectorAll('#sessions li[data-session]')).map(li => li.dataset.session)`)
	if len(ids) != len(batches)+1 {
		t.Fatalf("%d sessions stored, want %d", len(ids), len(batches)+1)
	}
	var got [][]string
	for _, id := range ids {
		li := `document.querySelector('#sessions li[data-session="` + id + `"]')`
		if tb.eval(li+`.classList.contains('current') ? 'current' : ''`) == "" {
			tb.act(li + `.querySelector('button[aria-label^="Open"]').click()`)
		}
		got = append(got, tb.rows())
	}
	for _, rows := range stored {
		if !slices.ContainsFunc(got, func(g []string) bool { return slices.Equal(g, rows) }) {
			t.Errorf("no stored session has the models %q (stored: %q)", rows, got)
		}
	}
}

// hostileProblems counts the problems of a readable file.
func hostileProblems(t *testing.T, path string) int {
	t.Helper()
	f, err := format.ReadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range f.Models {
		n += len(m.Problems)
	}
	return n
}

// hostileGenerated writes the big cases, too big to commit, into a
// temporary directory.
func hostileGenerated(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, gen func(w io.Writer) error) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := gen(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	repeat := func(w io.Writer, s string, n int) error {
		chunk := strings.Repeat(s, 1<<16/len(s))
		for n > 0 {
			c := chunk[:min(len(chunk), n*len(s))]
			if _, err := io.WriteString(w, c); err != nil {
				return err
			}
			n -= len(c) / len(s)
		}
		return nil
	}
	return []string{
		// A 100 MB completion on one line: read, under bounded memory.
		write("gen_100MB_line.jsonl", func(w io.Writer) error {
			io.WriteString(w, `{"problem_id": "a", "correct": true, "output": "`)
			if err := repeat(w, "x", 100<<20); err != nil {
				return err
			}
			_, err := io.WriteString(w, `"}`+"\n"+`{"problem_id": "b", "correct": false}`+"\n")
			return err
		}),
		// 1 GiB of one line in 1 MB of gzip: refused as too large.
		write("gen_gzip_bomb.jsonl.gz", func(w io.Writer) error {
			z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			io.WriteString(z, `{"problem_id": "a", "correct": true, "output": "`)
			if err := repeat(z, "x", 1<<30); err != nil {
				return err
			}
			return z.Close()
		}),
		// Nesting 100,000 deep: refused at its line and column.
		write("gen_deep.jsonl", func(w io.Writer) error {
			io.WriteString(w, `{"problem_id": "a", "correct": true, "x": `)
			repeat(w, "[", 100000)
			repeat(w, "]", 100000)
			_, err := io.WriteString(w, "}\n")
			return err
		}),
		// A problem id of 1 MB: refused, naming the limit.
		write("gen_1MB_id.jsonl", func(w io.Writer) error {
			io.WriteString(w, `{"problem_id": "`)
			repeat(w, "i", 1<<20)
			_, err := io.WriteString(w, `", "correct": true}`+"\n")
			return err
		}),
		// A million problems with one sample each: read.
		write("gen_million_problems.csv", func(w io.Writer) error {
			b := bufio.NewWriter(w)
			b.WriteString("problem,n,c\n")
			for i := range 1_000_000 {
				fmt.Fprintf(b, "p%d,1,%d\n", i, i%2)
			}
			return b.Flush()
		}),
	}
}
