//go:build js && wasm

package worker

import (
	"sync"
	"syscall/js"
)

// tabChannel is the BroadcastChannel on which the tabs of one origin tell
// each other what they wrote to IndexedDB, so that a tab showing a session
// that another tab changed reads it again. Its messages are
//
//	{v: 1, id, rev}   session id was saved at revision rev (rev 0: deleted)
//
// A message carries no session data: the receiver reads the store, which
// the sender's transaction has committed before it posts.
const tabChannel = "passk-sessions"

// tabs is this worker's end of the channel.
type tabs struct {
	ch     js.Value
	fn     js.Func
	closed sync.Once
}

// openTabs joins the channel; heard is called, in its own goroutine, for
// each message from another tab. It returns nil where there is no
// BroadcastChannel: then tabs learn of each other's changes only when
// they save (app.ErrConflict) or reload.
func openTabs(heard func(id string, rev int)) *tabs {
	bc := js.Global().Get("BroadcastChannel")
	if bc.Type() != js.TypeFunction {
		return nil
	}
	t := &tabs{}
	if err := catch(func() { t.ch = bc.New(tabChannel) }); err != nil {
		return nil
	}
	t.fn = js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 0 {
			return nil
		}
		m := args[0].Get("data")
		if m.Type() != js.TypeObject || m.Get("v").Type() != js.TypeNumber || m.Get("v").Int() != Protocol {
			return nil
		}
		id, rev := m.Get("id"), m.Get("rev")
		if id.Type() != js.TypeString || rev.Type() != js.TypeNumber || rev.Float() < 0 || rev.Float() > 1<<52 {
			return nil
		}
		go heard(id.String(), rev.Int())
		return nil
	})
	t.ch.Call("addEventListener", "message", t.fn)
	return t
}

// wrote tells the other tabs that session id was saved at revision rev,
// or deleted (rev 0).
func (t *tabs) wrote(id string, rev int) {
	if t == nil {
		return
	}
	msg := js.Global().Get("Object").New()
	msg.Set("v", Protocol)
	msg.Set("id", id)
	msg.Set("rev", rev)
	catch(func() { t.ch.Call("postMessage", msg) })
}

// close leaves the channel (once, whoever calls it).
func (t *tabs) close() {
	if t == nil {
		return
	}
	t.closed.Do(func() {
		t.ch.Call("removeEventListener", "message", t.fn)
		t.ch.Call("close")
		t.fn.Release()
	})
}
