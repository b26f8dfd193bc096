package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/site"
)

func init() {
	commands["serve"] = command{"serve the browser app (embedded in this binary) on a local address", runServe}
}

func runServe(stdout, stderr io.Writer, args []string) error {
	flags := newFlagSet("serve", "", stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "listen on this `host:port`")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, flags.Args())
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, ln, site.FS(), stdout, stderr)
}

// serve serves the app from siteFS on ln until ctx is done, then shuts the
// server down gracefully. It prints the app's URL on stdout.
func serve(ctx context.Context, ln net.Listener, siteFS fs.FS, stdout, stderr io.Writer) error {
	h, err := web.New(web.Config{Site: siteFS})
	if err != nil {
		ln.Close()
		return err
	}
	if missing := h.Missing(); len(missing) > 0 {
		fmt.Fprintf(stderr, "passk serve: this binary was built without the app: missing %s.\nRun `make build` (or `make serve`), which builds the wasm and then this binary with it.\n", strings.Join(missing, ", "))
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintln(stdout, "http://"+displayAddr(ln.Addr()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayAddr is the address to print: an unspecified host (":8080",
// "0.0.0.0:8080") is shown as 127.0.0.1, which a browser on this machine
// can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
