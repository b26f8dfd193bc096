//go:build js && wasm

package worker

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"syscall/js"
	"testing"

	"github.com/passk/passk/bench/gen"
	"github.com/passk/passk/passk/format"
)

// countingBlob wraps blob in an object with its size and a slice method
// that records the sizes of the slices asked for.
type countingBlob struct {
	js.Value
	slices []int64
}

func newCountingBlob(t *testing.T, blob js.Value) *countingBlob {
	c := &countingBlob{}
	slice := js.FuncOf(func(this js.Value, args []js.Value) any {
		c.slices = append(c.slices, int64(args[1].Float()-args[0].Float()))
		return blob.Call("slice", args[0], args[1])
	})
	t.Cleanup(slice.Release)
	c.Value = js.Global().Get("Object").New()
	c.Set("size", blob.Get("size"))
	c.Set("slice", slice)
	return c
}

func testData(n int) []byte {
	data := make([]byte, n)
	r := rand.New(rand.NewPCG(7, 8))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	return data
}

// TestBlobReaderRead: Read delivers the blob exactly, whatever the sizes
// of the reads, in slices: its head (firstChunk bytes), then readChunk
// bytes each (the last asking for one byte more, to see a file that
// grew), with Progress called as they arrive, up to the blob's size.
func TestBlobReaderRead(t *testing.T) {
	for _, size := range []int{0, 1, 64<<10 - 1, 64 << 10, firstChunk, firstChunk + 1, 9<<20 + 123, 3*readChunk + firstChunk, 4*readChunk + 1} {
		var want []int64
		if size > 0 {
			want = append(want, min(int64(size), firstChunk))
		}
		for left := int64(size) - firstChunk; left > 0; left -= readChunk {
			want = append(want, min(left, readChunk))
		}
		if len(want) > 0 {
			want[len(want)-1]++
		}
		data := testData(size)
		for _, step := range []int{1, 4096, 64 << 10, 10 << 20} {
			if size > 2<<20 && step == 1 {
				continue
			}
			cb := newCountingBlob(t, newBlob(data, ""))
			br := NewBlobReader(cb.Value)
			var progress []int64
			br.Progress = func(read, total int64) {
				if total != int64(size) {
					t.Errorf("Progress total %d, want %d", total, size)
				}
				progress = append(progress, read)
			}
			var got []byte
			p := make([]byte, step)
			for {
				n, err := br.Read(p)
				got = append(got, p[:n]...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("size %d, reads of %d: %v", size, step, err)
				}
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("size %d, reads of %d: got %d bytes, not the blob's", size, step, len(got))
			}
			if !slices.Equal(cb.slices, want) {
				t.Errorf("size %d: Read asked for slices of %v bytes, want %v", size, cb.slices, want)
			}
			if size > 0 && (len(progress) == 0 || progress[len(progress)-1] != int64(size) || !slices.IsSorted(progress)) {
				t.Errorf("size %d: progress %v, want it rising to %d", size, progress, size)
			}
			if n, err := br.Read(p); n != 0 || err != io.EOF {
				t.Errorf("size %d: Read after the end: %d, %v", size, n, err)
			}
		}
	}
}

// TestBlobReaderReadAt: ReadAt returns exactly the bytes asked for, with
// io.EOF when it returns fewer, at any offset and length, in any order,
// and reads going on sequentially in small pieces take few slices.
func TestBlobReaderReadAt(t *testing.T) {
	data := testData(3<<20 + 4321)
	size := int64(len(data))
	cb := newCountingBlob(t, newBlob(data, ""))
	br := NewBlobReader(cb.Value)
	check := func(off int64, n int) {
		t.Helper()
		p := make([]byte, n)
		got, err := br.ReadAt(p, off)
		want := data[min(off, size):min(off+int64(n), size)]
		if got != len(want) || !bytes.Equal(p[:got], want) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d bytes, want %d of the blob", n, off, got, len(want))
		}
		if wantEOF := len(want) < n; wantEOF != (err == io.EOF) || (!wantEOF && err != nil) {
			t.Fatalf("ReadAt(%d bytes at %d): error %v", n, off, err)
		}
	}
	// Sequential 4 KiB reads, as a zip member's decompressor does: the
	// window doubles from 64 KiB to 1 MiB.
	for off := int64(0); off < size; off += 4096 {
		check(off, 4096)
	}
	if want := []int64{64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 1 << 20, size - (3<<20 - 64<<10)}; !slices.Equal(cb.slices, want) {
		t.Errorf("sequential reads took slices %v, want %v", cb.slices, want)
	}
	// Anywhere, across window edges, large and small, in no order.
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		check(r.Int64N(size+10), r.IntN(3)*r.IntN(1<<20)+r.IntN(100))
	}
	check(0, len(data))  // all of it, straight into p
	check(size-5, 10)    // past the end
	check(size-1, 1)     // the last byte
	check(1<<20, 3<<20)  // a large read that ends past the end
	check(65535, 64<<10) // across the first window's edge
	if n, err := br.ReadAt(make([]byte, 1), size); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end: %d, %v", n, err)
	}
	if _, err := br.ReadAt(make([]byte, 1), -1); err == nil {
		t.Error("ReadAt at -1: no error")
	}
}

// TestBlobReaderZip: an Inspect .eval log (a zip archive) read from a blob
// through ReadAt gives what it gives read from memory.
func TestBlobReaderZip(t *testing.T) {
	var buf bytes.Buffer
	tallies, _, err := gen.InspectEval(&buf, 40, 5, 3000, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := format.Read(bytes.NewReader(buf.Bytes()), "log.eval", nil)
	if err != nil {
		t.Fatal(err)
	}
	cb := newCountingBlob(t, newBlob(buf.Bytes(), "log.eval"))
	br := NewBlobReader(cb.Value)
	got, err := format.Read(br, "log.eval", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Models) != 1 || len(want.Models) != 1 || len(got.Models[0].Problems) != len(tallies) {
		t.Fatalf("models %d, want 1 with %d problems", len(got.Models), len(tallies))
	}
	for i, p := range got.Models[0].Problems {
		if w := want.Models[0].Problems[i]; p.ID != w.ID || p.N != w.N || p.C != w.C {
			t.Errorf("problem %d: %+v, want %+v", i, p, w)
		}
	}
	// 200 members of ~3 KB deflated, read in 4 KiB pieces: a few windows.
	t.Logf("a %d-byte archive read in slices of %v bytes", buf.Len(), cb.slices)
	if len(cb.slices) > 20 {
		t.Errorf("%d slices for a %d-byte archive: %v", len(cb.slices), buf.Len(), cb.slices)
	}
	if br.read < int64(buf.Len())/2 || br.read > br.Size() {
		t.Errorf("read %d of %d bytes", br.read, br.Size())
	}
}

// fakeBlob is a blob-like object that says it has size bytes and holds
// data, or, with fail set, that the browser cannot read: its slices
// fail with fail's NotReadableError.
func fakeBlob(t *testing.T, size int, data []byte, fail string) js.Value {
	real := newBlob(data, "")
	rejected := func() js.Value {
		e := js.Global().Get("Error").New(fail)
		e.Set("name", "NotReadableError")
		return js.Global().Get("Promise").Call("reject", e)
	}
	var fns []js.Func
	fn := func(f func(args []js.Value) any) js.Func {
		jf := js.FuncOf(func(_ js.Value, args []js.Value) any { return f(args) })
		fns = append(fns, jf)
		return jf
	}
	t.Cleanup(func() {
		for _, f := range fns {
			f.Release()
		}
	})
	failing := js.Global().Get("Object").New()
	failing.Set("arrayBuffer", fn(func([]js.Value) any { return rejected() }))
	o := js.Global().Get("Object").New()
	o.Set("size", size)
	o.Set("slice", fn(func(args []js.Value) any {
		if fail != "" {
			return failing
		}
		return real.Call("slice", args[0], args[1])
	}))
	return o
}

// TestBlobReaderErrors: a file that ends before or after its size, or that
// the browser cannot read, is an error that says so, for Read and ReadAt;
// Read fails after Close.
func TestBlobReaderErrors(t *testing.T) {
	data := testData(100 << 10)
	short := fakeBlob(t, len(data)+10, data, "")
	_, err := io.ReadAll(NewBlobReader(short))
	if err == nil || err.Error() != "the file changed while it was read: it ends at byte 102400, not 102410; choose it again" {
		t.Errorf("Read of a short file: %v", err)
	}
	_, err = NewBlobReader(short).ReadAt(make([]byte, 20), int64(len(data))-10)
	if err == nil || err.Error() != "the file changed while it was read: it ends at byte 102400, not 102410; choose it again" {
		t.Errorf("ReadAt of a short file: %v", err)
	}
	long := fakeBlob(t, len(data)-10, data, "")
	_, err = io.ReadAll(NewBlobReader(long))
	if err == nil || err.Error() != "the file changed while it was read: it is longer than the 102390 bytes it had when chosen; choose it again" {
		t.Errorf("Read of a long file: %v", err)
	}

	unreadable := fakeBlob(t, len(data), data, "The requested file could not be read")
	want := "NotReadableError: The requested file could not be read"
	if _, err := io.ReadAll(NewBlobReader(unreadable)); err == nil || err.Error() != want {
		t.Errorf("Read of an unreadable file: %v", err)
	}
	if _, err := NewBlobReader(unreadable).ReadAt(make([]byte, 10), 0); err == nil || err.Error() != want {
		t.Errorf("ReadAt of an unreadable file: %v", err)
	}

	// Close in the middle: Read fails, and ReadAt still reads.
	data = testData(400 << 10)
	br := NewBlobReader(newBlob(data, ""))
	p := make([]byte, 10)
	if _, err := io.ReadFull(br, p); err != nil || !bytes.Equal(p, data[:len(p)]) {
		t.Fatalf("Read: %v", err)
	}
	if err := br.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := br.Read(p); !errors.Is(err, errClosed) {
		t.Errorf("Read after Close: %v", err)
	}
	if n, err := br.ReadAt(p, 20); n != 10 || err != nil || !bytes.Equal(p, data[20:30]) {
		t.Errorf("ReadAt after Close: %d, %v", n, err)
	}
}
