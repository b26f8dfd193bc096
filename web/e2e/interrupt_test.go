//go:build !js

package e2e

// A tab reloaded or closed in the middle of an import: IndexedDB holds no
// part of what was being read, the sessions stored before are byte for
// byte as they were, and the app that comes back is consistent.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// bigCounts writes count counts-CSV files of problems problems each, the
// model of file i labelled "big<i>", and returns their paths. Problem ids
// are long (about 400 bytes), so that the files are large (reading them
// takes a while) but their models small (the analysis does not).
func bigCounts(t *testing.T, count, problems int) []string {
	t.Helper()
	dir := t.TempDir()
	pad := strings.Repeat("x", 390)
	var paths []string
	for i := 1; i <= count; i++ {
		p := filepath.Join(dir, fmt.Sprintf("big%d.csv", i))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString("problem_id,n,c\n")
		for j := 0; j < problems; j++ {
			fmt.Fprintf(w, "problem-%08d-%s,100,%d\n", j, pad, (j*37+i)%101)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths = append(paths, p)
	}
	return paths
}

// bigSession writes a session file of one model with problems problems.
func bigSession(t *testing.T, problems int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big-session.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"passk_session":1,"name":"Big import","settings":{"metric":"pass@k","bands":true},"models":[{"label":"huge","problems":[`)
	for j := 0; j < problems; j++ {
		if j > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"id":"problem-%08d-%s","n":100,"c":%d}`, j, strings.Repeat("y", 40), j%101)
	}
	w.WriteString("]}]}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// midFiles waits until the page has read the first of the files whole
// and is reading a later one (some bytes read, not all), and returns the
// names of the files read whole so far.
func (tb *tab) midFiles() []string {
	tb.t.Helper()
	tb.poll(`(() => {
		const li = Array.from(document.querySelectorAll('#filelist li'));
		const reading = li.find(l => l.dataset.state === 'reading');
		return li.length > 0 && li[0].dataset.state === 'done' && reading && reading.querySelector('progress').value > 0;
	})()`, 120*time.Second)
	return evalT[[]string](tb, `Array.from(document.querySelectorAll('#filelist li[data-state=done]')).map(l => l.dataset.file)`)
}

// checkModelsWhole fails unless every model of every session in d is one
// of want, whole: the number of problems its file has.
func checkModelsWhole(t *testing.T, d idb, want map[string]int) {
	t.Helper()
	for id := range d.Stores["data"] {
		for _, m := range d.session(t, id).Data.Models {
			n, ok := want[m.Label]
			if !ok {
				continue
			}
			if len(m.Problems) != n {
				t.Errorf("session %s holds model %s with %d problems, want all %d", id, m.Label, len(m.Problems), n)
			}
		}
	}
}

// TestReloadMidImport: the page is reloaded while it reads a set of large
// result files, and again while it imports a large session file. After
// each reload IndexedDB holds the files read whole before the reload (as
// whole models) and nothing of the file being read; the sessions stored
// before are unchanged, and the app shows what is stored.
func TestReloadMidImport(t *testing.T) {
	const problems = 25_000
	files := bigCounts(t, 4, problems)
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	before := tb.dump()
	_, first := tb.listed()

	// A new session, and the files dropped into it.
	tb.do(chromedp.Click(chromedp.ID("new-session")))
	tb.poll(`document.querySelectorAll('#model-rows tr').length === 0 && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`#files`), files))
	done := tb.midFiles()
	tb.reload()

	after := tb.dump()
	if diff := sameRecords(before, after); diff != nil {
		t.Errorf("the session stored before changed:\n%s", strings.Join(diff, "\n"))
	}
	want := map[string]int{"big1": problems, "big2": problems, "big3": problems, "big4": problems}
	checkModelsWhole(t, after, want)
	var second string
	for id := range after.Stores["data"] {
		if id != first {
			second = id
		}
	}
	if len(after.Stores["data"]) != 2 || second == "" {
		t.Fatalf("IndexedDB holds %d sessions, want the first and the one the files went into", len(after.Stores["data"]))
	}
	stored := after.session(t, second).labels()
	t.Logf("reloaded when %q of %d files were read whole; stored: %q", done, len(files), stored)
	if len(stored) < len(done) || len(stored) == len(files) {
		t.Errorf("the files' session holds %q; before the reload %q were read whole, and not all %d", stored, done, len(files))
	}
	for i, l := range stored {
		if l != fmt.Sprintf("big%d", i+1) {
			t.Errorf("model %d of the files' session is %q", i+1, l)
		}
	}
	// The app opens that session, as stored, and lists both.
	if got := tb.rows(); !slices.Equal(got, stored) {
		t.Errorf("rows after reload %q, want %q", got, stored)
	}
	if names, open := tb.listed(); len(names) != 2 || open != second {
		t.Errorf("listed %v, open %s; want both sessions, %s open", names, open, second)
	}
	if n := tb.eval(`String(document.querySelectorAll('#sessions li.unreadable').length)`); n != "0" {
		t.Errorf("%s sessions listed as unreadable", n)
	}

	// A session file reloaded mid-import.
	before = after
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`#import`), []string{bigSession(t, 600_000)}))
	progress := tb.poll(`/^Importing big-session\.json: [0-9.]+ [KMG]?B of [0-9.]+ MB read/.test(document.querySelector('#status').textContent) && document.querySelector('#status').textContent`, 60*time.Second)
	t.Logf("reloaded at %q", progress)
	tb.reload()
	after = tb.dump()
	if diff := sameRecords(before, after); diff != nil {
		t.Errorf("the sessions stored before changed:\n%s", strings.Join(diff, "\n"))
	}
	if len(after.Stores["data"]) != 2 {
		t.Errorf("IndexedDB holds %d sessions after a reload mid-import, want the 2 stored before", len(after.Stores["data"]))
	}
	if got := tb.rows(); !slices.Equal(got, stored) {
		t.Errorf("rows after the second reload %q, want %q", got, stored)
	}
	if names, _ := tb.listed(); len(names) != 2 {
		t.Errorf("listed %v", names)
	}
}

// TestCloseMidImport: a second tab is closed while it reads a set of
// large files into a new session. The first tab, open all along, keeps
// its session and lists the second tab's session holding the files read
// whole before the close, and IndexedDB holds nothing else.
func TestCloseMidImport(t *testing.T) {
	const problems = 25_000
	files := bigCounts(t, 4, problems)
	a := newTab(t, 1280, 900)
	a.upload(crossingBase)
	before := a.dump()
	_, first := a.listed()

	b := tabOn(t, a.srv, 1280, 900)
	b.open()
	b.do(chromedp.Click(chromedp.ID("new-session")))
	b.poll(`document.querySelectorAll('#model-rows tr').length === 0 && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#files`), files))
	done := b.midFiles()
	if err := chromedp.Cancel(b.ctx); err != nil {
		t.Fatal(err)
	}

	after := a.dump()
	if diff := sameRecords(before, after); diff != nil {
		t.Errorf("the session stored before changed:\n%s", strings.Join(diff, "\n"))
	}
	checkModelsWhole(t, after, map[string]int{"big1": problems, "big2": problems, "big3": problems, "big4": problems})
	var second string
	for id := range after.Stores["data"] {
		if id != first {
			second = id
		}
	}
	if len(after.Stores["data"]) != 2 || second == "" {
		t.Fatalf("IndexedDB holds %d sessions, want the first and the closed tab's", len(after.Stores["data"]))
	}
	stored := after.session(t, second).labels()
	t.Logf("closed when %q of %d files were read whole; stored: %q", done, len(files), stored)
	if len(stored) < len(done) || len(stored) == len(files) {
		t.Errorf("the closed tab's session holds %q; %q were read whole before the close, and not all %d", stored, done, len(files))
	}
	// The first tab heard of the closed tab's session, and still shows
	// its own.
	a.poll(`document.querySelectorAll('#sessions li[data-session]').length === 2`, 20*time.Second)
	if got := a.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("rows of the first tab %q", got)
	}
	a.act(`document.querySelector('#sessions li[data-session="` + second + `"] button').click()`)
	if got := a.rows(); !slices.Equal(got, stored) {
		t.Errorf("the closed tab's session opens with %q, want %q", got, stored)
	}
}
