package app

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/passk/passk/passk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The constructed base/RL pair of testdata/crossing (see its README),
// written out here so that the test needs no files (it also runs under
// GOOS=js GOARCH=wasm).
func crossingCSV(rl bool) string {
	baseC := []int{0, 1, 2, 3, 5, 8, 12, 20}
	rlOf := map[int]int{0: 0, 1: 0, 2: 0, 3: 22, 5: 30, 8: 42, 12: 58, 20: 64}
	var b strings.Builder
	b.WriteString("problem_id,n,c\n")
	for i := 0; i < 80; i++ {
		c := baseC[(i*5)%8]
		if rl {
			c = rlOf[c]
		}
		fmt.Fprintf(&b, "q%02d,64,%d\n", i, c)
	}
	return b.String()
}

func newApp(t *testing.T, store Store) *App {
	t.Helper()
	a := New(store, Storage{Persistent: true})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

func add(t *testing.T, a *App, name, content string) *FileResult {
	t.Helper()
	res, err := a.AddFile(context.Background(), name, strings.NewReader(content), nil)
	if err != nil {
		t.Fatalf("AddFile(%s): %v", name, err)
	}
	return res
}

func TestViewOfCrossingPair(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	v, err := a.View(ViewSize{Width: 800, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != 2 || v.Rows[0].Label != "base" || v.Rows[1].Label != "rl" {
		t.Fatalf("rows %+v", v.Rows)
	}
	// pass@1 = mean c/n: 51/512 and 216/512 (testdata/crossing/README.md);
	// pass@64 = share of problems with c > 0: 70/80 and 50/80.
	for i, want := range [][2]float64{{51.0 / 512, 70.0 / 80}, {216.0 / 512, 50.0 / 80}} {
		r := v.Rows[i]
		if math.Abs(float64(r.Pass1)-want[0]) > 1e-12 || math.Abs(float64(r.PassMax)-want[1]) > 1e-12 || r.KMax != 64 {
			t.Errorf("row %s: pass@1 %v, pass@%d %v; want %v, %v", r.Label, r.Pass1, r.KMax, r.PassMax, want[0], want[1])
		}
	}
	if len(v.Crossovers) != 1 {
		t.Fatalf("crossovers %+v", v.Crossovers)
	}
	// The page's k* is passk.Analyze's with the CLI's defaults.
	models := []*passk.Model{a.s.Models[0].Model, a.s.Models[1].Model}
	rep, err := passk.Analyze(models, passk.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := v.Crossovers[0]
	if float64(c.K) != rep.Crossovers[0].K || math.IsNaN(float64(c.K)) {
		t.Errorf("k* %v, passk.Analyze %v", c.K, rep.Crossovers[0].K)
	}
	if !strings.Contains(c.Text, "k* = "+FormatK(float64(c.K))) || !strings.Contains(c.Text, "base leads up to k = 64") {
		t.Errorf("crossover text %q", c.Text)
	}
	if v.Plot == nil || !strings.Contains(v.Plot.SVG, "k* = "+FormatK(float64(c.K))) {
		t.Errorf("plot lacks the k* mark")
	}
	// The view is JSON (NaN as null), as the worker sends it.
	if _, err := json.Marshal(v); err != nil {
		t.Errorf("view does not encode: %v", err)
	}
}

// TestAnalysisIgnoresLabels: the page keeps an analysis across renames, so
// passk.Analyze must not depend on labels.
func TestAnalysisIgnoresLabels(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	m0, m1 := *a.s.Models[0].Model, *a.s.Models[1].Model
	r1, err := passk.Analyze([]*passk.Model{&m0, &m1}, passk.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	m0.Label, m1.Label = "zzz", "<b>"
	r2, err := passk.Analyze([]*passk.Model{&m0, &m1}, passk.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := r1.Crossovers[0], r2.Crossovers[0]
	if c1.K != c2.K || c1.Lo != c2.Lo || c1.Hi != c2.Hi || c1.Share != c2.Share {
		t.Errorf("crossover depends on labels: %+v vs %+v", c1, c2)
	}
	for i := range r1.Models {
		for j, p := range r1.Models[i].Curve {
			q := r2.Models[i].Curve[j]
			if p.Value != q.Value || p.Lo != q.Lo || p.Hi != q.Hi {
				t.Fatalf("curve %d depends on labels at k = %d", i, p.K)
			}
		}
	}
	// And after a rename the view shows the new label with the same k*.
	before, _ := a.View(ViewSize{Width: 600, Height: 400})
	if err := a.Rename(context.Background(), "m2", "RL step 500"); err != nil {
		t.Fatal(err)
	}
	after, _ := a.View(ViewSize{Width: 600, Height: 400})
	if after.Crossovers[0].BLabel != "RL step 500" || after.Crossovers[0].K != before.Crossovers[0].K {
		t.Errorf("after rename: %+v", after.Crossovers[0])
	}
}

func TestBadFileLeavesSessionAndStore(t *testing.T) {
	store := NewMemStore()
	a := newApp(t, store)
	add(t, a, "base.csv", crossingCSV(false))
	before, _ := store.Load(context.Background(), a.s.ID)
	beforeJSON, _ := before.MarshalJSON()
	_, err := a.AddFile(context.Background(), "bad.csv", strings.NewReader("problem_id,n,c\nq1,4,2\nq2,4,9\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "bad.csv:3") {
		t.Fatalf("error %v, want one at bad.csv:3", err)
	}
	if len(a.s.Models) != 1 {
		t.Errorf("%d models after a bad file", len(a.s.Models))
	}
	after, _ := store.Load(context.Background(), a.s.ID)
	afterJSON, _ := after.MarshalJSON()
	if !bytes.Equal(beforeJSON, afterJSON) {
		t.Errorf("the store changed:\n%s\n%s", beforeJSON, afterJSON)
	}
}

func TestXSSIsEscapedInSVG(t *testing.T) {
	const label = `<img src=x onerror=alert(1)>`
	a := newApp(t, NewMemStore())
	add(t, a, label+".csv", "problem_id,n,c\n\"<script>x</script>\",4,1\nq\x01,4,2\n")
	add(t, a, "other.csv", "problem_id,n,c\n\"<script>x</script>\",4,3\nq\x01,4,0\n")
	v, err := a.View(ViewSize{Width: 640, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	if v.Rows[0].Label != label {
		t.Fatalf("label %q", v.Rows[0].Label)
	}
	checkSVG(t, v.Plot.SVG, label)
	p, err := a.Problems("m1", "m2", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, p.Histogram, label)
}

// checkSVG parses svg as XML and checks that it has no element or
// attribute that runs code, and that text appears as text.
func checkSVG(t *testing.T, svg, text string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	found := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if n := tok.Name.Local; n == "script" || n == "img" || n == "foreignObject" {
				t.Errorf("element <%s> in the SVG", n)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || a.Name.Local == "style" {
					t.Errorf("attribute %s in the SVG", a.Name.Local)
				}
			}
		case xml.CharData:
			if strings.Contains(string(tok), text) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the SVG does not show %q as text", text)
	}
}

// failingStore fails every Save, as IndexedDB does when its quota is used up.
type failingStore struct{ *MemStore }

func (failingStore) Save(context.Context, *Session) error {
	return errors.New("QuotaExceededError: the quota has been exceeded")
}

func TestStoreFullKeepsWorking(t *testing.T) {
	a := newApp(t, failingStore{NewMemStore()})
	var notes []Storage
	a.OnStorage = func(s Storage) { notes = append(notes, s) }
	add(t, a, "base.csv", crossingCSV(false))
	if st := a.Storage(); st.Persistent || !strings.Contains(st.Note, "QuotaExceededError") {
		t.Errorf("storage %+v", st)
	}
	if len(notes) != 1 || notes[0].Persistent {
		t.Errorf("OnStorage calls %+v", notes)
	}
	v, err := a.View(ViewSize{Width: 600, Height: 400})
	if err != nil || len(v.Rows) != 1 || v.Storage.Persistent {
		t.Errorf("view %+v, %v", v, err)
	}
	// The unsaved session is listed all the same.
	cur, list, err := a.Sessions(context.Background())
	if err != nil || len(list) != 1 || list[0].ID != cur {
		t.Errorf("sessions %q %+v %v", cur, list, err)
	}
}

func TestNonPersistentStoreSaysSo(t *testing.T) {
	a := New(NewMemStore(), Storage{Note: "Sessions will not be kept: no IndexedDB."})
	a.Start(context.Background())
	add(t, a, "base.csv", crossingCSV(false))
	if st := a.Storage(); st.Persistent || st.Note != "Sessions will not be kept: no IndexedDB." {
		t.Errorf("storage %+v", st)
	}
}

func TestSessionsLifecycle(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	a := newApp(t, store)
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { now = now.Add(time.Minute); return now }
	add(t, a, "base.csv", crossingCSV(false))
	first := a.s.ID
	if err := a.NewSession(ctx); err != nil {
		t.Fatal(err)
	}
	add(t, a, "rl.csv", crossingCSV(true))
	second := a.s.ID
	_, list, _ := a.Sessions(ctx)
	if len(list) != 2 || list[0].ID != second {
		t.Fatalf("sessions %+v", list)
	}
	if err := a.RenameSession(ctx, first, "Base"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := store.Current(ctx); cur != second {
		t.Errorf("renaming another session made it current")
	}
	if err := a.Open(ctx, first); err != nil {
		t.Fatal(err)
	}
	if a.s.Name != "Base" || len(a.s.Models) != 1 || a.s.Models[0].Model.Label != "base" {
		t.Errorf("opened %+v", a.s)
	}
	// A new App on the same store opens the session open last.
	b := newApp(t, store)
	if b.s.ID != first {
		t.Errorf("restarted on %s, want %s", b.s.ID, first)
	}
	if err := b.DeleteSession(ctx, first); err != nil {
		t.Fatal(err)
	}
	if len(b.s.Models) != 0 {
		t.Error("deleting the open session kept its models")
	}
	if _, list, _ := b.Sessions(ctx); len(list) != 1 || list[0].ID != second {
		t.Errorf("after delete %+v", list)
	}
}

func TestRenameRules(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "base.csv", crossingCSV(true))
	if a.s.Models[1].Model.Label != "base (2)" {
		t.Errorf("second base is %q", a.s.Models[1].Model.Label)
	}
	for _, bad := range []string{"", "   ", "base", strings.Repeat("x", MaxLabelLen+1)} {
		if err := a.Rename(ctx, "m2", bad); !errors.Is(err, ErrInput) {
			t.Errorf("Rename(%q) = %v", bad, err)
		}
	}
	if err := a.Rename(ctx, "m9", "x"); !errors.Is(err, ErrInput) {
		t.Errorf("unknown key: %v", err)
	}
	if err := a.Rename(ctx, "m2", "  rl  "); err != nil || a.s.Models[1].Model.Label != "rl" {
		t.Errorf("rename: %v %q", err, a.s.Models[1].Model.Label)
	}
}

func TestSessionRoundTrip(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	a.Show(context.Background(), "m1", false)
	a.SetMetric(context.Background(), passk.PassHatK)
	ex, err := a.Export(ExportSession)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSession(ex.Data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.MarshalJSON()
	if !bytes.Equal(again, ex.Data) {
		t.Errorf("session does not round-trip:\n%s\n%s", ex.Data, again)
	}
	if !s.Models[0].Hidden || s.Settings.Metric != passk.PassHatK || s.NextKey != 3 {
		t.Errorf("decoded %+v", s)
	}
	// Import opens it as a new session with the same view.
	b := newApp(t, NewMemStore())
	if err := b.Import(context.Background(), "s.json", bytes.NewReader(ex.Data)); err != nil {
		t.Fatal(err)
	}
	va, _ := a.View(ViewSize{Width: 500, Height: 300})
	vb, _ := b.View(ViewSize{Width: 500, Height: 300})
	ja, _ := json.Marshal(va.Crossovers)
	jb, _ := json.Marshal(vb.Crossovers)
	if b.s.ID == a.s.ID || !bytes.Equal(ja, jb) {
		t.Errorf("imported view differs: %s vs %s", ja, jb)
	}
}

func TestParseSessionRefuses(t *testing.T) {
	good := `{"passk_session":1,"name":"x","models":[{"label":"a","problems":[{"id":"p","n":4,"c":1}]}]}`
	if _, err := ParseSession([]byte(good)); err != nil {
		t.Fatalf("good session: %v", err)
	}
	for _, tt := range []struct{ in, want string }{
		{`{"name":"x"}`, "no \"passk_session\""},
		{`{"passk_session":2}`, "version 2"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":4,"c":5}]}]}`, "0 ≤ c ≤ n"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":0,"c":0}]}]}`, "n ≥ 1"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[]}]}`, "no problems"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":1,"c":1},{"id":"p","n":1,"c":1}]}]}`, "duplicate"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":1,"c":1}]},{"label":"a","problems":[{"id":"p","n":1,"c":1}]}]}`, "two models"},
		{`{"passk_session":1,"models":[{"label":"","problems":[{"id":"p","n":1,"c":1}]}]}`, "no label"},
		{`{"passk_session":1,"settings":{"metric":"pass@x"}}`, "metric"},
		{"{\"passk_session\":1,\n\"models\": [}", "line 2"},
		{`{"passk_session":1,"models":[{"label":"a","problems":[{"id":"p","n":"4","c":1}]}]}`, "JSON string"},
		{`[1]`, "not a valid passk session"},
		{`{"passk_session":1,"created":"0000-01-01T00:00:00+01:00"}`, `"created" is 0000-01-01T00:00:00+01:00, expected a time in the years 0 to 9999 (UTC)`},
		{`{"passk_session":1,"updated":"9999-12-31T23:00:00-02:00"}`, `"updated" is 9999-12-31T23:00:00-02:00`},
	} {
		_, err := ParseSession([]byte(tt.in))
		if err == nil || !errors.Is(err, ErrSession) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSession(%s) = %v, want an error mentioning %q", tt.in, err, tt.want)
		}
	}
}

func TestExports(t *testing.T) {
	a := newApp(t, NewMemStore())
	if _, err := a.Export(ExportSVG); !errors.Is(err, ErrInput) {
		t.Errorf("export of an empty session: %v", err)
	}
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	a.Rename(context.Background(), "m2", "RL <step 500>")
	svg, err := a.Export(ExportSVG)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg.Data, []byte("RL &lt;step 500&gt;")) || svg.MIME != "image/svg+xml" {
		t.Errorf("SVG export: %s %.200s", svg.MIME, svg.Data)
	}
	png, err := a.Export(ExportPNG)
	if err != nil || !bytes.HasPrefix(png.Data, []byte("\x89PNG")) {
		t.Errorf("PNG export: %v", err)
	}
	a.Show(context.Background(), "m1", false)
	csv, err := a.Export(ExportCSV)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv.Data)), "\n")
	if len(lines) != 65 || lines[0] != "label,metric,k,value,lo,hi,predicted" || !strings.HasPrefix(lines[1], "RL <step 500>,pass@k,1,0.421875,") {
		t.Errorf("CSV export (rl only): %d lines, %q %q", len(lines), lines[0], lines[1])
	}
	if _, err := a.Export("gif"); !errors.Is(err, ErrInput) {
		t.Errorf("unknown export: %v", err)
	}
}

func TestProblems(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	p, err := a.Problems("m1", "m2", 64, 0)
	if err != nil {
		t.Fatal(err)
	}
	// At k = n a problem counts when solved at least once: base solves 70,
	// rl 50, all of rl's among base's (testdata/crossing/README.md).
	got := map[string]int{}
	for _, s := range p.Sets {
		got[s.Name] = len(s.IDs)
	}
	if got["base only"] != 20 || got["rl only"] != 0 || got["Both"] != 50 || got["Neither"] != 10 {
		t.Errorf("sets %v", got)
	}
	// Beyond the range: shown at k = 64, and said so.
	p, err = a.Problems("m1", "", 1000, 360)
	if err != nil || p.K != 64 || !strings.Contains(p.Note, "k = 1000") || p.Sets[0].Name != "Solved by base" {
		t.Errorf("k beyond range: %+v %v", p, err)
	}
	if _, err := a.Problems("nope", "", 1, 0); !errors.Is(err, ErrInput) {
		t.Errorf("unknown model: %v", err)
	}
}

func TestHoverAndGeometry(t *testing.T) {
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	add(t, a, "rl.csv", crossingCSV(true))
	v, _ := a.View(ViewSize{Width: 360, Height: 260})
	g := v.Plot.Geom
	if g.Width != 360 || g.Left >= g.Right || g.Top >= g.Bottom || g.LgMax != 6 || g.YMin > 0.1 || g.YMax < 0.85 {
		t.Errorf("geometry %+v", g)
	}
	h := v.Plot.Hover
	if h.K[0] != 1 || h.K[len(h.K)-1] != 64 || len(h.Series) != 2 {
		t.Fatalf("hover ks %v", h.K)
	}
	for i := 1; i < len(h.K); i++ {
		if h.K[i] <= h.K[i-1] {
			t.Fatalf("hover ks not increasing: %v", h.K)
		}
	}
	if float64(h.Series[1].V[0]) != 216.0/512 {
		t.Errorf("rl at k = 1: %v", h.Series[1].V[0])
	}
}

// TestViewBeyondLimits: a model whose curves would need more memory than an
// analysis may take still gets its row, with why there are no curves, so
// that it can be removed; then the others are drawn.
func TestViewBeyondLimits(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, NewMemStore())
	add(t, a, "base.csv", crossingCSV(false))
	var b strings.Builder
	b.WriteString("problem,n,c\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "p%d,%d,1\n", i, passk.MaxN-i)
	}
	add(t, a, "distinct.csv", b.String())
	v, err := a.View(ViewSize{Width: 500, Height: 300})
	require.NoError(t, err)
	require.Len(t, v.Rows, 2)
	assert.Nil(t, v.Plot)
	require.NotEmpty(t, v.Warnings)
	assert.Contains(t, v.Warnings[0], "No curves: the curves need more than 33554432 stored values (3000 distinct (n, c) tallies with k up to 62537): beyond passk's limits. Remove the model that needs them.")
	require.NoError(t, a.Remove(ctx, v.Rows[1].Key))
	v, err = a.View(ViewSize{Width: 500, Height: 300})
	require.NoError(t, err)
	assert.NotNil(t, v.Plot)
	assert.False(t, math.IsNaN(float64(v.Rows[0].Pass1)))
}
