// Package app is the browser app's logic without the browser: the open
// session and its models, the analysis of them (package passk), the view the
// page draws (rows, the SVG plot and its geometry, crossover texts), the
// per-problem view, exports, and keeping sessions in a Store. Package
// wasm/worker connects it to the page: files arrive as io.Readers, requests
// and replies as JSON, and IndexedDB is one Store.
//
// Nothing here imports syscall/js, so it is tested natively and under
// GOOS=js GOARCH=wasm alike.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/format"
)

// App is the state of one page: the open session, where sessions are kept,
// and the analyses computed so far. Its methods are safe for concurrent
// use; reading a file does not hold up other requests.
type App struct {
	mu    sync.Mutex
	store Store
	note  string // why sessions are not kept ("" when they are)
	fixed string // the note when the store itself is not persistent
	s     *Session
	saved bool // s is in the store as it is now

	// unreadable holds, by id, why stored sessions that Load refused
	// cannot be read. They are listed as such and never written.
	unreadable map[string]string

	version int // bumped whenever the models' data changes
	reports map[reportKey]reportResult

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// OnStorage, when set, is called (without the App's lock) when whether
	// sessions are kept changes.
	OnStorage func(Storage)
}

// Storage says whether the open session is kept across visits, and if not,
// why.
type Storage struct {
	Persistent bool   `json:"persistent"`
	Note       string `json:"note"`
}

// New returns an App keeping sessions in store. persistent says whether the
// store outlives the page; if not, note says why (it is shown to the user).
func New(store Store, persistent bool, note string) *App {
	a := &App{store: store, reports: map[reportKey]reportResult{}, unreadable: map[string]string{}, Now: time.Now}
	if !persistent {
		if note == "" {
			note = "Sessions will not be kept after this page closes."
		}
		a.fixed, a.note = note, note
	}
	return a
}

// Start opens the session that was open last, or a new one.
func (a *App) Start(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, err := a.store.Current(ctx)
	if err == nil && id != "" {
		if s, err := a.load(ctx, id); err == nil {
			a.setSession(s, true)
			return nil
		}
	}
	a.setSession(NewSession(a.defaultName(), a.Now()), false)
	return nil
}

// load reads the stored session with id, and remembers why if it is
// unreadable. The caller holds a.mu.
func (a *App) load(ctx context.Context, id string) (*Session, error) {
	s, err := a.store.Load(ctx, id)
	if errors.Is(err, ErrUnreadable) {
		a.unreadable[id] = strings.TrimPrefix(err.Error(), ErrUnreadable.Error()+": ")
	}
	if err == nil && s.ID != id {
		// A record whose session names another id: opening it would
		// write it under that id, over another session.
		a.unreadable[id] = "its record names another session id"
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, a.unreadable[id])
	}
	return s, err
}

// UnreadableNote is what the list of sessions says of a stored session
// that cannot be read, for reason.
func UnreadableNote(reason string) string {
	return fmt.Sprintf("This session cannot be opened: %s. It is kept unchanged in this browser; only deleting it removes it.", reason)
}

func (a *App) defaultName() string {
	return "Session of " + a.Now().Format("2006-01-02 15:04")
}

// setSession makes s the open session. The caller holds a.mu.
func (a *App) setSession(s *Session, saved bool) {
	a.s, a.saved = s, saved
	a.changed()
}

// changed records that the models' data changed. The caller holds a.mu.
func (a *App) changed() {
	a.version++
	clear(a.reports)
}

// Storage reports whether the open session is kept.
func (a *App) Storage() Storage {
	a.mu.Lock()
	defer a.mu.Unlock()
	return Storage{Persistent: a.note == "", Note: a.note}
}

// save writes the open session to the store, unless it is empty and was
// never saved. A store that fails (IndexedDB full) leaves the session in
// memory and the user is told it will not be kept; the store keeps what it
// had. The caller holds a.mu; save returns the new Storage if it changed.
func (a *App) save(ctx context.Context) *Storage {
	if len(a.s.Models) == 0 && !a.saved {
		return nil
	}
	a.s.Updated = a.Now()
	before := a.note
	if err := a.store.Save(ctx, a.s); err != nil {
		a.saved = false
		a.note = fmt.Sprintf("This session could not be saved (%v); it is kept in memory only and will be lost when the page closes.", err)
	} else {
		a.saved = true
		a.note = a.fixed
	}
	if a.note == before {
		return nil
	}
	return &Storage{Persistent: a.note == "", Note: a.note}
}

// notify tells OnStorage about a change; call it without holding a.mu.
func (a *App) notify(st *Storage) {
	if st != nil && a.OnStorage != nil {
		a.OnStorage(*st)
	}
}

// FileResult is what reading one file added.
type FileResult struct {
	Name     string   `json:"name"`
	Format   string   `json:"format"`
	Models   []string `json:"models"` // their labels in the session
	Warnings []string `json:"warnings"`
}

// AddFile reads a result file and adds its models to the open session. It
// adds all of the file's models or, after any error, none: the session and
// the store stay as they were. The error names the file and the position.
func (a *App) AddFile(ctx context.Context, name string, r io.Reader, opt *format.Options) (*FileResult, error) {
	f, err := format.Read(r, name, opt)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The file's own warnings, less those passk.Warnings gives: those are
	// computed per model below, and across models when the view is drawn.
	derived := map[string]bool{}
	for _, w := range passk.Warnings(f.Models) {
		derived[w.Error()] = true
	}
	var fileWarnings []string
	for _, w := range f.Warnings {
		if !derived[w.Error()] {
			fileWarnings = append(fileWarnings, w.Error())
		}
	}
	a.mu.Lock()
	if len(a.s.Models)+len(f.Models) > MaxModels {
		a.mu.Unlock()
		return nil, fmt.Errorf("%s: a session holds at most %d models", name, MaxModels)
	}
	res := &FileResult{Name: name, Format: f.Format}
	for _, m := range f.Models {
		m.Label = a.s.uniqueLabel(m.Label, nil)
		e := &Entry{Key: fmt.Sprintf("m%d", a.s.NextKey), Model: m}
		a.s.NextKey++
		for _, w := range passk.Warnings([]*passk.Model{m}) {
			e.Warnings = append(e.Warnings, w.Error())
		}
		for _, w := range fileWarnings {
			if !contains(e.Warnings, w) {
				e.Warnings = append(e.Warnings, w)
			}
		}
		a.s.Models = append(a.s.Models, e)
		res.Models = append(res.Models, m.Label)
		res.Warnings = append(res.Warnings, e.Warnings...)
	}
	a.changed()
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return res, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ErrInput marks a request the user can fix (an empty label, say).
var ErrInput = errors.New("invalid input")

// Rename gives the model with key a new label.
func (a *App) Rename(ctx context.Context, key, label string) error {
	label = strings.TrimSpace(label)
	switch {
	case label == "":
		return fmt.Errorf("%w: a label cannot be empty", ErrInput)
	case len(label) > MaxLabelLen || !utf8.ValidString(label):
		return fmt.Errorf("%w: a label has at most %d bytes of UTF-8", ErrInput, MaxLabelLen)
	}
	a.mu.Lock()
	e := a.s.entry(key)
	if e == nil {
		a.mu.Unlock()
		return fmt.Errorf("%w: no model %q", ErrInput, key)
	}
	if l := a.s.uniqueLabel(label, e); l != label {
		a.mu.Unlock()
		return fmt.Errorf("%w: another model is labelled %q", ErrInput, label)
	}
	e.Model.Label = label
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// Show shows or hides the model with key in the plot and comparisons.
func (a *App) Show(ctx context.Context, key string, visible bool) error {
	a.mu.Lock()
	e := a.s.entry(key)
	if e == nil {
		a.mu.Unlock()
		return fmt.Errorf("%w: no model %q", ErrInput, key)
	}
	e.Hidden = !visible
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// Remove takes the model with key out of the session.
func (a *App) Remove(ctx context.Context, key string) error {
	a.mu.Lock()
	i := -1
	for j, e := range a.s.Models {
		if e.Key == key {
			i = j
		}
	}
	if i < 0 {
		a.mu.Unlock()
		return fmt.Errorf("%w: no model %q", ErrInput, key)
	}
	a.s.Models = append(a.s.Models[:i:i], a.s.Models[i+1:]...)
	a.changed()
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// SetMetric chooses the metric the plot and crossovers use: one of
// Metrics. A metric that needs extracted answers is refused while a model
// has none (the error says which).
func (a *App) SetMetric(ctx context.Context, m passk.Metric) error {
	if err := checkMetric(m); err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}
	if m.NeedsAnswers() {
		a.mu.Lock()
		why := a.unavailable()[m]
		a.mu.Unlock()
		if why != "" {
			return fmt.Errorf("%w: %s", ErrInput, why)
		}
	}
	a.mu.Lock()
	a.s.Settings.Metric = m
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// SetBands turns the bootstrap bands of the plot on or off.
func (a *App) SetBands(ctx context.Context, on bool) error {
	a.mu.Lock()
	a.s.Settings.Bands = on
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// Sessions lists the stored sessions, and the open session's id.
func (a *App) Sessions(ctx context.Context) (current string, list []Meta, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	list, err = a.store.List(ctx)
	if err != nil {
		return "", nil, err
	}
	for i := range list {
		m := &list[i]
		if m.Unreadable == "" {
			m.Unreadable = a.unreadable[m.ID]
		}
		if m.Unreadable != "" {
			m.Unreadable = UnreadableNote(m.Unreadable)
			if m.Models == nil {
				m.Models = []string{}
			}
		}
	}
	if !a.saved && len(a.s.Models) > 0 {
		// The open session could not be saved: list it all the same.
		list = append([]Meta{a.s.Meta()}, list...)
	}
	return a.s.ID, list, nil
}

// Open opens the stored session with id.
func (a *App) Open(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id == a.s.ID {
		return nil
	}
	s, err := a.load(ctx, id)
	if err != nil {
		return fmt.Errorf("opening session: %w", err)
	}
	a.setSession(s, true)
	return a.store.SetCurrent(ctx, id)
}

// NewSession opens a new, empty session. The old one stays stored.
func (a *App) NewSession(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.setSession(NewSession(a.defaultName(), a.Now()), false)
	return a.store.SetCurrent(ctx, "")
}

// RenameSession renames the session with id (the open one or a stored one).
func (a *App) RenameSession(ctx context.Context, id, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxSessionName || !utf8.ValidString(name) {
		return fmt.Errorf("%w: a session name has 1 to %d bytes of UTF-8", ErrInput, MaxSessionName)
	}
	a.mu.Lock()
	if id == a.s.ID {
		a.s.Name = name
		if !a.saved && len(a.s.Models) == 0 {
			a.mu.Unlock()
			return nil
		}
		st := a.save(ctx)
		a.mu.Unlock()
		a.notify(st)
		return nil
	}
	defer a.mu.Unlock()
	s, err := a.load(ctx, id)
	if err != nil {
		return fmt.Errorf("renaming session: %w", err)
	}
	s.Name = name
	if err := a.store.Save(ctx, s); err != nil {
		return fmt.Errorf("renaming session: %w", err)
	}
	// Save made it current; the open session stays current.
	if a.saved {
		return a.store.SetCurrent(ctx, a.s.ID)
	}
	return a.store.SetCurrent(ctx, "")
}

// DeleteSession deletes the session with id. Deleting the open session
// opens a new, empty one.
func (a *App) DeleteSession(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.store.Delete(ctx, id); err != nil {
		return fmt.Errorf("deleting session: %w", err)
	}
	delete(a.unreadable, id)
	if id == a.s.ID {
		a.setSession(NewSession(a.defaultName(), a.Now()), false)
		if a.note != a.fixed {
			a.note = a.fixed
		}
	}
	return nil
}

// Import reads a session file (as exported by ExportSession) and opens it
// as a new session, saved next to the others.
func (a *App) Import(ctx context.Context, name string, r io.Reader) error {
	s, err := DecodeSession(r)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	a.mu.Lock()
	// An imported session never replaces a stored one: it gets its own id.
	s.ID = newID()
	a.setSession(s, false)
	st := a.save(ctx)
	a.mu.Unlock()
	a.notify(st)
	return nil
}

// Session returns a copy of the open session's JSON encoding.
func (a *App) Session() ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s.MarshalJSON()
}
