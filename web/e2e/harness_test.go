//go:build !js

// Package e2e tests the browser app end to end, in real headless Chromium
// driven by chromedp: the page, its worker running the Go wasm, IndexedDB,
// the service worker, and the handler of package web serving them.
//
// TestMain builds what the tests need from the working tree (app.wasm and
// the passk CLI, into a temporary directory) and serves the site's files from
// web/site/static with that wasm, so the tests never run a stale build.
// Without Chromium the tests are skipped, except in CI (CI=true), where that
// is a failure.
package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/passk/passk/web"
)

var (
	root       string // the module's root directory
	cliPath    string // the passk CLI built for the tests
	handler    http.Handler
	browserCtx context.Context
	proxy      *recordingProxy
	builtSite  fstest.MapFS
	skipReason string
	tmpDir     string
)

var (
	updateScreenshot = flag.Bool("screenshot", false, "write web/screenshot.png from the page with two models loaded")
	measure          = flag.Bool("measure", false, "measure load and read times (TestMeasure)")
	measureMB        = flag.Int("measure-mb", 100, "size of the file TestMeasure drops, in MiB")
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if root, err = moduleRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "e2e: FAIL: Chromium is not installed, and CI=true: the browser tests must run in CI (apt-get install chromium)")
			return 1
		}
		skipReason = "Chromium is not installed (apt-get install chromium, or set PASSK_CHROMIUM): skipping the browser tests"
		fmt.Fprintln(os.Stderr, "e2e:", skipReason)
		return m.Run()
	}
	if testing.Short() {
		skipReason = "browser tests are not run with -short"
		return m.Run()
	}
	tmpDir, err = os.MkdirTemp("", "passk-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmpDir)
	if err := build(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	site, err := testSite(filepath.Join(tmpDir, "app.wasm"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	builtSite = site
	h, err := web.New(web.Config{Site: site})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	handler = h

	proxy = newProxy()
	defer proxy.Close()
	profile := filepath.Join(tmpDir, "profile")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		// Every request of every target (page, worker, service worker)
		// goes through the recording proxy, loopback included.
		chromedp.Flag("proxy-server", proxy.URL),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		// The browser's own services (form-field predictions for the
		// page's inputs, account sync) are not the page's requests:
		// turn them off so the proxy sees only what the page asks for.
		chromedp.Flag("disable-features", "AutofillServerCommunication,OptimizationGuideModelDownloading,OptimizationHintsFetching,OptimizationTargetPrediction,OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying"),
		chromedp.Flag("allow-browser-signin", "false"),
		chromedp.UserDataDir(profile),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting Chromium:", err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the passk module")
	}
	return filepath.Dir(mod), nil
}

func findChromium() string {
	if p := os.Getenv("PASSK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// build compiles app.wasm and the CLI from the working tree.
func build() error {
	start := time.Now()
	wasm := exec.Command("go", "build", "-trimpath", "-tags", "minimal", "-ldflags=-s -w", "-o", filepath.Join(tmpDir, "app.wasm"), "./wasm")
	wasm.Dir = root
	wasm.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := wasm.CombinedOutput(); err != nil {
		return fmt.Errorf("building app.wasm: %v\n%s", err, out)
	}
	cliPath = filepath.Join(tmpDir, "passk")
	cli := exec.Command("go", "build", "-o", cliPath, "./passk/cmd/passk")
	cli.Dir = root
	if out, err := cli.CombinedOutput(); err != nil {
		return fmt.Errorf("building the CLI: %v\n%s", err, out)
	}
	fmt.Fprintf(os.Stderr, "e2e: built app.wasm and passk in %v\n", time.Since(start).Round(time.Second))
	return nil
}

// testSite is web/site/static as it is on disk, with the wasm just built
// and wasm_exec.js from the Go toolchain (what `make build` adds).
func testSite(wasmPath string) (fstest.MapFS, error) {
	site := fstest.MapFS{}
	static := filepath.Join(root, "web", "site", "static")
	generated := map[string]bool{"app.wasm": true, "app.wasm.gz": true, "app.wasm.br": true, "wasm_exec.js": true}
	err := filepath.WalkDir(static, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(static, p)
		if generated[rel] || strings.HasSuffix(rel, ".go") {
			return nil
		}
		data, err := os.ReadFile(p)
		site[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		return nil, err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, err
	}
	for name, path := range map[string]string{
		"app.wasm":     wasmPath,
		"wasm_exec.js": filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		site[name] = &fstest.MapFile{Data: data}
	}
	return site, nil
}

// server is one test's HTTP server: its own origin, so its own IndexedDB,
// caches and service worker. It counts the requests it serves.
type server struct {
	*httptest.Server
	site     http.Handler // when set, served instead of the shared handler
	mu       sync.Mutex
	requests []string
	wasm     []string // how app.wasm was served: Accept-Encoding → Content-Encoding, bytes
}

// countingWriter counts the bytes of a response.
type countingWriter struct {
	http.ResponseWriter
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += n
	return n, err
}

func newServer(t *testing.T) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path)
		h := s.site
		s.mu.Unlock()
		if h == nil {
			h = handler
		}
		cw := &countingWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		if r.URL.Path == "/app.wasm" {
			s.mu.Lock()
			s.wasm = append(s.wasm, fmt.Sprintf("Accept-Encoding %q → Content-Encoding %q, %d bytes", r.Header.Get("Accept-Encoding"), w.Header().Get("Content-Encoding"), cw.n))
			s.mu.Unlock()
		}
	}))
	t.Cleanup(s.Close)
	origins.Store(s.URL, true)
	return s
}

// origins holds the origin of every test server: a service worker of an
// earlier test may still check its own origin for updates later on.
var origins sync.Map

func testOrigin(u string) bool {
	ok := false
	origins.Range(func(o, _ any) bool {
		ok = strings.HasPrefix(u, o.(string)+"/")
		return !ok
	})
	return ok
}

// serve makes the server serve h from now on (a new build).
func (s *server) serve(h http.Handler) {
	s.mu.Lock()
	s.site = h
	s.mu.Unlock()
}

func (s *server) served() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// tab is a browser tab on a test's server.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *server

	mu        sync.Mutex
	origins   []string // other origins the tab may visit (servers it started: passk serve, wrangler dev)
	urls      []string // the requests the page's own target reported
	dialogs   []string // JavaScript dialogs opened (alert, confirm)
	proxyMark int      // where this tab's requests start in the proxy's log
}

// newTab opens a tab (viewport w × h) on a new server and waits until the
// app is ready.
func newTab(t *testing.T, w, h int64) *tab {
	t.Helper()
	tb := blankTab(t, w, h)
	tb.open()
	return tb
}

// blankTab opens a tab (viewport w × h) for a new server, without loading
// the app yet.
func blankTab(t *testing.T, w, h int64) *tab {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	return tabOn(t, newServer(t), w, h)
}

// tabOn opens a tab (viewport w × h) for srv, without loading the app
// yet. Tabs on one server share its origin: its IndexedDB, caches and
// service worker.
func tabOn(t *testing.T, srv *server, w, h int64) *tab {
	t.Helper()
	tb := &tab{t: t, srv: srv, proxyMark: proxy.mark()}
	ctx, cancel := chromedp.NewContext(browserCtx)
	t.Cleanup(cancel)
	tb.ctx = ctx
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.urls = append(tb.urls, ev.Request.URL)
			tb.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, ev.Message)
			tb.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.EmulateViewport(w, h))
	t.Cleanup(tb.checkRequests)
	return tb
}

// allow lets the tab visit origin (a server the test started), and
// records it as a test origin.
func (tb *tab) allow(origin string) {
	tb.mu.Lock()
	tb.origins = append(tb.origins, origin)
	tb.mu.Unlock()
	origins.Store(origin, true)
}

// visit navigates to url and waits until the app is ready.
func (tb *tab) visit(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
	tb.waitReady()
}

// open navigates to the app and waits until it is ready.
func (tb *tab) open() {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.srv.URL + "/"))
	tb.waitReady()
}

func (tb *tab) waitReady() {
	tb.t.Helper()
	state := tb.poll(`document.documentElement.dataset.state === 'ready' || document.documentElement.dataset.state === 'failed' ? document.documentElement.dataset.state : ''`, 60*time.Second)
	if state != "ready" {
		tb.t.Fatalf("the app did not start: %s", tb.eval(`document.querySelector('#notice').textContent`))
	}
	tb.idle()
}

// do runs actions with a timeout.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression to a string.
func (tb *tab) eval(expr string) string {
	tb.t.Helper()
	return evalT[string](tb, expr)
}

func evalT[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// poll waits until a JavaScript expression is truthy and returns it as text.
func (tb *tab) poll(expr string, timeout time.Duration) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout+5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		tb.t.Fatalf("waiting for %s: %v (status: %q)", expr, err, tb.statusText())
	}
	return fmt.Sprint(v)
}

func (tb *tab) statusText() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#status').textContent + ' | ' + document.querySelector('#notice').textContent`))
	return s
}

// idle waits until the page has no request to the worker in flight.
func (tb *tab) idle() {
	tb.t.Helper()
	tb.poll(`document.documentElement.dataset.busy !== '1'`, 120*time.Second)
}

// upload gives files to the page's file input, as a drop does, and waits
// until they are read and the view is drawn.
func (tb *tab) upload(paths ...string) {
	tb.t.Helper()
	abs := make([]string, len(paths))
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		abs[i] = p
	}
	views := tb.eval(`document.documentElement.dataset.views || '0'`)
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), abs))
	tb.poll(fmt.Sprintf(`document.documentElement.dataset.busy === '0' && (document.documentElement.dataset.views || '0') !== %q &&
		!document.querySelector('#filelist li[data-state=queued], #filelist li[data-state=reading]')`, views), 180*time.Second)
}

// rows returns the data-model labels of the model rows.
func (tb *tab) rows() []string {
	tb.t.Helper()
	return evalT[[]string](tb, `Array.from(document.querySelectorAll('#model-rows tr')).map(tr => tr.dataset.model)`)
}

// checkRequests fails the test if the browser requested anything outside
// the pages' origins while the test ran: every request of a page, its
// worker and its service worker passes the recording proxy (blob: and data:
// URLs are not requests and do not).
func (tb *tab) checkRequests() {
	seen := proxy.since(tb.proxyMark)
	if len(seen) == 0 {
		tb.t.Errorf("the recording proxy saw no request: is the browser bypassing it?")
	}
	for _, u := range seen {
		if !testOrigin(u) && !browserService(u) {
			tb.t.Errorf("the browser requested %s, outside the origins of the pages open (this test's is %s)", u, tb.srv.URL)
		}
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, u := range tb.urls {
		if strings.HasPrefix(u, tb.srv.URL+"/") || strings.HasPrefix(u, "blob:") || strings.HasPrefix(u, "data:") {
			continue
		}
		if slices.ContainsFunc(tb.origins, func(o string) bool { return strings.HasPrefix(u, o+"/") }) {
			continue
		}
		tb.t.Errorf("the page requested %s, outside its origin %s", u, tb.srv.URL)
	}
	if len(tb.dialogs) > 0 {
		tb.t.Errorf("the page opened JavaScript dialogs: %q", tb.dialogs)
	}
}

func (tb *tab) requestedURLs() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.urls...)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// browserService reports whether u is a request Chromium makes on its own,
// whatever page is open, that no flag turns off: its IdentityManager lists
// the Google accounts of the profile (POST accounts.google.com/ListAccounts)
// when the network comes up (chromiumembedded/cef#4276), and its updater
// checks for new components now and then despite
// --disable-component-update. Only the host of an https request is visible
// (CONNECT).
func browserService(u string) bool {
	return u == "https://accounts.google.com:443/ (CONNECT)" ||
		u == "https://update.googleapis.com:443/ (CONNECT)" ||
		strings.HasPrefix(u, "http://update.googleapis.com/service/update2/")
}

// recordingProxy is the browser's HTTP proxy: it records every request and
// forwards only those to 127.0.0.1 (the tests' servers); anything else
// (CONNECT for https, other hosts) is recorded and refused.
type recordingProxy struct {
	*httptest.Server
	mu   sync.Mutex
	urls []string
}

func newProxy() *recordingProxy {
	p := &recordingProxy{}
	forward := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL = r.In.URL
			r.Out.Host = r.In.URL.Host
		},
		// A closed test server (an old service worker checking for
		// updates) is not worth a log line.
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := r.URL.String()
		if r.Method == http.MethodConnect {
			u = "https://" + r.Host + "/ (CONNECT)"
		}
		p.mu.Lock()
		p.urls = append(p.urls, u)
		p.mu.Unlock()
		if r.Method == http.MethodConnect || r.URL.Hostname() != "127.0.0.1" {
			http.Error(w, "refused by the test proxy", http.StatusForbidden)
			return
		}
		forward.ServeHTTP(w, r)
	}))
	return p
}

func (p *recordingProxy) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.urls)
}

func (p *recordingProxy) since(mark int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.urls[mark:]...)
}

var _ = bytes.Equal

// hoverAt moves the mouse over the plot, at fraction fx of its data area's
// width, and waits for the readout.
func (tb *tab) hoverAt(fx float64) string {
	tb.t.Helper()
	xy := evalT[[]float64](tb, fmt.Sprintf(`(() => {
		const svg = document.querySelector('#plot svg');
		svg.scrollIntoView({block: 'center'});
		const r = svg.getBoundingClientRect();
		const vb = svg.viewBox.baseVal;
		const axis = svg.querySelector('path.axis').getBBox();
		const x = axis.x + %g * axis.width;
		const y = axis.y + axis.height / 2;
		return [r.left + x * r.width / vb.width, r.top + y * r.height / vb.height];
	})()`, fx))
	tb.do(chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
	return tb.poll(`document.querySelector('#readout').textContent.startsWith('k = ') && document.querySelector('#readout').textContent`, 10*time.Second)
}
