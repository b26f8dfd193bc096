//go:build !js

package e2e

// Storage shared by several tabs of one origin: a newer passk upgrading
// the database under an open tab, a tab whose upgrade is blocked by
// another's connection, and two tabs editing the same sessions at once.

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/web"
)

// dumpDB is a JavaScript function of an IDBDatabase that resolves to its
// version and every record of every store, as JSON.
const dumpDB = `(db) => new Promise((resolve, reject) => {
	const names = Array.from(db.objectStoreNames).sort();
	const out = {version: db.version, stores: {}};
	if (!names.length) { resolve(JSON.stringify(out)); return; }
	const tx = db.transaction(names);
	for (const n of names) {
		const r = tx.objectStore(n).getAll();
		r.onsuccess = () => { out.stores[n] = r.result; };
	}
	tx.oncomplete = () => resolve(JSON.stringify(out));
	tx.onerror = () => reject(tx.error);
})`

// idb is what the passk database holds: its version, and each store's
// records by key, as the JSON the browser gave.
type idb struct {
	Version int
	Stores  map[string]map[string]string
}

func parseDump(t *testing.T, text string) idb {
	t.Helper()
	var raw struct {
		Version int                                     `json:"version"`
		Stores  map[string][]map[string]json.RawMessage `json:"stores"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		t.Fatalf("IndexedDB dump %s: %v", text, err)
	}
	d := idb{Version: raw.Version, Stores: map[string]map[string]string{}}
	for name, recs := range raw.Stores {
		d.Stores[name] = map[string]string{}
		for _, r := range recs {
			key := r["key"] // the state store's key; the others' is "id"
			if key == nil {
				key = r["id"]
			}
			var k string
			json.Unmarshal(key, &k)
			whole, _ := json.Marshal(r)
			d.Stores[name][k] = string(whole)
		}
	}
	return d
}

// dump reads the passk database on a connection of its own, from the
// tab's page (another connection than the app's, which is in its worker).
func (tb *tab) dump() idb {
	tb.t.Helper()
	return parseDump(tb.t, tb.eval(`new Promise((resolve, reject) => {
		const r = indexedDB.open('passk');
		r.onerror = () => reject(r.error);
		r.onsuccess = () => { const db = r.result; (`+dumpDB+`)(db).then((s) => { db.close(); resolve(s); }, reject); };
	})`))
}

// dumpHeld reads the passk database on the connection the page holds in
// window.held.
func (tb *tab) dumpHeld() idb {
	tb.t.Helper()
	return parseDump(tb.t, tb.eval(`(`+dumpDB+`)(window.held)`))
}

// session is a stored session's data record decoded.
type storedSession struct {
	Rev  int    `json:"rev"`
	JSON string `json:"json"`
	Data struct {
		Name     string `json:"name"`
		Settings struct {
			Bands bool `json:"bands"`
		} `json:"settings"`
		Models []struct {
			Key      string            `json:"key"`
			Label    string            `json:"label"`
			Hidden   bool              `json:"hidden"`
			Problems []json.RawMessage `json:"problems"`
		} `json:"models"`
	}
}

func (d idb) session(t *testing.T, id string) storedSession {
	t.Helper()
	var s storedSession
	rec, ok := d.Stores["data"][id]
	if !ok {
		t.Fatalf("IndexedDB holds no session %s (it holds %v)", id, slices.Sorted(maps.Keys(d.Stores["data"])))
	}
	if err := json.Unmarshal([]byte(rec), &s); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(s.JSON), &s.Data); err != nil {
		t.Fatalf("session %s: %v", id, err)
	}
	return s
}

func (s storedSession) labels() []string {
	var out []string
	for _, m := range s.Data.Models {
		out = append(out, m.Label)
	}
	return out
}

// sameRecords reports the sessions' records (stores sessions and data) of
// after that differ from before's, or that before had and after lacks.
func sameRecords(before, after idb) []string {
	var diff []string
	for _, name := range []string{"sessions", "data"} {
		for k, r := range before.Stores[name] {
			if after.Stores[name][k] != r {
				diff = append(diff, fmt.Sprintf("%s/%s:\n  before %.300s\n  after  %.300s", name, k, r, after.Stores[name][k]))
			}
		}
	}
	return diff
}

// listed is the list of sessions as the page shows it: id → name, and
// the id of the open one.
func (tb *tab) listed() (map[string]string, string) {
	tb.t.Helper()
	var got struct {
		Names map[string]string
		Open  string
	}
	text := tb.eval(`JSON.stringify({Names: Object.fromEntries(Array.from(document.querySelectorAll('#sessions li[data-session]')).map(li => [li.dataset.session, li.querySelector('.sname') ? li.querySelector('.sname').textContent : ''])),
		Open: (document.querySelector('#sessions li.current') || {dataset: {}}).dataset.session || ''})`)
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		tb.t.Fatal(err)
	}
	return got.Names, got.Open
}

// storageState is the page's storage state: "persistent", or "memory"
// and the reason, with the note shown.
func (tb *tab) storageState() (state, reason, note string) {
	tb.t.Helper()
	v := evalT[[]string](tb, `[document.documentElement.dataset.storage || '', document.documentElement.dataset.storageReason || '', document.querySelector('#storage-note').textContent]`)
	return v[0], v[1], v[2]
}

// setLabel types label into the label field of the model row now
// labelled old, as the user does (the change event), without waiting.
func (tb *tab) setLabel(old, label string) {
	tb.t.Helper()
	tb.run(`const i = document.querySelector('#model-rows tr[data-model=' + JSON.stringify(` + jsString(old) + `) + '] input.label'); i.value = ` + jsString(label) + `; i.dispatchEvent(new Event('change'))`)
}

// sameOrigin opens another tab on tb's server, on a page of its origin
// that is not the app: the test plays another tab's code there.
func (tb *tab) sameOrigin() *tab {
	tb.t.Helper()
	other := tabOn(tb.t, tb.srv, 800, 600)
	other.do(chromedp.Navigate(tb.srv.URL + "/favicon.svg"))
	return other
}

var (
	newerOnce sync.Once
	newerSite fstest.MapFS
	newerErr  error
)

// newerBuild returns the site with an app.wasm that opens the database at
// version 2, as a later passk with a newer storage schema would: built
// with -X github.com/passk/passk/wasm/worker.testDBVersion=2.
func newerBuild(t *testing.T) fstest.MapFS {
	t.Helper()
	newerOnce.Do(func() {
		out := filepath.Join(tmpDir, "app-dbv2.wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-tags", "minimal",
			"-ldflags=-s -w -X github.com/passk/passk/wasm/worker.testDBVersion=2", "-o", out, "./wasm")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			newerErr = fmt.Errorf("building app.wasm with database version 2: %v\n%s", err, msg)
			return
		}
		data, err := os.ReadFile(out)
		if err != nil {
			newerErr = err
			return
		}
		newerSite = maps.Clone(builtSite)
		newerSite["app.wasm"] = &fstest.MapFile{Data: data}
	})
	if newerErr != nil {
		t.Fatal(newerErr)
	}
	return newerSite
}

// TestStorageUpgradedInAnotherTab: another tab opens the database at a
// newer version (as a newer passk does). The app's tab lets go at once so
// that the upgrade proceeds, tells the user passk was updated elsewhere and
// to reload, and keeps working in memory, writing nothing. Reloaded, this
// (older) build finds the database at a newer version: it says so, works in
// memory, and touches nothing.
func TestStorageUpgradedInAnotherTab(t *testing.T) {
	app := newTab(t, 1280, 900)
	app.upload(crossingBase, crossingRL)
	before := app.dump()
	if before.Version != 1 || len(before.Stores["data"]) != 1 {
		t.Fatalf("stored before: %+v", before)
	}

	other := app.sameOrigin()
	got := other.eval(`new Promise((resolve, reject) => {
		const r = indexedDB.open('passk', 2);
		r.onsuccess = () => { window.held = r.result; resolve('opened at version ' + r.result.version); };
		r.onerror = () => reject(r.error);
	})`)
	if got != "opened at version 2" {
		t.Fatalf("the other tab's upgrade: %s", got)
	}

	app.poll(`document.documentElement.dataset.storageReason === 'updated'`, 20*time.Second)
	state, _, note := app.storageState()
	if state != "memory" || !strings.Contains(note, "passk was updated in another tab") || !strings.Contains(note, "reload this page to keep saving") {
		t.Errorf("storage %s, note %q", state, note)
	}
	if banner := app.eval(`document.querySelector('#storage-banner').hidden ? '' : document.querySelector('#storage-banner').textContent`); banner != note {
		t.Errorf("banner %q, want the note", banner)
	}
	if app.eval(`String(document.querySelector('#update').hidden)`) != "false" {
		t.Errorf("the page does not offer to reload")
	}

	// The tab keeps working, in memory; the database is as it was.
	app.setLabel("base", "base (edited)")
	app.poll(`document.documentElement.dataset.busy === '0' && document.querySelector('#model-rows tr:first-child').dataset.model === 'base (edited)'`, 20*time.Second)
	if got := app.rows(); !slices.Equal(got, []string{"base (edited)", "rl"}) {
		t.Errorf("rows %q", got)
	}
	if names, open := app.listed(); len(names) != 1 || names[open] == "" {
		t.Errorf("sessions listed %v (open %s), want the open one", names, open)
	}
	upgraded := other.dumpHeld()
	if upgraded.Version != 2 {
		t.Errorf("version %d after the upgrade", upgraded.Version)
	}
	if diff := sameRecords(before, upgraded); diff != nil || len(upgraded.Stores["data"]) != 1 {
		t.Errorf("the database changed after the app let go of it:\n%s", strings.Join(diff, "\n"))
	}

	// Reloaded, this build cannot open the newer database.
	app.reload()
	state, reason, note := app.storageState()
	if state != "memory" || reason != "newer" || !strings.Contains(note, "upgraded by a newer version of passk") || !strings.Contains(note, "leaves it untouched") {
		t.Errorf("after reload: storage %s (%s), note %q", state, reason, note)
	}
	if got := app.rows(); len(got) != 0 {
		t.Errorf("rows %q after reload, want a new, empty session", got)
	}
	app.upload(crossingRL)
	if got := app.rows(); !slices.Equal(got, []string{"rl"}) {
		t.Errorf("rows %q", got)
	}
	if diff := sameRecords(before, other.dumpHeld()); diff != nil {
		t.Errorf("the older build wrote to the newer database:\n%s", strings.Join(diff, "\n"))
	}
}

// TestStorageBlockedByAnotherTab: a newer passk (database version 2)
// starts while another tab holds the database open at version 1 and does
// not let go. It starts at once, in memory, and says to close the other
// tabs; what is done meanwhile (two sessions) is saved as soon as the other
// tab closes its connection, next to the session stored before, which is
// left byte for byte as it was.
func TestStorageBlockedByAnotherTab(t *testing.T) {
	old := newTab(t, 1280, 900)
	old.upload(crossingBase)
	// That tab goes, and with it its build: the origin's service worker
	// and caches are cleared (not its IndexedDB), so the next load runs
	// the newer build.
	old.do(chromedp.Navigate(old.srv.URL + "/favicon.svg"))
	if _, err := chromedp.Call(old.ctx, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: old.srv.URL, StorageTypes: "service_workers,cache_storage"}); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Site: newerBuild(t)})
	if err != nil {
		t.Fatal(err)
	}
	old.srv.serve(h)

	// A connection that ignores "versionchange", as a hung tab's would.
	holder := old
	if got := holder.eval(`new Promise((resolve, reject) => {
		const r = indexedDB.open('passk');
		r.onsuccess = () => { window.held = r.result; resolve('version ' + r.result.version); };
		r.onerror = () => reject(r.error);
	})`); got != "version 1" {
		t.Fatalf("holder: %s", got)
	}
	stored := holder.dumpHeld()
	if len(stored.Stores["data"]) != 1 {
		t.Fatalf("stored: %+v", stored)
	}

	app := tabOn(t, old.srv, 1280, 900)
	app.open()
	state, reason, note := app.storageState()
	if state != "memory" || reason != "blocked" || !strings.Contains(note, "close the other passk tabs") || !strings.Contains(note, "saved as soon as the storage opens") {
		t.Fatalf("blocked: storage %s (%s), note %q", state, reason, note)
	}
	if got := app.rows(); len(got) != 0 {
		t.Errorf("rows %q, want a new session", got)
	}
	app.upload(crossingRL)
	app.do(chromedp.Click(chromedp.ID("new-session")))
	app.poll(`document.querySelectorAll('#model-rows tr').length === 0 && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	app.upload(crossingBase)
	if names, _ := app.listed(); len(names) != 2 {
		t.Errorf("sessions listed while blocked: %v", names)
	}
	if state, _, _ := app.storageState(); state != "memory" {
		t.Errorf("storage %s while the other tab holds the database", state)
	}
	if diff := sameRecords(stored, holder.dumpHeld()); diff != nil || len(holder.dumpHeld().Stores["data"]) != 1 {
		t.Errorf("the database changed while blocked:\n%s", strings.Join(diff, "\n"))
	}

	// The other tab lets go: the upgrade runs and the work is saved.
	holder.run(`window.held.close()`)
	app.poll(`document.documentElement.dataset.storage === 'persistent'`, 20*time.Second)
	app.poll(`document.querySelector('#status').textContent.startsWith('Storage opened') && document.querySelectorAll('#sessions li[data-session]').length === 3`, 20*time.Second)
	after := holder.dump()
	if after.Version != 2 {
		t.Errorf("database version %d, want 2", after.Version)
	}
	if diff := sameRecords(stored, after); diff != nil {
		t.Errorf("the session stored before changed:\n%s", strings.Join(diff, "\n"))
	}
	var saved [][]string
	for id := range after.Stores["data"] {
		if _, old := stored.Stores["data"][id]; !old {
			saved = append(saved, after.session(t, id).labels())
		}
	}
	slices.SortFunc(saved, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	if fmt.Sprint(saved) != "[[base] [rl]]" {
		t.Errorf("sessions saved once storage opened: %v, want [base] and [rl]", saved)
	}
	_, open := app.listed()
	if cur := after.Stores["state"]["current"]; !strings.Contains(cur, `"id":"`+open+`"`) {
		t.Errorf("current session %s, want the open one %s", cur, open)
	}

	app.reload()
	if got := app.rows(); !slices.Equal(got, []string{"base"}) {
		t.Errorf("rows after reload %q", got)
	}
	if state, _, _ := app.storageState(); state != "persistent" {
		t.Errorf("storage %s after reload", state)
	}
	app.poll(`document.querySelectorAll('#sessions li[data-session]').length === 3`, 20*time.Second)
}

// TestTabsEditTogether: two tabs edit the same session at once (model
// labels, a model added from a file, the session's name, visibility), and
// then each creates a session. IndexedDB ends up with every edit, and
// both tabs show them. One of the edits races a write that no tab
// announced (a tab of an older passk, say): the app finds the newer
// revision when it saves, reads it, and applies its edit to it.
func TestTabsEditTogether(t *testing.T) {
	a := newTab(t, 1280, 900)
	a.upload(crossingBase, crossingRL)
	b := tabOn(t, a.srv, 1280, 900)
	b.open()
	if got := b.rows(); !slices.Equal(got, []string{"base", "rl"}) {
		t.Fatalf("the second tab opened %q", got)
	}
	_, id := a.listed()

	// Both rename a model at once.
	a.setLabel("base", "base-A")
	b.setLabel("rl", "rl-B")
	both := func(expr string) {
		t.Helper()
		a.poll(expr, 30*time.Second)
		b.poll(expr, 30*time.Second)
	}
	rowsAre := func(labels ...string) string {
		js, _ := json.Marshal(labels)
		return `document.documentElement.dataset.busy === '0' && JSON.stringify(Array.from(document.querySelectorAll('#model-rows tr')).map(tr => tr.dataset.model)) === ` + jsString(string(js))
	}
	both(rowsAre("base-A", "rl-B"))

	// b adds a model from a file while a renames the session.
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{filepath.Join(root, "testdata/human-eval/example_results.jsonl")}))
	a.run(`document.querySelector('#sessions li.current button[aria-label^="Rename"]').click();
		const i = document.querySelector('#sessions li.current input'); i.value = 'Joint work';
		i.parentElement.querySelector('button').click()`)
	both(rowsAre("base-A", "rl-B", "example_results"))
	both(`document.querySelector('#sessions li.current .sname') && document.querySelector('#sessions li.current .sname').textContent === 'Joint work'`)

	// A write no tab announces: the session's name, at a new revision.
	if got := b.eval(`new Promise((resolve, reject) => {
		const r = indexedDB.open('passk');
		r.onerror = () => reject(r.error);
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction(['sessions', 'data'], 'readwrite');
			const ss = tx.objectStore('sessions'), ds = tx.objectStore('data');
			ss.get(` + jsString(id) + `).onsuccess = (e) => { const m = e.target.result; m.name = 'Renamed elsewhere'; m.rev++; ss.put(m); };
			ds.get(` + jsString(id) + `).onsuccess = (e) => { const d = e.target.result; const s = JSON.parse(d.json); s.name = 'Renamed elsewhere'; d.json = JSON.stringify(s); d.rev++; ds.put(d); };
			tx.oncomplete = () => { db.close(); resolve('ok'); };
			tx.onerror = () => reject(tx.error);
		};
	})`); got != "ok" {
		t.Fatal(got)
	}
	// a, unaware, hides a model: its save finds the newer revision.
	a.act(`document.querySelector('#model-rows tr[data-model="rl-B"] input[type=checkbox]').click()`)
	d := a.dump()
	s := d.session(t, id)
	if s.Data.Name != "Renamed elsewhere" || !slices.Equal(s.labels(), []string{"base-A", "rl-B", "example_results"}) || !s.Data.Models[1].Hidden {
		t.Errorf("stored session %q with models %+v, want the unannounced rename, the three labels and rl-B hidden", s.Data.Name, s.Data.Models)
	}
	a.poll(`document.querySelector('#sessions li.current .sname').textContent === 'Renamed elsewhere'`, 20*time.Second)
	b.poll(`document.querySelector('#sessions li.current .sname').textContent === 'Renamed elsewhere' && !document.querySelector('#model-rows tr[data-model="rl-B"] input[type=checkbox]').checked`, 20*time.Second)

	// Each tab creates a session, at the same time.
	a.do(chromedp.Click(chromedp.ID("new-session")))
	b.do(chromedp.Click(chromedp.ID("new-session")))
	both(`document.querySelectorAll('#model-rows tr').length === 0 && document.documentElement.dataset.busy === '0'`)
	a.do(chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{filepath.Join(root, crossingRL)}))
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#files`), []string{filepath.Join(root, crossingBase)}))
	a.poll(rowsAre("rl"), 30*time.Second)
	b.poll(rowsAre("base"), 30*time.Second)
	both(`document.querySelectorAll('#sessions li[data-session]').length === 3`)

	d = a.dump()
	if len(d.Stores["data"]) != 3 {
		t.Fatalf("IndexedDB holds %d sessions, want 3", len(d.Stores["data"]))
	}
	var others [][]string
	for sid := range d.Stores["data"] {
		if sid != id {
			others = append(others, d.session(t, sid).labels())
		}
	}
	slices.SortFunc(others, func(x, y []string) int { return strings.Compare(strings.Join(x, ","), strings.Join(y, ",")) })
	if fmt.Sprint(others) != "[[base] [rl]]" {
		t.Errorf("the new sessions hold %v, want [base] and [rl]", others)
	}
	if s := d.session(t, id); s.Data.Name != "Renamed elsewhere" || !slices.Equal(s.labels(), []string{"base-A", "rl-B", "example_results"}) {
		t.Errorf("the shared session: %q %q", s.Data.Name, s.labels())
	}
	na, _ := a.listed()
	nb, _ := b.listed()
	if !maps.Equal(na, nb) || na[id] != "Renamed elsewhere" {
		t.Errorf("the tabs list %v and %v", na, nb)
	}

	// Both open the shared session again: they show the same.
	for _, tb := range []*tab{a, b} {
		tb.act(`document.querySelector('#sessions li[data-session="` + id + `"] button').click()`)
		if got := tb.rows(); !slices.Equal(got, []string{"base-A", "rl-B", "example_results"}) {
			t.Errorf("rows %q", got)
		}
	}
}
