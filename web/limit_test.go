package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestTokenBuckets(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	l := NewTokenBuckets(3, 10*time.Second)
	l.Now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Fatalf("write %d of a burst of 3 refused", i+1)
		}
	}
	ok, retry := l.Allow(ctx, "a")
	if ok || retry != 10*time.Second {
		t.Errorf("4th write: %v, retry %v; want refused, retry 10s", ok, retry)
	}
	if ok, _ := l.Allow(ctx, "b"); !ok {
		t.Error("another client is limited too")
	}
	now = now.Add(5 * time.Second)
	if ok, retry := l.Allow(ctx, "a"); ok || retry != 5*time.Second {
		t.Errorf("after 5 s: %v, retry %v", ok, retry)
	}
	now = now.Add(5 * time.Second)
	if ok, _ := l.Allow(ctx, "a"); !ok {
		t.Error("after 10 s a token is back: refused")
	}
	if ok, _ := l.Allow(ctx, "a"); ok {
		t.Error("one token came back, two were spent")
	}
	// Clients whose buckets are full again are forgotten.
	now = now.Add(time.Hour)
	l.Allow(ctx, "c")
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets kept after an hour, want 1 (c)", len(l.buckets))
	}
}

func TestTokenBucketsBounded(t *testing.T) {
	l := NewTokenBuckets(1, time.Hour)
	for i := range maxClients + 10 {
		l.Allow(context.Background(), fmt.Sprint(i))
	}
	if len(l.buckets) > maxClients+1 {
		t.Errorf("%d buckets, at most %d", len(l.buckets), maxClients+1)
	}
}

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:5555":           "127.0.0.1",
		"[::ffff:10.1.2.3]:80":     "10.1.2.3",
		"[2001:db8:1:2:3:4:5:6]:9": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":     "2001:db8:1:2::/64", // CF-Connecting-IP, no port
		"203.0.113.9":              "203.0.113.9",
		"":                         "",
	} {
		if got := ClientAddr(&http.Request{RemoteAddr: in}); got != want {
			t.Errorf("ClientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
