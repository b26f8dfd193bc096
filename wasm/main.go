//go:build js && wasm

// Command wasm is the passk browser app's Go side, built to app.wasm and run
// by web/site/static/worker.js in a dedicated Web Worker. See package
// wasm/worker for the messages it exchanges with the page, and package
// wasm/app for what it computes.
package main

import (
	"context"

	"github.com/passk/passk/wasm/worker"
)

func main() {
	worker.Start(context.Background(), worker.Options{})
	select {} // serve messages until the worker is terminated
}
