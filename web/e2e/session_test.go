//go:build !js

package e2e

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/web"
)

// storedSession returns what IndexedDB holds for the open session: its
// record in the data store, as the worker wrote it.
func (tb *tab) storedSessions() string {
	tb.t.Helper()
	return tb.eval(`new Promise((resolve, reject) => {
		const req = indexedDB.open('passk');
		req.onerror = () => reject(req.error);
		req.onsuccess = () => {
			const db = req.result;
			const all = db.transaction(['data', 'sessions']).objectStore('data').getAll();
			all.onsuccess = () => { db.close(); resolve(JSON.stringify(all.result)); };
			all.onerror = () => reject(all.error);
		};
	})`)
}

func (tb *tab) reload() {
	tb.t.Helper()
	tb.do(chromedp.Reload())
	tb.waitReady()
}

// TestReloadKeepsSession: the session survives a reload (IndexedDB), and
// shows the same rows and crossover.
func TestReloadKeepsSession(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	rows, cross := tb.rows(), tb.crossovers()
	tb.reload()
	if got := tb.rows(); !slices.Equal(got, rows) {
		t.Errorf("after reload rows %q, want %q", got, rows)
	}
	if got := tb.crossovers(); !slices.Equal(got, cross) {
		t.Errorf("after reload crossovers %+v, want %+v", got, cross)
	}
	if n := tb.eval(`String(document.querySelectorAll('#sessions li[data-session]').length)`); n != "1" {
		t.Errorf("%s sessions listed, want 1", n)
	}
	if s := tb.eval(`document.documentElement.dataset.storage`); s != "persistent" {
		t.Errorf("storage %q, want persistent", s)
	}
}

// TestOfflineReload: after one visit the service worker serves the app, so
// the page reloads and works with the network off, and asks the server for
// nothing.
func TestOfflineReload(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
	rows, cross := tb.rows(), tb.crossovers()

	tb.offline()
	if _, err := chromedp.Call(tb.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if got := tb.eval(`fetch('/offline-probe', {cache: 'no-store'}).then(() => 'online', () => 'offline')`); got != "offline" {
		t.Fatalf("network emulation: the page is %s", got)
	}
	before := len(tb.srv.served())
	tb.reload()
	if got := tb.rows(); !slices.Equal(got, rows) {
		t.Errorf("offline: rows %q, want %q", got, rows)
	}
	if got := tb.crossovers(); !slices.Equal(got, cross) {
		t.Errorf("offline: crossovers %+v, want %+v", got, cross)
	}
	// The browser's own update check of the service worker (a fetch of
	// /sw.js that bypasses it) is not always under the page's network
	// emulation; offline it would just fail. Anything else is the page's.
	if after := slices.DeleteFunc(slices.Clone(tb.srv.served()[before:]), func(u string) bool { return u == "/sw.js" }); len(after) != 0 {
		t.Errorf("offline reload reached the server: %q", after)
	}
	// Reading files works offline too.
	tb.upload("testdata/human-eval/example_results.jsonl")
	if got := tb.rows(); len(got) != 3 {
		t.Errorf("offline upload: rows %q", got)
	}
}

// TestBadFile: a file that cannot be read shows its error (file, line, what
// was expected) next to it; the other files of the same drop are read, and
// the stored session is exactly as before.
func TestBadFile(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase)
	stored := tb.storedSessions()
	if !strings.Contains(stored, "base") {
		t.Fatalf("stored sessions: %s", stored)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"task_id": "HumanEval/0", "passed": true}
{"task_id": "HumanEval/0", "passed": false}
{"task_id": "HumanEval/1", "passed": tru}
`), 0o644)
	tb.upload(bad)
	state := tb.eval(`document.querySelector('#filelist li[data-file="bad.jsonl"]').dataset.state`)
	msg := tb.eval(`document.querySelector('#filelist li[data-file="bad.jsonl"] .fstatus').textContent`)
	if state != "error" || !strings.Contains(msg, "bad.jsonl:3") {
		t.Errorf("bad file: state %q, message %q; want an error at bad.jsonl:3", state, msg)
	}
	if got := tb.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("rows after a bad file: %q", got)
	}
	if got := tb.storedSessions(); got != stored {
		t.Errorf("a bad file changed the stored session:\nbefore %s\nafter  %s", stored, got)
	}

	// A bad file among good ones: the good ones are read.
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	tb.upload(empty, crossingRL)
	if msg := tb.eval(`document.querySelector('#filelist li[data-file="empty.csv"] .fstatus').textContent`); !strings.Contains(msg, "empty.csv") || !strings.Contains(msg, "empty") {
		t.Errorf("empty file message %q", msg)
	}
	if got := tb.rows(); !slices.Equal(got, []string{"base", "rl"}) {
		t.Errorf("rows %q, want base, rl", got)
	}
	tb.reload()
	if got := tb.rows(); !slices.Equal(got, []string{"base", "rl"}) {
		t.Errorf("rows after reload %q, want base, rl", got)
	}
}

// TestXSS: labels and problem ids that look like markup are shown as text,
// in the page and in the SVG, and never run.
func TestXSS(t *testing.T) {
	const label = `<img src=x onerror=alert(1)>`
	dir := t.TempDir()
	path := filepath.Join(dir, label+".csv")
	if err := os.WriteFile(path, []byte("problem_id,n,c\n\"<script>alert(2)</script>\",4,1\n\"<img src=x onerror=alert(3)>\",4,3\nq00,4,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, 1280, 900)
	tb.upload(path, crossingBase)
	if got := tb.rows(); !slices.Equal(got, []string{label, "base"}) {
		t.Fatalf("rows %q", got)
	}
	// Rename the other model to markup too.
	const label2 = `<svg onload=alert(4)>`
	tb.poll(`document.documentElement.dataset.busy === '0'`, 30*time.Second)
	tb.eval(`(() => { const i = document.querySelector('#model-rows tr[data-model="base"] input.label'); i.value = ` + jsString(label2) + `; i.dispatchEvent(new Event('change')); return ''; })()`)
	tb.poll(`document.querySelector('#model-rows tr:nth-child(2)').dataset.model === `+jsString(label2)+` && document.documentElement.dataset.busy === '0'`, 30*time.Second)

	legend := evalT[[]string](tb, `Array.from(document.querySelectorAll('#plot svg .legend text')).map(t => t.textContent)`)
	if !slices.Equal(legend, []string{label, label2}) {
		t.Errorf("plot legend %q", legend)
	}
	// The per-problem view of the first model alone, searched for the script id.
	tb.eval(`(() => { const b = document.querySelector('#pb'); b.value = document.querySelector('#pa').value; b.dispatchEvent(new Event('change')); return ''; })()`)
	tb.poll(`document.querySelector('#coverage .set h4') && document.querySelector('#coverage .set h4').textContent.startsWith('Solved by')`, 20*time.Second)
	tb.do(chromedp.SetValue(chromedp.CSS(`#psearch`), "script"))
	tb.eval(`(() => { document.querySelector('#psearch').dispatchEvent(new Event('input')); return ''; })()`)
	ids := evalT[[]string](tb, `Array.from(document.querySelectorAll('#coverage li')).map(li => li.textContent)`)
	if !slices.Contains(ids, "<script>alert(2)</script>") {
		t.Errorf("coverage ids %q, want the script id as text", ids)
	}
	if n := tb.eval(`String(document.querySelectorAll('img, script:not([src]), #main svg foreignObject, [onerror], [onload]').length)`); n != "0" {
		t.Errorf("%s elements made from data", n)
	}
	tb.reload()
	if got := tb.rows(); !slices.Equal(got, []string{label, label2}) {
		t.Errorf("rows after reload %q", got)
	}
}

// offline turns the network off for the page and for its service worker.
func (tb *tab) offline() {
	tb.t.Helper()
	emulate := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, t.Call(ctx, "Network.emulateNetworkConditions", map[string]any{"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}, nil)
	}
	if _, err := chromedp.Run(tb.ctx, emulate); err != nil {
		tb.t.Fatal(err)
	}
	targets, err := chromedp.CallBrowser(tb.ctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		tb.t.Fatal(err)
	}
	found := false
	for _, ti := range targets.TargetInfos {
		if ti.Type != "service_worker" || !strings.HasPrefix(ti.URL, tb.srv.URL+"/") {
			continue
		}
		found = true
		ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(ti.TargetID))
		tb.t.Cleanup(cancel)
		if _, err := chromedp.Run(ctx, emulate); err != nil {
			tb.t.Fatal(err)
		}
	}
	if !found {
		tb.t.Fatal("no service worker target for the page")
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func ptr[T any](v T) *T { return &v }

// TestStorageFull: with IndexedDB's quota exhausted the app still reads
// files and shows them, and says the session will not be kept.
func TestStorageFull(t *testing.T) {
	tb := newTab(t, 1280, 900)
	if _, err := chromedp.Call(tb.ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: tb.srv.URL, QuotaSize: ptr(1.0)}); err != nil {
		t.Fatal(err)
	}
	tb.upload(crossingBase, crossingRL)
	if got := tb.rows(); !slices.Equal(got, []string{"base", "rl"}) {
		t.Errorf("rows %q", got)
	}
	if s := tb.eval(`document.documentElement.dataset.storage`); s != "memory" {
		t.Errorf("storage %q, want memory", s)
	}
	note := tb.eval(`document.querySelector('#storage-note').textContent`)
	if !strings.Contains(note, "not be saved") && !strings.Contains(note, "will not be kept") {
		t.Errorf("storage note %q", note)
	}
	if banner := tb.eval(`document.querySelector('#storage-banner').hidden ? '' : document.querySelector('#storage-banner').textContent`); banner != note {
		t.Errorf("banner %q, want the storage note", banner)
	}
	if len(tb.crossovers()) != 1 {
		t.Errorf("no crossover shown")
	}
	chromedp.Call(tb.ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: tb.srv.URL})
}

var _ = context.Background

// TestServiceWorkerUpdate: when the server has a new build, the page
// (served by the old build's service worker) installs the new one, says a
// new version is ready, and after a reload runs the new build only: the
// old build's cache is gone.
func TestServiceWorkerUpdate(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase)
	tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
	oldCaches := tb.eval(`caches.keys().then(k => k.join(','))`)

	next := maps.Clone(builtSite)
	css := append([]byte(nil), next["style.css"].Data...)
	next["style.css"] = &fstest.MapFile{Data: append(css, "\n/* build 2 */\n"...)}
	h, err := web.New(web.Config{Site: next})
	if err != nil {
		t.Fatal(err)
	}
	tb.srv.serve(h)

	tb.reload()
	tb.poll(`!document.querySelector('#update').hidden`, 30*time.Second)
	tb.poll(`caches.keys().then(k => k.length === 1 && k[0] === 'passk-`+h.Build()+`')`, 30*time.Second)
	if _, err := chromedp.Run(tb.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID("update-reload")))); err != nil {
		t.Fatal(err)
	}
	tb.waitReady()
	if css := tb.eval(`fetch('style.css').then(r => r.text())`); !strings.Contains(css, "build 2") {
		t.Errorf("after the update the page still gets the old style.css")
	}
	if got := tb.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("rows after the update %q", got)
	}
	if now := tb.eval(`caches.keys().then(k => k.join(','))`); now == oldCaches || strings.Contains(now, oldCaches) {
		t.Errorf("caches before %q, after %q", oldCaches, now)
	}
}

// TestDrop drops files on the page (a drag-and-drop, not the file input).
func TestDrop(t *testing.T) {
	tb := newTab(t, 1280, 900)
	views := tb.eval(`document.documentElement.dataset.views`)
	tb.run(`const dt = new DataTransfer();
		dt.items.add(new File(['problem_id,n,c\nq1,4,1\nq2,4,4\n'], 'a.csv'));
		dt.items.add(new File(['problem_id,n,c\nq1,4,3\nq2,4,0\n'], 'b.csv'));
		const zone = document.querySelector('#drop');
		zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
		zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}))`)
	tb.poll(`document.documentElement.dataset.busy === '0' && document.documentElement.dataset.views !== `+jsString(views)+` && document.querySelectorAll('#model-rows tr').length === 2`, 30*time.Second)
	if got := tb.rows(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("rows %q", got)
	}
}

// TestNotBuilt: a server whose site lacks the wasm (before `make build`)
// still serves the page, which says what is missing.
func TestNotBuilt(t *testing.T) {
	site := maps.Clone(builtSite)
	delete(site, "app.wasm")
	delete(site, "wasm_exec.js")
	h, err := web.New(web.Config{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	tb := blankTab(t, 1280, 900)
	tb.srv.serve(h)
	tb.do(chromedp.Navigate(tb.srv.URL + "/"))
	if state := tb.poll(`document.documentElement.dataset.state || ''`, 30*time.Second); state != "failed" {
		t.Fatalf("state %q", state)
	}
	if msg := tb.eval(`document.querySelector('#notice').textContent`); !strings.Contains(msg, "make build") {
		t.Errorf("notice %q", msg)
	}
}
