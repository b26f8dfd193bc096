package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// DirStore is a Store of files under a directory, one file per share:
// dir/ab/abc… for id abc… (ids are base64url, safe as file names). It is
// what `passk serve` keeps shares in.
//
// A share is written whole or not at all, and never overwritten: Create
// writes a temporary file under dir/tmp, syncs it, links it to its name
// (which fails if the name is taken) and syncs the directory. A crash at
// any point leaves either the complete share or none, plus at most a
// temporary file, which nothing reads and OpenDirStore removes once it is
// an hour old (not sooner: another process may be writing it).
type DirStore struct {
	dir string

	// testHookWrite, when set, is called after half of a payload is
	// written to its temporary file (crash tests).
	testHookWrite func()
}

// staleTemp is the age after which a temporary file is taken for the
// leftover of a crash.
const staleTemp = time.Hour

// OpenDirStore opens (creating it if need be) the store in dir, and
// removes temporary files left by crashes.
func OpenDirStore(dir string) (*DirStore, error) {
	if dir == "" {
		return nil, errors.New("web: no directory for the share store")
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("web: share store: %w", err)
	}
	s := &DirStore{dir: dir}
	s.removeStale(time.Now().Add(-staleTemp))
	return s, nil
}

// Dir returns the store's directory.
func (s *DirStore) Dir() string { return s.dir }

func (s *DirStore) removeStale(before time.Time) {
	tmp := filepath.Join(s.dir, "tmp")
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			os.Remove(filepath.Join(tmp, e.Name()))
		}
	}
}

func (s *DirStore) path(id string) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("web: share id %q is not of the form the store uses", id)
	}
	return filepath.Join(s.dir, id[:2], id), nil
}

func (s *DirStore) Create(ctx context.Context, id string, payload []byte) (err error) {
	final, err := s.path(id)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(final); err == nil {
		return ErrExists
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "share-*.tmp")
	if err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	half := len(payload) / 2
	if _, err := f.Write(payload[:half]); err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	if s.testHookWrite != nil {
		s.testHookWrite()
	}
	if _, err := f.Write(payload[half:]); err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	sub := filepath.Dir(final)
	if _, err := os.Stat(sub); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(sub, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("web: share store: %w", err)
		}
		syncDir(s.dir)
	}
	// A link, unlike a rename, never replaces a file that is there.
	if err := os.Link(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		// A file system without hard links: rename, having checked that
		// the name is free (ids are random: two writers of one id do not
		// happen).
		if _, serr := os.Lstat(final); serr == nil {
			return ErrExists
		}
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("web: share store: %w", err)
		}
	} else {
		os.Remove(tmp)
	}
	if err := syncDir(sub); err != nil {
		return fmt.Errorf("web: share store: %w", err)
	}
	return nil
}

// syncDir makes the entries of a directory durable. Windows cannot sync a
// directory (its file systems journal names themselves): there it does
// nothing.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (s *DirStore) Get(ctx context.Context, id string) ([]byte, error) {
	final, err := s.path(id)
	if err != nil {
		return nil, ErrNotFound
	}
	f, err := os.Open(final)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("web: share store: %w", err)
	}
	defer f.Close()
	// A share is at most maxPayload bytes; read one more to notice a file
	// that is not one of ours.
	data, err := io.ReadAll(io.LimitReader(f, maxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("web: share store: %w", err)
	}
	return data, nil
}
