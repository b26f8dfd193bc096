//go:build js && wasm

package worker

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall/js"
	"time"
)

// BlobReader reads a JavaScript Blob (a File the user dropped) as an
// io.Reader, streaming it, so that memory stays bounded whatever the
// file's size. It also implements io.ReaderAt (for zip archives such as
// Inspect .eval logs) and Size, which package passk/format uses when it
// can.
//
// Read takes the blob in slices (Blob.slice(a, b).arrayBuffer()): its head,
// then readChunk bytes each, with readDepth of them asked for ahead, so that
// the browser reads the file while Go parses what came before. A browser
// reads a blob in tasks of the thread that asked, which is busy here while
// Go parses: where worker.js offers passkReadSlice, the slices ahead are
// read by a worker of their own (web/site/static/reader.js) and transferred
// here whole. A slice goes to Go readPiece bytes at a time, copied into a
// buffer Go reuses, so that each piece is parsed while it is in the
// processor's cache: Go holds one piece of the file at a time, JavaScript
// the slices on their way. (Reading by Blob.stream(), whose chunks of 64 KiB
// to 1 MiB come one at a time, the first 105 MB file of a page read at
// 154–161 MB/s in Chromium; whole 8 MiB slices copied at once at 156–178;
// in pieces at 188–215; with the reads on their own thread, see the README.)
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
	key  int // names the blob to the reader thread, which keeps chunks of it

	// Read.
	cur     js.Value       // the slice being read (a Uint8Array)
	curPos  int            // how much of it went to buf
	curLen  int            // its length
	pending []pendingSlice // the slices asked for and not taken yet, in order
	next    int64          // where the next slice to ask for starts
	buf     []byte         // the current piece
	pos     int            // how much of it Read delivered
	err     error          // what Read returns once buf is used up, if not nil

	// ReadAt.
	mu     sync.Mutex
	win    []byte // the window, the bytes at winOff
	winOff int64
	ahead  int // the size of the next window, if reads go on sequentially

	read     int64         // bytes fetched from the blob, by Read and ReadAt
	inflated int           // members the browser inflated (InflateMember)
	raw      int           // members read for Go to inflate (RawMember)
	waited   time.Duration // time spent waiting for the browser's reads

	// Progress, when set, is called after each chunk or window arrives
	// with the bytes fetched so far and the blob's size.
	Progress func(read, size int64)
}

// The sizes of ReadAt's windows.
const (
	firstAhead = 64 << 10
	maxAhead   = 1 << 20
)

// Read's slices: readDepth slices of readChunk bytes asked for ahead. In
// Chromium on a loaded machine, reading a 105 MB file in JavaScript while
// keeping the thread busy 2.5 ms per MB (as parsing keeps it), 8 MiB slices
// 3 ahead read at 230 MB/s, 4 MiB slices 4 ahead at 176 MB/s, and the
// stream's chunks (4 reads ahead) at 161 MB/s. On an idle thread (as the
// reader thread mostly is), 8 MiB slices 3 ahead read at 690–850 MB/s, 16
// MiB 3 ahead at 650–710, 4 MiB 8 ahead at 520–660, 32 MiB 2 ahead at
// 830–880 (in the first read of a file, and whole at 640–950).
//
// The first slice is small, and asked for alone: the format is told from
// the file's head, and a zip archive (an Inspect .eval log) is then read
// through ReadAt, not Read.
const (
	readChunk  = 8 << 20
	readDepth  = 3
	firstChunk = 256 << 10
	readPiece  = 256 << 10 // what Read copies into Go's memory at a time
)

// pendingSlice is a slice Read asked for: the promise of its bytes [start, end).
type pendingSlice struct {
	p          js.Value
	start, end int64
}

// NewBlobReader returns a reader of blob.
func NewBlobReader(blob js.Value) *BlobReader {
	blobKeys++
	return &BlobReader{blob: blob, size: int64(blob.Get("size").Float()), key: blobKeys, ahead: firstAhead}
}

var blobKeys int // the last BlobReader's key

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

// fill takes the next piece into b.buf, from the current slice or the next
// one, asking for more slices so that readDepth are on their way. The last slice asks for one byte past the
// blob's size: a file that grew since it was chosen gives it.
func (b *BlobReader) fill() error {
	for len(b.pending) < readDepth && b.next < b.size {
		if len(b.pending) > 0 && b.pending[0].start == 0 {
			break // only the head, until it has been taken
		}
		chunk := int64(readChunk)
		if b.next == 0 {
			chunk = firstChunk
		}
		start, end := b.next, min(b.next+chunk, b.size)
		ask := end
		if end == b.size {
			ask++
		}
		p, err := b.sliceAhead(start, ask)
		if err != nil {
			return err
		}
		b.pending = append(b.pending, pendingSlice{p, start, end})
		b.next = end
	}
	b.pos, b.buf = 0, b.buf[:0]
	if b.curPos == b.curLen {
		if len(b.pending) == 0 {
			return io.EOF
		}
		sl := b.pending[0]
		b.pending[0] = pendingSlice{}
		b.pending = b.pending[1:]
		ab, err := b.await(sl.p)
		if err != nil {
			return err
		}
		arr, n, err := b.bytesOf(ab, sl.start, sl.end)
		if err != nil {
			return err
		}
		b.cur, b.curPos, b.curLen = arr, 0, n
		b.fetched(n)
	}
	// The slice goes to Go a piece at a time, each parsed while it is in
	// the processor's cache.
	n := min(readPiece, b.curLen-b.curPos)
	if cap(b.buf) < n {
		b.buf = make([]byte, readPiece)
	}
	b.buf = b.buf[:n]
	js.CopyBytesToGo(b.buf, b.cur.Call("subarray", b.curPos, b.curPos+n))
	b.curPos += n
	if b.curPos == b.curLen {
		b.cur = js.Undefined()
	}
	return nil
}

// cancel forgets the slices asked for. Their promises still settle; one
// that fails is awaited so that its failure is not reported as unhandled.
func (b *BlobReader) cancel() {
	for _, sl := range b.pending {
		go Await(sl.p)
	}
	b.pending = nil
	b.next = b.size
}

// changed is the error for a blob that ends at end, not at its size: a
// file that changed since it was chosen (browsers mostly refuse to read
// those, with a NotReadableError of their own).
func (b *BlobReader) changed(end int64) error {
	return fmt.Errorf("the file changed while it was read: it ends at byte %d, not %d; choose it again", end, b.size)
}

// await waits for a read of the browser, counting the time in b.waited.
func (b *BlobReader) await(p js.Value) (js.Value, error) {
	start := time.Now()
	v, err := Await(p)
	b.waited += time.Since(start)
	return v, err
}

// Waited returns the time Read and ReadAt spent waiting for the browser to
// read the file (the rest of a reader's time is Go's).
func (b *BlobReader) Waited() time.Duration { return b.waited }

// longer is the error for a blob with bytes past its size.
func (b *BlobReader) longer() error {
	return fmt.Errorf("the file changed while it was read: it is longer than the %d bytes it had when chosen; choose it again", b.size)
}

// arrayBuffer returns the promise of the bytes [start, end) of the blob.
func (b *BlobReader) arrayBuffer(start, end int64) (js.Value, error) {
	var p js.Value
	err := catch(func() { p = b.blob.Call("slice", float64(start), float64(end)).Call("arrayBuffer") })
	return p, err
}

// sliceAhead is arrayBuffer for the slices Read asks for ahead: read on
// another thread where worker.js offers it (passkReadSlice), else here.
func (b *BlobReader) sliceAhead(start, end int64) (js.Value, error) {
	readSlice := js.Global().Get("passkReadSlice")
	if readSlice.Type() != js.TypeFunction {
		return b.arrayBuffer(start, end)
	}
	var p js.Value
	err := catch(func() { p = readSlice.Invoke(b.blob, float64(start), float64(end)) })
	return p, err
}

var uint8Array = js.Global().Get("Uint8Array")

// bytesOf returns the ArrayBuffer ab, the bytes [start, end) of the blob,
// as a Uint8Array, and its length; an error if it is not end-start bytes
// long (the file changed).
func (b *BlobReader) bytesOf(ab js.Value, start, end int64) (js.Value, int, error) {
	arr := uint8Array.New(ab)
	n := arr.Get("byteLength").Int()
	switch {
	case int64(n) > end-start:
		return arr, n, b.longer()
	case int64(n) < end-start:
		return arr, n, b.changed(start + int64(n))
	}
	return arr, n, nil
}

// copyIn copies the ArrayBuffer ab, the bytes [start, end) of the blob,
// into *dst, reusing its memory when it is large enough.
func (b *BlobReader) copyIn(dst *[]byte, ab js.Value, start, end int64) error {
	arr, n, err := b.bytesOf(ab, start, end)
	if err != nil {
		*dst = (*dst)[:0]
		return err
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
	ab, err := b.await(pr)
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
	ab, err := b.await(pr)
	if err != nil {
		return 0, err
	}
	arr, _, err := b.bytesOf(ab, off, end)
	if err != nil {
		return 0, err
	}
	n := js.CopyBytesToGo(p, arr)
	b.fetched(n)
	return n, nil
}

// Close ends reading: Read fails from now on.
func (b *BlobReader) Close() error {
	if b.err == nil {
		b.err = errClosed
	}
	b.cancel()
	b.buf, b.pos = nil, 0
	b.cur, b.curPos, b.curLen = js.Undefined(), 0, 0
	b.mu.Lock()
	b.win = nil
	b.mu.Unlock()
	if forget := js.Global().Get("passkForget"); forget.Type() == js.TypeFunction {
		forget.Invoke(b.key) // the reader thread's chunks of the file
	}
	return nil
}
