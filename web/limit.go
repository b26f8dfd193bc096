package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limiter bounds how often a client may create shares.
type Limiter interface {
	// Allow reports whether the client may create a share now, taking
	// one from its allowance if so; if not, retry says when to try again
	// (0 when unknown).
	Allow(ctx context.Context, client string) (ok bool, retry time.Duration)
}

// TokenBuckets is a Limiter keeping a token bucket per client in memory:
// a client may create Burst shares at once, and one more every Every. It
// forgets clients whose buckets are full again, and keeps at most
// maxClients (beyond that, new clients share one bucket, so a flood of
// addresses cannot exhaust memory).
type TokenBuckets struct {
	Burst int
	Every time.Duration
	// Now returns the current time; tests replace it.
	Now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxClients = 100_000

// NewTokenBuckets returns a limiter allowing burst shares at once and one
// more every every.
func NewTokenBuckets(burst int, every time.Duration) *TokenBuckets {
	return &TokenBuckets{Burst: burst, Every: every, Now: time.Now, buckets: map[string]*bucket{}}
}

func (l *TokenBuckets) Allow(ctx context.Context, client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if now.Sub(l.lastSweep) > l.Every*time.Duration(l.Burst) {
		l.sweep(now)
	}
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxClients {
			client = "(overflow)"
			b = l.buckets[client]
		}
		if b == nil {
			b = &bucket{tokens: float64(l.Burst), at: now}
			l.buckets[client] = b
		}
	}
	b.fill(now, l)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.Every))
}

func (b *bucket) fill(now time.Time, l *TokenBuckets) {
	if l.Every > 0 {
		b.tokens += float64(now.Sub(b.at)) / float64(l.Every)
	}
	b.tokens = min(b.tokens, float64(l.Burst))
	b.at = now
}

// sweep forgets the clients whose buckets are full.
func (l *TokenBuckets) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		b.fill(now, l)
		if b.tokens >= float64(l.Burst) {
			delete(l.buckets, k)
		}
	}
}

// ClientAddr is the client a request comes from, for rate limits: the
// host of its RemoteAddr (which the Worker runtime fills from
// CF-Connecting-IP), with IPv6 addresses reduced to their /64 network,
// since one host commonly holds a whole /64.
func ClientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSpace(host)
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64)
			return p.String()
		}
		return a.String()
	}
	return host
}
