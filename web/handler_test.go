package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

var (
	wasm  = bytes.Repeat([]byte("\x00asm wasm bytes "), 4096)
	index = []byte("<!doctype html><title>passk</title>" + strings.Repeat(" ", 2000))
)

func testSite(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"index.html":   {Data: index},
		"app.js":       {Data: []byte("export {};" + strings.Repeat("//", 600))},
		"style.css":    {Data: []byte("body{}")},
		"sw.js":        {Data: []byte("const BUILD = '__PASSK_BUILD__';")},
		"favicon.svg":  {Data: []byte("<svg/>")},
		"wasm_exec.js": {Data: []byte("// go")},
		"app.wasm":     {Data: wasm},
		"app.wasm.gz":  {Data: gz(t, wasm)},
		"app.wasm.br":  {Data: []byte("pretend brotli")},
		".hidden":      {Data: []byte("secret")},
	}
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newHandler(t *testing.T, site fstest.MapFS) *Handler {
	t.Helper()
	h, err := New(Config{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestContentTypes(t *testing.T) {
	h := newHandler(t, testSite(t))
	for path, want := range map[string]string{
		"/":             "text/html; charset=utf-8",
		"/index.html":   "text/html; charset=utf-8",
		"/app.js":       "text/javascript; charset=utf-8",
		"/sw.js":        "text/javascript; charset=utf-8",
		"/style.css":    "text/css; charset=utf-8",
		"/favicon.svg":  "image/svg+xml",
		"/app.wasm":     "application/wasm",
		"/wasm_exec.js": "text/javascript; charset=utf-8",
	} {
		r := get(t, h, path)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != want {
			t.Errorf("%s: %d %q, want 200 %q", path, r.StatusCode, r.Header.Get("Content-Type"), want)
		}
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	h := newHandler(t, testSite(t))
	for _, path := range []string{"/", "/app.wasm", "/nope", "/.hidden"} {
		r := get(t, h, path)
		csp := r.Header.Get("Content-Security-Policy")
		for _, part := range []string{"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, part) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, part)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "*") {
			t.Errorf("%s: CSP %q allows inline code or any origin", path, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, r.Header)
		}
	}
	if r := get(t, h, "/.hidden"); r.StatusCode != 404 {
		t.Errorf("dot file served: %d", r.StatusCode)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

func TestEncodings(t *testing.T) {
	h := newHandler(t, testSite(t))
	tests := []struct {
		accept, enc string
		want        []byte
	}{
		{"", "", wasm},
		{"gzip", "gzip", gz(t, wasm)},
		{"gzip, deflate, br", "br", []byte("pretend brotli")},
		{"br;q=0, gzip", "gzip", gz(t, wasm)},
		{"identity", "", wasm},
	}
	for _, tt := range tests {
		r := get(t, h, "/app.wasm", "Accept-Encoding", tt.accept)
		b := body(t, r)
		if r.Header.Get("Content-Encoding") != tt.enc || !bytes.Equal(b, tt.want) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes; want %q, %d bytes", tt.accept, r.Header.Get("Content-Encoding"), len(b), tt.enc, len(tt.want))
		}
		if r.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", tt.accept, r.Header.Get("Vary"))
		}
		if r.Header.Get("Content-Length") != "" && r.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
			t.Errorf("Content-Length %s for %d bytes", r.Header.Get("Content-Length"), len(b))
		}
	}
	// Text without a precompressed file is gzipped on the fly.
	r := get(t, h, "/app.js", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(r.Body)
	if err != nil || r.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.js: %v, Content-Encoding %q", err, r.Header.Get("Content-Encoding"))
	}
	if b, _ := io.ReadAll(zr); !strings.HasPrefix(string(b), "export {};") {
		t.Errorf("app.js decodes to %.20q", b)
	}
	// Tiny files are not worth it.
	if r := get(t, h, "/style.css", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "" {
		t.Errorf("style.css gzipped")
	}
}

func TestStalePrecompressedIgnored(t *testing.T) {
	site := testSite(t)
	site["app.wasm.gz"] = &fstest.MapFile{Data: gz(t, []byte("an older build"))}
	h := newHandler(t, site)
	r := get(t, h, "/app.wasm", "Accept-Encoding", "br, gzip")
	b := body(t, r)
	// Neither the stale gzip nor the brotli next to it: a fresh gzip.
	if r.Header.Get("Content-Encoding") != "gzip" || !gunzipEquals(t, b, wasm) {
		t.Errorf("Content-Encoding %q, %d bytes", r.Header.Get("Content-Encoding"), len(b))
	}
}

func gunzipEquals(t *testing.T, z, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return false
	}
	b, _ := io.ReadAll(zr)
	return bytes.Equal(b, want)
}

func TestETag(t *testing.T) {
	h := newHandler(t, testSite(t))
	r := get(t, h, "/app.wasm", "Accept-Encoding", "gzip")
	etag := r.Header.Get("ETag")
	if etag == "" || r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, r.Header.Get("Cache-Control"))
	}
	if r := get(t, h, "/app.wasm", "Accept-Encoding", "gzip", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.StatusCode)
	}
	if r := get(t, h, "/app.wasm", "If-None-Match", etag); r.StatusCode != 200 {
		t.Errorf("If-None-Match of the gzip variant, asking for identity: %d", r.StatusCode)
	}
}

func TestMissingWasm(t *testing.T) {
	site := testSite(t)
	delete(site, "app.wasm")
	delete(site, "app.wasm.gz")
	delete(site, "app.wasm.br")
	delete(site, "wasm_exec.js")
	h := newHandler(t, site)
	if m := h.Missing(); len(m) != 2 {
		t.Errorf("Missing() = %q", m)
	}
	for _, path := range []string{"/app.wasm", "/wasm_exec.js"} {
		r := get(t, h, path)
		if b := body(t, r); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "make build") {
			t.Errorf("%s: %d %q", path, r.StatusCode, b)
		}
	}
	if r := get(t, h, "/"); r.StatusCode != 200 {
		t.Errorf("the page itself: %d", r.StatusCode)
	}
	if len(newHandler(t, testSite(t)).Missing()) != 0 {
		t.Error("a full site reports missing files")
	}
}

func TestServiceWorkerBuildID(t *testing.T) {
	h1 := newHandler(t, testSite(t))
	sw1 := string(body(t, get(t, h1, "/sw.js")))
	if strings.Contains(sw1, buildToken) || !strings.Contains(sw1, h1.Build()) {
		t.Fatalf("sw.js = %q, build %q", sw1, h1.Build())
	}
	site := testSite(t)
	site["app.js"] = &fstest.MapFile{Data: []byte("export const changed = 1;")}
	h2 := newHandler(t, site)
	sw2 := string(body(t, get(t, h2, "/sw.js")))
	if sw1 == sw2 {
		t.Error("a new build serves the same sw.js: browsers would not update")
	}
	if h3 := newHandler(t, testSite(t)); h3.Build() != h1.Build() {
		t.Error("the build id is not a function of the files")
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("no site: no error")
	}
	if _, err := New(Config{Site: fstest.MapFS{"app.js": {Data: []byte("x")}}}); err == nil {
		t.Error("no index.html: no error")
	}
}
