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
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/site"
)

func init() {
	commands["serve"] = command{"serve the browser app (embedded in this binary) and its short links on a local address", runServe}
}

// Writes to the share API per client address: a burst of shareBurst, then
// one every shareEvery.
const (
	shareBurst = 30
	shareEvery = 10 * time.Second
)

func runServe(stdout, stderr io.Writer, args []string) error {
	flags := newFlagSet("serve", "", stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "listen on this `host:port`")
	data := flags.String("data", "", "keep short links' shares in `dir` (default: passk/shares in the user's cache directory)")
	siteDir := flags.String("site", "", "serve the app from `dir` (a built web/site/static) instead of the copy in this binary")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, flags.Args())
	}
	if *data == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("serve: no directory for shares (%v): give one with --data", err)
		}
		*data = filepath.Join(cache, "passk", "shares")
	}
	siteFS := site.FS()
	if *siteDir != "" {
		if _, err := os.Stat(filepath.Join(*siteDir, "index.html")); err != nil {
			return fmt.Errorf("serve: --site %s: %w", *siteDir, err)
		}
		siteFS = os.DirFS(*siteDir)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	store, err := web.OpenDirStore(*data)
	if err != nil {
		ln.Close()
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "passk serve: shares of short links are kept in %s\n", store.Dir())
	return serve(ctx, ln, siteFS, store, stdout, stderr)
}

// serve serves the app from siteFS, with shares in store, on ln until ctx
// is done, then shuts the server down gracefully. It prints the app's URL
// on stdout.
func serve(ctx context.Context, ln net.Listener, siteFS fs.FS, store web.Store, stdout, stderr io.Writer) error {
	h, err := web.New(web.Config{
		Site:    siteFS,
		Store:   store,
		Limiter: web.NewTokenBuckets(shareBurst, shareEvery),
		Logf:    func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
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
	// Requests in flight get 5 s to finish (a share being stored completes
	// or is not acknowledged). A connection that never sent a request (a
	// client's spare one) counts as busy for those 5 s; after them every
	// connection is closed.
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, "passk serve: connections still open 5 s after the stop: closing them")
		srv.Close()
	} else if err != nil {
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
