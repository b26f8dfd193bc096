package app

import (
	"context"
	"errors"
	"sort"
	"sync"
)

// Store keeps sessions across visits. The browser's store is IndexedDB
// (package wasm/worker); MemStore keeps them for the life of the page,
// which is what the app falls back to when IndexedDB is unavailable or
// full.
//
// Save and Delete are atomic: after an error the store holds exactly what it
// held before.
type Store interface {
	// List returns every session's Meta, most recently updated first.
	List(ctx context.Context) ([]Meta, error)
	// Load returns the session with id, or ErrNotFound.
	Load(ctx context.Context, id string) (*Session, error)
	// Save writes s whole, replacing any session with its id, and makes
	// it the current session.
	Save(ctx context.Context, s *Session) error
	// Delete removes the session with id (no error if there is none).
	Delete(ctx context.Context, id string) error
	// Current returns the id of the session opened last, "" if none.
	Current(ctx context.Context) (string, error)
	// SetCurrent records id as the session opened last.
	SetCurrent(ctx context.Context, id string) error
}

// ErrNotFound is returned by Load for an unknown session.
var ErrNotFound = errors.New("no such session")

// MemStore is a Store in memory. It keeps sessions as their encoded JSON,
// as IndexedDB does, so that a session read back is a copy.
type MemStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
	metas    map[string]Meta
	current  string
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{sessions: map[string][]byte{}, metas: map[string]Meta{}}
}

func (m *MemStore) List(ctx context.Context) ([]Meta, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Meta, 0, len(m.metas))
	for _, meta := range m.metas {
		out = append(out, meta)
	}
	SortMetas(out)
	return out, nil
}

// SortMetas sorts metas most recently updated first.
func SortMetas(metas []Meta) {
	sort.Slice(metas, func(i, j int) bool {
		if !metas[i].Updated.Equal(metas[j].Updated) {
			return metas[i].Updated.After(metas[j].Updated)
		}
		return metas[i].ID < metas[j].ID
	})
}

func (m *MemStore) Load(ctx context.Context, id string) (*Session, error) {
	m.mu.Lock()
	data, ok := m.sessions[id]
	m.mu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	return ParseSession(data)
}

func (m *MemStore) Save(ctx context.Context, s *Session) error {
	data, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.ID] = data
	m.metas[s.ID] = s.Meta()
	m.current = s.ID
	return nil
}

func (m *MemStore) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	delete(m.metas, id)
	if m.current == id {
		m.current = ""
	}
	return nil
}

func (m *MemStore) Current(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.current, nil
}

func (m *MemStore) SetCurrent(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current = id
	return nil
}
