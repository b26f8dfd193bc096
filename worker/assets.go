//go:build js && wasm

package main

import (
	"net/http"
	"strconv"
	"syscall/js"
)

// assets serves a request from the Worker's static assets (the ASSETS
// binding): the page at /s/<id>, and any other path that reaches the
// Worker.
type assets struct{ binding string }

// forwarded are the request headers passed on to the assets.
var forwarded = []string{"Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since"}

// kept are the response headers passed back; the Handler has set the
// security headers already.
var kept = []string{"Content-Type", "Cache-Control", "ETag", "Last-Modified"}

func (a assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := binding(a.binding)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	u := *r.URL
	if !u.IsAbs() {
		u.Scheme, u.Host = "https", r.Host
	}
	headers := js.Global().Get("Headers").New()
	for _, k := range forwarded {
		if v := r.Header.Get(k); v != "" {
			headers.Call("set", k, v)
		}
	}
	init := js.Global().Get("Object").New()
	init.Set("method", r.Method)
	init.Set("headers", headers)
	res, err := await(b.Call("fetch", js.Global().Get("Request").New(u.String(), init)))
	if err != nil {
		logf("passk: static assets: %v", err)
		http.Error(w, "the site's files could not be read", http.StatusBadGateway)
		return
	}
	body, err := await(res.Call("arrayBuffer"))
	if err != nil {
		http.Error(w, "the site's files could not be read", http.StatusBadGateway)
		return
	}
	data := make([]byte, body.Get("byteLength").Int())
	js.CopyBytesToGo(data, js.Global().Get("Uint8Array").New(body))
	rh := res.Get("headers")
	for _, k := range kept {
		if v := rh.Call("get", k); v.Type() == js.TypeString {
			w.Header().Set(k, v.String())
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(res.Get("status").Int())
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
