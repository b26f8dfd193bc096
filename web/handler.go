// Package web serves the passk browser app and its share API.
//
// A Handler serves a built site (package web/site embeds one): index.html,
// the page's ES module, the Web Worker that runs the Go wasm, and the
// service worker that keeps the app usable offline. It sets each file's
// MIME type itself (application/wasm for the wasm, whatever the system's
// MIME tables say), serves a precompressed variant (name.br, name.gz) when
// the site holds one and the client accepts it, gzips other text once and
// keeps the result, answers conditional requests by ETag, and puts a strict
// Content-Security-Policy on every response, so that nothing the page does
// can reach another origin.
//
// With a Store it also serves the share API (api.go): POST /api/share
// stores a validated share (package web/share) under a new unguessable id,
// GET /api/share/<id> returns it, and /s/<id> is the page that opens it.
// `passk serve` keeps shares in files (DirStore); the Cloudflare Worker
// (worker/) in Workers KV, with the site's files served as Workers static
// assets (Config.Assets).
//
// The handler is a plain http.Handler with no dependency beyond the standard
// library and package web/share, so it runs under net/http (`passk serve`)
// and inside a Cloudflare Worker alike. It does not embed the site itself:
// the caller passes one, so that a binary that serves the site from
// elsewhere does not carry it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Config configures a Handler.
type Config struct {
	// Site is the built site, index.html at its root. Files named
	// name.br and name.gz are the brotli and gzip encodings of name.
	Site fs.FS
	// Assets, used when Site is nil, serves the site's files from
	// elsewhere: the Worker's static assets. The handler still answers
	// the share API and /s/<id> itself, asking Assets for "/" (the page)
	// there.
	Assets http.Handler

	// Store keeps shares. Without one the share API answers that this
	// server does not keep shares.
	Store Store
	// Limiter bounds how often a client may create shares (nil: no
	// bound).
	Limiter Limiter
	// ClientAddr names the client of a request for Limiter (nil:
	// ClientAddr).
	ClientAddr func(*http.Request) string
	// Logf, when set, is told about server-side failures (a store that
	// fails), which clients see only as a 500.
	Logf func(format string, args ...any)
}

// Handler serves the site of its Config and the share API.
type Handler struct {
	assets map[string]*asset // by URL path, "/" for index.html; nil with Config.Assets
	build  string            // the build id: a hash of every file of the site
	site   http.Handler      // Config.Assets

	store      Store
	limiter    Limiter
	clientAddr func(*http.Request) string
	logf       func(format string, args ...any)
}

// asset is one file of the site, with its encodings.
type asset struct {
	name  string
	ctype string
	data  []byte
	etag  string
	br    []byte // precompressed brotli, nil if none
	gz    []byte // precompressed gzip, nil if none

	gzipOnce sync.Once // computes gz when the site has no name.gz
	gzipped  []byte
}

// required are the files the app cannot start without; a missing one is
// answered with an explanation rather than a bare 404.
var required = map[string]string{
	"app.wasm":     "the app's WebAssembly binary",
	"wasm_exec.js": "the Go WebAssembly support script (copied from $(go env GOROOT)/lib/wasm)",
}

// buildToken in sw.js is replaced by the build id, so that a new build
// changes the service worker's bytes and the browser installs it.
const buildToken = "__PASSK_BUILD__"

// New returns a Handler serving cfg.Site. It reads the whole site into
// memory once.
func New(cfg Config) (*Handler, error) {
	h := &Handler{store: cfg.Store, limiter: cfg.Limiter, clientAddr: cfg.ClientAddr, logf: cfg.Logf}
	if h.clientAddr == nil {
		h.clientAddr = ClientAddr
	}
	if h.logf == nil {
		h.logf = func(string, ...any) {}
	}
	if cfg.Site == nil {
		if cfg.Assets == nil {
			return nil, fmt.Errorf("web: no site given")
		}
		h.site = cfg.Assets
		return h, nil
	}
	h.assets = map[string]*asset{}
	encoded := map[string][]byte{}
	err := fs.WalkDir(cfg.Site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return nil
		}
		data, err := fs.ReadFile(cfg.Site, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") {
			encoded[p] = data
			return nil
		}
		h.assets["/"+p] = &asset{name: p, ctype: contentType(p), data: data}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: reading the site: %w", err)
	}
	if h.assets["/index.html"] == nil {
		return nil, fmt.Errorf("web: the site has no index.html")
	}
	for _, a := range h.assets {
		// A stale encoding (left by an earlier build) is worse than none.
		// The build writes name.gz and name.br together: a name.gz that
		// decodes to the file vouches for its name.br too.
		a.gz, a.br = encoded[a.name+".gz"], encoded[a.name+".br"]
		if a.gz == nil || !gzipMatches(a.gz, a.data) {
			a.gz, a.br = nil, nil
		}
	}
	h.build = buildID(h.assets)
	if sw := h.assets["/sw.js"]; sw != nil {
		sw.data = bytes.ReplaceAll(sw.data, []byte(buildToken), []byte(h.build))
		sw.br, sw.gz = nil, nil
	}
	for _, a := range h.assets {
		sum := sha256.Sum256(a.data)
		a.etag = hex.EncodeToString(sum[:12])
	}
	h.assets["/"] = h.assets["/index.html"]
	return h, nil
}

// Build returns the build id: a hash of the site's files.
func (h *Handler) Build() string { return h.build }

// Missing lists the required files the site lacks (the wasm before
// `make build`), with what each is. A handler whose site is served
// elsewhere (Config.Assets) lacks nothing it could tell.
func (h *Handler) Missing() []string {
	if h.assets == nil {
		return nil
	}
	var out []string
	for name, what := range required {
		if h.assets["/"+name] == nil {
			out = append(out, name+" ("+what+")")
		}
	}
	sort.Strings(out)
	return out
}

func buildID(assets map[string]*asset) string {
	var names []string
	for p := range assets {
		names = append(names, p)
	}
	sort.Strings(names)
	hash := sha256.New()
	for _, p := range names {
		sum := sha256.Sum256(assets[p].data)
		fmt.Fprintf(hash, "%s %x\n", p, sum)
	}
	return hex.EncodeToString(hash.Sum(nil)[:8])
}

// ServeHTTP serves the share API, the pages of short links, and the site's
// files (with GET and HEAD).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SetSecurityHeaders(w.Header())
	switch p := r.URL.Path; {
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		h.api(w, r)
		return
	case strings.HasPrefix(p, "/s/"):
		h.sharePage(w, r, strings.TrimPrefix(p, "/s/"))
		return
	}
	if h.site != nil {
		h.site.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a := h.assets[r.URL.Path]
	if a == nil {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if what, ok := required[name]; ok {
			http.Error(w, fmt.Sprintf("passk: %s, %s, is not built: run `make build` (or `make serve`) and restart the server", name, what), http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
		return
	}
	h.serve(w, r, a, http.StatusOK)
}

// serve serves asset a with status (a conditional request for it may get
// 304 Not Modified instead when status is 200).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, a *asset, status int) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.ctype)
	// Revalidate every time: names carry no hash, and the service worker
	// keeps the copy that works offline.
	hdr.Set("Cache-Control", "no-cache")
	body, enc := a.data, ""
	if compressible(a.ctype) {
		hdr.Add("Vary", "Accept-Encoding")
		switch accepts := acceptedEncodings(r.Header.Get("Accept-Encoding")); {
		case accepts["br"] && a.br != nil:
			body, enc = a.br, "br"
		case accepts["gzip"]:
			if gz := a.gzipBody(); gz != nil {
				body, enc = gz, "gzip"
			}
		}
	}
	etag := `"` + a.etag + `"`
	if enc != "" {
		etag = `"` + a.etag + "-" + enc + `"`
		hdr.Set("Content-Encoding", enc)
	}
	hdr.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); status == http.StatusOK && match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// gzipBody returns the gzip encoding of a: the site's own, or one made once
// on first use; nil when gzip does not make it smaller.
func (a *asset) gzipBody() []byte {
	if a.gz != nil {
		return a.gz
	}
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.data)
		zw.Close()
		if buf.Len() < len(a.data) {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

func gzipMatches(gz, data []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	var buf bytes.Buffer
	buf.Grow(len(data))
	if _, err := buf.ReadFrom(zr); err != nil {
		return false
	}
	return bytes.Equal(buf.Bytes(), data)
}

// acceptedEncodings parses an Accept-Encoding header into the codings it
// accepts (q > 0).
func acceptedEncodings(header string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		coding := strings.ToLower(strings.TrimSpace(fields[0]))
		if coding == "" {
			continue
		}
		ok := true
		for _, f := range fields[1:] {
			f = strings.TrimSpace(f)
			if q, found := strings.CutPrefix(f, "q="); found {
				v, err := strconv.ParseFloat(q, 64)
				ok = err == nil && v > 0
			}
		}
		out[coding] = ok
	}
	return out
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// contentType is the MIME type of a site file, from its extension. It does
// not consult the system's MIME tables, which differ between machines.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".wasm":
		return "application/wasm"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "application/wasm" ||
		ctype == "image/svg+xml" || ctype == "application/json" || ctype == "application/manifest+json"
}
