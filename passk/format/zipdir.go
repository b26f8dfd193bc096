package format

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
)

// zipHeaderOffsets returns where the local file header of each of files
// (zr.File of the archive ra of size bytes, in directory order) starts, as
// archive/zip finds them, which it does not export. It reads the end of the
// archive and its central directory, one read each, and gives up (ok false)
// on anything it does not expect: a directory over maxDir bytes, one whose
// entries are not files' in order. The offsets only tell a MemberInflater
// where to look: what it gives is checked (see MemberInflater), so a wrong
// offset costs time, never a wrong read.
func zipHeaderOffsets(ra io.ReaderAt, size int64, files []*zip.File, maxDir int64) (offsets []int64, ok bool) {
	// The end of central directory record: 22 bytes and a comment of at
	// most 65,535, at the end of the archive.
	tail := min(size, 22+65535)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return nil, false
	}
	// The last signature whose comment fits, as archive/zip looks for it.
	p := len(buf)
	for {
		p = bytes.LastIndex(buf[:p], []byte("PK\x05\x06"))
		if p < 0 {
			return nil, false
		}
		if len(buf)-p >= 22 && p+22+int(binary.LittleEndian.Uint16(buf[p+20:])) <= len(buf) {
			break
		}
	}
	endOff := size - tail + int64(p)
	end := buf[p:]
	records := uint64(binary.LittleEndian.Uint16(end[10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(end[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(end[16:]))
	if records == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff {
		// Zip64: a locator just before the record gives where the zip64
		// end of central directory record is.
		if p < 20 || !bytes.Equal(buf[p-20:p-16], []byte("PK\x06\x07")) {
			return nil, false
		}
		at := int64(binary.LittleEndian.Uint64(buf[p-12:]))
		var end64 [56]byte
		if at < 0 || at > size-56 {
			return nil, false
		}
		if _, err := ra.ReadAt(end64[:], at); err != nil || !bytes.Equal(end64[:4], []byte("PK\x06\x06")) {
			return nil, false
		}
		endOff = at
		records = binary.LittleEndian.Uint64(end64[32:])
		dirSize = binary.LittleEndian.Uint64(end64[40:])
		dirOff = binary.LittleEndian.Uint64(end64[48:])
	}
	if records != uint64(len(files)) || dirSize > uint64(min(maxDir, size)) || dirOff > uint64(size) {
		return nil, false
	}
	// As archive/zip: the archive may start after other data (base), unless
	// the directory is where its end says without it.
	base := endOff - int64(dirSize) - int64(dirOff)
	dir := make([]byte, dirSize)
	read := func(at int64) bool {
		if at < 0 || at+int64(dirSize) > size {
			return false
		}
		_, err := ra.ReadAt(dir, at)
		return err == nil && bytes.HasPrefix(dir, []byte("PK\x01\x02"))
	}
	if base > 0 && read(int64(dirOff)) {
		base = 0
	} else if !read(base + int64(dirOff)) {
		return nil, false
	}
	offsets = make([]int64, len(files))
	for i, f := range files {
		if len(dir) < 46 || !bytes.Equal(dir[:4], []byte("PK\x01\x02")) {
			return nil, false
		}
		nameLen := int(binary.LittleEndian.Uint16(dir[28:]))
		extraLen := int(binary.LittleEndian.Uint16(dir[30:]))
		commentLen := int(binary.LittleEndian.Uint16(dir[32:]))
		n := 46 + nameLen + extraLen + commentLen
		if len(dir) < n || string(dir[46:46+nameLen]) != f.Name {
			return nil, false
		}
		off := uint64(binary.LittleEndian.Uint32(dir[42:]))
		if off == 0xffffffff {
			// In the zip64 extra field, after the sizes that are 0xffffffff
			// in the record.
			skip := 0
			if binary.LittleEndian.Uint32(dir[24:]) == 0xffffffff {
				skip += 8
			}
			if binary.LittleEndian.Uint32(dir[20:]) == 0xffffffff {
				skip += 8
			}
			found := false
			for extra := dir[46+nameLen : 46+nameLen+extraLen]; len(extra) >= 4; {
				tag, l := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
				if 4+l > len(extra) {
					break
				}
				if tag == 1 && l >= skip+8 {
					off, found = binary.LittleEndian.Uint64(extra[4+skip:]), true
					break
				}
				extra = extra[4+l:]
			}
			if !found {
				return nil, false
			}
		}
		if off > uint64(size) {
			return nil, false
		}
		offsets[i] = base + int64(off)
		dir = dir[n:]
	}
	return offsets, true
}
