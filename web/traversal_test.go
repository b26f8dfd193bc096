package web_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/passk/passk/web"
)

const secret = "SECRET-outside-the-site"

// recordingStore is a DirStore that records every id the handler asks it
// for.
type recordingStore struct {
	*web.DirStore
	mu  sync.Mutex
	ids []string
}

func (s *recordingStore) Get(ctx context.Context, id string) ([]byte, error) {
	s.mu.Lock()
	s.ids = append(s.ids, id)
	s.mu.Unlock()
	return s.DirStore.Get(ctx, id)
}

func (s *recordingStore) Create(ctx context.Context, id string, p []byte) error {
	s.mu.Lock()
	s.ids = append(s.ids, id)
	s.mu.Unlock()
	return s.DirStore.Create(ctx, id, p)
}

// traversalServer serves a site from a directory (as `passk serve --site`
// does) next to files it must never serve, with a file store whose
// directory holds a share and a file that is not one.
func traversalServer(t *testing.T) (*httptest.Server, *recordingStore, string) {
	t.Helper()
	root := t.TempDir()
	static := filepath.Join(root, "static")
	data := filepath.Join(root, "data")
	for name, text := range map[string]string{
		"go.mod":                         secret,
		"secret.txt":                     secret,
		"static/index.html":              "<!doctype html><title>passk</title>",
		"static/app.js":                  "export {};",
		"data/go.mod":                    secret,
		"data/AA/AAAAAAAAAAAAAAAAAAAAAB": secret, // a non-canonical id
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := web.OpenDirStore(data)
	if err != nil {
		t.Fatal(err)
	}
	store := &recordingStore{DirStore: ds}
	srv := newServer(t, web.Config{Site: os.DirFS(static), Store: store, Limiter: noLimit()})
	return srv, store, root
}

// rawGet sends target as the request target, byte for byte (a client
// would clean or escape it), and returns the status and body.
func rawGet(t *testing.T, srv *httptest.Server, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+srv.Listener.Addr().String()+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStaticTraversal: no request target reaches a file outside the site,
// whether sent raw over the wire or as a decoded path given to the handler.
func TestStaticTraversal(t *testing.T) {
	srv, _, root := traversalServer(t)
	targets := []string{
		"/../go.mod", "/../../go.mod", "/%2e%2e/go.mod", "/%2E%2E/go.mod", "/..%2fgo.mod", "/..%2Fgo.mod",
		"/%2e%2e%2fgo.mod", "/static/../../go.mod", "/static/../go.mod", "/./../go.mod", "/.%2e/go.mod",
		"/..\\go.mod", "/%5c..%5cgo.mod", "/..%5cgo.mod", "\\..\\go.mod", "/static\\..\\..\\go.mod",
		"/" + filepath.Join(root, "go.mod"), "//" + filepath.Join(root, "go.mod"),
		"/%2f" + strings.TrimPrefix(filepath.Join(root, "go.mod"), "/"), "/etc/passwd", "//etc/passwd",
		"http://127.0.0.1/../go.mod", "file://" + filepath.Join(root, "go.mod"),
		"/go.mod%00", "/%00/../go.mod", "/index.html%00.js", "/app.js%00", "/secret.txt", "/../secret.txt",
		"/..%252fgo.mod", "/%252e%252e/go.mod", "/data/go.mod", "/../data/go.mod",
		"/s/../../go.mod", "/s/..%2f..%2fgo.mod", "/api/../../go.mod", "/api/share/../../go.mod",
		"/api/share/..%2f..%2fgo.mod", "/api/share/%2e%2e", "/api/share/%2e%2e%2fgo.mod",
	}
	for _, target := range targets {
		status, body := rawGet(t, srv, target)
		if strings.Contains(body, secret) || strings.Contains(body, "root:") {
			t.Errorf("GET %q: %d, served a file outside the site: %q", target, status, body)
		}
		if status == http.StatusOK && body != "<!doctype html><title>passk</title>" && body != "export {};" {
			t.Errorf("GET %q: 200 %q", target, body)
		}
	}
	// The same paths decoded, as a server that did not reject the
	// target would hand them to the handler.
	h := srv.Config.Handler
	for _, p := range []string{
		"/../go.mod", "/static/../../go.mod", "../go.mod", "..\\go.mod", "/..\\go.mod", "\\..\\go.mod",
		filepath.Join(root, "go.mod"), "/" + filepath.Join(root, "go.mod"), "/go.mod\x00", "/\x00../go.mod",
		"/secret.txt", "/../secret.txt", "/../data/go.mod", "", ".", "..", "/..", "/.",
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = &url.URL{Path: p}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if b := rec.Body.String(); strings.Contains(b, secret) {
			t.Errorf("path %q: %d, served a file outside the site: %q", p, rec.Code, b)
		}
		if rec.Code == http.StatusOK && p != "/" {
			t.Errorf("path %q: 200 %q", p, rec.Body.String())
		}
	}
}

// TestShareIDTraversal: /api/share/<id> and /s/<id> answer 404 for every
// id that is not 22 characters of canonical base64url, without asking the
// store (so no file-system path is built from it); a valid id reaches it.
func TestShareIDTraversal(t *testing.T) {
	srv, store, _ := traversalServer(t)
	bad := []string{
		"..", ".", "%2e%2e", "..%2fgo.mod", "..%5cgo.mod", "..\\go.mod", "go.mod",
		"..AAAAAAAAAAAAAAAAAAAA", "AA%2f..%2f..%2fgo.mod", "%2fetc%2fpasswd",
		"AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAB", // 21, 23, non-canonical
		"AAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAA+A", "AAAAAAAAAAAAAAAAAAAA%2bA", "AAAAAAAAAAAAAAAAAAAA%2fA",
		"AAAAAAAAAAAAAAAAAAAAA%00", "%00AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAA%5cA", "AAAAAAAAAAAAAAAAAAAA.A",
		"AAAAAAAAAAAAAAAAAAAA%20A", "%41AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA%0a",
		"tmp", "tmp%2fshare-1.tmp", "AA", strings.Repeat("A", 4096),
	}
	for _, prefix := range []string{"/api/share/", "/s/"} {
		for _, id := range bad {
			status, body := rawGet(t, srv, prefix+id)
			if strings.Contains(body, secret) {
				t.Errorf("GET %s%s: %d, served a file outside the store: %q", prefix, id, status, body)
			}
			if status != http.StatusNotFound && status != http.StatusBadRequest {
				t.Errorf("GET %s%s: %d, want 404 (or 400)", prefix, id, status)
			}
		}
	}
	store.mu.Lock()
	for _, id := range store.ids {
		if !web.ValidID(id) {
			t.Errorf("the store was asked for id %q", id)
		}
	}
	if len(store.ids) != 0 {
		// %41AAAA… decodes to a valid id, which may reach the store;
		// nothing else should.
		for _, id := range store.ids {
			if id != strings.Repeat("A", 22) {
				t.Errorf("the store was asked for %q", id)
			}
		}
	}
	store.ids = nil
	store.mu.Unlock()

	// A valid id does reach the store (the check above is not vacuous).
	id := web.NewID()
	if status, _ := rawGet(t, srv, "/api/share/"+id); status != http.StatusNotFound {
		t.Errorf("GET of an unknown valid id: %d", status)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if len(store.ids) != 1 || store.ids[0] != id {
		t.Errorf("the store was asked for %q, want [%s]", store.ids, id)
	}
}
