package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/sharetest"
)

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>passk</title>")}}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, site, web.NewMemStore(), pw, &stderr) }()

	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url = strings.TrimSpace(url)
	if url != "http://"+ln.Addr().String() {
		t.Errorf("printed %q, want http://%s", url, ln.Addr())
	}
	go io.Copy(io.Discard, pr)
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET /: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	resp, err = http.Get(url + "/app.wasm")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /app.wasm of a site without it: %d", resp.StatusCode)
	}
	if !strings.Contains(stderr.String(), "make build") {
		t.Errorf("no warning about the missing wasm: %q", stderr.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after its context ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(&out, &errOut, []string{"serve", "extra"}); !errors.Is(err, errUsage) {
		t.Errorf("serve extra: %v", err)
	}
	if err := run(&out, &errOut, []string{"serve", "--addr", "256.0.0.1:99999"}); err == nil {
		t.Error("serve on a bad address: no error")
	}
	if !strings.Contains(usageText(), "serve") {
		t.Error("usage does not list serve")
	}
}

func usageText() string {
	var b bytes.Buffer
	usage(&b)
	return b.String()
}

func TestDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		"0.0.0.0:80":     "127.0.0.1:80",
		"[::]:8080":      "127.0.0.1:8080",
		"[::1]:8080":     "[::1]:8080",
	} {
		a, _ := net.ResolveTCPAddr("tcp", in)
		if got := displayAddr(a); got != want {
			t.Errorf("displayAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

// startServe runs serve on a free port with shares in dir, and returns
// its URL and a function that stops it.
func startServe(t *testing.T, dir string) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	store, err := web.OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	site := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>passk</title>")}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, site, store, io.Discard, io.Discard) }()
	return "http://" + ln.Addr().String(), func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// TestServeShares runs the share API's suite against `passk serve` (its
// handler, store and rate limit, on a real socket), then restarts the
// server on the same directory: a share created before is still there.
func TestServeShares(t *testing.T) {
	dir := t.TempDir()
	url, stop := startServe(t, dir)
	payload := sharetest.Valid("kept")
	resp, err := http.Post(url+"/api/share", "application/json", strings.NewReader(`{"payload": "`+payload+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var created web.Created
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	sharetest.Run(t, url, sharetest.Options{RateLimit: shareBurst})
	stop()

	url, stop = startServe(t, dir)
	defer stop()
	resp, err = http.Get(url + "/api/share/" + created.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got web.Shared
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 200 || got.Payload != payload {
		t.Errorf("after a restart: %d %q", resp.StatusCode, got.Payload)
	}
}

// TestServeSpareConnection: a connection that never sends a request (as a
// browser's spare one) does not keep serve from stopping, nor make it fail.
func TestServeSpareConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>passk</title>")}}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, site, web.NewMemStore(), &stdout, &stderr) }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(100 * time.Millisecond) // accepted by the server, no request sent
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
