//go:build !js

package e2e

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/wasm/app"
)

// act clicks or changes an element by a JavaScript statement and waits
// for the page to redraw.
func (tb *tab) act(js string) {
	tb.t.Helper()
	views := tb.eval(`document.documentElement.dataset.views || '0'`)
	tb.eval(`(() => { ` + js + `; return ''; })()`)
	tb.poll(`document.documentElement.dataset.busy === '0' && document.documentElement.dataset.views !== `+jsString(views), 60*time.Second)
}

// run runs JavaScript statements in the page.
func (tb *tab) run(js string) {
	tb.t.Helper()
	tb.eval(`(() => { ` + js + `; return ''; })()`)
}

// TestControls: metric switch, bands, visibility, hover and the
// per-problem view.
func TestControls(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)

	// Hover: the readout names k and both models' values.
	read := tb.hoverAt(0.5)
	if !strings.Contains(read, "base: ") || !strings.Contains(read, "rl: ") {
		t.Errorf("hover readout %q", read)
	}
	// The keyboard moves it too.
	tb.eval(`(() => { const p = document.querySelector('#plot'); p.focus(); p.dispatchEvent(new KeyboardEvent('keydown', {key: 'End', bubbles: true})); return ''; })()`)
	if read := tb.eval(`document.querySelector('#readout').textContent`); !strings.HasPrefix(read, "k = 64 ") {
		t.Errorf("End key: readout %q, want k = 64", read)
	}

	bands := `String(document.querySelectorAll('#plot svg path[fill-opacity]').length)`
	if n := tb.eval(bands); n != "2" {
		t.Errorf("%s bands drawn, want 2", n)
	}
	tb.act(`document.querySelector('#bands').click()`)
	if n := tb.eval(bands); n != "0" {
		t.Errorf("bands off: %s bands drawn", n)
	}

	// pass^k: the crossover panel shows what passk.Analyze computes.
	tb.act(`document.querySelector('input[name=metric][value="pass^k"]').click()`)
	if y := tb.eval(`Array.from(document.querySelectorAll('#plot svg text.title')).map(t => t.textContent).join('|')`); !strings.Contains(y, "pass^k") {
		t.Errorf("axis titles %q, want pass^k", y)
	}
	rep := analyzeFiles(t, crossingBase, crossingRL)
	opt := passk.DefaultOptions()
	opt.Metric = passk.PassHatK
	models := modelsOf(t, crossingBase, crossingRL)
	hat, err := passk.Analyze(models, opt)
	if err != nil {
		t.Fatal(err)
	}
	tb.checkCrossovers(hat.Crossovers)
	tb.act(`document.querySelector('input[name=metric][value="pass@k"]').click()`)
	tb.checkCrossovers(rep.Crossovers)

	// Hiding rl leaves one curve and no pair.
	tb.act(`document.querySelector('#model-rows tr[data-model="rl"] input[type=checkbox]').click()`)
	if legend := evalT[[]string](tb, `Array.from(document.querySelectorAll('#plot svg .legend text')).map(t => t.textContent)`); !slices.Equal(legend, []string{"base"}) {
		t.Errorf("legend with rl hidden: %q", legend)
	}
	if got := tb.crossovers(); len(got) != 0 {
		t.Errorf("crossovers with rl hidden: %+v", got)
	}
	tb.act(`document.querySelector('#model-rows tr[data-model="rl"] input[type=checkbox]').click()`)

	// Per problem at k = 64: the sets are passk.CoverageAt's.
	tb.run(`const k = document.querySelector('#pk'); k.value = '64'; k.dispatchEvent(new Event('change'))`)
	tb.poll(`document.querySelector('#coverage-note').textContent.includes('k = 64')`, 20*time.Second)
	cv, err := passk.CoverageAt(models[0], models[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	heads := evalT[[]string](tb, `Array.from(document.querySelectorAll('#coverage .set h4')).map(h => h.textContent)`)
	want := []string{
		"base only: " + strconv.Itoa(len(cv.AOnly)), "rl only: " + strconv.Itoa(len(cv.BOnly)),
		"Both: " + strconv.Itoa(len(cv.Both)), "Neither: " + strconv.Itoa(len(cv.Neither)),
	}
	if !slices.Equal(heads, want) {
		t.Errorf("coverage sets %q, want %q", heads, want)
	}
	tb.do(chromedp.SetValue(chromedp.CSS(`#psearch`), "q1"))
	tb.eval(`(() => { document.querySelector('#psearch').dispatchEvent(new Event('input')); return ''; })()`)
	ids := evalT[[]string](tb, `Array.from(document.querySelectorAll('#coverage li')).map(li => li.textContent)`)
	if len(ids) != 10 {
		t.Errorf("search q1: %d ids %q, want q10…q19", len(ids), ids)
	}
	if n := tb.eval(`String(document.querySelectorAll('#histogram svg rect.bar[fill="#0072B2"]').length)`); n != "12" {
		t.Errorf("histogram of base has %s bars, want 12", n)
	}

	// Rename: the row, the legend and the crossover panel follow.
	// Wait until the page is idle, then type and commit the label in one
	// step, so that no re-render can come between them.
	tb.poll(`document.documentElement.dataset.busy === '0'`, 60*time.Second)
	tb.act(`const rl = document.querySelector('#model-rows tr[data-model="rl"] input.label'); rl.value = 'RL step 500'; rl.dispatchEvent(new Event('change'))`)
	if got := tb.rows(); !slices.Equal(got, []string{"base", "RL step 500"}) {
		t.Errorf("rows after rename %q", got)
	}
	if c := tb.crossovers(); len(c) != 1 || c[0].B != "RL step 500" || c[0].KStar != strconv.FormatFloat(rep.Crossovers[0].K, 'g', -1, 64) {
		t.Errorf("crossover after rename %+v", c)
	}
	// A duplicate label is refused, and the row keeps its label.
	tb.act(`const base = document.querySelector('#model-rows tr[data-model="base"] input.label'); base.value = 'RL step 500'; base.dispatchEvent(new Event('change'))`)
	if got := tb.rows(); !slices.Equal(got, []string{"base", "RL step 500"}) {
		t.Errorf("rows after a duplicate label %q", got)
	}
}

func modelsOf(t *testing.T, paths ...string) []*passk.Model {
	t.Helper()
	var out []*passk.Model
	for _, p := range paths {
		f, err := formatRead(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f...)
	}
	return out
}

// TestExportImport: the exports are files a user can use, and a session
// exported and imported again shows the same models and crossover.
func TestExportImport(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	get := func(kind, name string) []byte {
		t.Helper()
		tb.run(`document.querySelector('button[data-export="` + kind + `"]').click()`)
		path := filepath.Join(dir, name)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
				return data
			}
			time.Sleep(100 * time.Millisecond)
		}
		entries, _ := os.ReadDir(dir)
		t.Fatalf("%s: no %s downloaded (have %v)", kind, name, entries)
		return nil
	}
	name := "passk-" + tb.eval(`document.querySelector('#sessions li.current .sname').textContent`)
	base := "passk-session-of-" + strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(name, "passk-Session of "), " ", "-"), ":", "-")

	svg := get("svg", base+".svg")
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte(">rl<")) || !bytes.Contains(svg, []byte("k* = ")) {
		t.Errorf("SVG export: %.300s", svg)
	}
	png := get("png", base+".png")
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("PNG export starts %q", png[:min(8, len(png))])
	}
	rows, err := csv.NewReader(bytes.NewReader(get("csv", base+".csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2*64 || strings.Join(rows[0], ",") != "label,metric,k,value,lo,hi,predicted" {
		t.Errorf("CSV export: %d rows, header %q", len(rows), rows[0])
	}
	data := get("session", base+".session.json")
	s, err := app.ParseSession(data)
	if err != nil || len(s.Models) != 2 {
		t.Fatalf("session export: %v (%d models)", err, len(s.Models))
	}
	want := tb.crossovers()

	// A new session, then import the file: the same view.
	tb.act(`document.querySelector('#new-session').click()`)
	if got := tb.rows(); len(got) != 0 {
		t.Fatalf("new session has rows %q", got)
	}
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`#import`), []string{filepath.Join(dir, base+".session.json")}))
	tb.poll(`document.querySelectorAll('#model-rows tr').length === 2 && document.documentElement.dataset.busy === '0'`, 30*time.Second)
	if got := tb.crossovers(); !slices.Equal(got, want) {
		t.Errorf("imported session: crossovers %+v, want %+v", got, want)
	}
	if n := tb.eval(`String(document.querySelectorAll('#sessions li[data-session]').length)`); n != "2" {
		t.Errorf("%s sessions after import, want 2", n)
	}

	// A file that is not a session is refused with a reason; nothing changes.
	bad := filepath.Join(dir, "not-a-session.json")
	os.WriteFile(bad, []byte(`{"passk_session": 99, "models": []}`), 0o644)
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`#import`), []string{bad}))
	msg := tb.poll(`document.querySelector('#import-error').textContent`, 20*time.Second)
	if !strings.Contains(msg, "version 99") {
		t.Errorf("import error %q", msg)
	}
	if n := tb.eval(`String(document.querySelectorAll('#sessions li[data-session]').length)`); n != "2" {
		t.Errorf("%s sessions after a bad import, want 2", n)
	}
}

// TestSessions: open, rename and delete earlier sessions.
func TestSessions(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase)
	first := tb.eval(`document.querySelector('#sessions li.current').dataset.session`)
	tb.act(`document.querySelector('#new-session').click()`)
	tb.upload(crossingRL)
	second := tb.eval(`document.querySelector('#sessions li.current').dataset.session`)
	if first == second {
		t.Fatal("the new session has the first one's id")
	}
	sel := func(id string) string { return `#sessions li[data-session="` + id + `"]` }

	tb.act(`document.querySelector('` + sel(first) + ` button[aria-label^="Open"]').click()`)
	if got := tb.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("opened the first session: rows %q", got)
	}
	tb.eval(`(() => { document.querySelector('` + sel(first) + ` button[aria-label^="Rename"]').click(); return ''; })()`)
	tb.do(chromedp.SetValue(chromedp.CSS(sel(first)+` input`), "Base model, 80 problems"))
	tb.act(`document.querySelector('` + sel(first) + ` button[aria-label="Save the new name"]').click()`)
	tb.poll(`document.querySelector('`+sel(first)+` .sname') && document.querySelector('`+sel(first)+` .sname').textContent === 'Base model, 80 problems'`, 20*time.Second)

	// Delete the second: two clicks (the first asks for confirmation).
	tb.eval(`(() => { document.querySelector('` + sel(second) + ` button[aria-label^="Delete"]').click(); return ''; })()`)
	tb.act(`document.querySelector('` + sel(second) + ` button[aria-label^="Delete"]').click()`)
	tb.poll(`!document.querySelector('`+sel(second)+`')`, 20*time.Second)

	tb.reload()
	if got := tb.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("after reload rows %q", got)
	}
	names := evalT[[]string](tb, `Array.from(document.querySelectorAll('#sessions li[data-session] .sname')).map(s => s.textContent)`)
	if !slices.Equal(names, []string{"Base model, 80 problems"}) {
		t.Errorf("sessions after reload %q", names)
	}
}

// TestLayoutAndLabels: at 360 px nothing but the models table (which
// scrolls in its own box) is wider than the screen, the plot is drawn for
// the width it has, and every control has an accessible name.
func TestLayoutAndLabels(t *testing.T) {
	tb := newTab(t, 360, 740)
	tb.upload(crossingBase, crossingRL)
	if w := tb.eval(`String(document.documentElement.scrollWidth)`); w != "360" {
		t.Errorf("page is %s px wide at 360 px", w)
	}
	if w := evalT[float64](tb, `document.querySelector('#plot svg').viewBox.baseVal.width`); w > 340 {
		t.Errorf("plot drawn %v wide for a 360 px screen", w)
	}
	unnamed := evalT[[]string](tb, `Array.from(document.querySelectorAll('input, select, button, [tabindex]')).filter(e => {
		const name = (e.getAttribute('aria-label') || '').trim() || (e.labels && Array.from(e.labels).map(l => l.textContent).join('').trim()) ||
			(e.tagName === 'BUTTON' && e.textContent.trim()) || (e.getAttribute('aria-describedby') && e.id === 'plot');
		return !name || e.tabIndex < 0;
	}).map(e => e.outerHTML.slice(0, 80))`)
	if len(unnamed) > 0 {
		t.Errorf("controls without a name or out of the tab order: %q", unnamed)
	}
}
