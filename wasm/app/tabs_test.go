package app

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Two Apps on one store are two tabs of the page: each holds the session
// it read, and saves it whole.

// storedLabels returns the labels and keys of the stored session id.
func storedLabels(t *testing.T, store Store, id string) (labels, keys []string) {
	t.Helper()
	s, err := store.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Models {
		labels = append(labels, e.Model.Label)
		keys = append(keys, e.Key)
	}
	return labels, keys
}

func openLabels(a *App) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.s.Models {
		out = append(out, e.Model.Label)
	}
	return out
}

func counts(label string, c int) string {
	return "problem_id,model,n,c\nq1," + label + ",4," + string(rune('0'+c)) + "\nq2," + label + ",4,4\n"
}

// TestTabsNoLostUpdate: two tabs edit the same session, each from the copy
// it read; the second to save finds the first's revision, reads it, and
// applies its edit to it. The store ends with both edits, and a tab told of
// the other's save (Changed) shows them.
func TestTabsNoLostUpdate(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	id := a.s.ID
	b := newApp(t, store)
	if b.s.ID != id {
		t.Fatalf("the second tab opened %s, want %s", b.s.ID, id)
	}

	// Labels, one each.
	if err := b.Rename(ctx, "m1", "base-B"); err != nil {
		t.Fatal(err)
	}
	if err := a.Rename(ctx, "m2", "rl-A"); err != nil {
		t.Fatal(err)
	}
	if got, _ := storedLabels(t, store, id); !slices.Equal(got, []string{"base-B", "rl-A"}) {
		t.Errorf("stored %q", got)
	}
	if got := openLabels(a); !slices.Equal(got, []string{"base-B", "rl-A"}) {
		t.Errorf("the tab that saved second shows %q", got)
	}
	if !b.Changed(ctx, id, false) {
		t.Error("Changed: the open session did not change")
	}
	if got := openLabels(b); !slices.Equal(got, []string{"base-B", "rl-A"}) {
		t.Errorf("the tab told of the change shows %q", got)
	}

	// Files, one each, with the same model label: new keys, unique labels.
	add(t, a, "x.csv", counts("x", 1))
	res := add(t, b, "y.csv", counts("x", 2))
	labels, keys := storedLabels(t, store, id)
	if !slices.Equal(labels, []string{"base-B", "rl-A", "x", "x (2)"}) || !slices.Equal(keys, []string{"m1", "m2", "m3", "m4"}) {
		t.Errorf("stored labels %q keys %q", labels, keys)
	}
	if !slices.Equal(res.Models, []string{"x (2)"}) {
		t.Errorf("the second file's models are reported as %q", res.Models)
	}
	v, err := b.View(ViewSize{Width: 600, Height: 400})
	if err != nil || len(v.Rows) != 4 {
		t.Fatalf("view of the tab that added second: %d rows, %v", len(v.Rows), err)
	}

	// Settings and the session's name, from stale copies.
	b.Changed(ctx, id, false)
	if err := a.SetBands(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := b.SetMetric(ctx, "pass^k"); err != nil {
		t.Fatal(err)
	}
	if err := a.RenameSession(ctx, id, "Joint"); err != nil {
		t.Fatal(err)
	}
	if err := b.Show(ctx, "m1", false); err != nil {
		t.Fatal(err)
	}
	if err := a.SetExtrapolate(ctx, 1024); err != nil {
		t.Fatal(err)
	}
	s, _ := store.Load(ctx, id)
	if s.Name != "Joint" || s.Settings.Bands || s.Settings.Metric != "pass^k" || !s.Models[0].Hidden || s.Settings.Extrapolate != 1024 {
		t.Errorf("stored %q, settings %+v, m1 hidden %v", s.Name, s.Settings, s.Models[0].Hidden)
	}

	// An edit that no longer applies: b renames a model a removed.
	b.Changed(ctx, id, false)
	if err := a.Remove(ctx, "m3"); err != nil {
		t.Fatal(err)
	}
	before := store.Raw(id)
	err = b.Rename(ctx, "m3", "gone")
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "another tab changed this session") {
		t.Errorf("renaming a model removed in another tab: %v", err)
	}
	if !bytes.Equal(store.Raw(id), before) {
		t.Error("the refused edit wrote the session")
	}
	if got := openLabels(b); !slices.Equal(got, []string{"base-B", "rl-A", "x (2)"}) {
		t.Errorf("after the refused edit the tab shows %q, want the other tab's copy", got)
	}
	if st := b.Storage(); !st.Persistent {
		t.Errorf("storage %+v", st)
	}
}

// TestTabsRenameStoredSession: a tab renames a session it does not have
// open while another tab, which has it open, edits it.
func TestTabsRenameStoredSession(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	id := a.s.ID
	b := newApp(t, store)
	b.NewSession(ctx)
	add(t, b, "rl.csv", crossingCSV(true))
	if err := a.Rename(ctx, "m1", "base-A"); err != nil {
		t.Fatal(err)
	}
	if err := b.RenameSession(ctx, id, "Renamed by b"); err != nil {
		t.Fatal(err)
	}
	if err := a.Show(ctx, "m1", false); err != nil {
		t.Fatal(err)
	}
	s, _ := store.Load(ctx, id)
	if s.Name != "Renamed by b" || s.Models[0].Model.Label != "base-A" || !s.Models[0].Hidden {
		t.Errorf("stored %q %q hidden %v", s.Name, s.Models[0].Model.Label, s.Models[0].Hidden)
	}
}

// TestTabsDeletedElsewhere: a tab deletes the session another has open.
// The other keeps it open, listed as not saved, and its next edit stores
// it again.
func TestTabsDeletedElsewhere(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	id := a.s.ID
	b := newApp(t, store)
	if err := a.DeleteSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	if !b.Changed(ctx, id, true) {
		t.Error("Changed: deleting the open session elsewhere changes nothing")
	}
	if _, list, _ := b.Sessions(ctx); len(list) != 1 || list[0].ID != id {
		t.Errorf("listed %+v, want the open session", list)
	}
	if err := b.Rename(ctx, "m1", "kept"); err != nil {
		t.Fatal(err)
	}
	if got, _ := storedLabels(t, store, id); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("stored again %q", got)
	}
}

// TestTabsUnreadableCopy: another tab (a newer passk) stored the open
// session in a form this version cannot read. An edit is kept in memory
// and the record is left as it is.
func TestTabsUnreadableCopy(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	id := a.s.ID
	future := []byte(`{"passk_session":2,"id":"` + id + `","name":"From passk 2","models":[]}`)
	store.PutRaw(id, future)
	if err := a.Rename(ctx, "m1", "edited"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(store.Raw(id), future) {
		t.Errorf("the newer record was overwritten: %s", store.Raw(id))
	}
	st := a.Storage()
	if st.Persistent || st.Reason != ReasonConflict || !strings.Contains(st.Note, "cannot read") || !strings.Contains(st.Note, "memory only") {
		t.Errorf("storage %+v", st)
	}
	if got := openLabels(a); !slices.Equal(got, []string{"edited"}) {
		t.Errorf("open %q", got)
	}
}

// TestTabsUnsavedConflict: a tab whose changes could not be saved (quota)
// finds, once it can save again, that another tab saved the session
// meanwhile. It does not write over it, and keeps its own in memory.
func TestTabsUnsavedConflict(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	id := a.s.ID
	full := &toggleStore{Store: store}
	a.mu.Lock()
	a.store = full
	a.mu.Unlock()
	full.full = true
	if err := a.Rename(ctx, "m1", "unsaved"); err != nil {
		t.Fatal(err)
	}
	b := newApp(t, store)
	if err := b.Rename(ctx, "m1", "by b"); err != nil {
		t.Fatal(err)
	}
	full.full = false
	if err := a.Show(ctx, "m1", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := storedLabels(t, store, id); !slices.Equal(got, []string{"by b"}) {
		t.Errorf("stored %q, want the other tab's", got)
	}
	if st := a.Storage(); st.Persistent || st.Reason != ReasonConflict {
		t.Errorf("storage %+v", st)
	}
	if got := openLabels(a); !slices.Equal(got, []string{"unsaved"}) {
		t.Errorf("open %q, want this tab's own", got)
	}
}

// toggleStore is a Store whose saves fail while full.
type toggleStore struct {
	Store
	full bool
}

func (s *toggleStore) Save(ctx context.Context, sess *Session) error {
	if s.full {
		return errors.New("QuotaExceededError")
	}
	return s.Store.Save(ctx, sess)
}

// TestPersistSavesWhatWasInMemory: an app that started in memory (its
// storage was blocked) moves onto the store once it opens: the sessions
// made meanwhile are saved next to the stored ones, which stay as they
// were, and the open one stays open.
func TestPersistSavesWhatWasInMemory(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	old := newApp(t, store)
	add(t, old, "base.csv", crossingCSV(false))
	stored := old.s.ID
	raw := store.Raw(stored)

	a := New(NewMemStore(), Storage{Note: "blocked", Reason: ReasonBlocked})
	a.Start(ctx)
	add(t, a, "rl.csv", crossingCSV(true))
	first := a.s.ID
	a.NewSession(ctx)
	add(t, a, "x.csv", counts("x", 1))
	open := a.s.ID
	var notes []Storage
	a.OnStorage = func(s Storage) { notes = append(notes, s) }
	opened, err := a.Persist(ctx, store)
	if err != nil || opened {
		t.Fatalf("Persist: opened %v, %v", opened, err)
	}
	if st := a.Storage(); !st.Persistent || len(notes) != 1 || !notes[0].Persistent {
		t.Errorf("storage %+v, notes %+v", st, notes)
	}
	if !bytes.Equal(store.Raw(stored), raw) {
		t.Error("the session stored before changed")
	}
	if got, _ := storedLabels(t, store, first); !slices.Equal(got, []string{"rl"}) {
		t.Errorf("first session stored with %q", got)
	}
	if got, _ := storedLabels(t, store, open); !slices.Equal(got, []string{"x"}) {
		t.Errorf("open session stored with %q", got)
	}
	if cur, _ := store.Current(ctx); cur != open || a.s.ID != open {
		t.Errorf("current %s, open %s; want %s", cur, a.s.ID, open)
	}
	// Edits now go to the store.
	if err := a.Rename(ctx, "m1", "y"); err != nil {
		t.Fatal(err)
	}
	if got, _ := storedLabels(t, store, open); !slices.Equal(got, []string{"y"}) {
		t.Errorf("after an edit %q", got)
	}

	// An app that did nothing meanwhile opens the session open last.
	c := New(NewMemStore(), Storage{Note: "blocked", Reason: ReasonBlocked})
	c.Start(ctx)
	if opened, err := c.Persist(ctx, store); err != nil || !opened || c.s.ID != open {
		t.Errorf("Persist of an idle app: opened %v (%s), %v", opened, c.s.ID, err)
	}
}

// TestDetach: the store is lost (another tab upgraded the database): the
// open session stays open, in memory, and edits no longer reach the store.
func TestDetach(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	id := a.s.ID
	raw := store.Raw(id)
	a.Detach(ctx, ReasonUpdated, "updated elsewhere")
	if st := a.Storage(); st.Persistent || st.Reason != ReasonUpdated || st.Note != "updated elsewhere" {
		t.Errorf("storage %+v", st)
	}
	if err := a.Rename(ctx, "m1", "edited"); err != nil {
		t.Fatal(err)
	}
	add(t, a, "rl.csv", crossingCSV(true))
	if !bytes.Equal(store.Raw(id), raw) {
		t.Error("the lost store was written")
	}
	if _, list, _ := a.Sessions(ctx); len(list) != 1 || list[0].ID != id || !slices.Equal(list[0].Models, []string{"edited", "rl"}) {
		t.Errorf("listed %+v", list)
	}
	if st := a.Storage(); st.Reason != ReasonUpdated {
		t.Errorf("storage after edits %+v", st)
	}
}
