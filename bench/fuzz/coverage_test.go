package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseProfile(t *testing.T) {
	p, err := parseProfile(strings.NewReader(`mode: set
a.go:1.2,3.4 2 1
a.go:5.2,6.4 3 0
b.go:1.1,2.2 4 0
b.go:1.1,2.2 4 1
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.total(); got != 9 {
		t.Errorf("total = %d, want 9", got)
	}
	if got := p.statements(p.covered); got != 6 {
		t.Errorf("covered = %d, want 6", got)
	}
	if _, err := parseProfile(strings.NewReader("a.go:1.2,3.4 2 1\n")); err == nil {
		t.Error("a profile without a mode line parsed")
	}
}

func TestFirstEqual(t *testing.T) {
	// Coverage at k: the blocks of the first k inputs; input i reaches block
	// adds[i] ("" for none new).
	adds := []string{"a", "", "b", "", "", "c", "", ""}
	cover := func(k int) (coverSet, error) {
		set := coverSet{"seed": true}
		for _, b := range adds[:k] {
			if b != "" {
				set[b] = true
			}
		}
		return set, nil
	}
	for m := 0; m <= len(adds); m++ {
		final, _ := cover(m)
		// The answer by linear search.
		want := 0
		for want < m && len(mustCover(cover, want)) != len(final) {
			want++
		}
		got, err := firstEqual(m, final, cover)
		if err != nil || got != want {
			t.Errorf("m %d: firstEqual = %d, %v; want %d", m, got, err, want)
		}
	}
	failing := func(k int) (coverSet, error) { return nil, fmt.Errorf("run %d failed", k) }
	if _, err := firstEqual(4, coverSet{}, failing); err == nil {
		t.Error("a failing run gave no error")
	}
}

func mustCover(cover func(int) (coverSet, error), k int) coverSet {
	set, err := cover(k)
	if err != nil {
		panic(err)
	}
	return set
}
