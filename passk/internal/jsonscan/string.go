package jsonscan

import (
	"encoding/binary"
	"io"
	"math/bits"
	"unicode/utf8"
)

// SWAR constants: a byte repeated over a 64-bit word.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// special returns x with the high bit kept in each byte that needs
// attention inside a string, and every other bit clear: '"', '\\', a
// control character (< 0x20) or a non-ASCII byte (≥ 0x80). It is exact
// byte by byte (the sums work on 7-bit values and cannot carry into the
// next byte), so the lowest bit set marks the first such byte.
func special(x uint64) uint64 {
	t := x & (lo8 * 0x7F)
	ok := (t + lo8*0x60) & // ≥ 0x20
		((t ^ (lo8 * '"')) + lo8*0x7F) & // ≠ '"'
		((t ^ (lo8 * '\\')) + lo8*0x7F) // ≠ '\\'
	return (^ok | x) & hi8
}

// Byte classes inside a string.
const (
	cPlain  = iota // printable ASCII other than '"' and '\\'
	cStop          // '"', a control character, or a byte no UTF-8 sequence starts with
	cEscape        // '\\'
	cUTF2          // the first byte of a 2-byte sequence
	cUTF3          // the first byte of a 3-byte sequence
	cUTF4          // the first byte of a 4-byte sequence
)

var (
	class  [256]uint8
	simple [256]bool // the bytes that may follow '\\' in a one-letter escape
)

func init() {
	for c := range 256 {
		switch {
		case c < 0x20 || c == '"' || c == 0xC0 || c == 0xC1 || c > 0xF4:
			class[c] = cStop
		case c == '\\':
			class[c] = cEscape
		case c < 0x80:
			class[c] = cPlain
		case c < 0xC2:
			class[c] = cStop // a continuation byte, out of place
		case c < 0xE0:
			class[c] = cUTF2
		case c < 0xF0:
			class[c] = cUTF3
		default:
			class[c] = cUTF4
		}
	}
	for _, c := range []byte(`"\\/bfnrt`) {
		simple[c] = true
	}
}

// run returns the length of the longest prefix of p that is valid string
// content needing no decoding: printable ASCII other than '"' and '\\',
// and whole, valid multi-byte UTF-8 sequences; with esc set, also one-letter
// escapes (\n, \", …). It stops before anything else (the closing quote, a
// \u escape, an error, a sequence cut by the end of p), which the caller
// handles. It is the hot loop of skipping a string: it tests sixteen bytes
// per step, jumps straight to the first byte that needs a look, and takes
// the one-letter escapes and UTF-8 sequences of a word without leaving the
// loop.
func run(p []byte, esc bool) int {
	i := 0
	for {
		for i+16 <= len(p) {
			q := p[i : i+16 : i+16]
			m := special(binary.LittleEndian.Uint64(q[:8]))
			m2 := special(binary.LittleEndian.Uint64(q[8:]))
			if m|m2 == 0 {
				i += 16
				continue
			}
			if m == 0 {
				i += 8
				m = m2
			}
			// Consume the one-letter escapes and the valid UTF-8 sequences
			// of this word here, without leaving the loop: \n every line
			// of code is the common case.
			for {
				k := bits.TrailingZeros64(m) >> 3
				j := i + k
				var n int // bytes of the escape or sequence at j
				if c := p[j]; c == '\\' {
					if !esc || j+1 >= len(p) || !simple[p[j+1]] {
						i = j
						goto look
					}
					n = 2
				} else if n = utf8Len(p, j); n == 0 {
					i = j
					goto look
				}
				if k+n >= 8 { // it ends the word or runs into the next
					i = j + n
					break
				}
				m &^= 1<<((k+n)*8) - 1 // its bytes
				if m == 0 {
					i += 8
					break
				}
			}
		}
		if i >= len(p) {
			return i
		}
	look:
		if p[i] == '\\' { // the commonest: \n in code
			if !esc || i+1 >= len(p) || !simple[p[i+1]] {
				return i
			}
			i += 2
			continue
		}
		switch class[p[i]] {
		case cPlain:
			i++
		case cUTF2, cUTF3, cUTF4:
			n := utf8Len(p, i)
			if n == 0 {
				return i
			}
			i += n
		default:
			return i
		}
	}
}

// at returns the position i bytes after pos, on the same line.
func (s *Scanner) at(i int) Pos {
	p := s.here()
	p.Col += i
	p.Offset += int64(i)
	return p
}

// endAt records the error for input that ends at p, where expected says
// what was needed (or the reader's error, if it failed).
func (s *Scanner) endAt(p Pos, expected string) error {
	if s.rerr != nil && s.rerr != io.EOF {
		s.err = s.rerr
		return s.err
	}
	return s.fail(p, ErrUnexpectedEnd, "found end of input, expected %s", expected)
}

// add appends p to the string being read, up to max bytes in all.
func (s *Scanner) add(p []byte, max int) {
	if s.trunc {
		return
	}
	if room := max - len(s.val); len(p) > room {
		s.val = append(s.val, p[:room]...)
		s.trunc = true
		return
	}
	s.val = append(s.val, p...)
}

// scanString consumes the string at pos (its opening quote), validating
// it. When capture is set it keeps up to max bytes of the decoded text in
// val and sets trunc if there were more.
func (s *Scanner) scanString(max int, capture bool) error {
	start := s.tokPos
	s.val = s.val[:0]
	s.trunc = false
	s.pos++ // the opening quote
	for {
		if s.pos == s.end && !s.more() {
			return s.endAt(s.here(), `'"' to close the string that starts at `+start.String())
		}
		p := s.buf[s.pos:s.end]
		n := run(p, !capture)
		if capture && n > 0 {
			s.add(p[:n], max)
		}
		s.pos += n
		if n == len(p) {
			continue
		}
		c := p[n]
		switch {
		case c == '"':
			s.pos++
			return nil
		case c == '\\':
			if err := s.escape(max, capture); err != nil {
				return err
			}
		case c < 0x20:
			return s.fail(s.here(), ErrSyntax, "found control character U+%04X in a string, expected it escaped (as \\n, \\t or \\u%04X)", c, c)
		default:
			if err := s.utf8Run(max, capture); err != nil {
				return err
			}
		}
	}
}

// utf8Run consumes a run of multi-byte UTF-8 sequences at pos, rejecting
// invalid ones (overlong forms, surrogates, stray or missing continuation
// bytes).
func (s *Scanner) utf8Run(max int, capture bool) error {
	start := s.pos
	for s.pos < s.end && s.buf[s.pos] >= 0x80 {
		if s.end-s.pos < utf8.UTFMax && !utf8.FullRune(s.buf[s.pos:s.end]) {
			if capture {
				s.add(s.buf[start:s.pos], max)
			}
			if !s.more() {
				if s.rerr != io.EOF {
					return s.endAt(s.here(), "")
				}
				return s.fail(s.here(), ErrSyntax, "found invalid UTF-8 (a cut sequence starting with byte 0x%02X) in a string, expected UTF-8 text", s.buf[s.pos])
			}
			start = s.pos
			if utf8.FullRune(s.buf[s.pos:s.end]) || s.rerr == nil {
				continue
			}
		}
		r, size := utf8.DecodeRune(s.buf[s.pos:s.end])
		if r == utf8.RuneError && size <= 1 {
			return s.fail(s.here(), ErrSyntax, "found invalid UTF-8 (byte 0x%02X) in a string, expected UTF-8 text", s.buf[s.pos])
		}
		s.pos += size
	}
	if capture {
		s.add(s.buf[start:s.pos], max)
	}
	return nil
}

// utf8Len returns the length of the valid, whole UTF-8 sequence of two to
// four bytes at p[j], or 0.
func utf8Len(p []byte, j int) int {
	c := p[j]
	switch class[c] {
	case cUTF2:
		if j+1 < len(p) && p[j+1]&0xC0 == 0x80 {
			return 2
		}
	case cUTF3:
		if j+2 < len(p) && p[j+2]&0xC0 == 0x80 {
			lo, hi := byte(0x80), byte(0xBF)
			switch c {
			case 0xE0:
				lo = 0xA0 // no overlong forms
			case 0xED:
				hi = 0x9F // no surrogates
			}
			if d := p[j+1]; lo <= d && d <= hi {
				return 3
			}
		}
	case cUTF4:
		if j+3 < len(p) && p[j+2]&0xC0 == 0x80 && p[j+3]&0xC0 == 0x80 {
			lo, hi := byte(0x80), byte(0xBF)
			switch c {
			case 0xF0:
				lo = 0x90 // no overlong forms
			case 0xF4:
				hi = 0x8F // nothing beyond U+10FFFF
			}
			if d := p[j+1]; lo <= d && d <= hi {
				return 4
			}
		}
	}
	return 0
}

// escape consumes the escape sequence at pos (its backslash).
func (s *Scanner) escape(max int, capture bool) error {
	if !s.ensure(2) {
		return s.endAt(s.at(1), "an escape sequence after '\\'")
	}
	var out byte
	switch e := s.buf[s.pos+1]; e {
	case '"', '\\', '/':
		out = e
	case 'b':
		out = '\b'
	case 'f':
		out = '\f'
	case 'n':
		out = '\n'
	case 'r':
		out = '\r'
	case 't':
		out = '\t'
	case 'u':
		return s.escapeU(max, capture)
	default:
		s.pos++
		return s.fail(s.here(), ErrSyntax, "found %s after '\\' in a string, expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX", s.describeByte())
	}
	if capture && !s.trunc {
		if len(s.val) < max {
			s.val = append(s.val, out)
		} else {
			s.trunc = true
		}
	}
	s.pos += 2
	return nil
}

// hex4 decodes the four hex digits at pos+i.
func (s *Scanner) hex4(i int) (rune, error) {
	s.ensure(i + 4)
	var r rune
	for j := i; j < i+4; j++ {
		if s.pos+j >= s.end {
			return 0, s.endAt(s.at(j), "a hex digit in a \\u escape")
		}
		c := s.buf[s.pos+j]
		var h byte
		switch {
		case '0' <= c && c <= '9':
			h = c - '0'
		case 'a' <= c && c <= 'f':
			h = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			h = c - 'A' + 10
		default:
			s.pos += j
			return 0, s.fail(s.here(), ErrSyntax, "found %s in a \\u escape, expected a hex digit", s.describeByte())
		}
		r = r<<4 | rune(h)
	}
	return r, nil
}

// escapeU consumes a \uXXXX escape, and a second one when the two are a
// UTF-16 surrogate pair. An unpaired surrogate reads as U+FFFD.
func (s *Scanner) escapeU(max int, capture bool) error {
	r, err := s.hex4(2)
	if err != nil {
		return err
	}
	size := 6
	switch {
	case 0xD800 <= r && r < 0xDC00:
		s.ensure(12)
		r2 := rune(-1)
		if s.end-s.pos >= 12 && s.buf[s.pos+6] == '\\' && s.buf[s.pos+7] == 'u' {
			if r2, err = s.hex4(8); err != nil {
				return err
			}
		}
		if 0xDC00 <= r2 && r2 < 0xE000 {
			r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
			size = 12
		} else {
			r = utf8.RuneError
		}
	case 0xDC00 <= r && r < 0xE000:
		r = utf8.RuneError
	}
	if capture {
		var b [utf8.UTFMax]byte
		n := utf8.EncodeRune(b[:], r)
		s.add(b[:n], max)
	}
	s.pos += size
	return nil
}
