package app

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passk/passk/passk"
)

// SchemaVersion is the version of the session format: of the JSON file a
// session exports and imports, and of the records kept in IndexedDB. A
// reader refuses a version it does not know rather than guess.
const SchemaVersion = 1

// Limits on what a session may hold, so that a hostile session file cannot
// exhaust the page's memory.
const (
	MaxModels      = 64
	MaxProblems    = 2_000_000 // over all models
	MaxLabelLen    = 200
	MaxIDLen       = 1000
	MaxSessionName = 200
)

// Session is what the page shows and keeps: models with their compact
// data (per problem id, n, c and answer counts, never the raw files), and
// how they are shown.
type Session struct {
	ID       string
	Name     string
	Created  time.Time
	Updated  time.Time
	Settings Settings
	Models   []*Entry
	NextKey  int // the number of the next model key

	// Rev is the revision of the stored copy this session was read from
	// or last saved as, 0 if it was never stored (see Store). It is not
	// part of the session's JSON.
	Rev int
}

// Settings are the view's choices that a session keeps. Extrapolate was
// added within schema version 1: records without it read as 0 (off).
type Settings struct {
	Metric passk.Metric `json:"metric"`
	Bands  bool         `json:"bands"`
	// Extrapolate > 0 predicts pass@k and pass^k beyond each model's n up
	// to this k (passk.Options.Extrapolate); 0 is off.
	Extrapolate int `json:"extrapolate,omitempty"`
}

// Entry is one model of a session.
type Entry struct {
	Key      string // stable within the session ("m1", "m2", …); labels may change
	Hidden   bool
	Warnings []string // what reading its file reported
	Model    *passk.Model
}

// NewSession returns an empty session called name.
func NewSession(name string, now time.Time) *Session {
	return &Session{
		ID:       newID(),
		Name:     name,
		Created:  now,
		Updated:  now,
		Settings: Settings{Metric: passk.PassAtK, Bands: true},
		NextKey:  1,
	}
}

func newID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// Meta is what the list of sessions shows of one.
type Meta struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Models   []string  `json:"models"`
	Problems int       `json:"problems"`
	// Unreadable, when set, says why the stored session cannot be opened
	// (written by a newer passk, or damaged). Such a session is listed,
	// never opened, overwritten or deleted except by DeleteSession.
	Unreadable string `json:"unreadable,omitempty"`
}

// Meta returns the session's entry in the list of sessions.
func (s *Session) Meta() Meta {
	m := Meta{ID: s.ID, Name: s.Name, Created: s.Created, Updated: s.Updated, Models: []string{}}
	for _, e := range s.Models {
		m.Models = append(m.Models, e.Model.Label)
		m.Problems += len(e.Model.Problems)
	}
	return m
}

// entry returns the model with key, or nil.
func (s *Session) entry(key string) *Entry {
	for _, e := range s.Models {
		if e.Key == key {
			return e
		}
	}
	return nil
}

// uniqueLabel returns label, or label with a suffix " (2)", " (3)", … that
// no other model of s has.
func (s *Session) uniqueLabel(label string, except *Entry) string {
	taken := func(l string) bool {
		for _, e := range s.Models {
			if e != except && e.Model.Label == l {
				return true
			}
		}
		return false
	}
	if !taken(label) {
		return label
	}
	for i := 2; ; i++ {
		if l := fmt.Sprintf("%s (%d)", label, i); !taken(l) {
			return l
		}
	}
}

// The JSON form of a session: the file that "Session as JSON" saves and
// "Import session" reads, and what IndexedDB keeps.
type sessionJSON struct {
	Version  *int         `json:"passk_session"`
	ID       string       `json:"id,omitempty"`
	Name     string       `json:"name"`
	Created  time.Time    `json:"created"`
	Updated  time.Time    `json:"updated"`
	Settings Settings     `json:"settings"`
	Models   []*entryJSON `json:"models"`
}

type entryJSON struct {
	Key      string          `json:"key,omitempty"`
	Hidden   bool            `json:"hidden,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Label    string          `json:"label"`
	Format   string          `json:"format,omitempty"`
	Source   string          `json:"source,omitempty"`
	Problems []passk.Problem `json:"problems"`
}

// MarshalJSON encodes s in the session format.
func (s *Session) MarshalJSON() ([]byte, error) {
	v := SchemaVersion
	out := sessionJSON{Version: &v, ID: s.ID, Name: s.Name, Created: s.Created.UTC(), Updated: s.Updated.UTC(), Settings: s.Settings, Models: []*entryJSON{}}
	for _, e := range s.Models {
		out.Models = append(out.Models, &entryJSON{
			Key: e.Key, Hidden: e.Hidden, Warnings: e.Warnings,
			Label: e.Model.Label, Format: e.Model.Format, Source: e.Model.Source, Problems: e.Model.Problems,
		})
	}
	return json.Marshal(out)
}

// ErrSession marks a session file that cannot be read.
var ErrSession = errors.New("not a valid passk session")

// DecodeSession reads a session in the session format and checks it: its
// version, its limits, unique labels and consistent counts. A session that
// fails any check is refused whole.
func DecodeSession(r io.Reader) (*Session, error) {
	data, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, err
	}
	return ParseSession(data)
}

// ParseSession is DecodeSession of data.
func ParseSession(data []byte) (*Session, error) {
	var in sessionJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(data, se.Offset)
			return nil, fmt.Errorf("%w: line %d, column %d: %v", ErrSession, line, col, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line, col := position(data, te.Offset)
			return nil, fmt.Errorf("%w: line %d, column %d: field %q is a JSON %s, expected %s", ErrSession, line, col, te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("%w: %v", ErrSession, err)
	}
	switch {
	case in.Version == nil:
		return nil, fmt.Errorf("%w: no \"passk_session\" version field (is this a session exported by passk?)", ErrSession)
	case *in.Version != SchemaVersion:
		return nil, fmt.Errorf("%w: session version %d, this app reads version %d", ErrSession, *in.Version, SchemaVersion)
	}
	s := &Session{ID: in.ID, Name: in.Name, Created: in.Created, Updated: in.Updated, Settings: in.Settings, NextKey: 1}
	if s.ID == "" || len(s.ID) > 64 {
		s.ID = newID()
	}
	if s.Name = strings.TrimSpace(s.Name); s.Name == "" {
		s.Name = "Imported session"
	}
	if len(s.Name) > MaxSessionName || !utf8.ValidString(s.Name) {
		return nil, fmt.Errorf("%w: session name longer than %d bytes or not UTF-8", ErrSession, MaxSessionName)
	}
	if s.Settings.Metric == "" {
		s.Settings.Metric = passk.PassAtK
	}
	if err := checkMetric(s.Settings.Metric); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSession, err)
	}
	if err := checkExtrapolate(s.Settings.Extrapolate); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSession, err)
	}
	if len(in.Models) > MaxModels {
		return nil, fmt.Errorf("%w: %d models, at most %d", ErrSession, len(in.Models), MaxModels)
	}
	total := 0
	labels := map[string]bool{}
	keys := map[string]bool{}
	for i, m := range in.Models {
		if m == nil {
			return nil, fmt.Errorf("%w: model %d is null", ErrSession, i+1)
		}
		label := strings.TrimSpace(m.Label)
		switch {
		case label == "":
			return nil, fmt.Errorf("%w: model %d has no label", ErrSession, i+1)
		case len(label) > MaxLabelLen || !utf8.ValidString(label):
			return nil, fmt.Errorf("%w: model %d: label longer than %d bytes or not UTF-8", ErrSession, i+1, MaxLabelLen)
		case labels[label]:
			return nil, fmt.Errorf("%w: two models are labelled %q", ErrSession, label)
		}
		labels[label] = true
		total += len(m.Problems)
		if total > MaxProblems {
			return nil, fmt.Errorf("%w: more than %d problems", ErrSession, MaxProblems)
		}
		for _, p := range m.Problems {
			if len(p.ID) > MaxIDLen || !utf8.ValidString(p.ID) {
				return nil, fmt.Errorf("%w: model %q: a problem id is longer than %d bytes or not UTF-8", ErrSession, label, MaxIDLen)
			}
		}
		model := &passk.Model{Label: label, Format: m.Format, Source: m.Source, Problems: m.Problems}
		if err := model.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSession, err)
		}
		key := m.Key
		if key == "" || keys[key] || len(key) > 16 {
			key = ""
		}
		e := &Entry{Key: key, Hidden: m.Hidden, Warnings: m.Warnings, Model: model}
		s.Models = append(s.Models, e)
		if key != "" {
			keys[key] = true
		}
	}
	// Give keys to models that lack one, after the largest key in use.
	for _, e := range s.Models {
		var n int
		if _, err := fmt.Sscanf(e.Key, "m%d", &n); err == nil && n >= s.NextKey {
			s.NextKey = n + 1
		}
	}
	for _, e := range s.Models {
		if e.Key == "" {
			e.Key = fmt.Sprintf("m%d", s.NextKey)
			s.NextKey++
		}
	}
	for _, t := range []struct {
		name string
		t    time.Time
	}{{"created", s.Created}, {"updated", s.Updated}} {
		if y := t.t.UTC().Year(); y < 0 || y > 9999 {
			return nil, fmt.Errorf("%w: %q is %s, expected a time in the years 0 to 9999 (UTC)", ErrSession, t.name, t.t.Format(time.RFC3339))
		}
	}
	now := time.Now()
	if s.Created.IsZero() {
		s.Created = now
	}
	if s.Updated.IsZero() {
		s.Updated = s.Created
	}
	return s, nil
}

// position returns the 1-based line and column of byte offset off in data.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
