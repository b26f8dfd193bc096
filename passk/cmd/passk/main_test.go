package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// passk runs the command line in-process and returns stdout, stderr and
// the error run returned.
func runCLI(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := run(&out, &errOut, args)
	return out.String(), errOut.String(), err
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

const (
	base = "base=../../../testdata/cli/base.csv"
	rl   = "rl=../../../testdata/cli/rl.jsonl"
	he10 = "../../../testdata/human-eval/gpt35_n10_results.jsonl"
)

func TestCurveGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"crossing.txt", []string{"curve", base, rl}},
		{"crossing.csv", []string{"curve", "--csv", base, rl}},
		{"crossing.json", []string{"curve", "--json", base, rl}},
		{"crossing_k_noboot.txt", []string{"curve", "--boot", "0", "--k", "1,3,16", base, rl}},
		{"crossing_passhat.txt", []string{"curve", "--metric", "pass^k", "--boot", "200", base, rl}},
		{"gpt35_n10.txt", []string{"curve", he10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(tc.args...)
			require.NoError(t, err, errOut)
			golden(t, tc.name, out)
		})
	}
}

// The JSON output is the contract other surfaces read: check its names and
// that it agrees with the library.
func TestCurveJSONMatchesLibrary(t *testing.T) {
	out, _, err := runCLI("curve", "--json", base, rl)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	for _, key := range []string{"models", "crossovers", "warnings"} {
		assert.Contains(t, raw, key)
	}
	var rep passk.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Models, 2)
	assert.Equal(t, "base", rep.Models[0].Label)
	assert.Equal(t, 24, rep.Models[0].Problems)
	require.Len(t, rep.Models[0].Curve, 16)
	// base: c = 1, 2, 3, 0 repeating over n = 16, so pass@1 = 6/64.
	assert.InDelta(t, 6.0/64, rep.Models[0].Curve[0].Value, 1e-15)
	// rl: c = 15, 9, 0 repeating, so pass@1 = 24/48.
	assert.InDelta(t, 0.5, rep.Models[1].Curve[0].Value, 1e-15)
	require.Len(t, rep.Crossovers, 1)
	c := rep.Crossovers[0]
	assert.Equal(t, "base", c.A)
	assert.Equal(t, "rl", c.B)
	assert.Equal(t, "base", c.Leader, "base solves more problems at k = 16")
	assert.Greater(t, c.K, 1.0)
	assert.Less(t, c.K, 16.0)
	assert.LessOrEqual(t, c.Lo, c.K)
	assert.GreaterOrEqual(t, c.Hi, c.K)
}

func TestFormatsListsEveryFormat(t *testing.T) {
	out, _, err := runCLI("formats")
	require.NoError(t, err)
	for _, name := range []string{"human-eval", "counts-csv", "samples-csv"} {
		assert.Contains(t, out, name)
	}
}

func TestPlotWritesSVGAndPNG(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "cross.svg")
	_, errOut, err := runCLI("plot", "-o", svg, base, rl)
	require.NoError(t, err, errOut)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<svg")
	assert.Contains(t, string(b), "base")

	png := filepath.Join(dir, "cross.png")
	_, errOut, err = runCLI("plot", "-o", png, base, rl)
	require.NoError(t, err, errOut)
	b, err = os.ReadFile(png)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "a PNG file")
}

// Bad input and bad calls: an error that says what is wrong, never a panic.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("problem_id,n,c\np1,4,2\np2,4,7\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: no command given"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"curve"}, "no result files given"},
		{[]string{"curve", "--metric", "pass@x", base}, `--metric "pass@x": expected pass@k or pass^k`},
		{[]string{"curve", "--k", "1,0", base}, "expected a comma-separated list of whole numbers ≥ 1"},
		{[]string{"curve", "--boot", "-1", base}, "expected 0 or more replicates"},
		{[]string{"curve", "--json", "--csv", base}, "exclude each other"},
		{[]string{"curve", "nope.jsonl"}, "nope.jsonl"},
		{[]string{"curve", bad}, bad + ":3"},
		{[]string{"curve", "x=../../../testdata/cli/base.csv", "x=../../../testdata/cli/base.csv"}, `label "x" is given by both`},
		{[]string{"curve", "--format", "nosuch", base}, `unknown format "nosuch"`},
		{[]string{"plot", base}, "-o"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, _, err := runCLI(tc.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
