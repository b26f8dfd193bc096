package web

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// HeadersFile is the text of a `_headers` file that gives every file of a
// site served as Cloudflare Workers static assets the headers the Handler
// gives them: the security headers and Cache-Control: no-cache.
func HeadersFile() string {
	h := make(map[string][]string)
	setSecurityHeaders(h)
	var names []string
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# Written by `make worker` (web.HeadersFile): the headers of package web.\n/*\n")
	for _, k := range names {
		fmt.Fprintf(&b, "  %s: %s\n", k, h[k][0])
	}
	b.WriteString("  Cache-Control: no-cache\n")
	return b.String()
}

// WriteSite writes the handler's site to dir as static files for another
// server (the Worker's static assets): each file as the handler serves it
// (sw.js with the build id), without the precompressed variants (that
// server compresses by itself), and a `_headers` file (HeadersFile). dir
// must not exist or be empty.
func (h *Handler) WriteSite(dir string) error {
	if h.assets == nil {
		return fmt.Errorf("web: WriteSite: the handler serves no site of its own")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("web: WriteSite: %s is not empty", dir)
	}
	for p, a := range h.assets {
		if p == "/" {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(a.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, a.data, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "_headers"), []byte(HeadersFile()), 0o644)
}
