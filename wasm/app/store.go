package app

import (
	"context"
	"errors"
	"fmt"
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
//
// Several tabs may keep sessions in one store at once. Each stored session
// has a revision that every Save increments; a Session carries the
// revision it was read at (Session.Rev), and Save refuses, with
// ErrConflict, to write over a newer revision than that: another tab saved
// the session meanwhile, and writing would lose its change. The caller then
// reads the session again and repeats its edit on that copy.
type Store interface {
	// List returns every session's Meta, most recently updated first.
	List(ctx context.Context) ([]Meta, error)
	// Load returns the session with id, or ErrNotFound. Its Rev is the
	// revision stored.
	Load(ctx context.Context, id string) (*Session, error)
	// Save writes s whole, replacing the session with its id, and makes
	// it the current session; s.Rev becomes the revision written. It
	// writes nothing and returns ErrConflict if the store holds the
	// session at a revision other than s.Rev, and an error wrapping
	// ErrUnreadable if the record stored under s.ID cannot be read (it is
	// never overwritten). A session the store does not hold (new, or
	// deleted meanwhile by another tab) is written whatever s.Rev, so
	// that an edit is never lost.
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

// ErrConflict is returned by Store.Save when the store holds a newer
// revision of the session than the one it was read at.
var ErrConflict = errors.New("the session was changed in another tab")

// ErrUnreadable marks a stored session that exists but cannot be read: it
// was written by a newer schema version, or its record is damaged. Load
// wraps it; List reports such sessions with Meta.Unreadable set. The store
// keeps the record as it is.
var ErrUnreadable = errors.New("stored session cannot be read")

// MemStore is a Store in memory. It keeps sessions as their encoded JSON,
// as IndexedDB does, so that a session read back is a copy.
type MemStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
	metas    map[string]Meta
	revs     map[string]int
	current  string
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{sessions: map[string][]byte{}, metas: map[string]Meta{}, revs: map[string]int{}}
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
	rev := m.revs[id]
	m.mu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	s, err := ParseSession(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	s.Rev = rev
	return s, nil
}

// PutRaw stores data as the record of session id, as it is, without
// checking it: what another version of passk, or a damaged store, left.
// Tests use it to plant records the app cannot read. It counts as a new
// revision.
func (m *MemStore) PutRaw(id string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[id] = append([]byte(nil), data...)
	m.revs[id]++
	if s, err := ParseSession(data); err == nil {
		s.ID = id
		m.metas[id] = s.Meta()
	} else {
		m.metas[id] = Meta{ID: id, Models: []string{}, Unreadable: err.Error()}
	}
}

// Raw returns the record of session id as stored (nil if there is none).
func (m *MemStore) Raw(id string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.sessions[id]...)
}

func (m *MemStore) Save(ctx context.Context, s *Session) error {
	data, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[s.ID]; ok {
		if why := m.metas[s.ID].Unreadable; why != "" {
			return fmt.Errorf("%w: %s", ErrUnreadable, why)
		}
		if m.revs[s.ID] != s.Rev {
			return ErrConflict
		}
	}
	rev := s.Rev + 1
	m.sessions[s.ID] = data
	m.metas[s.ID] = s.Meta()
	m.revs[s.ID] = rev
	m.current = s.ID
	s.Rev = rev
	return nil
}

func (m *MemStore) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	delete(m.metas, id)
	delete(m.revs, id)
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
