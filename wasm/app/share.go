package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/web/share"
)

// Sharing: the open session as the text of a share (package web/share),
// for a link or a short link, and a share opened as a session. A share
// carries labels, per-problem n and c in the shared problem order (ids
// only if the user asks), which models are hidden and the plot's settings;
// the receiver's analysis is the sender's (TestShareSameAnalysis).

// LinkLimit is the most bytes of share text a self-contained link carries
// (in its fragment, #s=…); a larger session is shared by a short link.
// Links longer than this are cut by some chat apps and mail clients.
const LinkLimit = 32 << 10

// ShareInfo is the open session encoded for sharing, and what the page
// tells the user about it before anything leaves the browser.
type ShareInfo struct {
	Payload  string   `json:"payload"`  // the share's text, "v1.…"
	Bytes    int      `json:"bytes"`    // its length
	Limit    int      `json:"limit"`    // LinkLimit
	Fits     bool     `json:"fits"`     // Bytes ≤ Limit: a link can carry it
	Models   []string `json:"models"`   // the labels, in order
	Hidden   int      `json:"hidden"`   // how many of them are hidden
	Problems int      `json:"problems"` // in the shared order
	IDs      bool     `json:"ids"`      // the problem ids are included
	Metric   string   `json:"metric"`   // the metric the share opens with
	Predict  int      `json:"predict"`  // predictions up to this k (0: off)
	Note     string   `json:"note"`     // what differs from the page, if anything
}

// Share encodes the open session for sharing, with the problem ids when
// ids is true.
func (a *App) Share(ids bool) (*ShareInfo, error) {
	a.mu.Lock()
	p, note, err := PayloadOf(a.s, ids)
	a.mu.Unlock()
	if err != nil {
		return nil, err
	}
	text, err := share.Encode(p)
	if err != nil {
		if errors.Is(err, share.ErrTooLarge) {
			return nil, fmt.Errorf("%w: this session is too large to share (%v)", ErrInput, err)
		}
		return nil, fmt.Errorf("%w: this session cannot be shared: %v", ErrInput, err)
	}
	info := &ShareInfo{
		Payload: text, Bytes: len(text), Limit: LinkLimit, Fits: len(text) <= LinkLimit,
		Problems: p.Problems, IDs: ids, Metric: p.Metric, Predict: p.Predict, Note: note,
	}
	for _, m := range p.Models {
		info.Models = append(info.Models, m.Label)
		if m.Hidden {
			info.Hidden++
		}
	}
	return info, nil
}

// PayloadOf returns the share of session s: its models in order, their
// problems in the shared order (every id of every model, sorted), with
// the ids when ids is true. note says what the share cannot carry (a
// metric computed from extracted answers: the share opens with pass@k).
func PayloadOf(s *Session, ids bool) (p *share.Payload, note string, err error) {
	if len(s.Models) == 0 {
		return nil, "", fmt.Errorf("%w: no models to share", ErrInput)
	}
	metric := s.Settings.Metric
	if metric == "" {
		metric = passk.PassAtK
	}
	if metric.NeedsAnswers() {
		note = fmt.Sprintf("%s needs the samples' extracted answers, which a share does not carry: the link opens with %s.", metric, passk.PassAtK)
		metric = passk.PassAtK
	}
	index := map[string]int{}
	for _, e := range s.Models {
		for _, q := range e.Model.Problems {
			index[q.ID] = 0
		}
	}
	order := make([]string, 0, len(index))
	for id := range index {
		order = append(order, id)
	}
	sort.Strings(order) // byte order, as package passk sorts ids
	for i, id := range order {
		index[id] = i
	}
	p = &share.Payload{Metric: string(metric), Bands: s.Settings.Bands, Predict: s.Settings.Extrapolate, Problems: len(order)}
	if ids {
		p.IDs = order
	}
	for _, e := range s.Models {
		m := share.Model{Label: e.Model.Label, Hidden: e.Hidden, N: make([]int, len(order)), C: make([]int, len(order))}
		for _, q := range e.Model.Problems {
			i := index[q.ID]
			m.N[i], m.C[i] = q.N, q.C
		}
		p.Models = append(p.Models, m)
	}
	return p, note, nil
}

// SessionOf returns the session a share holds: its models in order, each
// with the problems it has, in the shared order, named by their ids or,
// when the share has none, by share.SyntheticID. The metric must be one
// the page offers and need no answers.
func SessionOf(p *share.Payload) (*Session, error) {
	metric := passk.Metric(p.Metric)
	if err := checkMetric(metric); err != nil {
		return nil, fmt.Errorf("this link was made by another version of passk: %v", err)
	}
	if metric.NeedsAnswers() {
		return nil, fmt.Errorf("this link asks for %s, which needs extracted answers that links do not carry", metric)
	}
	if err := checkExtrapolate(p.Predict); err != nil {
		return nil, err
	}
	if len(p.Models) > MaxModels {
		return nil, fmt.Errorf("%d models, at most %d", len(p.Models), MaxModels)
	}
	ids := p.IDs
	if ids == nil {
		ids = make([]string, p.Problems)
		for i := range ids {
			ids[i] = share.SyntheticID(i, p.Problems)
		}
	}
	s := &Session{Settings: Settings{Metric: metric, Bands: p.Bands, Extrapolate: p.Predict}, NextKey: 1}
	for _, m := range p.Models {
		model := &passk.Model{Label: m.Label, Format: "shared link"}
		for i, n := range m.N {
			if n > 0 {
				model.Problems = append(model.Problems, passk.Problem{ID: ids[i], N: n, C: m.C[i]})
			}
		}
		if err := model.Validate(); err != nil {
			return nil, err
		}
		e := &Entry{Key: fmt.Sprintf("m%d", s.NextKey), Hidden: m.Hidden, Model: model}
		s.NextKey++
		for _, w := range passk.Warnings([]*passk.Model{model}) {
			e.Warnings = append(e.Warnings, w.Error())
		}
		s.Models = append(s.Models, e)
	}
	return s, nil
}

// Opened says what opening a share did.
type Opened struct {
	Session  string   `json:"session"` // the session's id
	Name     string   `json:"name"`
	Models   []string `json:"models"`
	Problems int      `json:"problems"`
	IDs      bool     `json:"ids"`
}

// ErrShare marks a share that cannot be opened; its message says why.
var ErrShare = errors.New("this link cannot be opened")

// OpenShare decodes and checks the text of a share and opens it as a
// session, saved next to the others. Opening the same share again opens
// it afresh under the same id (so it is listed once). A share that fails
// any check is refused whole, and the open session stays as it was.
func (a *App) OpenShare(ctx context.Context, text string) (*Opened, error) {
	p, err := share.Decode(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrShare, err)
	}
	s, err := SessionOf(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrShare, err)
	}
	sum := sha256.Sum256([]byte(text))
	s.ID = "share-" + hex.EncodeToString(sum[:10])
	now := a.Now()
	s.Created, s.Updated = now, now
	labels := make([]string, len(p.Models))
	for i, m := range p.Models {
		labels[i] = m.Label
	}
	s.Name = cutName("Shared: "+strings.Join(labels, " vs "), MaxSessionName)
	a.mu.Lock()
	a.setSession(s, false)
	st := a.saveNew(ctx)
	a.mu.Unlock()
	a.notify(st)
	return &Opened{Session: s.ID, Name: s.Name, Models: labels, Problems: p.Problems, IDs: p.IDs != nil}, nil
}

// cutName cuts s to at most n bytes, at a rune boundary, marking the cut
// with an ellipsis.
func cutName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
