package passk

import (
	"errors"
	"fmt"
)

// Answer is one distinct extracted answer of a problem's samples and how
// many samples gave it. Readers fill it in where a format records answers
// (Qwen-Math `pred`, Inspect `answer`, a generic `answer` field); it is what
// majority-vote metrics are computed from.
type Answer struct {
	Text    string `json:"text"`
	Count   int    `json:"count"`
	Correct bool   `json:"correct"`
}

// MaxN is the most samples per problem passk takes (2^16 = 65,536, six
// times the largest public per-sample sets): a curve, its band and its
// comparisons cover every k up to n, so n bounds the work and the memory of
// an analysis (maj@k's work grows as n²). Readers and Validate refuse more.
const MaxN = 1 << 16

// Problem is one model's tally on one problem: N samples, C of them correct.
type Problem struct {
	ID      string   `json:"id"`
	N       int      `json:"n"`
	C       int      `json:"c"`
	Answers []Answer `json:"answers,omitempty"`
}

// Model is one model's results: its problems in the order first seen.
type Model struct {
	Label    string    `json:"label"`
	Format   string    `json:"format,omitempty"` // the format it was read from
	Source   string    `json:"source,omitempty"` // the file it was read from
	Problems []Problem `json:"problems"`
}

// NRange returns the smallest and largest number of samples per problem.
// Both are 0 for a model with no problems.
func (m *Model) NRange() (min, max int) {
	for i, p := range m.Problems {
		if i == 0 || p.N < min {
			min = p.N
		}
		if p.N > max {
			max = p.N
		}
	}
	return min, max
}

// Index maps each problem id to its position in m.Problems.
func (m *Model) Index() map[string]int {
	idx := make(map[string]int, len(m.Problems))
	for i, p := range m.Problems {
		idx[p.ID] = i
	}
	return idx
}

// Validate checks the model's tallies: at least one problem, n ≥ 1,
// 0 ≤ c ≤ n, answer counts that add up to at most n, and no problem id twice.
func (m *Model) Validate() error {
	if len(m.Problems) == 0 {
		return fmt.Errorf("model %q: %w", m.Label, ErrNoProblems)
	}
	seen := make(map[string]bool, len(m.Problems))
	for _, p := range m.Problems {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("model %q: %w", m.Label, err)
		}
		if seen[p.ID] {
			return fmt.Errorf("model %q: problem %q: %w", m.Label, p.ID, ErrDuplicate)
		}
		seen[p.ID] = true
	}
	return nil
}

// Validate checks one problem's tally.
func (p *Problem) Validate() error {
	switch {
	case p.N < 1:
		return fmt.Errorf("problem %q: n = %d, expected n ≥ 1: %w", p.ID, p.N, ErrInconsistent)
	case p.N > MaxN:
		return fmt.Errorf("problem %q: n = %d, expected n ≤ %d: %w", p.ID, p.N, MaxN, ErrTooLarge)
	case p.C < 0 || p.C > p.N:
		return fmt.Errorf("problem %q: c = %d with n = %d, expected 0 ≤ c ≤ n: %w", p.ID, p.C, p.N, ErrInconsistent)
	}
	total := 0
	for _, a := range p.Answers {
		if a.Count < 0 {
			return fmt.Errorf("problem %q: answer count %d, expected ≥ 0: %w", p.ID, a.Count, ErrInconsistent)
		}
		total += a.Count
	}
	if total > p.N {
		return fmt.Errorf("problem %q: %d answers for n = %d samples: %w", p.ID, total, p.N, ErrInconsistent)
	}
	return nil
}

// Errors that describe inconsistent data. Readers wrap them with a position.
var (
	ErrInconsistent = errors.New("inconsistent counts")
	ErrDuplicate    = errors.New("duplicate")
	ErrNoProblems   = errors.New("no problems")
	// ErrTooLarge marks data beyond passk's limits (MaxN samples per
	// problem, or curves that need more memory than an analysis may take).
	ErrTooLarge = errors.New("beyond passk's limits")
)

// Warnings returns what a user should know about a set of models before
// reading their curves: uneven n within a model (its k range ends at the
// smallest n) and problems that some models have and others lack
// (comparisons use only the shared ones).
func Warnings(models []*Model) []error {
	var ws []error
	for _, m := range models {
		lo, hi := m.NRange()
		if lo != hi {
			ws = append(ws, fmt.Errorf("%s: uneven samples per problem (n from %d to %d): its curve ends at k = %d", m.Label, lo, hi, lo))
		}
	}
	if len(models) < 2 {
		return ws
	}
	count := map[string]int{}
	for _, m := range models {
		for _, p := range m.Problems {
			count[p.ID]++
		}
	}
	for _, m := range models {
		missing := 0
		idx := m.Index()
		for id := range count {
			if _, ok := idx[id]; !ok {
				missing++
			}
		}
		if missing > 0 {
			ws = append(ws, fmt.Errorf("%s: lacks %d problem(s) that other models have; comparisons use shared problems only", m.Label, missing))
		}
	}
	return ws
}
