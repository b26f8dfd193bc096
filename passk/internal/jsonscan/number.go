package jsonscan

import (
	"errors"
	"math"
	"strconv"
)

// cur returns the byte at pos, reading more input if needed; false at the
// end of the input.
func (s *Scanner) cur() (byte, bool) {
	if s.pos == s.end && !s.more() {
		return 0, false
	}
	return s.buf[s.pos], true
}

// take consumes the byte at pos, keeping it in val up to max bytes.
func (s *Scanner) take(max int) {
	if len(s.val) < max {
		s.val = append(s.val, s.buf[s.pos])
	} else {
		s.trunc = true
	}
	s.pos++
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits consumes a run of digits; there must be at least one, after what.
func (s *Scanner) digits(max int, after string) error {
	c, ok := s.cur()
	if !ok {
		return s.endAt(s.here(), "a digit after "+after+" in a number")
	}
	if !isDigit(c) {
		return s.fail(s.here(), ErrSyntax, "found %s after %s in a number, expected a digit", s.describeByte(), after)
	}
	for ok && isDigit(c) {
		s.take(max)
		c, ok = s.cur()
	}
	return nil
}

// scanNumber consumes the number at pos, keeping up to max bytes of its
// literal in val (trunc set if there were more). The grammar is RFC 8259's:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *Scanner) scanNumber(max int) error {
	s.val = s.val[:0]
	s.trunc = false
	// The common case: a valid number followed by a delimiter, all in
	// the buffer, read in one pass without a call per byte. Anything else
	// (an error, the end of the buffer) is left to scanNumberSlow.
	if n := numberLen(s.buf[s.pos:s.end]); n > 0 {
		s.val = append(s.val, s.buf[s.pos:s.pos+min(n, max)]...)
		s.trunc = n > max
		s.pos += n
		s.afterValue()
		return nil
	}
	return s.scanNumberSlow(max)
}

// numberLen returns the length of the valid number at the start of p when
// a delimiter follows it in p, else 0.
func numberLen(p []byte) int {
	i := 0
	if i < len(p) && p[i] == '-' {
		i++
	}
	switch {
	case i >= len(p):
		return 0
	case p[i] == '0':
		i++
	case '1' <= p[i] && p[i] <= '9':
		i++
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	default:
		return 0
	}
	if i < len(p) && p[i] == '.' {
		i++
		if i >= len(p) || !isDigit(p[i]) {
			return 0
		}
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	}
	if i < len(p) && (p[i] == 'e' || p[i] == 'E') {
		i++
		if i < len(p) && (p[i] == '+' || p[i] == '-') {
			i++
		}
		if i >= len(p) || !isDigit(p[i]) {
			return 0
		}
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	}
	if i < len(p) && delim[p[i]] {
		return i
	}
	return 0
}

// scanNumberSlow is scanNumber byte by byte, reading more input as needed
// and saying what is wrong.
func (s *Scanner) scanNumberSlow(max int) error {
	if c, _ := s.cur(); c == '-' {
		s.take(max)
	}
	c, ok := s.cur()
	switch {
	case !ok:
		return s.endAt(s.here(), "a digit after '-' in a number")
	case c == '0':
		s.take(max)
	case isDigit(c):
		if err := s.digits(max, "'-'"); err != nil {
			return err
		}
	default:
		return s.fail(s.here(), ErrSyntax, "found %s after '-' in a number, expected a digit", s.describeByte())
	}
	if c, ok = s.cur(); ok && c == '.' {
		s.take(max)
		if err := s.digits(max, "'.'"); err != nil {
			return err
		}
		c, ok = s.cur()
	}
	if ok && (c == 'e' || c == 'E') {
		s.take(max)
		if c, ok = s.cur(); ok && (c == '+' || c == '-') {
			s.take(max)
		}
		if err := s.digits(max, "the exponent's 'e'"); err != nil {
			return err
		}
	}
	s.afterValue()
	return s.checkDelim("")
}

// delim marks the bytes that may follow a number or literal.
var delim = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ',': true, ']': true, '}': true}

// checkDelim checks that the byte after a number or literal (lit; "" for
// the number in val) may follow it.
func (s *Scanner) checkDelim(lit string) error {
	if s.pos < s.end && delim[s.buf[s.pos]] {
		return nil
	}
	c, ok := s.cur()
	if !ok {
		return nil
	}
	switch c {
	case ' ', '\t', '\r', '\n', ',', ']', '}':
		return nil
	}
	what := lit
	if what == "" {
		const show = 32
		if len(s.val) > show {
			what = "the number " + string(s.val[:show]) + "…"
		} else {
			what = "the number " + string(s.val)
			if s.trunc {
				what += "…"
			}
		}
	}
	return s.fail(s.here(), ErrSyntax, "found %s after %s, expected ',', ']', '}', white space or the end of input", s.describeByte(), what)
}

// Errors of ParseInt and ParseFloat.
var (
	ErrRange      = errors.New("out of range")
	ErrNotInteger = errors.New("not a whole number")
)

// maxExact is the largest magnitude below which every integer is a float64.
const maxExact = 1 << 53

// ParseInt returns the value of a number literal (as ReadNumber returns it)
// that is a whole number: 7, -3, 7.0 and 7e2 are; 7.5 is not (ErrNotInteger).
// Values beyond int64, or beyond 2^53 when written with a fraction or an
// exponent, are ErrRange.
func ParseInt(lit []byte) (int64, error) {
	plain := true
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			plain = false
			break
		}
	}
	if plain {
		v, err := strconv.ParseInt(string(lit), 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return 0, ErrRange
			}
			return 0, ErrSyntax
		}
		return v, nil
	}
	f, err := ParseFloat(lit)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, ErrNotInteger
	}
	if math.Abs(f) > maxExact {
		return 0, ErrRange
	}
	return int64(f), nil
}

// ParseFloat returns the value of a number literal. A literal too large
// for a float64 (1e400) is ErrRange, never an infinity; one too small
// (1e-400) is 0.
func ParseFloat(lit []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			if math.IsInf(f, 0) {
				return 0, ErrRange
			}
			return f, nil
		}
		return 0, ErrSyntax
	}
	return f, nil
}
