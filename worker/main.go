//go:build js && wasm

// Command worker is passk's Cloudflare Worker: package web's Handler,
// built with github.com/syumai/workers, serving the share API and the
// pages of short links, with the shares in Workers KV (binding SHARES) and
// writes bounded per client by a rate-limit binding (SHARE_LIMIT). The
// site's files are Workers static assets (binding ASSETS, built by `make
// worker` into build/site), which Cloudflare serves itself; only /api/*
// and /s/* reach the Worker (wrangler.toml).
//
// The binary carries no gonum/plot and no IndexedDB code, only package web
// and package web/share, so that it stays well under the Workers size
// limit. Build it with `make worker`; run it with `npx wrangler dev`; deploy
// it with `make deploy`.
package main

import (
	"github.com/syumai/workers"

	"github.com/passk/passk/web"
)

func main() {
	h, err := web.New(web.Config{
		Assets:  assets{binding: "ASSETS"},
		Store:   kvStore{binding: "SHARES"},
		Limiter: rateLimit{binding: "SHARE_LIMIT"},
		Logf:    logf,
	})
	if err != nil {
		panic(err)
	}
	workers.Serve(h)
}
