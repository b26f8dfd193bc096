package app

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// Records the app cannot read: one written by a newer schema, and damaged
// ones (invalid JSON, wrong types).
var unreadableRecords = map[string]string{
	"future":  `{"passk_session":2,"id":"future","name":"From passk 2","models":[{"label":"x","problems":[],"new_field":{"a":1}}]}`,
	"badjson": `{"passk_session":1,"id":"badjson","name":"Damaged","models":[{"label":`,
	"badtype": `{"passk_session":1,"id":"badtype","name":42,"models":"none"}`,
}

// TestUnreadableSessionsKept: stored sessions the app cannot read are
// listed as unreadable with a reason, are never opened, overwritten or
// deleted by opening the app, adding files, saving, new sessions, opening
// or renaming them; only DeleteSession removes one.
func TestUnreadableSessionsKept(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	for id, rec := range unreadableRecords {
		store.PutRaw(id, []byte(rec))
	}
	// The damaged record was the session open last.
	store.SetCurrent(ctx, "badjson")
	a := newApp(t, store)
	if a.s.ID == "badjson" || len(a.s.Models) != 0 {
		t.Fatalf("Start opened the damaged session: %+v", a.s)
	}
	add(t, a, "base.csv", crossingCSV(false))
	if err := a.NewSession(ctx); err != nil {
		t.Fatal(err)
	}
	add(t, a, "rl.csv", crossingCSV(true))
	for id := range unreadableRecords {
		if err := a.Open(ctx, id); !errors.Is(err, ErrUnreadable) {
			t.Errorf("Open(%s): %v, want ErrUnreadable", id, err)
		}
		if err := a.RenameSession(ctx, id, "renamed"); !errors.Is(err, ErrUnreadable) {
			t.Errorf("RenameSession(%s): %v, want ErrUnreadable", id, err)
		}
	}
	if len(a.s.Models) != 1 || a.s.Models[0].Model.Label != "rl" {
		t.Errorf("the open session changed: %+v", a.s.Meta())
	}
	// A fresh app on the same store (a reload).
	a = newApp(t, store)
	_, list, err := a.Sessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unreadable := map[string]string{}
	for _, m := range list {
		if m.Unreadable != "" {
			unreadable[m.ID] = m.Unreadable
		}
	}
	if len(list) != 5 || len(unreadable) != 3 {
		t.Fatalf("listed %+v", list)
	}
	for id, note := range unreadable {
		if !strings.Contains(note, "cannot be opened") || !strings.Contains(note, "kept unchanged") {
			t.Errorf("%s: note %q", id, note)
		}
	}
	if !strings.Contains(unreadable["future"], "version 2") {
		t.Errorf("future: note %q does not name the version", unreadable["future"])
	}
	for id, rec := range unreadableRecords {
		if got := store.Raw(id); !bytes.Equal(got, []byte(rec)) {
			t.Errorf("record %s changed:\n got %s\nwant %s", id, got, rec)
		}
	}
	// Only an explicit delete removes one.
	if err := a.DeleteSession(ctx, "badtype"); err != nil {
		t.Fatal(err)
	}
	if store.Raw("badtype") != nil && len(store.Raw("badtype")) != 0 {
		t.Errorf("badtype not deleted")
	}
	_, list, _ = a.Sessions(ctx)
	if len(list) != 4 {
		t.Errorf("after delete: %+v", list)
	}
}

// TestUnreadableIDMismatch: a readable record whose session names another
// id is not opened, so that saving it cannot write over that other id.
func TestUnreadableIDMismatch(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	victim := a.s.ID
	rec, _ := a.Session()
	store.PutRaw("other", rec)
	before := store.Raw(victim)
	if err := a.NewSession(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Open(ctx, "other"); !errors.Is(err, ErrUnreadable) {
		t.Fatalf("Open: %v", err)
	}
	if !bytes.Equal(store.Raw(victim), before) || !bytes.Equal(store.Raw("other"), rec) {
		t.Errorf("records changed")
	}
}
