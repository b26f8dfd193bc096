// Command site writes the browser app's files for the Worker's static
// assets: `go run ./worker/site -o worker/build/site web/site/static` (run
// by `make worker`). It serves the built site through package web's
// Handler and writes each file as the handler would serve it, with a
// `_headers` file carrying the handler's security headers (web.WriteSite).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/passk/passk/web"
)

func main() {
	out := flag.String("o", "worker/build/site", "write the site to `dir` (replaced)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: site [-o dir] sitedir")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}

func run(out, src string) error {
	h, err := web.New(web.Config{Site: os.DirFS(src)})
	if err != nil {
		return err
	}
	if missing := h.Missing(); len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: run `make wasm` first", src, strings.Join(missing, ", "))
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := h.WriteSite(out); err != nil {
		return err
	}
	fmt.Printf("site %s (build %s) written to %s\n", src, h.Build(), out)
	return nil
}
