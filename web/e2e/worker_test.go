//go:build !js

package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/sharetest"
)

// The Cloudflare Worker (worker/), run for real: built as `make worker`
// builds it, served by `wrangler dev --local` (wrangler from
// worker/package-lock.json, installed with `npm ci` if it is not), with
// local KV and rate limiting.

// workerLimit is the most bytes the Worker's wasm may take gzip-compressed:
// Cloudflare's limit on the free plan is 3 MB for the compressed upload.
const workerLimit = 3 << 20

// TestWorkerDeps: the Worker carries neither the plotting library nor
// IndexedDB code, nor the statistics: only the handler and the share
// format.
func TestWorkerDeps(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "minimal", "./worker")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, d := range deps {
		for _, banned := range []string{"gonum.org/", "github.com/hack-pad/", "github.com/passk/passk/passk", "github.com/passk/passk/wasm"} {
			if strings.HasPrefix(d, banned) {
				t.Errorf("the Worker imports %s", d)
			}
		}
	}
	if !strings.Contains(string(out), "github.com/syumai/workers\n") || !strings.Contains(string(out), "github.com/passk/passk/web/share\n") {
		t.Errorf("go list -deps ./worker: %s", out)
	}
}

// wrangler returns the path of the wrangler CLI the Worker is tested with,
// installing it (npm ci in worker/) if need be. Without Node it skips the
// test, except in CI (CI=true), where that is a failure.
func wrangler(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Node is not installed, and CI=true: the Worker must be tested in CI (apt-get install nodejs npm)")
		}
		t.Skip("Node is not installed (apt-get install nodejs npm): skipping the Worker under wrangler dev")
	}
	dir := filepath.Join(root, "worker")
	bin := filepath.Join(dir, "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(bin); err != nil {
		t.Log("installing wrangler: npm ci in worker/")
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in worker/: %v\n%s", err, out)
		}
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	return bin
}

// buildWorker builds the Worker into dir as `make worker` builds it into
// worker/: the JavaScript shim of syumai/workers, the Go wasm, the site
// (with the fresh app.wasm) and wrangler.toml. It returns the wasm's size,
// raw and gzip-compressed.
func buildWorker(t *testing.T, dir string) (raw, gz int) {
	t.Helper()
	build := filepath.Join(dir, "build")
	gen := exec.Command("go", "run", "github.com/syumai/workers/cmd/workers-assets-gen", "-mode=go", "-o", build)
	gen.Dir = root
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("workers-assets-gen: %v\n%s", err, out)
	}
	wasm := filepath.Join(build, "app.wasm")
	gobuild := exec.Command("go", "build", "-trimpath", "-tags", "minimal", "-ldflags=-s -w", "-o", wasm, "./worker")
	gobuild.Dir = root
	gobuild.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("building the Worker: %v\n%s", err, out)
	}
	h, err := web.New(web.Config{Site: builtSite})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.WriteSite(filepath.Join(build, "site")); err != nil {
		t.Fatal(err)
	}
	toml, err := os.ReadFile(filepath.Join(root, "worker", "wrangler.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wrangler.toml"), toml, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return len(data), z.Len()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// wranglerDev runs `wrangler dev --local` on the Worker in dir and returns
// its URL once it answers. It is stopped (its whole process group) when
// the test ends.
func wranglerDev(t *testing.T, bin, dir string) string {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, "dev", "--local", "--ip", "127.0.0.1", "--port", fmt.Sprint(port),
		"--inspector-port", fmt.Sprint(freePort(t)), "--persist-to", filepath.Join(dir, "state"),
		"--show-interactive-dev-session=false", "--config", filepath.Join(dir, "wrangler.toml"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "NO_COLOR=1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("wrangler dev said:\n%s", out.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("wrangler dev exited: %v\n%s", err, out.String())
		default:
		}
		if resp, err := http.Get(url + "/api/share/x"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNotFound {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("wrangler dev did not answer on %s within 90 s:\n%s", url, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kvShares counts the shares in the local KV of the Worker in dir.
func kvShares(t *testing.T, bin, dir string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "kv", "key", "list", "--binding", "SHARES", "--local",
		"--persist-to", filepath.Join(dir, "state"), "--config", filepath.Join(dir, "wrangler.toml"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "NO_COLOR=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wrangler kv key list: %v\n%s", err, out)
	}
	var keys []struct{ Name string }
	if i := bytes.IndexByte(out, '['); i >= 0 {
		out = out[i:]
	}
	if err := json.Unmarshal(out, &keys); err != nil {
		t.Fatalf("wrangler kv key list: %v in %s", err, out)
	}
	n := 0
	for _, k := range keys {
		if strings.HasPrefix(k.Name, "share:") {
			n++
		}
	}
	return n
}

// TestWorker builds the Worker, runs it under wrangler dev, opens the page
// it serves in Chromium, creates a short link there and opens it in
// another tab (the same crossover text, rows and plot), then runs the
// share API's suite against it.
func TestWorker(t *testing.T) {
	if builtSite == nil {
		t.Skip(skipReason)
	}
	bin := wrangler(t)
	dir := t.TempDir()
	raw, gz := buildWorker(t, dir)
	t.Logf("the Worker's wasm: %d bytes, %d gzip-compressed", raw, gz)
	if gz > workerLimit {
		t.Errorf("the Worker's wasm is %d bytes gzip-compressed, over Cloudflare's %d", gz, workerLimit)
	}
	url := wranglerDev(t, bin, dir)

	// The site is static assets, with the handler's headers (_headers).
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET / from the Worker: %d, headers %v", resp.StatusCode, resp.Header)
	}

	t.Run("page", func(t *testing.T) {
		sender := blankTab(t, 1280, 900)
		sender.allow(url)
		sender.visit(url + "/")
		sender.upload(crossingBase, crossingRL)
		want := sender.shown()
		short := sender.shortLink()
		id, ok := strings.CutPrefix(short, url+"/s/")
		if !ok || !web.ValidID(id) {
			t.Fatalf("short link %q", short)
		}
		// Another tab, with the sender's session closed: the share comes
		// from the Worker's KV.
		sender.act(`document.querySelector('#new-session').click()`)
		receiver := blankTab(t, 1280, 900)
		receiver.allow(url)
		receiver.visit(short)
		notice, opened := receiver.waitOpened()
		if !opened || !strings.Contains(notice, "2 models (base, rl)") {
			t.Fatalf("notice %q", notice)
		}
		receiver.checkShown(want)
	})

	t.Run("API", func(t *testing.T) {
		sharetest.Run(t, url, sharetest.Options{
			Stored:    func(t *testing.T) int { return kvShares(t, bin, dir) },
			RateLimit: 30,
		})
	})
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a
// process's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
