package app

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/passk/passk/bench/gen"
	"github.com/passk/passk/passk/format"
)

// A browser first runs WebAssembly on code compiled without optimizations,
// and compiles a function again with them only once it has run a while: the
// first file a page read went at about two thirds of the speed of the same
// file read again. WarmUp reads made-up files (a human-eval per-sample JSONL
// with long code completions and a Qwen2.5-Math per-problem JSONL, as
// bench/gen writes them for the benchmarks) through the readers, so that
// their hot functions are optimized before the user's first file. The
// worker runs it once the app is ready, and stops it at the first file.
const (
	warmRounds    = 6         // reads of each file
	warmHumanEval = 768 << 10 // bytes of the human-eval file
	warmQwenMath  = 256 << 10 // bytes of the Qwen2.5-Math file
)

// WarmUp reads the made-up files warmRounds times, calling pause between
// reads (the worker lets the browser's event loop run there, so that a
// request is not kept waiting), until done or ctx is cancelled. It fails
// only if a reader does not read a made-up file as it was written: then the
// warm-up would have run the wrong code.
func WarmUp(ctx context.Context, pause func()) error {
	type file struct {
		name    string
		data    []byte
		tallies []gen.Tally
	}
	var he, qm bytes.Buffer
	heT, _, err := gen.HumanEval(&he, 4, 16, warmHumanEval, 1)
	if err != nil {
		return err
	}
	qmT, _, err := gen.QwenMath(&qm, 2, 128, warmQwenMath, 2)
	if err != nil {
		return err
	}
	files := []file{{"warmup_results.jsonl", he.Bytes(), heT}, {"warmup_qwen.jsonl", qm.Bytes(), qmT}}
	for range warmRounds {
		for _, f := range files {
			if ctx.Err() != nil {
				return nil
			}
			got, err := format.Read(bytes.NewReader(f.data), f.name, nil)
			if err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
			if err := sameTallies(got, f.tallies); err != nil {
				return fmt.Errorf("warm-up: %s: %w", f.name, err)
			}
			pause()
		}
	}
	return nil
}

// sameTallies checks that f holds one model with the problems of tallies.
func sameTallies(f *format.File, tallies []gen.Tally) error {
	if len(f.Models) != 1 || len(f.Models[0].Problems) != len(tallies) {
		return fmt.Errorf("read %d models, expected one with %d problems", len(f.Models), len(tallies))
	}
	for i, p := range f.Models[0].Problems {
		if t := tallies[i]; p.ID != t.ID || p.N != t.N || p.C != t.C {
			return fmt.Errorf("problem %d read as %q n=%d c=%d, expected %q n=%d c=%d", i, p.ID, p.N, p.C, t.ID, t.N, t.C)
		}
	}
	return nil
}

// WarmPause is the pause of WarmUp in the browser: a timer, so that the
// event loop runs.
func WarmPause() { time.Sleep(time.Millisecond) }
