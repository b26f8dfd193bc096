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
	// notSimple is 1 for the bytes that may not: for branch-free tests.
	notSimple [256]uint8
	isHex     [256]bool
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
	for c := range 256 {
		if !simple[c] {
			notSimple[c] = 1
		}
		isHex[c] = '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
	}
}

// run returns the length of the longest prefix of p that is valid string
// content needing no decoding: printable ASCII other than '"' and '\\',
// and whole, valid multi-byte UTF-8 sequences; with esc set (skipping),
// also escapes: one-letter ones (\n, \", …) and \u with four hex digits
// (all that skipping checks of them: a surrogate, paired or not, is
// accepted). It stops before anything else (the closing quote, an escape
// without esc, an error, a sequence or escape cut by the end of p), which
// the caller handles. It is the hot loop of skipping a string: with esc set
// it works on 64-byte blocks (see blocks), and runWords does the rest.
func run(p []byte, esc bool) int {
	if !esc {
		return runWords(p, false)
	}
	i := 0
	win := blockSize // how far the word loop goes after a non-ASCII byte
	for {
		n, stopped := blocks(p[i:])
		if n >= blockSize {
			win = blockSize // mostly ASCII: back to blocks soon
		}
		i += n
		if !stopped {
			return i + runWords(p[i:], true)
		}
		if p[i] < 0x80 {
			if p[i] == '\\' && i+6 <= len(p) && p[i+1] == 'u' && isHex4(p[i+2:i+6]) {
				i += 6 // a \u escape across two blocks
				continue
			}
			return i // the closing quote, a control character or a bad escape
		}
		// Non-ASCII: the word loop takes UTF-8 sequences in its stride.
		// Give it a window that grows while the text stays dense in
		// them, then go back to blocks.
		n = runWords(p[i:min(len(p), i+win)], true)
		if n == 0 {
			return i // invalid or cut UTF-8: the caller says which
		}
		i += n
		win = min(2*win, 64*blockSize)
	}
}

// blockSize is the stride of blocks.
const blockSize = 64

// evenBits has the bits of the even positions of a 64-bit mask set.
const evenBits = 0x5555555555555555

// gather gathers the high bits of a word's eight bytes: for m with only
// those bits set, m*gather>>56 has byte i's bit at bit i. The product puts
// byte i's bit (at 8i+7) at position 56+i, and every other term at a
// position of its own, so no two terms meet and nothing carries.
const gather = 0x0002040810204081 // bit 7k set for k = 0…7

// nonzero returns 1 when x is not 0, else 0, without a branch.
func nonzero(x uint64) uint8 { return uint8((x | -x) >> 63) }

// blocks consumes string content from the start of p, 64 bytes at a time,
// in the manner of simdjson (Langdale and Lemire, "Parsing gigabytes of
// JSON per second", 2019): it builds a 64-bit mask of the block's
// backslashes and one of its quotes, control and non-ASCII bytes, works
// out from the backslashes which bytes are escaped (a run of backslashes
// escapes every other byte after its start, carried from block to block),
// and so finds the closing quote without a branch per escape. The escaped
// bytes of a block are checked against the one-letter escapes by table
// look-ups, without a branch for up to four of them; a \u escape takes a
// slower loop, and is taken whole when its hex digits are in the block.
//
// It returns n, how far the content is valid, always at a byte that starts
// something (never inside an escape), and stopped: true when p[n] needs a
// look (the closing quote, a control character, a non-ASCII byte, an
// invalid escape or a \u escape that ends in the next block: n is then at
// its backslash), false when fewer than 64 bytes were left to look at.
func blocks(p []byte) (n int, stopped bool) {
	i := 0
	var prev uint64 // 1 when p[i] is escaped by the backslash at p[i-1]
	for i+blockSize <= len(p) {
		b := (*[blockSize]byte)(p[i : i+blockSize])
		// Classify the bytes of the block's eight words, unrolled by hand:
		// bs gets the high bit of each '\\', s that of each '"', control
		// character (below 0x20) and non-ASCII byte. (x^0x02 maps '"' to
		// 0x20 and the control characters onto themselves, so those are
		// the bytes where it is below 0x21.) The sums may carry out of a
		// non-ASCII byte into the next, so a word is classified exactly up
		// to its first non-ASCII byte, included; that is enough, as that
		// byte either stops the loop or is an escaped byte that fails the
		// escape check, and nothing after a stop is used (the escapes of a
		// byte depend on the bytes before it).
		x0 := binary.LittleEndian.Uint64(b[0:8])
		bs0 := hi8 &^ ((x0 ^ (lo8 * '\\')) + lo8*0x7F)
		s0 := hi8 & (x0 | ^((x0 ^ (lo8 * 0x02)) + lo8*0x5F))
		x1 := binary.LittleEndian.Uint64(b[8:16])
		bs1 := hi8 &^ ((x1 ^ (lo8 * '\\')) + lo8*0x7F)
		s1 := hi8 & (x1 | ^((x1 ^ (lo8 * 0x02)) + lo8*0x5F))
		x2 := binary.LittleEndian.Uint64(b[16:24])
		bs2 := hi8 &^ ((x2 ^ (lo8 * '\\')) + lo8*0x7F)
		s2 := hi8 & (x2 | ^((x2 ^ (lo8 * 0x02)) + lo8*0x5F))
		x3 := binary.LittleEndian.Uint64(b[24:32])
		bs3 := hi8 &^ ((x3 ^ (lo8 * '\\')) + lo8*0x7F)
		s3 := hi8 & (x3 | ^((x3 ^ (lo8 * 0x02)) + lo8*0x5F))
		x4 := binary.LittleEndian.Uint64(b[32:40])
		bs4 := hi8 &^ ((x4 ^ (lo8 * '\\')) + lo8*0x7F)
		s4 := hi8 & (x4 | ^((x4 ^ (lo8 * 0x02)) + lo8*0x5F))
		x5 := binary.LittleEndian.Uint64(b[40:48])
		bs5 := hi8 &^ ((x5 ^ (lo8 * '\\')) + lo8*0x7F)
		s5 := hi8 & (x5 | ^((x5 ^ (lo8 * 0x02)) + lo8*0x5F))
		x6 := binary.LittleEndian.Uint64(b[48:56])
		bs6 := hi8 &^ ((x6 ^ (lo8 * '\\')) + lo8*0x7F)
		s6 := hi8 & (x6 | ^((x6 ^ (lo8 * 0x02)) + lo8*0x5F))
		x7 := binary.LittleEndian.Uint64(b[56:64])
		bs7 := hi8 &^ ((x7 ^ (lo8 * '\\')) + lo8*0x7F)
		s7 := hi8 & (x7 | ^((x7 ^ (lo8 * 0x02)) + lo8*0x5F))
		// One 64-bit mask of each, a bit per byte.
		bs := bs0*gather>>56 | bs1*gather>>56<<8 | bs2*gather>>56<<16 | bs3*gather>>56<<24 |
			bs4*gather>>56<<32 | bs5*gather>>56<<40 | bs6*gather>>56<<48 | bs7*gather>>56<<56
		st := s0*gather>>56 | s1*gather>>56<<8 | s2*gather>>56<<16 | s3*gather>>56<<24 |
			s4*gather>>56<<32 | s5*gather>>56<<40 | s6*gather>>56<<48 | s7*gather>>56<<56
		if bs|st|prev == 0 {
			i += blockSize
			continue
		}
		// Escaped bytes. A backslash escaped from the previous block
		// starts nothing. follows marks the bytes after a backslash (or
		// a run of them); in a run that starts at an even position the
		// escaped bytes are at odd positions, and the other way round.
		// Adding the starts of the runs at odd positions to the mask
		// clears those runs (carrying out past bit 63 when such a run
		// reaches the end of the block: the next block's first byte is
		// escaped); what is left marks the runs whose escaped bytes are
		// at odd positions.
		bsl := bs &^ prev
		follows := bsl<<1 | prev
		oddStarts := bsl &^ evenBits &^ follows
		evenRuns, carry := bits.Add64(oddStarts, bsl, 0)
		escaped := (evenBits ^ evenRuns<<1) & follows

		// Stop at the first unescaped quote, control character or
		// non-ASCII byte (an escaped one is a bad escape); up to there,
		// every escaped byte must make an escape: '\\' does (bs&^st: not
		// a non-ASCII byte, whose bs bit may be wrong), any other is
		// looked up.
		stop := st &^ escaped
		e0 := escaped &^ (bs &^ st) & (stop ^ (stop - 1)) // an escaped '\\' is fine
		e1 := e0 & (e0 - 1)
		e2 := e1 & (e1 - 1)
		e3 := e2 & (e2 - 1)
		bad := notSimple[b[bits.TrailingZeros64(e0)&(blockSize-1)]]&nonzero(e0) |
			notSimple[b[bits.TrailingZeros64(e1)&(blockSize-1)]]&nonzero(e1) |
			notSimple[b[bits.TrailingZeros64(e2)&(blockSize-1)]]&nonzero(e2) |
			notSimple[b[bits.TrailingZeros64(e3)&(blockSize-1)]]&nonzero(e3) |
			nonzero(e3&(e3-1)) // more than four: look at them all
		if bad != 0 {
			for e := e0; e != 0; e &= e - 1 {
				j := bits.TrailingZeros64(e)
				if notSimple[b[j&(blockSize-1)]] != 0 && !(b[j&(blockSize-1)] == 'u' && j+4 < blockSize && isHex4(b[j+1:j+5])) {
					return i + j - 1, true // its backslash
				}
			}
		}
		if stop != 0 {
			return i + bits.TrailingZeros64(stop), true
		}
		prev = carry
		i += blockSize
	}
	if prev != 0 {
		i-- // end before the backslash whose escape is cut
	}
	return i, false
}

// runWords is run's result computed eight and sixteen bytes at a time: it
// jumps straight to the first byte that needs a look, and takes the
// one-letter escapes and UTF-8 sequences of a word without leaving its
// loop, but each escape costs a branch that the processor cannot predict.
// run uses it for strings being read (esc unset), for text dense in
// non-ASCII, and for the last bytes of p.
func runWords(p []byte, esc bool) int {
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
				if c := p[j]; c == '"' {
					return j // the commonest stop: the end of the string
				} else if c == '\\' {
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
			switch {
			case !esc || i+1 >= len(p):
				return i
			case simple[p[i+1]]:
				i += 2
			case p[i+1] == 'u' && i+6 <= len(p) && isHex4(p[i+2:i+6]):
				i += 6
			default:
				return i
			}
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

// isHex4 reports whether p (four bytes) is four hex digits.
func isHex4(p []byte) bool {
	return isHex[p[0]] && isHex[p[1]] && isHex[p[2]] && isHex[p[3]]
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
	s.val = s.val[:0]
	s.trunc = false
	s.pos++ // the opening quote
	p := s.buf[s.pos:s.end]
	if !capture {
		// Skipping a string that ends in the buffer, the common case,
		// without the loop's cases.
		n, whole := stringLen(p)
		s.pos += n
		if whole {
			s.pos++
			return nil
		}
		return s.scanStringRest(max, capture)
	}
	// A short string of plain ASCII, the commonest string read (keys,
	// ids, answers): see stringLen.
	if len(p) > 16 {
		if n := plainPrefix(p); p[n] == '"' && n <= max {
			s.val = append(s.val, p[:n]...)
			s.pos += n + 1
			return nil
		}
	}
	return s.scanStringRest(max, capture)
}

// plainPrefix returns the number of plain ASCII bytes (printable, other
// than '"' and '\\') that p (at least 16 bytes) starts with, up to 16.
func plainPrefix(p []byte) int {
	if m := special(binary.LittleEndian.Uint64(p[:8])); m != 0 {
		return bits.TrailingZeros64(m) >> 3
	}
	if m := special(binary.LittleEndian.Uint64(p[8:16])); m != 0 {
		return 8 + bits.TrailingZeros64(m)>>3
	}
	return 16
}

// stringLen skips the content of a string in p, which starts after its
// opening quote: it returns n, how far the content is valid, and whether
// p[n] is the closing quote. When it is not, p[n] needs scanStringRest's
// care (an escape or UTF-8 sequence cut by the end of p, or an error).
// A short string of plain ASCII, common in records (ids, answers, flags
// as text), ends at the first byte of its first sixteen that special
// marks, without run's blocks of 64 bytes, which would cost more than the
// string.
func stringLen(p []byte) (int, bool) {
	n := 0
	if len(p) > 16 {
		if n = plainPrefix(p); p[n] == '"' {
			return n, true
		}
	}
	n += run(p[n:], true)
	return n, n < len(p) && p[n] == '"'
}

// scanStringRest is scanString from pos, inside the string.
func (s *Scanner) scanStringRest(max int, capture bool) error {
	start := s.tokPos
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
