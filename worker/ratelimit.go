//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"
)

// rateLimit is a web.Limiter backed by a Workers rate-limit binding
// ([[ratelimits]] in wrangler.toml), keyed by the client's address. Each
// request runs in a fresh instance of the Go program, so an in-memory
// limiter would count nothing; the binding counts per Cloudflare location.
// Without the binding every request is allowed.
type rateLimit struct{ binding string }

func (l rateLimit) Allow(ctx context.Context, client string) (bool, time.Duration) {
	b, err := binding(l.binding)
	if err != nil {
		return true, 0
	}
	opts := js.Global().Get("Object").New()
	opts.Set("key", "share:"+client)
	res, err := await(b.Call("limit", opts))
	if err != nil {
		logf("passk: rate limit: %v", err)
		return true, 0
	}
	if res.Get("success").Truthy() {
		return true, 0
	}
	return false, time.Minute
}
