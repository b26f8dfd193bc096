package site

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestSite checks the committed files of the site: they are there, and
// none of them names another origin (the page loads nothing from
// elsewhere; the only URL allowed is the SVG namespace, which is a name).
func TestSite(t *testing.T) {
	site := FS()
	for _, name := range []string{"index.html", "app.js", "worker.js", "reader.js", "sw.js", "style.css", "favicon.svg"} {
		if _, err := fs.Stat(site, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "wasm_exec.js" || strings.Contains(p, ".wasm") {
			return err
		}
		data, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		for _, m := range url.FindAllString(string(data), -1) {
			if m != "http://www.w3.org" {
				t.Errorf("%s names another origin: %s", p, m)
			}
		}
		return nil
	})
}
