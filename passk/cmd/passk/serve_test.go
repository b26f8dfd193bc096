package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
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
	go func() { done <- serve(ctx, ln, site, pw, &stderr) }()

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
