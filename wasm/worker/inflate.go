//go:build js && wasm

package worker

import (
	"errors"
	"io"
	"syscall/js"

	"github.com/passk/passk/passk/format"
)

// InflateMember implements format.MemberInflater: the member of a zip
// archive (an Inspect .eval log) is inflated by the browser's own
// DecompressionStream on the reader thread (passkInflate in worker.js, run
// by reader.js), while Go parses the members before it. Package format
// checks what comes back and reads a member itself if it is not right; where
// worker.js offers no passkInflate, every member is read by Go.
func (b *BlobReader) InflateMember(header, compressed, size int64) func() (*format.InflatedMember, error) {
	return b.member(header, compressed, size)
}

// RawMember implements format.MemberInflater: the member's compressed
// bytes, read on the reader thread from the chunks it keeps, for Go to
// inflate.
func (b *BlobReader) RawMember(header, compressed int64) func() (*format.InflatedMember, error) {
	return b.member(header, compressed, -1)
}

// member asks passkInflate for a member, inflated to size bytes, or its
// compressed bytes when size is -1.
func (b *BlobReader) member(header, compressed, size int64) func() (*format.InflatedMember, error) {
	inflate := js.Global().Get("passkInflate")
	if inflate.Type() != js.TypeFunction {
		return func() (*format.InflatedMember, error) { return nil, errNoInflate }
	}
	var p js.Value
	err := catch(func() { p = inflate.Invoke(b.key, b.blob, float64(header), float64(compressed), float64(size)) })
	return func() (*format.InflatedMember, error) {
		if err != nil {
			return nil, err
		}
		v := p.Get("passkDone") // there already: no wait (see askReader in worker.js)
		if v.Type() != js.TypeObject {
			if v, err = b.await(p); err != nil {
				return nil, err
			}
		}
		b.fetched(int(compressed))
		if size >= 0 {
			b.inflated++
		} else {
			b.raw++
		}
		buf := uint8Array.New(v.Get("buf"))
		after := make([]byte, min(v.Get("after").Get("byteLength").Int(), 16))
		js.CopyBytesToGo(after, uint8Array.New(v.Get("after")))
		return &format.InflatedMember{R: &jsBytes{arr: buf, n: buf.Get("byteLength").Int()}, After: after}, nil
	}
}

var errNoInflate = errors.New("the browser's inflate is not available")

// jsBytes reads a Uint8Array.
type jsBytes struct {
	arr    js.Value
	pos, n int
}

func (r *jsBytes) Read(p []byte) (int, error) {
	if r.pos >= r.n {
		return 0, io.EOF
	}
	k := min(len(p), r.n-r.pos)
	js.CopyBytesToGo(p[:k], r.arr.Call("subarray", r.pos, r.pos+k))
	r.pos += k
	return k, nil
}

func (r *jsBytes) Close() error {
	r.arr, r.pos, r.n = js.Undefined(), 0, 0
	return nil
}
