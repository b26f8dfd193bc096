package web_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/sharetest"
)

var site = fstest.MapFS{
	"index.html": {Data: []byte("<!doctype html><title>passk</title>")},
	"app.js":     {Data: []byte("export {};")},
}

func newServer(t *testing.T, cfg web.Config) *httptest.Server {
	t.Helper()
	if cfg.Site == nil && cfg.Assets == nil {
		cfg.Site = site
	}
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestAPIMemStore runs the share API's suite against the Handler with a
// store in memory.
func TestAPIMemStore(t *testing.T) {
	store := web.NewMemStore()
	srv := newServer(t, web.Config{Store: store, Limiter: web.NewTokenBuckets(30, time.Minute)})
	sharetest.Run(t, srv.URL, sharetest.Options{
		Stored:    func(*testing.T) int { return store.Len() },
		RateLimit: 30,
	})
}

// TestAPIDirStore runs it with the store of `passk serve`.
func TestAPIDirStore(t *testing.T) {
	dir := t.TempDir()
	store, err := web.OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, web.Config{Store: store})
	sharetest.Run(t, srv.URL, sharetest.Options{Stored: func(t *testing.T) int { return countShares(t, dir) }})
}

// countShares counts the share files under a DirStore's directory.
func countShares(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAPIWithoutStore(t *testing.T) {
	srv := newServer(t, web.Config{})
	resp, err := http.Post(srv.URL+"/api/share", "application/json", strings.NewReader(`{"payload": "`+sharetest.Valid("m")+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "does not keep shares") {
		t.Errorf("POST without a store: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(srv.URL + "/s/AAAAAAAAAAAAAAAAAAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/s/<id> without a store: %d", resp.StatusCode)
	}
}

// failingStore fails every write, and reads back what it was given.
type failingStore struct{ payload []byte }

func (f *failingStore) Create(ctx context.Context, id string, p []byte) error {
	return errors.New("disk full")
}
func (f *failingStore) Get(ctx context.Context, id string) ([]byte, error) {
	if f.payload == nil {
		return nil, web.ErrNotFound
	}
	return f.payload, nil
}

func TestAPIStoreFailures(t *testing.T) {
	var logged []string
	store := &failingStore{}
	srv := newServer(t, web.Config{Store: store, Logf: func(f string, a ...any) { logged = append(logged, f) }})
	resp, err := http.Post(srv.URL+"/api/share", "application/json", strings.NewReader(`{"payload": "`+sharetest.Valid("m")+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || strings.Contains(string(body), "disk full") || len(logged) != 1 {
		t.Errorf("a failing store: %d %s, logged %q", resp.StatusCode, body, logged)
	}
	// A share damaged in the store is not served.
	store.payload = []byte(sharetest.Valid("m")[:40])
	resp, err = http.Get(srv.URL + "/api/share/" + web.NewID())
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "damaged") {
		t.Errorf("a damaged share: %d %s", resp.StatusCode, body)
	}
}

// TestAssetsMode: with the site served elsewhere (the Worker's static
// assets), the handler answers the API itself, asks the assets for the
// page at /s/<id> (with the status it decides), and passes the rest on.
func TestAssetsMode(t *testing.T) {
	var asked []string
	assets := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html>assets "+r.URL.Path)
	})
	store := web.NewMemStore()
	id := web.NewID()
	store.Create(context.Background(), id, []byte(sharetest.Valid("m")))
	srv := newServer(t, web.Config{Assets: assets, Store: store})
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/s/" + id, 200, "assets /"},
		{"/s/" + web.NewID(), 404, "assets /"},
		{"/s/x", 404, "assets /"},
		{"/app.js", 200, "assets /app.js"},
		{"/api/share/" + id, 200, `{"payload":"v1.`},
	} {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, resp.StatusCode, body, tt.status, tt.body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("GET %s: CSP %q", tt.path, csp)
		}
	}
	if strings.Join(asked, " ") != "/ / / /app.js" {
		t.Errorf("asked the assets for %q", asked)
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := web.NewID()
		if !web.ValidID(id) || len(id) != 22 || seen[id] {
			t.Fatalf("NewID() = %q: invalid or repeated", id)
		}
		seen[id] = true
	}
	for _, id := range []string{"", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA+", "AAAAAAAAAAAAAAAAAAAAAB", "../../../../etc/passwd", "AAAAAAAAAAAAAAAAAAAA\x00A"} {
		if web.ValidID(id) {
			t.Errorf("ValidID(%q) = true", id)
		}
	}
}

func TestHeadersFile(t *testing.T) {
	f := web.HeadersFile()
	if !strings.Contains(f, "/*\n") || !strings.Contains(f, "  Content-Security-Policy: "+web.ContentSecurityPolicy+"\n") || !strings.Contains(f, "X-Content-Type-Options: nosniff") {
		t.Errorf("HeadersFile:\n%s", f)
	}
}

func TestWriteSite(t *testing.T) {
	h, err := web.New(web.Config{Site: fstest.MapFS{
		"index.html":  {Data: []byte("<!doctype html>")},
		"sw.js":       {Data: []byte("const BUILD = '__PASSK_BUILD__';")},
		"a/b.css":     {Data: []byte("b{}")},
		"app.wasm.gz": {Data: []byte("stale")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := h.WriteSite(dir); err != nil {
		t.Fatal(err)
	}
	got := fstest.MapFS{}
	fs.WalkDir(osDirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(osDirFS(dir), p)
			got[p] = &fstest.MapFile{Data: data}
		}
		return err
	})
	if len(got) != 4 || got["a/b.css"] == nil || got["_headers"] == nil || got["app.wasm.gz"] != nil {
		t.Errorf("wrote %v", keys(got))
	}
	if sw := string(got["sw.js"].Data); !strings.Contains(sw, h.Build()) {
		t.Errorf("sw.js = %q, want the build id %s", sw, h.Build())
	}
	if err := h.WriteSite(dir); err == nil {
		t.Error("WriteSite into a directory that is not empty: no error")
	}
}

func keys(m fstest.MapFS) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func osDirFS(dir string) fs.FS { return os.DirFS(dir) }
