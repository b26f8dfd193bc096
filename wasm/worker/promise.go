//go:build js && wasm

package worker

import (
	"errors"
	"syscall/js"
)

// Await waits for the JavaScript promise p to settle and returns its value,
// or its rejection as an error. It blocks the calling goroutine only: call
// it from a goroutine, never from inside a js.FuncOf callback, where
// blocking would stop the event loop that settles the promise. The two
// callbacks it makes are released once the promise settles.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{v: arg(args)}
		return nil
	})
	onErr = js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{err: JSError(arg(args))}
		return nil
	})
	p.Call("then", onOK, onErr)
	r := <-done
	onOK.Release()
	onErr.Release()
	return r.v, r.err
}

func arg(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// JSError turns a thrown JavaScript value into a Go error: "Name: message"
// for Error and DOMException objects, the value's text otherwise.
func JSError(v js.Value) error {
	if v.Type() == js.TypeObject {
		name, msg := v.Get("name"), v.Get("message")
		if msg.Type() == js.TypeString {
			if name.Type() == js.TypeString && name.String() != "" && name.String() != "Error" {
				return errors.New(name.String() + ": " + msg.String())
			}
			return errors.New(msg.String())
		}
	}
	if v.IsUndefined() || v.IsNull() {
		return errors.New("unknown JavaScript error")
	}
	return errors.New(js.Global().Get("String").Invoke(v).String())
}

// catch runs f, turning a panic of syscall/js (a JavaScript exception) into
// an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = JSError(je.Value)
				return
			}
			if e, ok := r.(error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// try runs f, returning its error or the JavaScript exception it threw.
func try(f func() error) error {
	var e error
	if err := catch(func() { e = f() }); err != nil {
		return err
	}
	return e
}
