//go:build js && wasm

package worker

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall/js"
)

// BlobReader reads a JavaScript Blob (a File the user dropped) as an
// io.Reader, streaming it, so that memory stays bounded whatever the
// file's size. It also implements io.ReaderAt (for zip archives such as
// Inspect .eval logs) and Size, which package passk/format uses when it
// can.
//
// Read takes the chunks of Blob.stream() (the browser reads ahead of
// them while Go parses), copying each once into a buffer Go reuses: Go
// holds one chunk of the file at a time.
//
// ReadAt reads through a window of the blob (Blob.slice(a, b)), fetched
// when a read falls outside it. Readers of zip members read small pieces
// one after the other: while the reads go on where the window ended, each
// new window is twice the last, from 64 KiB up to 1 MiB, so that a member
// takes a few round trips to the browser rather than one per piece.
//
// Read and ReadAt wait for JavaScript promises: call them from a goroutine,
// never from inside a js.FuncOf callback.
type BlobReader struct {
	blob js.Value
	size int64

	// Read.
	stream   js.Value // the stream's reader, once reading has started
	buf      []byte   // the current chunk
	pos      int      // how much of it Read delivered
	streamed int64    // the bytes the stream gave
	err      error    // what Read returns once buf is used up, if not nil

	// ReadAt.
	mu     sync.Mutex
	win    []byte // the window, the bytes at winOff
	winOff int64
	ahead  int // the size of the next window, if reads go on sequentially

	read int64 // bytes fetched from the blob, by Read and ReadAt

	// Progress, when set, is called after each chunk or window arrives
	// with the bytes fetched so far and the blob's size.
	Progress func(read, size int64)
}

// The sizes of ReadAt's windows.
const (
	firstAhead = 64 << 10
	maxAhead   = 1 << 20
)

// NewBlobReader returns a reader of blob.
func NewBlobReader(blob js.Value) *BlobReader {
	return &BlobReader{blob: blob, size: int64(blob.Get("size").Float()), ahead: firstAhead}
}

// Size returns the blob's size in bytes.
func (b *BlobReader) Size() int64 { return b.size }

// errClosed is what Read returns after Close.
var errClosed = errors.New("read from a closed file")

// Read reads the blob from its start.
func (b *BlobReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for b.pos == len(b.buf) {
		if b.err != nil {
			return 0, b.err
		}
		if b.err = b.fill(); b.err != nil {
			b.cancel()
		}
	}
	n := copy(p, b.buf[b.pos:])
	b.pos += n
	return n, nil
}

// fill waits for the stream's next chunk and copies it into b.buf.
func (b *BlobReader) fill() error {
	if b.stream.IsUndefined() {
		if err := catch(func() { b.stream = b.blob.Call("stream").Call("getReader") }); err != nil {
			return err
		}
	}
	var p js.Value
	if err := catch(func() { p = b.stream.Call("read") }); err != nil {
		return err
	}
	res, err := Await(p)
	if err != nil {
		return err
	}
	b.pos, b.buf = 0, b.buf[:0]
	if res.Get("done").Bool() {
		b.stream = js.Undefined()
		if b.streamed != b.size {
			return b.changed(b.streamed)
		}
		return io.EOF
	}
	chunk := res.Get("value")
	n := chunk.Get("byteLength").Int()
	if b.streamed+int64(n) > b.size {
		return b.changed(b.streamed + int64(n))
	}
	if cap(b.buf) < n {
		b.buf = make([]byte, n)
	}
	b.buf = b.buf[:n]
	js.CopyBytesToGo(b.buf, chunk)
	b.streamed += int64(n)
	b.fetched(n)
	return nil
}

// cancel stops the stream, if it is open. The promise cancel returns is
// awaited, so that its failure (the stream failed) is not reported as
// unhandled.
func (b *BlobReader) cancel() {
	if r := b.stream; !r.IsUndefined() {
		b.stream = js.Undefined()
		var p js.Value
		if catch(func() { p = r.Call("cancel") }) == nil && p.Type() == js.TypeObject && p.Get("then").Type() == js.TypeFunction {
			go Await(p)
		}
	}
}

// changed is the error for a blob that ends at end, not at its size: a
// file that changed since it was chosen (browsers mostly refuse to read
// those, with a NotReadableError of their own).
func (b *BlobReader) changed(end int64) error {
	return fmt.Errorf("the file changed while it was read: it ends at byte %d, not %d; choose it again", end, b.size)
}

// arrayBuffer returns the promise of the bytes [start, end) of the blob.
func (b *BlobReader) arrayBuffer(start, end int64) (js.Value, error) {
	var p js.Value
	err := catch(func() { p = b.blob.Call("slice", float64(start), float64(end)).Call("arrayBuffer") })
	return p, err
}

var uint8Array = js.Global().Get("Uint8Array")

// copyIn copies the ArrayBuffer ab, the bytes [start, end) of the blob,
// into *dst, reusing its memory when it is large enough.
func (b *BlobReader) copyIn(dst *[]byte, ab js.Value, start, end int64) error {
	arr := uint8Array.New(ab)
	n := arr.Get("byteLength").Int()
	if int64(n) != end-start {
		*dst = (*dst)[:0]
		return b.changed(start + int64(n))
	}
	if cap(*dst) < n {
		*dst = make([]byte, n)
	}
	*dst = (*dst)[:n]
	js.CopyBytesToGo(*dst, arr)
	b.fetched(n)
	return nil
}

func (b *BlobReader) fetched(n int) {
	b.read = min(b.read+int64(n), b.size)
	if b.Progress != nil {
		b.Progress(b.read, b.size)
	}
}

// ReadAt reads len(p) bytes at offset off (see BlobReader for how). It
// may be called from several goroutines at once.
func (b *BlobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("BlobReader.ReadAt: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for n < len(p) && off+int64(n) < b.size {
		at := off + int64(n)
		if at >= b.winOff && at < b.winOff+int64(len(b.win)) {
			n += copy(p[n:], b.win[at-b.winOff:])
			continue
		}
		if len(p)-n >= maxAhead {
			// A large read: straight into p, as one slice.
			m, err := b.fetchInto(p[n:], at)
			n += m
			if err != nil {
				return n, err
			}
			continue
		}
		if err := b.fetchWindow(at, len(p)-n); err != nil {
			return n, err
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// fetchWindow makes the window start at off, with at least want bytes if
// the blob has them. The caller holds b.mu.
func (b *BlobReader) fetchWindow(off int64, want int) error {
	if end := b.winOff + int64(len(b.win)); len(b.win) > 0 && off >= end && off-end < int64(b.ahead) {
		b.ahead = min(2*b.ahead, maxAhead) // the reads go on where the window ended
	} else {
		b.ahead = firstAhead
	}
	end := min(off+int64(max(want, b.ahead)), b.size)
	pr, err := b.arrayBuffer(off, end)
	if err != nil {
		return err
	}
	ab, err := Await(pr)
	if err != nil {
		return err
	}
	b.winOff = off
	return b.copyIn(&b.win, ab, off, end)
}

// fetchInto reads the blob at off into p, as much of it as the blob has.
// The caller holds b.mu.
func (b *BlobReader) fetchInto(p []byte, off int64) (int, error) {
	end := min(off+int64(len(p)), b.size)
	pr, err := b.arrayBuffer(off, end)
	if err != nil {
		return 0, err
	}
	ab, err := Await(pr)
	if err != nil {
		return 0, err
	}
	arr := uint8Array.New(ab)
	if n := arr.Get("byteLength").Int(); int64(n) != end-off {
		return 0, b.changed(off + int64(n))
	}
	n := js.CopyBytesToGo(p, arr)
	b.fetched(n)
	return n, nil
}

// Close ends reading: it stops the stream, and Read fails from now on.
func (b *BlobReader) Close() error {
	if b.err == nil {
		b.err = errClosed
	}
	b.cancel()
	b.buf, b.pos = nil, 0
	b.mu.Lock()
	b.win = nil
	b.mu.Unlock()
	return nil
}
