package format

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// A MemberInflater inflates members of a zip archive elsewhere than in Go:
// the browser's worker (wasm/worker's BlobReader) has the browser's own
// inflate run on another thread while Go parses the members inflated
// before. An Inspect .eval log read through a ReaderAt that is also a
// MemberInflater has its deflated sample members inflated by it, a few
// members ahead of the one being parsed.
//
// Whatever the inflater gives is checked: a member is used only if it has
// the size and the CRC-32 the archive's directory gives and parses whole.
// Any other outcome (the inflater fails, the bytes differ, the JSON does
// not parse) and the member is read again by Go as without an inflater,
// so a file reads the same, errors included, either way.
type MemberInflater interface {
	// InflateMember starts inflating the member whose local file header
	// is at offset header of the archive: compressed bytes of raw deflate
	// data after that header, expected to give size bytes. The inflater
	// may stop with an error once the output passes size. wait returns
	// the inflated member, or the error.
	InflateMember(header, compressed, size int64) (wait func() (*InflatedMember, error))
	// RawMember starts reading the compressed bytes of the same member,
	// for Go to inflate while the inflater works on others: wait returns
	// them (as InflatedMember.R), or the error.
	RawMember(header, compressed int64) (wait func() (*InflatedMember, error))
}

// InflatedMember is what a MemberInflater gives for a member.
type InflatedMember struct {
	R io.ReadCloser // the inflated bytes (RawMember: the compressed ones)
	// After holds the bytes that follow the compressed data in the
	// archive, up to 16 (fewer at its end): a data descriptor, when the
	// member has one (as archive/zip, a reader checks its CRC-32).
	After []byte
}

// Members are inflated elsewhere only up to this size (a larger one is
// inflated by Go, streamed), and at most inflateAheadMembers members and
// inflateAheadBytes bytes of them are asked for ahead of the one parsed
// (at least one), so that memory stays bounded.
const (
	inflateMaxMember    = 64 << 20
	inflateAheadMembers = 8
	inflateAheadBytes   = 32 << 20
	inflateMaxDirectory = 64 << 20 // the most of a zip's central directory read to find the members
)

// inflatable reports whether f may be inflated by a MemberInflater: a
// deflated member of a size the bound allows.
func inflatable(f *zip.File, limit int64) bool {
	return f.Method == zip.Deflate && f.UncompressedSize64 <= uint64(min(limit, inflateMaxMember)) && f.CompressedSize64 <= 1<<40
}

// checkedMember reads a member inflated elsewhere, counting its bytes and
// their CRC-32; ok reports, once read to its end, whether they are the
// member's.
type checkedMember struct {
	rc    io.ReadCloser
	after []byte
	f     *zip.File
	n     uint64
	crc   uint32
	eof   bool
	fail  bool // the inflater's reader failed: never ok
}

func (c *checkedMember) Read(p []byte) (int, error) {
	if c.fail {
		return 0, errInflated
	}
	n, err := c.rc.Read(p)
	c.n += uint64(n)
	if c.n > c.f.UncompressedSize64 {
		c.fail = true
		return 0, errInflated
	}
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	if err == io.EOF {
		c.eof = true
	} else if err != nil {
		c.fail = true
	}
	return n, err
}

// inflatedRaw inflates a member's compressed bytes read by a MemberInflater.
type inflatedRaw struct {
	flate io.ReadCloser
	raw   io.ReadCloser
}

func (r *inflatedRaw) Read(p []byte) (int, error) { return r.flate.Read(p) }

func (r *inflatedRaw) Close() error {
	r.flate.Close()
	return r.raw.Close()
}

// errInflated stops the parse of a member inflated elsewhere that is not the
// member; Go then reads it itself.
var errInflated = errors.New("the member inflated elsewhere is not the archive's")

func (c *checkedMember) Close() error { return c.rc.Close() }

// ok reports whether the member was read to its end and is the member the
// directory describes, as archive/zip checks it at the end of a member: its
// size, its CRC-32 (unless 0, without a data descriptor), and its data
// descriptor's CRC-32 (after a signature, or without one).
func (c *checkedMember) ok() bool {
	if !c.eof || c.fail || c.n != c.f.UncompressedSize64 {
		return false
	}
	if c.f.Flags&0x8 == 0 {
		return c.f.CRC32 == 0 || c.crc == c.f.CRC32
	}
	d := c.after
	if len(d) >= 4 && binary.LittleEndian.Uint32(d) == 0x08074b50 {
		d = d[4:]
	}
	return len(d) >= 12 && binary.LittleEndian.Uint32(d) == c.f.CRC32 && c.crc == c.f.CRC32
}
