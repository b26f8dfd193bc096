package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
)

// Store keeps shared sessions under their ids. `passk serve` keeps them in
// files (DirStore); the Cloudflare Worker in Workers KV. A Store holds
// only payloads the handler has validated, and offers no way to list them:
// a share can be read only by whoever has its id.
type Store interface {
	// Create stores payload under id, or fails with ErrExists if id is
	// taken (a store that cannot tell, such as Workers KV, relies on ids
	// being random). After an error nothing is stored under id.
	Create(ctx context.Context, id string, payload []byte) error
	// Get returns the payload stored under id, or ErrNotFound.
	Get(ctx context.Context, id string) ([]byte, error)
}

var (
	// ErrNotFound is returned by Store.Get for an id it does not hold.
	ErrNotFound = errors.New("no such share")
	// ErrExists is returned by Store.Create for an id already taken.
	ErrExists = errors.New("share id taken")
)

// idBytes is the length of a share id's random part: 128 bits.
const idBytes = 16

// NewID returns a new share id: 128 bits from crypto/rand, as 22
// characters of unpadded base64url.
func NewID() string {
	var b [idBytes]byte
	rand.Read(b[:]) // never fails (crypto/rand's contract since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidID reports whether id has the form of the ids NewID returns. Ids of
// any other form are never stored, so a lookup of one is a 404 without a
// trip to the store.
func ValidID(id string) bool {
	if len(id) != base64.RawURLEncoding.EncodedLen(idBytes) {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil && len(b) == idBytes
}

// MemStore is a Store in memory, for tests.
type MemStore struct {
	mu     sync.Mutex
	shares map[string][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{shares: map[string][]byte{}} }

func (m *MemStore) Create(ctx context.Context, id string, payload []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.shares[id]; ok {
		return ErrExists
	}
	m.shares[id] = append([]byte(nil), payload...)
	return nil
}

func (m *MemStore) Get(ctx context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.shares[id]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), p...), nil
}

// Len returns the number of shares stored.
func (m *MemStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.shares)
}
