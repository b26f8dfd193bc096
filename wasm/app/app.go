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
	mu     sync.Mutex
	store  Store
	note   string // why sessions are not kept ("" when they are)
	reason string // what kind of reason note gives (Storage.Reason)
	// fixed and fixedReason are note and reason when the store itself is
	// not persistent ("" when it is).
	fixed, fixedReason string
	s                  *Session
	saved              bool // s is in the store as it is now

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
// why: Note says it to the user, Reason names the kind of fault, one of
// the Reason constants ("" when Persistent).
type Storage struct {
	Persistent bool   `json:"persistent"`
	Note       string `json:"note"`
	Reason     string `json:"reason,omitempty"`
}

// Why sessions are not kept (Storage.Reason).
const (
	ReasonNoStorage = "none"     // the browser gives the page no storage
	ReasonBlocked   = "blocked"  // another tab holds the database open at an older version
	ReasonWaiting   = "waiting"  // the database has not opened yet
	ReasonNewer     = "newer"    // a newer passk upgraded the database
	ReasonUpdated   = "updated"  // a newer passk in another tab upgraded it while this tab had it open
	ReasonClosed    = "closed"   // the browser closed the database (its data cleared, say)
	ReasonSaveFail  = "failed"   // saving failed (quota exceeded, say)
	ReasonConflict  = "conflict" // another tab stored a copy this tab cannot merge with
)

// maxConflicts bounds how often one edit is applied again to a copy that
// another tab saved meanwhile.
const maxConflicts = 8

// New returns an App keeping sessions in store. st says whether the store
// outlives the page; if not, st.Note says why (it is shown to the user).
func New(store Store, st Storage) *App {
	a := &App{store: store, reports: map[reportKey]reportResult{}, unreadable: map[string]string{}, Now: time.Now}
	if !st.Persistent {
		if st.Note == "" {
			st.Note = "Sessions will not be kept after this page closes."
		}
		if st.Reason == "" {
			st.Reason = ReasonNoStorage
		}
		a.fixed, a.note = st.Note, st.Note
		a.fixedReason, a.reason = st.Reason, st.Reason
	}
	return a
}

// Start opens the session that was open last, or a new one.
func (a *App) Start(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.openLast(ctx)
	return nil
}

// openLast opens the session that was open last, or a new one, and
// reports whether it found the stored one. The caller holds a.mu.
func (a *App) openLast(ctx context.Context) bool {
	id, err := a.store.Current(ctx)
	if err == nil && id != "" {
		if s, err := a.load(ctx, id); err == nil {
			a.setSession(s, true)
			return true
		}
	}
	a.setSession(NewSession(a.defaultName(), a.Now()), false)
	return false
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
	if err == nil {
		delete(a.unreadable, id)
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

// replace makes s, a newer stored copy of the open session, the open
// session. The analyses are kept when its models are those of the open
// session: within one session a model key always names the same data
// (keys are never reused, and an edit applied again to another tab's copy
// gives added models new keys). The caller holds a.mu.
func (a *App) replace(s *Session) {
	if !sameModels(a.s, s) {
		a.changed()
	}
	a.s, a.saved = s, true
}

// sameModels reports whether s and t hold the same models' data, in the
// same order (labels and visibility aside).
func sameModels(s, t *Session) bool {
	if s.ID != t.ID || len(s.Models) != len(t.Models) {
		return false
	}
	for i, e := range s.Models {
		f := t.Models[i]
		if e.Key != f.Key || len(e.Model.Problems) != len(f.Model.Problems) {
			return false
		}
	}
	return true
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
	return a.storage()
}

// storage is Storage; the caller holds a.mu.
func (a *App) storage() Storage {
	return Storage{Persistent: a.note == "", Note: a.note, Reason: a.reason}
}

// setNote sets what the user is told about storage, and returns the new
// Storage if that changed. The caller holds a.mu.
func (a *App) setNote(note, reason string) *Storage {
	if note == "" {
		reason = ""
	}
	if note == a.note && reason == a.reason {
		return nil
	}
	a.note, a.reason = note, reason
	st := a.storage()
	return &st
}

// save writes the open session to the store, unless it is empty and was
// never saved. A store that fails (IndexedDB full) leaves the session in
// memory and the user is told it will not be kept; the store keeps what it
// had. It returns ErrConflict, having changed nothing, when another tab
// saved the session since this one read it. The caller holds a.mu; save
// returns the new Storage if it changed.
func (a *App) save(ctx context.Context) (*Storage, error) {
	if len(a.s.Models) == 0 && !a.saved {
		return nil, nil
	}
	a.s.Updated = a.Now()
	err := a.store.Save(ctx, a.s)
	switch {
	case errors.Is(err, ErrConflict):
		return nil, err
	case errors.Is(err, ErrUnreadable):
		a.saved = false
		return a.setNote(fmt.Sprintf("This session could not be saved: another tab stored it in a form this version of passk cannot read (%s), and that copy is left as it is. Your changes here are kept in memory only and will be lost when the page closes; export the session to keep them.", strings.TrimPrefix(err.Error(), ErrUnreadable.Error()+": ")), ReasonConflict), nil
	case err != nil:
		a.saved = false
		return a.setNote(fmt.Sprintf("This session could not be saved (%v); it is kept in memory only and will be lost when the page closes.", err), ReasonSaveFail), nil
	}
	a.saved = true
	return a.setNote(a.fixed, a.fixedReason), nil
}

// saveNew saves the open session, new to this tab, replacing whatever the
// store holds under its id (a share opened again is stored afresh). The
// caller holds a.mu.
func (a *App) saveNew(ctx context.Context) *Storage {
	for tries := 0; ; tries++ {
		if old, err := a.store.Load(ctx, a.s.ID); err == nil {
			a.s.Rev = old.Rev
		}
		st, err := a.save(ctx)
		if err == nil {
			return st
		}
		if tries == maxConflicts {
			a.saved = false
			return a.setNote("This session could not be saved: other tabs kept changing it. It is kept in memory only.", ReasonConflict)
		}
	}
}

// update applies edit to the open session and saves it. If another tab
// saved the session since this tab read it, update reads the stored copy
// again, applies edit to that, and saves it: neither tab's change is lost,
// and the open session becomes that copy. An edit that no longer applies to
// it (another tab removed the model it renames, say) is refused with its
// error, and the open session shows the other tab's copy. edit must check
// everything before it changes anything.
func (a *App) update(ctx context.Context, edit func(*Session) error) error {
	a.mu.Lock()
	st, err := a.updateLocked(ctx, edit)
	a.mu.Unlock()
	a.notify(st)
	return err
}

func (a *App) updateLocked(ctx context.Context, edit func(*Session) error) (*Storage, error) {
	// A session whose earlier changes could not be saved holds more than
	// this edit: another tab's copy cannot simply take it again.
	merge := a.saved
	before := append([]*Entry(nil), a.s.Models...)
	if err := edit(a.s); err != nil {
		return nil, err
	}
	if !sameModels(&Session{ID: a.s.ID, Models: before}, a.s) {
		a.changed()
	}
	for tries := 0; ; tries++ {
		st, err := a.save(ctx)
		if !errors.Is(err, ErrConflict) {
			return st, nil
		}
		if !merge || tries == maxConflicts {
			a.saved = false
			return a.setNote("This session was changed in another tab while this tab could not save its own changes. The other tab's version is stored; this tab's changes are kept here in memory only and will be lost when the page closes: export the session to keep them.", ReasonConflict), nil
		}
		fresh, err := a.load(ctx, a.s.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			continue // deleted meanwhile: saving writes it again
		case err != nil:
			a.saved = false
			return a.setNote(fmt.Sprintf("This session was changed in another tab, and its stored copy cannot be read again (%v). This tab's changes are kept in memory only.", err), ReasonConflict), nil
		}
		if err := edit(fresh); err != nil {
			a.replace(fresh)
			return nil, fmt.Errorf("another tab changed this session meanwhile, and this change no longer applies: %w", err)
		}
		a.replace(fresh)
	}
}

// notify tells OnStorage about a change; call it without holding a.mu.
func (a *App) notify(st *Storage) {
	if st != nil && a.OnStorage != nil {
		a.OnStorage(*st)
	}
}

// Changed tells the app that another tab saved the session with id, or
// deleted it. If that is the open session and this tab has no unsaved
// change of its own, the open session is read again (or, deleted, kept
// open as not saved: an edit saves it again). It reports whether the open
// session changed.
func (a *App) Changed(ctx context.Context, id string, deleted bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id != a.s.ID || !a.saved {
		return false
	}
	if deleted {
		a.saved = false
		return true
	}
	fresh, err := a.load(ctx, id)
	if err != nil || fresh.Rev <= a.s.Rev {
		return false
	}
	a.replace(fresh)
	return true
}

// Persist moves the app onto store, which outlives the page, when it
// becomes usable after the app started in memory (IndexedDB opens only
// once other tabs let go of it). Every session kept in memory meanwhile is
// saved to it, under its own new id: nothing stored is replaced. If there
// was none, the session open last in store is opened, as Start does.
// Persist reports whether the open session changed. If a session cannot
// be saved to store, the app stays in memory, says why, and returns an
// error: the caller then closes store.
func (a *App) Persist(ctx context.Context, store Store) (opened bool, err error) {
	a.mu.Lock()
	st, opened, err := a.persist(ctx, store)
	a.mu.Unlock()
	a.notify(st)
	return opened, err
}

func (a *App) persist(ctx context.Context, store Store) (*Storage, bool, error) {
	mem := a.store
	fail := func(err error) (*Storage, bool, error) {
		err = fmt.Errorf("the sessions made while storage was unavailable could not be saved to it (%v): they are kept in memory only", err)
		return a.setNote("Storage opened, but "+err.Error()+".", ReasonSaveFail), false, err
	}
	metas, err := mem.List(ctx)
	if err != nil {
		return fail(err)
	}
	for _, m := range metas {
		if m.ID == a.s.ID {
			continue
		}
		s, err := mem.Load(ctx, m.ID)
		if err != nil {
			return fail(err)
		}
		s.Rev = 0
		if err := store.Save(ctx, s); err != nil {
			return fail(err)
		}
	}
	a.store, a.fixed, a.fixedReason = store, "", ""
	if a.saved || len(a.s.Models) > 0 {
		a.s.Rev = 0
		st, err := a.save(ctx)
		if err == nil && !a.saved {
			err = errors.New(a.note)
		}
		return st, false, err
	}
	st := a.setNote("", "")
	if len(metas) > 0 {
		// The open session is a new, empty one: it stays open.
		return st, false, store.SetCurrent(ctx, "")
	}
	return st, a.openLast(ctx), nil
}

// Detach moves the app off its store, which can no longer be used
// (another tab upgraded the database, or the browser closed it), into
// memory: the open session stays open as it is, kept in memory, and note,
// of kind reason, tells the user why. Nothing is written to the old store.
// An app in memory already stays in its store, and only changes the note.
func (a *App) Detach(ctx context.Context, reason, note string) {
	a.mu.Lock()
	if a.fixed == "" {
		mem := NewMemStore()
		if a.saved || len(a.s.Models) > 0 {
			a.s.Rev = 0
			if err := mem.Save(ctx, a.s); err == nil {
				a.saved = true
			}
		}
		a.store = mem
	}
	a.fixed, a.fixedReason = note, reason
	st := a.setNote(note, reason)
	a.mu.Unlock()
	a.notify(st)
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
	labels := make([]string, len(f.Models))
	for i, m := range f.Models {
		labels[i] = m.Label
	}
	var res *FileResult
	err = a.update(ctx, func(s *Session) error {
		if len(s.Models)+len(f.Models) > MaxModels {
			return fmt.Errorf("%s: a session holds at most %d models", name, MaxModels)
		}
		// A session over MaxProblems could not be read back.
		total := 0
		for _, e := range s.Models {
			total += len(e.Model.Problems)
		}
		for _, m := range f.Models {
			total += len(m.Problems)
		}
		if total > MaxProblems {
			return fmt.Errorf("%s: a session holds at most %d problems over all its models; with this file it would hold %d", name, MaxProblems, total)
		}
		res = &FileResult{Name: name, Format: f.Format}
		for i, m := range f.Models {
			m.Label = s.uniqueLabel(labels[i], nil)
			e := &Entry{Key: fmt.Sprintf("m%d", s.NextKey), Model: m}
			s.NextKey++
			for _, w := range passk.Warnings([]*passk.Model{m}) {
				e.Warnings = append(e.Warnings, w.Error())
			}
			for _, w := range fileWarnings {
				if !contains(e.Warnings, w) {
					e.Warnings = append(e.Warnings, w)
				}
			}
			s.Models = append(s.Models, e)
			res.Models = append(res.Models, m.Label)
			res.Warnings = append(res.Warnings, e.Warnings...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
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
	return a.update(ctx, func(s *Session) error {
		e := s.entry(key)
		if e == nil {
			return fmt.Errorf("%w: no model %q", ErrInput, key)
		}
		if l := s.uniqueLabel(label, e); l != label {
			return fmt.Errorf("%w: another model is labelled %q", ErrInput, label)
		}
		e.Model.Label = label
		return nil
	})
}

// Show shows or hides the model with key in the plot and comparisons.
func (a *App) Show(ctx context.Context, key string, visible bool) error {
	return a.update(ctx, func(s *Session) error {
		e := s.entry(key)
		if e == nil {
			return fmt.Errorf("%w: no model %q", ErrInput, key)
		}
		e.Hidden = !visible
		return nil
	})
}

// Remove takes the model with key out of the session.
func (a *App) Remove(ctx context.Context, key string) error {
	return a.update(ctx, func(s *Session) error {
		i := -1
		for j, e := range s.Models {
			if e.Key == key {
				i = j
			}
		}
		if i < 0 {
			return fmt.Errorf("%w: no model %q", ErrInput, key)
		}
		s.Models = append(s.Models[:i:i], s.Models[i+1:]...)
		return nil
	})
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
	return a.update(ctx, func(s *Session) error {
		s.Settings.Metric = m
		return nil
	})
}

// SetBands turns the bootstrap bands of the plot on or off.
func (a *App) SetBands(ctx context.Context, on bool) error {
	return a.update(ctx, func(s *Session) error {
		s.Settings.Bands = on
		return nil
	})
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
	rename := func(s *Session) error {
		s.Name = name
		return nil
	}
	a.mu.Lock()
	if id == a.s.ID {
		a.mu.Unlock()
		return a.update(ctx, rename)
	}
	defer a.mu.Unlock()
	for tries := 0; ; tries++ {
		s, err := a.load(ctx, id)
		if err != nil {
			return fmt.Errorf("renaming session: %w", err)
		}
		rename(s)
		err = a.store.Save(ctx, s)
		if errors.Is(err, ErrConflict) && tries < maxConflicts {
			continue // another tab saved it meanwhile: rename its copy
		}
		if err != nil {
			return fmt.Errorf("renaming session: %w", err)
		}
		break
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
		a.note, a.reason = a.fixed, a.fixedReason
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
	st := a.saveNew(ctx)
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
