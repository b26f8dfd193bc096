//go:build js && wasm

package worker

import (
	"errors"
	"io"
	"syscall/js"
)

// BlobReader reads a JavaScript Blob (a File the user dropped) as an
// io.Reader, streaming it through Blob.stream() one chunk at a time, so
// that memory stays bounded whatever the file's size. It also implements
// io.ReaderAt (by Blob.slice, for zip archives such as Inspect .eval logs)
// and Size, which package passk/format uses when it can.
//
// Read and ReadAt wait for JavaScript promises: call them from a goroutine,
// never from inside a js.FuncOf callback.
type BlobReader struct {
	blob   js.Value
	size   int64
	reader js.Value // the stream's reader, once reading has started
	chunk  js.Value // the current chunk, a Uint8Array
	n, off int      // its length, and how much of it was read
	read   int64    // bytes delivered by Read
	done   bool
	err    error

	// Progress, when set, is called after each chunk with the bytes read
	// so far and the blob's size.
	Progress func(read, size int64)
}

// NewBlobReader returns a reader of blob.
func NewBlobReader(blob js.Value) *BlobReader {
	return &BlobReader{blob: blob, size: int64(blob.Get("size").Float())}
}

// Size returns the blob's size in bytes.
func (b *BlobReader) Size() int64 { return b.size }

// Read reads from the blob's stream.
func (b *BlobReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for b.off == b.n {
		if b.err != nil {
			return 0, b.err
		}
		if err := b.next(); err != nil {
			b.err = err
			return 0, err
		}
	}
	// Copy straight from the chunk into p, so that Go's memory holds at
	// most len(p) of it however large the chunks the browser hands out.
	src := b.chunk
	n := min(len(p), b.n-b.off)
	if b.off > 0 || n < b.n {
		src = b.chunk.Call("subarray", b.off, b.off+n)
	}
	js.CopyBytesToGo(p[:n], src)
	b.off += n
	b.read += int64(n)
	if b.off == b.n {
		b.chunk = js.Undefined()
	}
	return n, nil
}

// next waits for the stream's next chunk.
func (b *BlobReader) next() error {
	if b.done {
		return io.EOF
	}
	var err error
	if b.reader.IsUndefined() {
		err = catch(func() { b.reader = b.blob.Call("stream").Call("getReader") })
		if err != nil {
			return err
		}
	}
	var p js.Value
	if err = catch(func() { p = b.reader.Call("read") }); err != nil {
		return err
	}
	res, err := Await(p)
	if err != nil {
		return err
	}
	if res.Get("done").Bool() {
		b.done = true
		b.reader = js.Undefined()
		return io.EOF
	}
	b.chunk = res.Get("value")
	b.n, b.off = b.chunk.Get("byteLength").Int(), 0
	if b.Progress != nil {
		b.Progress(b.read+int64(b.n), b.size)
	}
	return nil
}

// ReadAt reads len(p) bytes at offset off, by reading the slice of the
// blob that holds them.
func (b *BlobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("BlobReader.ReadAt: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.size)
	var pr js.Value
	if err := catch(func() {
		pr = b.blob.Call("slice", float64(off), float64(end)).Call("arrayBuffer")
	}); err != nil {
		return 0, err
	}
	ab, err := Await(pr)
	if err != nil {
		return 0, err
	}
	n := js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(ab))
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Close stops the stream, if it is open.
func (b *BlobReader) Close() error {
	if !b.reader.IsUndefined() && !b.done {
		b.done = true
		r := b.reader
		b.reader = js.Undefined()
		return catch(func() { r.Call("cancel") })
	}
	return nil
}
