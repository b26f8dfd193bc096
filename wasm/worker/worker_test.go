//go:build js && wasm

package worker

// These tests run under Node (GOOS=js GOARCH=wasm go test, with
// $(go env GOROOT)/lib/wasm on PATH; `make test` does it). Node has Blob,
// File and promises but no IndexedDB, so the worker falls back to memory
// here, as it does in a browser without storage. IndexedDB itself is tested
// in Chromium by the browser tests (web/e2e).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

func TestAwait(t *testing.T) {
	v, err := Await(js.Global().Get("Promise").Call("resolve", 42))
	if err != nil || v.Int() != 42 {
		t.Errorf("resolved: %v %v", v, err)
	}
	_, err = Await(js.Global().Get("Promise").Call("reject", js.Global().Get("TypeError").New("boom")))
	if err == nil || err.Error() != "TypeError: boom" {
		t.Errorf("rejected: %v", err)
	}
	_, err = Await(js.Global().Get("Promise").Call("reject", "plain"))
	if err == nil || err.Error() != "plain" {
		t.Errorf("rejected with a string: %v", err)
	}
}

// newBlob makes a Blob (a File when name is not empty) holding data.
func newBlob(data []byte, name string) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	parts := js.Global().Get("Array").New(arr)
	if name != "" {
		return js.Global().Get("File").New(parts, name)
	}
	return js.Global().Get("Blob").New(parts)
}

func TestBlobReader(t *testing.T) {
	data := make([]byte, 3<<20+12345)
	for i := range data {
		data[i] = byte(i*7 + i/1000)
	}
	br := NewBlobReader(newBlob(data, ""))
	if br.Size() != int64(len(data)) {
		t.Errorf("Size() = %d", br.Size())
	}
	calls, last := 0, int64(0)
	br.Progress = func(read, size int64) {
		calls++
		if read < last || size != int64(len(data)) {
			t.Errorf("progress %d of %d after %d", read, size, last)
		}
		last = read
	}
	got, err := io.ReadAll(br)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	// Node hands out a small blob in one chunk, Chromium in 64 KiB ones.
	if calls < 1 || last != int64(len(data)) {
		t.Errorf("progress called %d times, last %d", calls, last)
	}
	for _, off := range []int64{0, 1, 65535, 1 << 20, int64(len(data)) - 10} {
		p := make([]byte, 100)
		n, err := br.ReadAt(p, off)
		want := data[off:min(off+100, int64(len(data)))]
		if n != len(want) || !bytes.Equal(p[:n], want) || (n < 100) != (err == io.EOF) {
			t.Errorf("ReadAt(%d): %d, %v", off, n, err)
		}
	}
	if _, err := br.ReadAt(make([]byte, 1), int64(len(data))); err != io.EOF {
		t.Errorf("ReadAt at the end: %v", err)
	}
	// Close before the end forgets the slices asked for.
	br2 := NewBlobReader(newBlob(data, ""))
	br2.Read(make([]byte, 10))
	if err := br2.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestOpenIDBWithoutIndexedDB(t *testing.T) {
	if _, err := OpenIDB(context.Background(), nil); !errors.Is(err, ErrNoIndexedDB) {
		t.Errorf("OpenIDB under Node: %v", err)
	}
}

// client plays the page: it sends messages to a Worker and collects what
// the worker posts.
type client struct {
	t      *testing.T
	w      *Worker
	posted chan js.Value
	next   int
	events []js.Value
}

func newClient(t *testing.T) *client {
	c := &client{t: t, posted: make(chan js.Value, 1000)}
	c.w = Start(context.Background(), Options{Post: func(v js.Value) { c.posted <- v }})
	t.Cleanup(c.w.Stop)
	ready := c.event("ready")
	if ready.Get("protocol").Int() != Protocol {
		t.Fatalf("ready: %v", ready)
	}
	return c
}

func jsonOf(v js.Value) string {
	return js.Global().Get("JSON").Call("stringify", v).String()
}

// event waits for the next event called name.
func (c *client) event(name string) js.Value {
	c.t.Helper()
	for {
		select {
		case m := <-c.posted:
			if m.Get("event").String() == name {
				return m.Get("data")
			}
			c.events = append(c.events, m)
		case <-time.After(20 * time.Second):
			c.t.Fatalf("no %s event", name)
		}
	}
}

// call sends a request and waits for its reply.
func (c *client) call(op, args string, files ...js.Value) (js.Value, error) {
	c.t.Helper()
	c.next++
	id := c.next
	msg := js.Global().Get("JSON").Call("parse", fmt.Sprintf(`{"v": 1, "id": %d, "op": %q, "args": %s}`, id, op, args))
	if len(files) > 0 {
		arr := js.Global().Get("Array").New()
		for _, f := range files {
			arr.Call("push", f)
		}
		msg.Set("files", arr)
	}
	c.w.Receive(msg)
	for {
		select {
		case m := <-c.posted:
			if m.Get("id").IsUndefined() {
				c.events = append(c.events, m)
				continue
			}
			if m.Get("v").Int() != Protocol || m.Get("id").Int() != id {
				c.t.Fatalf("reply %s to request %d", jsonOf(m), id)
			}
			if !m.Get("ok").Bool() {
				return js.Undefined(), errors.New(m.Get("error").String())
			}
			return m.Get("result"), nil
		case <-time.After(60 * time.Second):
			c.t.Fatalf("no reply to %s", op)
		}
	}
}

func (c *client) mustCall(op, args string, files ...js.Value) js.Value {
	c.t.Helper()
	v, err := c.call(op, args, files...)
	if err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
	return v
}

func counts(rows ...string) []byte {
	return []byte("problem_id,n,c\n" + strings.Join(rows, "\n") + "\n")
}

func TestProtocol(t *testing.T) {
	c := newClient(t)
	if st := c.w.App().Storage(); st.Persistent || !strings.Contains(st.Note, "IndexedDB") {
		t.Errorf("storage under Node: %+v", st)
	}
	base := newBlob(counts("p1,8,1", "p2,8,2", "p3,8,0", "p4,8,4"), "base.csv")
	rl := newBlob(counts("p1,8,6", "p2,8,7", "p3,8,0", "p4,8,0"), "rl.csv")
	bad := newBlob([]byte("problem_id,n,c\np1,8,9\n"), "bad.csv")
	res := c.mustCall("add", `{"files": [7, 8, 9]}`, base, rl, bad)
	if res.Get("added").Int() != 2 || res.Get("failed").Int() != 1 {
		t.Errorf("add: %s", jsonOf(res))
	}
	// Each file reported its outcome.
	outcome := map[int]js.Value{}
	for _, m := range c.events {
		if m.Get("event").String() == "file" {
			d := m.Get("data")
			if s := d.Get("state").String(); s == "done" || s == "error" {
				outcome[d.Get("file").Int()] = d
			}
		}
	}
	if outcome[7].Get("state").String() != "done" || outcome[8].Get("format").String() != "counts-csv" {
		t.Errorf("file events: %v", outcome)
	}
	if e := outcome[9].Get("error").String(); outcome[9].Get("state").String() != "error" || !strings.Contains(e, "bad.csv:2") {
		t.Errorf("bad file event: %s", jsonOf(outcome[9]))
	}

	v := c.mustCall("view", `{"width": 640, "height": 400}`)
	if n := v.Get("rows").Length(); n != 2 {
		t.Fatalf("view rows: %d", n)
	}
	if !strings.Contains(v.Get("plot").Get("svg").String(), "<svg") {
		t.Error("no plot")
	}
	if v.Get("crossovers").Length() != 1 {
		t.Errorf("crossovers: %s", jsonOf(v.Get("crossovers")))
	}

	if _, err := c.call("rename", `{"key": "m2", "label": "base"}`); err == nil || !strings.Contains(err.Error(), "another model") {
		t.Errorf("duplicate label: %v", err)
	}
	c.mustCall("rename", `{"key": "m2", "label": "RL"}`)
	c.mustCall("settings", `{"metric": "pass^k", "bands": false}`)
	v = c.mustCall("view", `{"width": 640, "height": 400}`)
	if v.Get("metric").String() != "pass^k" || v.Get("bands").Bool() || v.Get("rows").Index(1).Get("label").String() != "RL" {
		t.Errorf("after settings: %s", jsonOf(v.Get("rows")))
	}
	// Predictions beyond n: on for pass^k, refused out of range.
	c.mustCall("settings", `{"extrapolate": 256}`)
	v = c.mustCall("view", `{"width": 640, "height": 400}`)
	if !v.Get("predicting").Bool() || v.Get("extrapolate").Int() != 256 || v.Get("fits").Length() != 2 {
		t.Errorf("after extrapolate: predicting %v, fits %s", v.Get("predicting"), jsonOf(v.Get("fits")))
	}
	if _, err := c.call("settings", `{"extrapolate": -1}`); err == nil {
		t.Error("extrapolate -1 accepted")
	}
	c.mustCall("settings", `{"extrapolate": 0}`)
	p := c.mustCall("problems", `{"a": "m1", "b": "m2", "k": 8}`)
	if p.Get("sets").Length() != 4 || !strings.Contains(p.Get("histogram").String(), "<svg") {
		t.Errorf("problems: %s", jsonOf(p))
	}
	ex := c.mustCall("export", `{"kind": "csv"}`)
	if ex.Get("mime").String() != "text/csv" || ex.Get("bytes").Get("length").Int() == 0 {
		t.Errorf("export: %s", jsonOf(ex))
	}
	sess := c.mustCall("export", `{"kind": "session"}`)
	data := make([]byte, sess.Get("bytes").Get("length").Int())
	js.CopyBytesToGo(data, sess.Get("bytes"))

	// Sessions: a new one, then import the export back.
	c.mustCall("newSession", `{}`)
	if n := c.mustCall("view", `{"width": 640, "height": 400}`).Get("rows").Length(); n != 0 {
		t.Errorf("new session has %d rows", n)
	}
	c.mustCall("import", `{}`, newBlob(data, "s.json"))
	list := c.mustCall("sessions", `{}`)
	if list.Get("list").Length() != 2 {
		t.Errorf("sessions: %s", jsonOf(list))
	}
	if _, err := c.call("import", `{}`, newBlob([]byte(`{"passk_session": 7}`), "old.json")); err == nil || !strings.Contains(err.Error(), "old.json") {
		t.Errorf("bad session: %v", err)
	}

	if _, err := c.call("fly", `{}`); err == nil || !strings.Contains(err.Error(), "unknown operation") {
		t.Errorf("unknown op: %v", err)
	}
	if _, err := c.call("view", `{"width": "wide"}`); err == nil || !strings.Contains(err.Error(), "bad arguments") {
		t.Errorf("bad args: %v", err)
	}
}

func TestProtocolVersion(t *testing.T) {
	c := newClient(t)
	c.w.Receive(js.Global().Get("JSON").Call("parse", `{"v": 2, "id": 5, "op": "view", "args": {}}`))
	select {
	case m := <-c.posted:
		if m.Get("id").Int() != 5 || m.Get("ok").Bool() || !strings.Contains(m.Get("error").String(), "protocol version") {
			t.Errorf("reply %s", jsonOf(m))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply")
	}
}
