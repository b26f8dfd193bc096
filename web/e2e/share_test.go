//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passk/passk/web/share"
	"github.com/passk/passk/web/sharetest"
)

// shown is what the page shows of an analysis: the crossover panel's
// text, the model rows and the plot itself. A receiver of a share must
// show exactly the sender's.
type shown struct {
	Crossover string
	Rows      []pageRow
	Plot      string
}

func (tb *tab) shown() shown {
	tb.t.Helper()
	return shown{
		Crossover: tb.eval(`document.getElementById('crossover').textContent`),
		Rows:      tb.rowCells(),
		Plot:      tb.eval(`document.querySelector('#plot svg') ? document.querySelector('#plot svg').outerHTML : ''`),
	}
}

func (tb *tab) checkShown(want shown) {
	tb.t.Helper()
	got := tb.shown()
	if got.Crossover != want.Crossover || !strings.Contains(got.Crossover, "k* = ") {
		tb.t.Errorf("#crossover says\n  %q\nthe sender's page said\n  %q", got.Crossover, want.Crossover)
	}
	for i := range want.Rows {
		want.Rows[i].Format = "" // "shared link" instead of the file's format
	}
	for i := range got.Rows {
		got.Rows[i].Format = ""
	}
	if !slices.Equal(got.Rows, want.Rows) {
		tb.t.Errorf("rows %+v, the sender's %+v", got.Rows, want.Rows)
	}
	if got.Plot != want.Plot || got.Plot == "" {
		tb.t.Errorf("the plot differs from the sender's (%d and %d bytes of SVG)", len(got.Plot), len(want.Plot))
	}
}

// click clicks an element of the page by its id.
func (tb *tab) click(id string) {
	tb.t.Helper()
	tb.run(`document.getElementById(` + jsString(id) + `).click()`)
}

// shareLink asks for a self-contained link and returns it.
func (tb *tab) shareLink() string {
	tb.t.Helper()
	tb.run(`document.querySelector('#share-status').textContent = ''`)
	tb.click("share-link")
	status := tb.poll(`document.querySelector('#share-status').textContent`, 30*time.Second)
	if !strings.HasPrefix(status, "Link ") {
		tb.t.Fatalf("Copy link: %q", status)
	}
	return tb.eval(`document.querySelector('#share-url').value`)
}

// shortLink creates a short link, checks what the page says it uploads,
// and returns the link.
func (tb *tab) shortLink() string {
	tb.t.Helper()
	tb.click("share-short")
	what := tb.poll(`!document.querySelector('#share-confirm').hidden && document.querySelector('#share-upload-what').textContent`, 30*time.Second)
	for _, part := range []string{"Uploading stores on 127.0.0.1:", "2 models (base, rl)", "n and c", "80 in all", "not the problem ids", "Not uploaded: your files, completions"} {
		if !strings.Contains(what, part) {
			tb.t.Errorf("the confirmation says %q; want it to say %q", what, part)
		}
	}
	tb.run(`document.querySelector('#share-status').textContent = ''`)
	tb.click("share-upload")
	status := tb.poll(`document.querySelector('#share-status').textContent.startsWith('Short link') || document.querySelector('#share-status').classList.contains('error') ? document.querySelector('#share-status').textContent : ''`, 30*time.Second)
	if !strings.HasPrefix(status, "Short link") {
		tb.t.Fatalf("Create short link: %q", status)
	}
	return tb.eval(`document.querySelector('#share-url').value`)
}

// waitOpened waits until the page has opened the share of its address (or
// refused it) and returns the notice it shows, and whether it opened.
func (tb *tab) waitOpened() (string, bool) {
	tb.t.Helper()
	state := tb.poll(`document.documentElement.dataset.share || ''`, 60*time.Second)
	tb.idle()
	return tb.eval(`document.querySelector('#share-notice').textContent`), state == "opened"
}

// TestShareLink: a self-contained link, opened in another browser profile
// (another origin, nothing stored), shows exactly the sender's crossover
// text, rows and plot. The link's data never reaches the server.
func TestShareLink(t *testing.T) {
	sender := newTab(t, 1280, 900)
	sender.upload(crossingBase, crossingRL)
	want := sender.shown()
	link := sender.shareLink()
	fragment, ok := strings.CutPrefix(link, sender.srv.URL+"/#s=")
	if !ok || !strings.HasPrefix(fragment, "v1.") {
		t.Fatalf("link %q", link)
	}
	if _, err := share.Decode(fragment); err != nil {
		t.Fatalf("the link's share: %v", err)
	}
	if text := sender.eval(`document.querySelector('#share-status').textContent`); !strings.Contains(text, "no server sees it") {
		t.Errorf("status %q", text)
	}

	receiver := blankTab(t, 1280, 900)
	receiver.visit(receiver.srv.URL + "/#s=" + fragment)
	notice, opened := receiver.waitOpened()
	if !opened || !strings.Contains(notice, "Opened a shared session: 2 models (base, rl) on 80 problems") {
		t.Fatalf("notice %q", notice)
	}
	receiver.checkShown(want)
	if loc := receiver.eval(`location.pathname + location.hash`); loc != "/" {
		t.Errorf("address after opening: %q, want / (the session is kept)", loc)
	}
	for _, p := range receiver.srv.served() {
		if strings.Contains(p, "v1.") || strings.HasPrefix(p, "/api/") {
			t.Errorf("the server saw %q", p)
		}
	}
	// It is kept: a reload shows it again, from IndexedDB.
	receiver.reload()
	receiver.checkShown(want)
	if names := receiver.eval(`Array.from(document.querySelectorAll('#sessions .sname')).map(s => s.textContent).join('|')`); names != "Shared: base vs rl" {
		t.Errorf("sessions %q", names)
	}
	// A link pasted into a tab already on the app changes only the
	// fragment, without a reload: it opens all the same.
	receiver.act(`document.querySelector('#new-session').click()`)
	receiver.run(`document.documentElement.dataset.share = ''; location.hash = '#s=` + fragment + `'`)
	if notice, opened := receiver.waitOpened(); !opened || !strings.Contains(notice, "Opened a shared session") {
		t.Errorf("after a change of the fragment: %q", notice)
	}
	receiver.checkShown(want)
}

// TestShareLinkTooLong: a session whose share exceeds 32 KB says so, and
// offers the short link.
func TestShareLinkTooLong(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("problem_id,n,c\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40000 {
		fmt.Fprintf(&b, "task/%06d,1000,%d\n", i, rng.IntN(1001))
	}
	path := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, 1280, 900)
	tb.upload(path)
	tb.click("share-link")
	status := tb.poll(`document.querySelector('#share-status').textContent`, 30*time.Second)
	if !strings.Contains(status, "more than the 32.0 KB a link should carry") || !strings.Contains(status, "Create a short link instead") {
		t.Errorf("status %q", status)
	}
	if !tb.eval2bool(`document.querySelector('#share-result').hidden`) {
		t.Error("a link too long is shown all the same")
	}
}

func (tb *tab) eval2bool(expr string) bool {
	tb.t.Helper()
	return evalT[bool](tb, expr)
}

// TestShareBadLinks: a link that is damaged, of a newer version or hostile
// says what is wrong, and nothing is drawn from it.
func TestShareBadLinks(t *testing.T) {
	valid := sharetest.Valid("m")
	for _, tt := range []struct{ name, fragment, msg string }{
		{"cut short", valid[:len(valid)-4], "cut short"},
		{"newer version", "v9." + valid[3:], "newer passk"},
		{"not a share", "hello", "not a passk share"},
		{"c > n", hostile(t, "c > n"), "c = 5 with n = 4"},
		{"markup in the metric", hostile(t, "script in the metric"), "metric"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tb := blankTab(t, 1280, 900)
			tb.visit(tb.srv.URL + "/#s=" + tt.fragment)
			notice, opened := tb.waitOpened()
			if opened || !strings.Contains(notice, "This link cannot be opened: ") || !strings.Contains(notice, tt.msg) {
				t.Errorf("notice %q (opened %v), want it to say %q", notice, opened, tt.msg)
			}
			if !tb.eval2bool(`document.querySelector('#models-section').hidden && document.querySelector('#plot-section').hidden`) {
				t.Error("the page draws models from a bad link")
			}
			if n := tb.eval(`String(document.querySelectorAll('#sessions li[data-session]').length)`); n != "0" {
				t.Errorf("%s sessions stored from a bad link", n)
			}
		})
	}
}

// hostile returns the payload of sharetest.Hostile named name.
func hostile(t *testing.T, name string) string {
	for _, h := range sharetest.Hostile() {
		if h.Name == name {
			return h.Payload
		}
	}
	t.Fatalf("no hostile share %q", name)
	return ""
}

// writeSite writes the site the tests serve (with the fresh wasm) to dir.
func writeSite(t *testing.T, dir string) {
	t.Helper()
	for name, f := range builtSite {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// startPasskServe runs the passk binary's `serve` on a free port with
// shares in data and the site in siteDir, and returns its URL. It is
// stopped (SIGTERM) when the test ends, or by calling stop.
func startPasskServe(t *testing.T, data, siteDir string) (url string, stop func()) {
	t.Helper()
	cmd := exec.Command(cliPath, "serve", "--addr", "127.0.0.1:0", "--data", data, "--site", siteDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("passk serve: %v\n%s", err, stderr.String())
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("passk serve: %v\n%s", err, stderr.String())
		}
	}
	t.Cleanup(stop)
	return strings.TrimSpace(line), stop
}

// TestShortLinkPasskServe: through the `passk serve` binary, the page
// creates a short link after saying what it uploads; the server is
// restarted (another port, so another origin with nothing stored) on the
// same data directory, and the short link opened there shows exactly the
// sender's crossover text, rows and plot. An unknown short link says it
// does not exist. Then the share API's suite runs against the binary.
func TestShortLinkPasskServe(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	siteDir, data := t.TempDir(), t.TempDir()
	writeSite(t, siteDir)
	url, stop := startPasskServe(t, data, siteDir)

	sender := blankTab(t, 1280, 900)
	sender.allow(url)
	sender.visit(url + "/")
	sender.upload(crossingBase, crossingRL)
	want := sender.shown()
	short := sender.shortLink()
	id, ok := strings.CutPrefix(short, url+"/s/")
	if !ok || len(id) != 22 {
		t.Fatalf("short link %q", short)
	}
	stop()

	url2, _ := startPasskServe(t, data, siteDir)
	receiver := blankTab(t, 1280, 900)
	receiver.allow(url2)
	receiver.visit(url2 + "/s/" + id)
	notice, opened := receiver.waitOpened()
	if !opened || !strings.Contains(notice, "2 models (base, rl)") {
		t.Fatalf("notice %q", notice)
	}
	receiver.checkShown(want)

	missing := blankTab(t, 1280, 900)
	missing.allow(url2)
	missing.visit(url2 + "/s/AAAAAAAAAAAAAAAAAAAAAA")
	if notice, opened := missing.waitOpened(); opened || !strings.Contains(notice, "This short link does not exist") {
		t.Errorf("unknown short link: %q", notice)
	}
	// The origin's open session (the one opened above) stays as it was.
	if n := missing.eval(`String(document.querySelectorAll('#sessions li[data-session]').length)`); n != "1" {
		t.Errorf("%s sessions after an unknown short link, want the 1 there was", n)
	}

	t.Run("API", func(t *testing.T) {
		sharetest.Run(t, url2, sharetest.Options{
			Stored:    func(t *testing.T) int { return countFiles(t, data) },
			RateLimit: 30,
		})
	})
}

// countFiles counts the share files of a DirStore's directory.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "tmp" {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(dir, e.Name()))
		n += len(files)
	}
	return n
}
