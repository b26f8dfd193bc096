package app

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWarmUp: the made-up files read as they were written (so the warm-up
// runs the readers' real paths), with a pause after each read, and a
// cancelled context stops it at once.
func TestWarmUp(t *testing.T) {
	pauses := 0
	require.NoError(t, WarmUp(context.Background(), func() { pauses++ }))
	require.Equal(t, 2*warmRounds, pauses)

	ctx, cancel := context.WithCancel(context.Background())
	pauses = 0
	require.NoError(t, WarmUp(ctx, func() { pauses++; cancel() }))
	require.Equal(t, 1, pauses)
}
