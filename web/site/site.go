// Package site embeds the built browser app served by package web.
//
// static/ holds the committed files of the page (index.html, app.js,
// worker.js, reader.js, sw.js, style.css, favicon.svg); `make build` adds the files it
// generates (app.wasm with its .gz and .br encodings, and wasm_exec.js from
// the Go toolchain), which are not committed. Before a build the package
// still compiles and serves the page, and the handler explains that the
// wasm is missing.
package site

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the site, index.html at its root.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // static is embedded: cannot happen
	}
	return sub
}
