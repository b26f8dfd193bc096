package format

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zipMagic  = []byte("PK\x03\x04")
)

// sizer is implemented by sources that know their length (bytes.Reader,
// strings.Reader, and the browser's Blob reader).
type sizer interface{ Size() int64 }

// open prepares r for reading: it undoes gzip compression (bounded, see
// Options.MaxExpansion), and returns the content with its head.
func open(r io.Reader, name string, opt *Options) (*Source, *Head, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	src := &Source{Name: name, R: br}
	magic, _ := br.Peek(2)
	if bytes.Equal(magic, gzipMagic) {
		counted := &countingReader{r: br}
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return nil, nil, &SyntaxError{Pos: Pos{File: name}, Err: fmt.Errorf("gzip header: %v", err)}
		}
		ratio := opt.MaxExpansion
		if ratio <= 0 {
			ratio = 1000
		}
		src.R = bufio.NewReaderSize(&boundedReader{r: zr, in: counted, ratio: int64(ratio), name: name}, 64<<10)
	} else if size, ok := sizeOf(r); ok {
		if ra, ok := r.(io.ReaderAt); ok {
			src.ReaderAt, src.Size = ra, size
		}
	}
	b, err := src.R.Peek(headSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		var se *SyntaxError
		if errors.As(err, &se) {
			return nil, nil, se
		}
		return nil, nil, &SyntaxError{Pos: Pos{File: name}, Err: err}
	}
	h := &Head{Name: name, Bytes: b, Zip: bytes.HasPrefix(b, zipMagic)}
	return src, h, nil
}

func sizeOf(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case sizer:
		return v.Size(), true
	case interface {
		Stat() (fs.FileInfo, error)
	}:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		return fi.Size(), true
	}
	return 0, false
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundedReader stops a decompression bomb: past 64 MiB of output it fails
// once the output exceeds ratio times the compressed input read so far.
type boundedReader struct {
	r     io.Reader
	in    *countingReader
	out   int64
	ratio int64
	name  string
}

const expansionFloor = 64 << 20

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.out += int64(n)
	if b.out > expansionFloor && b.out > b.ratio*b.in.n {
		return n, &SyntaxError{Pos: Pos{File: b.name}, Err: fmt.Errorf("%w: gzip expands to more than %d times its compressed size (%d bytes from %d), refusing it as a decompression bomb", ErrTooLarge, b.ratio, b.out, b.in.n)}
	}
	if err != nil && err != io.EOF {
		err = &SyntaxError{Pos: Pos{File: b.name}, Err: fmt.Errorf("gzip: %v", err)}
	}
	return n, err
}
