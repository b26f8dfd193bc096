package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/passk/passk/passk"
)

// FuzzSession: a session file (the page's import, and every record read
// back from IndexedDB) never panics ParseSession; what it refuses is an
// ErrSession; what it accepts keeps the session's rules (labels, keys,
// counts, limits), encodes to a session that reads back the same, and, when
// small, opens in the app, whose view, per-problem view, share and exports
// work on it without a panic.
func FuzzSession(f *testing.F) {
	f.Add([]byte(`{"passk_session":1,"name":"x","models":[{"label":"a","problems":[{"id":"p","n":4,"c":1}]}]}`))
	f.Add([]byte(`{"passk_session":1,"name":"two","settings":{"metric":"pass^k","bands":true,"extrapolate":64},"models":[` +
		`{"key":"m2","label":"base","hidden":true,"warnings":["w"],"format":"counts-csv","source":"b.csv","problems":[{"id":"p","n":8,"c":1},{"id":"q","n":8,"c":0},{"id":"r","n":8,"c":8}]},` +
		`{"label":"rl","problems":[{"id":"p","n":8,"c":5},{"id":"q","n":8,"c":0},{"id":"s","n":4,"c":2}]}]}`))
	f.Add([]byte(`{"passk_session":1,"settings":{"metric":"maj@k"},"models":[{"label":"a","problems":[{"id":"p","n":4,"c":2,"answers":[{"text":"1","count":2,"correct":true},{"text":"2","count":2}]}]},` +
		`{"label":"b","problems":[{"id":"p","n":4,"c":1,"answers":[{"text":"1","count":1,"correct":true},{"text":"3","count":3}]}]}]}`))
	f.Add([]byte(`{"passk_session":1,"settings":{"metric":"g-pass@k:0.5"},"created":"2026-01-02T03:04:05+02:00","models":[{"key":"m9","label":"a","problems":[{"id":"","n":2,"c":1}]},{"key":"m9","label":" b ","problems":[{"id":"","n":3,"c":3}]}]}`))
	f.Add([]byte(`{"passk_session":2}`))
	f.Add([]byte(`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":65537,"c":1}]}]}`))
	f.Add([]byte("{\"passk_session\":1,\n\"models\": [}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSession(data)
		if err != nil {
			if !errors.Is(err, ErrSession) {
				t.Fatalf("error %q is not an ErrSession", err)
			}
			return
		}
		checkSession(t, s)
		enc, err := s.MarshalJSON()
		if err != nil {
			t.Fatalf("accepted session does not encode: %v", err)
		}
		again, err := ParseSession(enc)
		if err != nil {
			t.Fatalf("encoded session does not read back: %v\n%s", err, enc)
		}
		if enc2, _ := again.MarshalJSON(); !bytes.Equal(enc, enc2) {
			t.Fatalf("session changes on a round trip:\n%s\n%s", enc, enc2)
		}

		// Open it in the app when it is small enough to analyse in a few
		// milliseconds: n up to 64, predictions up to 4096.
		work := 0
		for _, e := range s.Models {
			for _, p := range e.Model.Problems {
				work += p.N
			}
			if _, hi := e.Model.NRange(); hi > 64 {
				return
			}
		}
		if work > 4096 || s.Settings.Extrapolate > 4096 {
			return
		}
		a := New(NewMemStore(), Storage{Persistent: true})
		ctx := context.Background()
		if err := a.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := a.Import(ctx, "s.json", bytes.NewReader(data)); err != nil {
			t.Fatalf("ParseSession accepts, Import refuses: %v", err)
		}
		if _, err := a.View(ViewSize{Width: 640, Height: 400}); err != nil && !errors.Is(err, ErrInput) && !errors.Is(err, passk.ErrInvalidOption) {
			t.Logf("view: %v", err) // e.g. maj@k with a model without answers: shown to the user
		}
		if len(s.Models) >= 2 {
			a.Problems(s.Models[0].Key, s.Models[1].Key, 1, 640)
		}
		a.Share(true)
		for _, kind := range []string{ExportSVG, ExportCSV, ExportSession} {
			a.Export(kind)
		}
	})
}

// checkSession checks the rules a read session keeps.
func checkSession(t *testing.T, s *Session) {
	t.Helper()
	if s.ID == "" || len(s.ID) > 64 || s.Name == "" || len(s.Name) > MaxSessionName || len(s.Models) > MaxModels {
		t.Fatalf("session id %q, name %q, %d models", s.ID, s.Name, len(s.Models))
	}
	labels, keys := map[string]bool{}, map[string]bool{}
	total := 0
	for _, e := range s.Models {
		l := e.Model.Label
		if l == "" || l != strings.TrimSpace(l) || len(l) > MaxLabelLen || labels[l] {
			t.Fatalf("label %q (labels so far %v)", l, labels)
		}
		labels[l] = true
		if e.Key == "" || keys[e.Key] {
			t.Fatalf("key %q (keys so far %v)", e.Key, keys)
		}
		keys[e.Key] = true
		var n int
		if _, err := fmt.Sscanf(e.Key, "m%d", &n); err == nil && n >= s.NextKey {
			t.Fatalf("key %q with next key %d", e.Key, s.NextKey)
		}
		if err := e.Model.Validate(); err != nil {
			t.Fatalf("accepted model does not validate: %v", err)
		}
		for _, p := range e.Model.Problems {
			if p.N > passk.MaxN || len(p.ID) > MaxIDLen {
				t.Fatalf("problem %q with n = %d", p.ID, p.N)
			}
		}
		total += len(e.Model.Problems)
	}
	if total > MaxProblems {
		t.Fatalf("%d problems", total)
	}
}
