//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/syumai/workers/cloudflare"
)

// await waits for the JavaScript promise p to settle. The handler runs in
// its own goroutine (package workers), so waiting blocks only it.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	onOK := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{v: first(args)}
		return nil
	})
	onErr := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{err: jsError(first(args))}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	r := <-done
	return r.v, r.err
}

func first(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

func jsError(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return errors.New(v.Get("message").String())
	}
	return fmt.Errorf("JavaScript error: %v", v)
}

// binding returns the Worker's binding name, or an error if the Worker has
// none (wrangler.toml lacks it).
func binding(name string) (js.Value, error) {
	v := cloudflare.GetBinding(name)
	if v.IsUndefined() || v.IsNull() {
		return js.Value{}, fmt.Errorf("the Worker has no binding %s (see wrangler.toml)", name)
	}
	return v, nil
}

// logf writes to the Worker's log (console.error).
func logf(format string, args ...any) {
	js.Global().Get("console").Call("error", fmt.Sprintf(format, args...))
}
