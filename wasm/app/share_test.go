package app

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/web/share"
)

// sharedApp returns an app with three models: the constructed crossing
// pair, and a hidden third model that lacks some of their problems, has
// problems of its own, uneven n, ids out of order in its file, non-ASCII
// ids and markup in its label.
func sharedApp(t *testing.T) *App {
	t.Helper()
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	add(t, a, "third.csv", "problem_id,n,c\nq79,32,5\nq05,64,64\nq10,64,0\nz-ünï,40,7\nq00,64,3\nA-first,64,12\n")
	ctx := context.Background()
	if err := a.Rename(ctx, "m3", `<b>third</b> "model"`); err != nil {
		t.Fatal(err)
	}
	if err := a.Show(ctx, "m3", false); err != nil {
		t.Fatal(err)
	}
	return a
}

// openShared opens text in a new app (another browser).
func openShared(t *testing.T, text string) (*App, *Opened) {
	t.Helper()
	b := newApp(t, NewMemStore())
	o, err := b.OpenShare(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	return b, o
}

// sortedProblems returns m's problems sorted by id.
func sortedProblems(m *passk.Model) []passk.Problem {
	ps := slices.Clone(m.Problems)
	slices.SortFunc(ps, func(a, b passk.Problem) int { return strings.Compare(a.ID, b.ID) })
	for i := range ps {
		ps[i].Answers = nil
	}
	return ps
}

// TestShareRoundTrip: session → share → session gives the same models
// (labels, shown or hidden, per-problem n and c under the same ids, in id
// order) and settings.
func TestShareRoundTrip(t *testing.T) {
	a := sharedApp(t)
	ctx := context.Background()
	a.SetMetric(ctx, passk.PassHatK)
	a.SetBands(ctx, false)
	a.SetExtrapolate(ctx, 4096)
	info, err := a.Share(true)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Fits || info.Bytes != len(info.Payload) || info.Problems != 82 || info.Hidden != 1 || !info.IDs || info.Note != "" {
		t.Errorf("share info %+v", info)
	}
	if !slices.Equal(info.Models, []string{"base", "rl", `<b>third</b> "model"`}) {
		t.Errorf("models %q", info.Models)
	}
	b, opened := openShared(t, info.Payload)
	if opened.Problems != 82 || !opened.IDs || opened.Name != `Shared: base vs rl vs <b>third</b> "model"` {
		t.Errorf("opened %+v", opened)
	}
	if b.s.Settings != a.s.Settings {
		t.Errorf("settings %+v, sent %+v", b.s.Settings, a.s.Settings)
	}
	if len(b.s.Models) != 3 {
		t.Fatalf("%d models", len(b.s.Models))
	}
	for i, e := range a.s.Models {
		got := b.s.Models[i]
		if got.Model.Label != e.Model.Label || got.Hidden != e.Hidden {
			t.Errorf("model %d: %q hidden %v, sent %q hidden %v", i, got.Model.Label, got.Hidden, e.Model.Label, e.Hidden)
		}
		if !reflect.DeepEqual(got.Model.Problems, sortedProblems(e.Model)) {
			t.Errorf("model %q: problems differ:\n got %v\nwant %v", e.Model.Label, got.Model.Problems, sortedProblems(e.Model))
		}
	}
	// The opened session is saved and current.
	if cur, _ := b.store.Current(ctx); cur != opened.Session {
		t.Errorf("current session %q, opened %q", cur, opened.Session)
	}
	// Opening it again reopens the same session, not a copy.
	b.OpenShare(ctx, info.Payload)
	if list, _ := b.store.List(ctx); len(list) != 1 {
		t.Errorf("%d sessions after opening one link twice", len(list))
	}
	// The share re-encodes to itself.
	again, err := b.Share(true)
	if err != nil || again.Payload != info.Payload {
		t.Errorf("re-shared: %v, same text %v", err, again != nil && again.Payload == info.Payload)
	}
}

// TestShareSameAnalysis: without ids the receiver's problems are named
// #01, #02, … in id order, and it computes exactly the sender's curves,
// bands, crossovers and predictions: the same view, row for row, the same
// crossover texts and the same plot.
func TestShareSameAnalysis(t *testing.T) {
	for _, predict := range []int{0, 1024} {
		a := sharedApp(t)
		ctx := context.Background()
		a.Show(ctx, "m3", true) // all three compared
		a.SetExtrapolate(ctx, predict)
		info, err := a.Share(false)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := openShared(t, info.Payload)
		// "A-first", the first id, is the third model's.
		if id := b.s.Models[2].Model.Problems[0].ID; id != "#01" {
			t.Errorf("first problem id %q, want #01", id)
		}
		size := ViewSize{Width: 900, Height: 500}
		va, err := a.View(size)
		if err != nil {
			t.Fatal(err)
		}
		vb, err := b.View(size)
		if err != nil {
			t.Fatal(err)
		}
		if len(va.Crossovers) != 3 {
			t.Fatalf("predict %d: %d crossovers, want 3 pairs", predict, len(va.Crossovers))
		}
		ca, _ := json.Marshal(va.Crossovers)
		cb, _ := json.Marshal(vb.Crossovers)
		if string(ca) != string(cb) {
			t.Errorf("predict %d: crossovers differ:\n got %s\nwant %s", predict, cb, ca)
		}
		if va.Plot == nil || vb.Plot == nil || vb.Plot.SVG != va.Plot.SVG {
			t.Errorf("predict %d: the plots differ", predict)
		}
		for i := range va.Rows {
			ra, rb := va.Rows[i], vb.Rows[i]
			ra.Format, ra.Source, ra.Warnings = "", "", nil
			rb.Format, rb.Source, rb.Warnings = "", "", nil
			if !reflect.DeepEqual(ra, rb) {
				t.Errorf("predict %d: row %d:\n got %+v\nwant %+v", predict, i, rb, ra)
			}
		}
		// And so does passk.Analyze, report for report.
		ra, err := passk.Analyze(sessionModels(a), PredictOptions(passk.PassAtK, predict))
		if err != nil {
			t.Fatal(err)
		}
		rb, err := passk.Analyze(sessionModels(b), PredictOptions(passk.PassAtK, predict))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stripNaN(ra), stripNaN(rb)) {
			t.Errorf("predict %d: the reports differ", predict)
		}
	}
}

// stripNaN returns the report's curves and crossovers as text, in which
// NaN equals NaN.
func stripNaN(r *passk.Report) string {
	var b strings.Builder
	for _, m := range r.Models {
		for _, p := range m.Curve {
			b.WriteString(strings.Join([]string{m.Label, fmtF(float64(p.K)), fmtF(p.Value), fmtF(p.Lo), fmtF(p.Hi)}, " "))
			b.WriteByte('\n')
		}
	}
	for _, c := range r.Crossovers {
		b.WriteString(strings.Join([]string{c.A, c.B, fmtF(c.K), fmtF(c.Lo), fmtF(c.Hi), fmtF(c.Share), c.Leader}, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// sessionModels returns the open session's models, in order.
func sessionModels(a *App) []*passk.Model {
	var out []*passk.Model
	for _, e := range a.s.Models {
		out = append(out, e.Model)
	}
	return out
}

func TestShareNotes(t *testing.T) {
	a := sharedApp(t)
	a.s.Settings.Metric = passk.MajAtK // as if the models had answers
	info, err := a.Share(false)
	if err != nil {
		t.Fatal(err)
	}
	if info.Metric != string(passk.PassAtK) || !strings.Contains(info.Note, "extracted answers") {
		t.Errorf("maj@k: metric %q, note %q", info.Metric, info.Note)
	}
	empty := newApp(t, NewMemStore())
	if _, err := empty.Share(false); !errors.Is(err, ErrInput) {
		t.Errorf("sharing an empty session: %v", err)
	}
}

// TestOpenShareRefuses: a share that cannot be opened says why, and leaves
// the open session and the store as they were.
func TestOpenShareRefuses(t *testing.T) {
	good := func(edit func(*share.Payload)) string {
		p := &share.Payload{Metric: "pass@k", Problems: 2, Models: []share.Model{{Label: "m", N: []int{4, 4}, C: []int{1, 2}}}}
		edit(p)
		text, err := share.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	ctx := context.Background()
	for _, tt := range []struct{ name, text, msg string }{
		{"truncated", good(func(*share.Payload) {})[:20], "cut short"},
		{"newer", "v7.AAAA", "newer passk"},
		{"garbage", "<script>alert(1)</script>", "not a passk share"},
		{"unknown metric", good(func(p *share.Payload) { p.Metric = "pass@k2" }), "another version"},
		{"answers needed", good(func(p *share.Payload) { p.Metric = "maj@k" }), "extracted answers"},
	} {
		store := NewMemStore()
		a := newApp(t, store)
		add(t, a, "base.csv", crossingCSV(false))
		before, _ := a.Session()
		_, err := a.OpenShare(ctx, tt.text)
		if !errors.Is(err, ErrShare) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want ErrShare saying %q", tt.name, err, tt.msg)
		}
		if after, _ := a.Session(); string(after) != string(before) {
			t.Errorf("%s: the open session changed", tt.name)
		}
		if list, _ := store.List(ctx); len(list) != 1 {
			t.Errorf("%s: %d stored sessions", tt.name, len(list))
		}
	}
}

func TestCutName(t *testing.T) {
	if got := cutName("abc", 3); got != "abc" {
		t.Error(got)
	}
	if got := cutName("aaaaéé", 7); got != "aaaa…" {
		t.Errorf("%q", got)
	}
}

// The share format's bound on n is the library's: whatever passk reads can
// be shared.
func TestShareMaxN(t *testing.T) {
	if share.MaxN != passk.MaxN {
		t.Errorf("share.MaxN = %d, passk.MaxN = %d", share.MaxN, passk.MaxN)
	}
}
