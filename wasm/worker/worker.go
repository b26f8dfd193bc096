//go:build js && wasm

// Package worker runs the passk app (package wasm/app) in a dedicated Web
// Worker: it receives the page's requests by postMessage, reads dropped files
// as streams (BlobReader), keeps sessions in IndexedDB (IDBStore), and posts
// replies and events back.
//
// The protocol (version 1) is small, versioned messages:
//
//	page → worker  {v: 1, id, op, args, files?}
//	worker → page  {v: 1, id, ok: true, result} or {v: 1, id, ok: false, error}
//	               {v: 1, event, data}
//
// args and result are plain JSON-like objects; files is an array of File
// objects (structured-cloned references, not their bytes). Events are
// "ready" {protocol, storage}, "file" (progress and outcome of one file;
// an import given args {file: id} reports its progress too), "storage"
// (sessions stopped or resumed being kept: {persistent, note, reason}),
// "changed" {view} (the stored sessions changed: another tab saved or
// deleted one, or storage opened late; view says the open session changed
// too, so the page draws it again), "warm" {ms} (the warm-up of the
// readers ran to its end, in ms; it stops, without the event, at the first
// file) and "fatal".
//
// Storage is IndexedDB, shared by every tab of the origin (see IDBStore):
// a save never writes over another tab's newer revision, and each tab tells
// the others what it wrote over a BroadcastChannel (tabs).
//
// The message handler never blocks: it decodes the envelope and hands the
// request to a goroutine, which may wait on promises (file chunks,
// IndexedDB) while the event loop runs.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/wasm/app"
)

// Protocol is the version of the messages between page and worker.
const Protocol = 1

// Worker serves one page.
type Worker struct {
	app  *app.App
	post func(js.Value) // postMessage
	fn   js.Func        // the message handler, released by Stop
	self js.Value
	tabs *tabs // the channel to the other tabs, nil while not in IndexedDB

	addMu sync.Mutex // files are added one request at a time, in order

	warmStop context.CancelFunc // stops the warm-up (app.WarmUp) at the first file
}

// Options configure Start.
type Options struct {
	// Store, when set, is used instead of IndexedDB (tests).
	Store app.Store
	// Post, when set, receives the messages instead of self.postMessage.
	Post func(js.Value)
}

// openWait is how long Start waits for IndexedDB to open before it starts
// in memory, to move the sessions into IndexedDB once it opens.
const openWait = 5 * time.Second

// opened is the outcome of OpenIDB.
type opened struct {
	store *IDBStore
	err   error
}

// Start opens the store (IndexedDB, else memory, and says so), opens the
// session open last, installs the message handler on self and posts
// "ready", then warms the readers up (app.WarmUp) until the first file
// comes. It returns the Worker once it takes requests.
//
// When IndexedDB cannot open at once (another tab holds it open at an
// older version: the open is blocked), the app starts in memory and says
// so, and once IndexedDB opens, what was done meanwhile is saved to it.
func Start(ctx context.Context, opt Options) *Worker {
	w := &Worker{self: js.Global()}
	w.post = opt.Post
	if w.post == nil {
		w.post = func(v js.Value) { w.self.Call("postMessage", v) }
	}
	store, st := opt.Store, app.Storage{Persistent: true}
	var idbStore *IDBStore
	var later <-chan opened
	if store == nil {
		store, st, idbStore, later = openStorage(ctx)
	}
	w.app = app.New(store, st)
	w.app.OnStorage = func(st app.Storage) { w.event("storage", st) }
	if idbStore != nil {
		w.attach(ctx, idbStore)
	}
	w.app.Start(ctx)
	w.fn = js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 {
			w.Receive(args[0].Get("data"))
		}
		return nil
	})
	if opt.Post == nil {
		w.self.Set("onmessage", w.fn)
	}
	w.event("ready", map[string]any{"protocol": Protocol, "storage": w.app.Storage()})
	if later != nil {
		go w.openLate(ctx, later)
	}
	warm, stop := context.WithCancel(ctx)
	w.warmStop = stop
	go func() {
		start := time.Now()
		if err := app.WarmUp(warm, app.WarmPause); err != nil {
			js.Global().Get("console").Call("warn", "passk: "+err.Error())
		} else if warm.Err() == nil {
			w.event("warm", map[string]any{"ms": time.Since(start).Milliseconds()})
		}
	}()
	return w
}

// openStorage opens IndexedDB. It returns the store to start with and
// what to tell the user of it; if IndexedDB has not opened yet (blocked,
// or slow), that store is in memory, and later delivers IndexedDB.
func openStorage(ctx context.Context) (store app.Store, st app.Storage, idbStore *IDBStore, later <-chan opened) {
	result := make(chan opened, 1)
	blocked := make(chan struct{})
	go func() {
		s, err := OpenIDB(ctx, func() { close(blocked) })
		result <- opened{s, err}
	}()
	now := func(r opened) (app.Store, app.Storage, *IDBStore, <-chan opened) {
		if r.err != nil {
			return app.NewMemStore(), openFailed(r.err), nil, nil
		}
		return r.store, app.Storage{Persistent: true}, r.store, nil
	}
	timer := time.NewTimer(openWait)
	defer timer.Stop()
	select {
	case r := <-result:
		return now(r)
	case <-blocked:
		// A passk tab closes its connection as soon as it is asked to,
		// but the browser may say "blocked" before it has: give it a
		// moment before telling the user.
		grace := time.NewTimer(blockedGrace)
		defer grace.Stop()
		select {
		case r := <-result:
			return now(r)
		case <-grace.C:
			return app.NewMemStore(), app.Storage{Reason: app.ReasonBlocked, Note: noteBlocked}, nil, result
		}
	case <-timer.C:
		return app.NewMemStore(), app.Storage{Reason: app.ReasonWaiting, Note: noteWaiting}, nil, result
	}
}

// blockedGrace is how long Start waits, once the open is blocked, for the
// other tabs to close their connections before it starts in memory.
const blockedGrace = 400 * time.Millisecond

// What the user is told about storage.
const (
	noteBlocked = "Another passk tab is keeping this browser's storage open with an older version of passk, so this tab cannot open it yet: close the other passk tabs (or reload them). Until then, what you do here is kept in memory, and it is saved as soon as the storage opens."
	noteWaiting = "This browser's storage has not answered yet. What you do here is kept in memory meanwhile, and saved as soon as the storage opens."
	noteUpdated = "passk was updated in another tab, which now uses this browser's storage: reload this page to keep saving. Everything saved up to now is kept, and this tab overwrites nothing; changes you make here before reloading are kept in memory only (export the session to keep them)."
	noteDeleted = "This browser's passk storage is being deleted (by another tab, or in the browser's settings): sessions are no longer kept. Everything works, in memory, until the page closes."
	noteClosed  = "The browser closed passk's storage (its data may have been cleared): sessions are no longer kept. Everything works, in memory, until the page closes; reload the page to use storage again."
)

// openFailed says why sessions are not kept when IndexedDB failed to open.
func openFailed(err error) app.Storage {
	if errors.Is(err, ErrNewerDatabase) {
		return app.Storage{Reason: app.ReasonNewer, Note: fmt.Sprintf("Sessions will not be kept: %v. This older version cannot use it and leaves it untouched; everything works, in memory, until the page closes. Reload the page to get the newer version (if this one comes back, close the other passk tabs first).", err)}
	}
	return app.Storage{Reason: app.ReasonNoStorage, Note: fmt.Sprintf("Sessions will not be kept: this browser gives the page no storage (%v). Everything works, in memory, until the page closes.", err)}
}

// openLate waits for IndexedDB to open after Start, and moves the app into
// it.
func (w *Worker) openLate(ctx context.Context, later <-chan opened) {
	r := <-later
	if r.err != nil {
		st := openFailed(r.err)
		w.app.Detach(ctx, st.Reason, st.Note)
		return
	}
	w.attach(ctx, r.store)
	view, err := w.app.Persist(ctx, r.store)
	if err != nil {
		w.tabs.close()
		w.tabs = nil
		r.store.Close()
	}
	w.event("changed", map[string]any{"view": view})
}

// attach connects the worker to IndexedDB: it tells the other tabs what
// this one writes and hears what they write, and when the connection is
// lost (a newer passk in another tab upgrades the database), it moves the
// app into memory and says why.
func (w *Worker) attach(ctx context.Context, s *IDBStore) {
	w.tabs = openTabs(func(id string, rev int) {
		view := w.app.Changed(ctx, id, rev == 0)
		w.event("changed", map[string]any{"view": view})
	})
	t := w.tabs
	s.OnWrite = t.wrote
	s.OnLost(func(why string) {
		t.close()
		note, reason := noteClosed, app.ReasonClosed
		switch why {
		case LostUpgrade:
			note, reason = noteUpdated, app.ReasonUpdated
		case LostDeleted:
			note = noteDeleted
		}
		w.app.Detach(ctx, reason, note)
		w.event("changed", map[string]any{"view": false})
	})
}

// Stop removes the message handler and releases it.
func (w *Worker) Stop() {
	w.warmStop()
	if w.self.Get("onmessage").Equal(w.fn.Value) {
		w.self.Set("onmessage", js.Null())
	}
	w.fn.Release()
}

// App returns the app the worker serves.
func (w *Worker) App() *app.App { return w.app }

// request is one decoded request.
type request struct {
	id    int
	op    string
	args  []byte // JSON
	files []js.Value
}

// Receive handles one message from the page. It does not block: the work
// runs in a goroutine.
func (w *Worker) Receive(data js.Value) {
	if data.Type() != js.TypeObject {
		return
	}
	id := 0
	if v := data.Get("id"); v.Type() == js.TypeNumber {
		id = v.Int()
	}
	if v := data.Get("v"); v.Type() != js.TypeNumber || v.Int() != Protocol {
		w.reply(id, nil, fmt.Errorf("protocol version %v, this worker speaks %d: reload the page", v, Protocol))
		return
	}
	r := request{id: id, op: data.Get("op").String(), args: []byte("{}")}
	if r.op == "add" {
		// The user's file gets the thread; other requests run between
		// the warm-up's reads, a few milliseconds apart.
		w.warmStop()
	}
	if a := data.Get("args"); a.Type() == js.TypeObject {
		r.args = []byte(js.Global().Get("JSON").Call("stringify", a).String())
	}
	if fs := data.Get("files"); fs.Type() == js.TypeObject {
		for i := 0; i < fs.Length(); i++ {
			r.files = append(r.files, fs.Index(i))
		}
	}
	go w.handle(r)
}

func (w *Worker) handle(r request) {
	defer func() {
		if p := recover(); p != nil {
			w.reply(r.id, nil, fmt.Errorf("internal error: %v", p))
		}
	}()
	result, err := w.do(context.Background(), r)
	w.reply(r.id, result, err)
}

// do performs one request and returns its result: a value to encode as
// JSON, or a js.Value to post as is.
func (w *Worker) do(ctx context.Context, r request) (any, error) {
	a := w.app
	switch r.op {
	case "view":
		var size app.ViewSize
		if err := decode(r.args, &size); err != nil {
			return nil, err
		}
		return a.View(size)
	case "add":
		var args struct {
			Files []int `json:"files"`
		}
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return w.addFiles(ctx, r.files, args.Files)
	case "rename":
		var args struct{ Key, Label string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.Rename(ctx, args.Key, args.Label)
	case "show":
		var args struct {
			Key     string
			Visible bool
		}
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.Show(ctx, args.Key, args.Visible)
	case "remove":
		var args struct{ Key string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.Remove(ctx, args.Key)
	case "settings":
		var args struct {
			Metric      *passk.Metric
			Bands       *bool
			Extrapolate *int
		}
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		if args.Metric != nil {
			if err := a.SetMetric(ctx, *args.Metric); err != nil {
				return nil, err
			}
		}
		if args.Extrapolate != nil {
			if err := a.SetExtrapolate(ctx, *args.Extrapolate); err != nil {
				return nil, err
			}
		}
		if args.Bands != nil {
			return nil, a.SetBands(ctx, *args.Bands)
		}
		return nil, nil
	case "problems":
		var args struct {
			A, B     string
			K, Width int
		}
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return a.Problems(args.A, args.B, args.K, args.Width)
	case "export":
		var args struct{ Kind string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		ex, err := a.Export(args.Kind)
		if err != nil {
			return nil, err
		}
		out := js.Global().Get("Object").New()
		out.Set("name", ex.Name)
		out.Set("mime", ex.MIME)
		bytes := js.Global().Get("Uint8Array").New(len(ex.Data))
		js.CopyBytesToJS(bytes, ex.Data)
		out.Set("bytes", bytes)
		return out, nil
	case "sessions":
		cur, list, err := a.Sessions(ctx)
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = []app.Meta{}
		}
		return map[string]any{"current": cur, "list": list}, nil
	case "open":
		var args struct{ ID string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.Open(ctx, args.ID)
	case "newSession":
		return nil, a.NewSession(ctx)
	case "renameSession":
		var args struct{ ID, Name string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.RenameSession(ctx, args.ID, args.Name)
	case "deleteSession":
		var args struct{ ID string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return nil, a.DeleteSession(ctx, args.ID)
	case "share":
		var args struct{ IDs bool }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return a.Share(args.IDs)
	case "openShare":
		var args struct{ Payload string }
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		return a.OpenShare(ctx, args.Payload)
	case "import":
		var args struct {
			File int `json:"file"` // the page's id for the file: its progress is reported
		}
		if err := decode(r.args, &args); err != nil {
			return nil, err
		}
		if len(r.files) != 1 {
			return nil, errors.New("import takes one file")
		}
		f := r.files[0]
		br := NewBlobReader(f)
		defer br.Close()
		if args.File != 0 {
			ev := fileEvent{File: args.File, Name: fileName(f), Size: br.Size(), State: "reading"}
			start, last := time.Now(), time.Time{}
			br.Progress = func(read, size int64) {
				if now := time.Now(); now.Sub(last) >= 80*time.Millisecond {
					last = now
					ev.Read, ev.Millis = read, now.Sub(start).Milliseconds()
					w.event("file", ev)
				}
			}
		}
		return nil, a.Import(ctx, fileName(f), br)
	}
	return nil, fmt.Errorf("unknown operation %q", r.op)
}

func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("bad arguments: %v", err)
	}
	return nil
}

func fileName(f js.Value) string {
	if n := f.Get("name"); n.Type() == js.TypeString && n.String() != "" {
		return n.String()
	}
	return "file"
}

// fileEvent is the "file" event: the progress and outcome of one file.
type fileEvent struct {
	File     int      `json:"file"` // the page's id for it
	Name     string   `json:"name"`
	Size     int64    `json:"size"`
	Read     int64    `json:"read"`
	State    string   `json:"state"`    // reading, done, error
	Millis   int64    `json:"ms"`       // time spent reading so far
	WaitMs   int64    `json:"waitMs"`   // of it, time spent waiting for the browser to read the file
	Inflated int      `json:"inflated"` // zip members the browser inflated (BlobReader.InflateMember)
	Raw      int      `json:"raw"`      // zip members the reader thread read for Go to inflate (BlobReader.RawMember)
	Format   string   `json:"format,omitempty"`
	Models   []string `json:"models,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// addFiles reads files one after the other, each into the session or, if
// it fails, not at all, reporting progress as it goes.
func (w *Worker) addFiles(ctx context.Context, files []js.Value, ids []int) (any, error) {
	w.addMu.Lock()
	defer w.addMu.Unlock()
	added, failed := 0, 0
	for i, f := range files {
		id := i + 1
		if i < len(ids) {
			id = ids[i]
		}
		ev := fileEvent{File: id, Name: fileName(f), State: "reading"}
		br := NewBlobReader(f)
		ev.Size = br.Size()
		start, last := time.Now(), time.Time{}
		br.Progress = func(read, size int64) {
			if now := time.Now(); now.Sub(last) >= 80*time.Millisecond {
				last = now
				ev.Read, ev.Millis = read, now.Sub(start).Milliseconds()
				w.event("file", ev)
			}
		}
		w.event("file", ev)
		res, err := w.app.AddFile(ctx, ev.Name, br, nil)
		br.Close()
		ev.Read, ev.Millis, ev.WaitMs, ev.Inflated, ev.Raw = br.read, time.Since(start).Milliseconds(), br.Waited().Milliseconds(), br.inflated, br.raw
		if err != nil {
			failed++
			ev.State, ev.Error = "error", err.Error()
		} else {
			added++
			ev.State, ev.Format, ev.Models, ev.Warnings = "done", res.Format, res.Models, res.Warnings
		}
		w.event("file", ev)
	}
	return map[string]int{"added": added, "failed": failed}, nil
}

// reply posts the answer to request id.
func (w *Worker) reply(id int, result any, err error) {
	msg := js.Global().Get("Object").New()
	msg.Set("v", Protocol)
	msg.Set("id", id)
	if err != nil {
		msg.Set("ok", false)
		msg.Set("error", err.Error())
		w.post(msg)
		return
	}
	msg.Set("ok", true)
	v, err := toJS(result)
	if err != nil {
		msg.Set("ok", false)
		msg.Set("error", err.Error())
	} else {
		msg.Set("result", v)
	}
	w.post(msg)
}

// event posts an event.
func (w *Worker) event(name string, data any) {
	v, err := toJS(data)
	if err != nil {
		v = js.ValueOf(map[string]any{"error": err.Error()})
	}
	msg := js.Global().Get("Object").New()
	msg.Set("v", Protocol)
	msg.Set("event", name)
	msg.Set("data", v)
	w.post(msg)
}

// toJS converts a result to a JavaScript value: js.Values as they are,
// anything else through JSON.
func toJS(v any) (js.Value, error) {
	switch x := v.(type) {
	case nil:
		return js.Null(), nil
	case js.Value:
		return x, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return js.Undefined(), err
	}
	return js.Global().Get("JSON").Call("parse", string(data)), nil
}
