//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// plantUnreadable writes, straight into the page's IndexedDB, sessions this
// version of passk cannot read: one saved by a newer schema (2), one whose
// records have the wrong types, and one whose meta is fine but whose data
// is invalid JSON, made the session open last.
const plantUnreadable = `new Promise((resolve, reject) => {
	const req = indexedDB.open('passk');
	req.onerror = () => reject(req.error);
	req.onsuccess = () => {
		const db = req.result;
		const tx = db.transaction(['sessions', 'data', 'state'], 'readwrite');
		const s = tx.objectStore('sessions'), d = tx.objectStore('data');
		s.put({id: 'future', schema: 2, name: 'From passk 2', created: '2031-01-01T00:00:00Z', updated: '2031-01-02T00:00:00Z', models: ['x'], problems: 1, tags: {color: 'red'}});
		d.put({id: 'future', schema: 2, json: '{"passk_session":2,"id":"future","name":"From passk 2","models":[{"label":"x","problems":[{"id":"q","n":2,"c":1}],"v2":true}]}', extra: [1, 2, 3]});
		s.put({id: 'badtype', schema: 1, name: 42, created: 7, updated: null, models: 'none', problems: 'many'});
		d.put({id: 'badtype', schema: 1, json: 17});
		s.put({id: 'badjson', schema: 1, name: 'Damaged', created: '2024-01-01T00:00:00Z', updated: '2024-01-01T00:00:00Z', models: ['a'], problems: 2});
		d.put({id: 'badjson', schema: 1, json: '{"passk_session":1,"id":"badjson","name":"Damaged","models":[{"label":'});
		tx.objectStore('state').put({key: 'current', id: 'badjson'});
		tx.oncomplete = () => { db.close(); resolve('ok'); };
		tx.onerror = () => reject(tx.error);
	};
})`

// rawUnreadable reads the planted records back, as JSON.
const rawUnreadable = `new Promise((resolve, reject) => {
	const req = indexedDB.open('passk');
	req.onerror = () => reject(req.error);
	req.onsuccess = () => {
		const db = req.result;
		const tx = db.transaction(['sessions', 'data']);
		const out = {};
		for (const store of ['sessions', 'data']) {
			for (const id of ['future', 'badtype', 'badjson']) {
				const g = tx.objectStore(store).get(id);
				g.onsuccess = () => { out[store + '/' + id] = g.result === undefined ? null : g.result; };
			}
		}
		tx.oncomplete = () => { db.close(); resolve(JSON.stringify(out, Object.keys(out).sort().concat(['id','schema','name','created','updated','models','problems','tags','color','json','extra']))); };
		tx.onerror = () => reject(tx.error);
	};
})`

// TestStorageFaultUnreadableKept: sessions in IndexedDB written by a newer
// schema or damaged are listed as unreadable with a reason, and the app
// works around them: it starts, reads files, saves, opens a new session,
// reloads, and every one of those records stays byte for byte as it was.
// Only deleting one (with its confirmation) removes it.
func TestStorageFaultUnreadableKept(t *testing.T) {
	tb := newTab(t, 1280, 900)
	if got := tb.eval(plantUnreadable); got != "ok" {
		t.Fatal(got)
	}
	planted := tb.eval(rawUnreadable)
	if strings.Count(planted, `":{"id"`) != 6 || !strings.Contains(planted, `\"v2\":true`) {
		t.Fatalf("planted records: %s", planted)
	}
	tb.reload()

	// The app started with a new, empty session, and lists the three.
	if got := tb.rows(); len(got) != 0 {
		t.Errorf("rows at start %q", got)
	}
	tb.poll(`document.querySelectorAll('#sessions li.unreadable').length === 3`, 20*time.Second)
	notes := evalT[map[string]string](tb, `Object.fromEntries(Array.from(document.querySelectorAll('#sessions li.unreadable')).map(li => [li.dataset.session, li.querySelector('.unreadable-note').textContent + ' | ' + Array.from(li.querySelectorAll('button')).map(b => b.textContent).join(',')]))`)
	for _, id := range []string{"future", "badtype", "badjson"} {
		n := notes[id]
		if !strings.Contains(n, "cannot be opened") || !strings.Contains(n, "kept unchanged") || !strings.HasSuffix(n, "| Delete") {
			t.Errorf("session %s listed as %q", id, n)
		}
	}
	if !strings.Contains(notes["future"], "newer version of passk") || !strings.Contains(notes["future"], "schema 2") {
		t.Errorf("future: %q", notes["future"])
	}
	if !strings.Contains(notes["badtype"], "damaged") || !strings.Contains(notes["badjson"], "damaged") {
		t.Errorf("damaged: %q, %q", notes["badtype"], notes["badjson"])
	}

	// Use the app: add a file (saves), start a new session, add another,
	// reload.
	tb.upload(crossingBase)
	tb.do(chromedp.Click(chromedp.ID("new-session")))
	tb.poll(`document.querySelectorAll('#model-rows tr').length === 0 && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	tb.upload(crossingRL)
	tb.reload()
	if got := tb.rows(); len(got) != 1 || got[0] != "rl" {
		t.Errorf("rows after reload %q, want rl", got)
	}
	// The damaged data behind a good meta (badjson) is found when the
	// session is opened: after a reload into another session it is listed
	// plainly until someone tries to open it.
	tb.poll(`document.querySelectorAll('#sessions li[data-session]').length === 5 && document.querySelectorAll('#sessions li.unreadable').length === 2`, 20*time.Second)
	tb.do(chromedp.Click(chromedp.CSS(`#sessions li[data-session="badjson"] button`)))
	tb.poll(`document.querySelectorAll('#sessions li.unreadable').length === 3 && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	if st := tb.statusText(); !strings.Contains(st, "damaged") {
		t.Errorf("status after opening badjson: %q", st)
	}
	if got := tb.rows(); len(got) != 1 || got[0] != "rl" {
		t.Errorf("rows after a failed open %q, want rl", got)
	}
	if got := tb.eval(rawUnreadable); got != planted {
		t.Errorf("the unreadable records changed:\nbefore %s\nafter  %s", planted, got)
	}
	if s := tb.eval(`document.documentElement.dataset.storage`); s != "persistent" {
		t.Errorf("storage %q, want persistent", s)
	}

	// An explicit delete (Delete, then Confirm delete) removes one.
	del := `#sessions li[data-session="badtype"] button`
	tb.do(chromedp.Click(chromedp.CSS(del)))
	tb.do(chromedp.Click(chromedp.CSS(del)))
	tb.poll(`!document.querySelector('#sessions li[data-session="badtype"]') && document.documentElement.dataset.busy === '0'`, 20*time.Second)
	got := tb.eval(rawUnreadable)
	if !strings.Contains(got, `"data/badtype":null`) || !strings.Contains(got, `"sessions/badtype":null`) {
		t.Errorf("after delete: %s", got)
	}
	if strings.Count(got, `":{"id"`) != 4 {
		t.Errorf("delete removed more than badtype: %s", got)
	}
}
