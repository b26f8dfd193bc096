//go:build !js

package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/web"
)

// TestServiceWorkerUpdateKeepsSession: the app runs build A with a session
// open (two models, one renamed, bands off), when the server starts
// serving build B, a newer passk whose app.wasm also upgrades the database
// to version 2. The service worker installs B (registration.update(), as
// the browser does on its own now and then); the page says a new version is
// ready and keeps working under A, saving as before. After the reload the
// page runs B, which upgrades the database, and opens the same session with
// all its models and edits, byte for byte as A stored it.
func TestServiceWorkerUpdateKeepsSession(t *testing.T) {
	tb := newTab(t, 1280, 900)
	tb.upload(crossingBase, crossingRL)
	tb.setLabel("rl", "rl (tuned)")
	tb.poll(`document.documentElement.dataset.busy === '0' && document.querySelector('#model-rows tr:nth-child(2)').dataset.model === 'rl (tuned)'`, 20*time.Second)
	tb.act(`document.querySelector('#bands').click()`)
	tb.poll(`navigator.serviceWorker.controller !== null`, 30*time.Second)
	_, id := tb.listed()
	cross := tb.crossovers()
	buildA := handler.(*web.Handler).Build()
	if got := tb.eval(`caches.keys().then(k => k.join(','))`); got != "passk-"+buildA {
		t.Fatalf("caches %q, want build A's", got)
	}

	b, err := web.New(web.Config{Site: newerBuild(t)})
	if err != nil {
		t.Fatal(err)
	}
	if b.Build() == buildA {
		t.Fatal("build B has build A's id")
	}
	tb.srv.serve(b)
	tb.run(`navigator.serviceWorker.getRegistration().then(r => r.update())`)
	tb.poll(`!document.querySelector('#update').hidden`, 30*time.Second)
	tb.poll(`caches.keys().then(k => k.join(',') === 'passk-`+b.Build()+`')`, 30*time.Second)
	if text := tb.eval(`document.querySelector('#update').textContent`); !strings.Contains(text, "A new version of passk is ready") {
		t.Errorf("update notice %q", text)
	}

	// The page still runs A, and the session is still kept.
	tb.setLabel("base", "base (kept)")
	tb.poll(`document.documentElement.dataset.busy === '0' && document.querySelector('#model-rows tr:first-child').dataset.model === 'base (kept)'`, 20*time.Second)
	if state, reason, note := tb.storageState(); state != "persistent" {
		t.Errorf("storage %s (%s: %s) after the update, before the reload", state, reason, note)
	}
	stored := tb.dump()
	s := stored.session(t, id)
	if stored.Version != 1 || !slices.Equal(s.labels(), []string{"base (kept)", "rl (tuned)"}) || s.Data.Settings.Bands {
		t.Fatalf("stored under A: version %d, labels %q, bands %v", stored.Version, s.labels(), s.Data.Settings.Bands)
	}

	// Reload with the notice's button: B runs, from the service worker's
	// cache of B.
	fetched := tb.srv.count("/app.wasm")
	if _, err := chromedp.Run(tb.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID("update-reload")))); err != nil {
		t.Fatal(err)
	}
	tb.waitReady()
	tb.poll(`document.documentElement.dataset.storage === 'persistent'`, 30*time.Second)
	tb.poll(`document.querySelectorAll('#model-rows tr').length === 2`, 30*time.Second)
	after := tb.dump()
	if after.Version != 2 {
		t.Errorf("database version %d after the reload: the page does not run build B", after.Version)
	}
	if diff := sameRecords(stored, after); diff != nil || len(after.Stores["data"]) != 1 {
		t.Errorf("the session changed across the update:\n%s", strings.Join(diff, "\n"))
	}
	if got := tb.rows(); !slices.Equal(got, []string{"base (kept)", "rl (tuned)"}) {
		t.Errorf("rows after the update %q", got)
	}
	if tb.eval(`String(document.querySelector('#bands').checked)`) != "false" {
		t.Errorf("bands are on after the update")
	}
	got := tb.crossovers()
	if len(got) != len(cross) || len(got) == 0 || got[0].KStar != cross[0].KStar {
		t.Errorf("crossovers after the update %+v, before %+v", got, cross)
	}
	if names, open := tb.listed(); len(names) != 1 || open != id {
		t.Errorf("listed %v, open %s; want session %s open", names, open, id)
	}
	if got := tb.eval(`caches.keys().then(k => k.join(','))`); got != "passk-"+b.Build() {
		t.Errorf("caches %q after the reload, want build B's only", got)
	}
	if n := tb.srv.count("/app.wasm"); n != fetched {
		t.Errorf("the reload fetched app.wasm from the server (%d times, %d before): not from the service worker's cache", n, fetched)
	}
}

// count returns how many times the server served path.
func (s *server) count(path string) int {
	n := 0
	for _, p := range s.served() {
		if p == path {
			n++
		}
	}
	return n
}
