package format

// Helpers shared by the tests of the csv, inspect, evalplus and
// lcb-leaderboard readers.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

// fxNC is one problem's tally.
type fxNC struct{ N, C int }

// fxDir is the repository's testdata directory.
const fxDir = "../../testdata"

// fxRead reads testdata/<rel> and fails the test on an error.
func fxRead(t testing.TB, rel string, opt *Options) *File {
	t.Helper()
	f, err := ReadFile(filepath.Join(fxDir, rel), opt)
	require.NoError(t, err)
	return f
}

// fxTallies maps each model's label to its problems' (n, c).
func fxTallies(f *File) map[string]map[string]fxNC {
	out := map[string]map[string]fxNC{}
	for _, m := range f.Models {
		ps := map[string]fxNC{}
		for _, p := range m.Problems {
			ps[p.ID] = fxNC{p.N, p.C}
		}
		out[m.Label] = ps
	}
	return out
}

// fxModel returns the model labelled label.
func fxModel(t testing.TB, f *File, label string) *passk.Model {
	t.Helper()
	for _, m := range f.Models {
		if m.Label == label {
			return m
		}
	}
	t.Fatalf("no model %q in %s", label, f.Name)
	return nil
}

// fxMeanPassAt1 is the mean over problems of c/n (pass@1, exactly).
func fxMeanPassAt1(m *passk.Model) float64 {
	s := 0.0
	for _, p := range m.Problems {
		s += float64(p.C) / float64(p.N)
	}
	return s / float64(len(m.Problems))
}

// fxMeanPassAt2 is the mean over problems of 1 − C(n−c, 2)/C(n, 2).
func fxMeanPassAt2(m *passk.Model) float64 {
	s := 0.0
	for _, p := range m.Problems {
		w := float64(p.N - p.C)
		s += 1 - w*(w-1)/(float64(p.N)*float64(p.N-1))
	}
	return s / float64(len(m.Problems))
}

// fxReadString reads data as a file called name.
func fxReadString(data, name string, opt *Options) (*File, error) {
	return Read(bytes.NewReader([]byte(data)), name, opt)
}

// fxStream hides a reader's ReaderAt and Size, as a network stream would.
type fxStream struct{ r io.Reader }

func (s fxStream) Read(p []byte) (int, error) { return s.r.Read(p) }

// fxCheckError asserts what every reading error must be: a *SyntaxError
// naming the file.
func fxCheckError(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil {
		return
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %q (%T) is not a *SyntaxError", err, err)
	}
	if se.File != name {
		t.Fatalf("error %q names file %q, expected %q", err, se.File, name)
	}
}

// fxFile reads a testdata file's bytes.
func fxFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fxDir, rel))
	require.NoError(t, err)
	return b
}
