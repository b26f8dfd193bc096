package format

import (
	"path/filepath"
	"strings"

	"github.com/passk/passk/passk"
)

// maxSampleIndex bounds sample indices (epochs, trials) so that a hostile
// index cannot make the duplicate check allocate without bound.
const maxSampleIndex = 1 << 24

// Builder gathers records into models, checking as it goes that no sample
// or problem tally is given twice and that counts are consistent.
type Builder struct {
	file   string
	label  string
	models []*builtModel
	byName map[string]*builtModel
}

type builtModel struct {
	name     string
	problems []*tally
	byID     map[string]*tally
}

type tally struct {
	id      string
	n, c    int
	total   bool
	seen    []uint64 // bitset of sample indices seen
	answers map[string]*passk.Answer
	order   []string // answers in first-seen order
	first   Pos
}

// NewBuilder returns a Builder for the records of file. label, when not
// empty, overrides the default label (the file name without extensions).
func NewBuilder(file, label string) *Builder {
	return &Builder{file: file, label: label, byName: map[string]*builtModel{}}
}

// Add adds one record. Its error names the record's position.
func (b *Builder) Add(r *Record) error {
	m := b.byName[r.Model]
	if m == nil {
		m = &builtModel{name: r.Model, byID: map[string]*tally{}}
		b.byName[r.Model] = m
		b.models = append(b.models, m)
	}
	if r.N < 1 {
		return errorf(r.Pos, "problem %q: n = %d, expected n ≥ 1", r.Problem, r.N)
	}
	if r.C < 0 || r.C > r.N {
		return errorf(r.Pos, "problem %q: c = %d with n = %d, expected 0 ≤ c ≤ n", r.Problem, r.C, r.N)
	}
	t := m.byID[r.Problem]
	if t == nil {
		t = &tally{id: r.Problem, first: r.Pos}
		m.byID[r.Problem] = t
		m.problems = append(m.problems, t)
	} else if t.total || r.Total {
		return errorf(r.Pos, "problem %q given again (first at %s), expected each problem once", r.Problem, t.first)
	}
	if r.N > passk.MaxN-t.n {
		return errorf(r.Pos, "problem %q: more than %d samples, expected at most %d per problem (passk's limit)", r.Problem, passk.MaxN, passk.MaxN)
	}
	if r.Sample >= 0 {
		if r.Sample >= maxSampleIndex {
			return errorf(r.Pos, "problem %q: sample index %d, expected below %d", r.Problem, r.Sample, maxSampleIndex)
		}
		w, bit := r.Sample/64, uint64(1)<<(r.Sample%64)
		for len(t.seen) <= w {
			t.seen = append(t.seen, 0)
		}
		if t.seen[w]&bit != 0 {
			return errorf(r.Pos, "problem %q: sample %d given twice, expected each sample once", r.Problem, r.Sample)
		}
		t.seen[w] |= bit
	}
	t.n += r.N
	t.c += r.C
	t.total = r.Total
	for _, a := range r.Answers {
		if t.answers == nil {
			t.answers = map[string]*passk.Answer{}
		}
		if x := t.answers[a.Text]; x != nil {
			x.Count += a.Count
			x.Correct = x.Correct || a.Correct
		} else {
			a := a
			t.answers[a.Text] = &a
			t.order = append(t.order, a.Text)
		}
	}
	return nil
}

// Models returns the models built, in the order first seen.
func (b *Builder) Models() ([]*passk.Model, error) {
	if len(b.models) == 0 {
		return nil, errorf(Pos{File: b.file}, "no results found, expected at least one problem")
	}
	base := b.label
	if base == "" {
		base = labelOf(b.file)
	}
	out := make([]*passk.Model, 0, len(b.models))
	for _, bm := range b.models {
		label := bm.name
		switch {
		case label == "":
			label = base
		case b.label != "" && len(b.models) == 1:
			label = b.label
		case b.label != "":
			label = b.label + "/" + label
		}
		m := &passk.Model{Label: label, Problems: make([]passk.Problem, len(bm.problems))}
		for i, t := range bm.problems {
			p := passk.Problem{ID: t.id, N: t.n, C: t.c}
			for _, text := range t.order {
				p.Answers = append(p.Answers, *t.answers[text])
			}
			m.Problems[i] = p
		}
		if err := m.Validate(); err != nil {
			return nil, errorf(Pos{File: b.file}, "%v", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// labelOf returns a file's name without directories and extensions:
// "runs/base.jsonl.gz" → "base".
func labelOf(path string) string {
	name := filepath.Base(path)
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name
}
