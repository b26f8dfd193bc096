package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decode reads one value with the scanner into the shapes encoding/json
// uses with UseNumber.
func decode(s *Scanner) (any, error) {
	k, err := s.Peek()
	if err != nil {
		return nil, err
	}
	switch k {
	case ObjectStart:
		if _, err := s.Next(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for {
			k, err := s.Peek()
			if err != nil {
				return nil, err
			}
			if k == ObjectEnd {
				_, err := s.Next()
				return m, err
			}
			key, err := s.ReadString()
			if err != nil {
				return nil, err
			}
			name := string(key)
			v, err := decode(s)
			if err != nil {
				return nil, err
			}
			m[name] = v
		}
	case ArrayStart:
		if _, err := s.Next(); err != nil {
			return nil, err
		}
		a := []any{}
		for {
			k, err := s.Peek()
			if err != nil {
				return nil, err
			}
			if k == ArrayEnd {
				_, err := s.Next()
				return a, err
			}
			v, err := decode(s)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case String:
		b, err := s.ReadString()
		return string(b), err
	case Number:
		b, err := s.ReadNumber()
		return json.Number(b), err
	case True, False, Null:
		if _, err := s.Next(); err != nil {
			return nil, err
		}
		switch k {
		case True:
			return true, nil
		case False:
			return false, nil
		}
		return nil, nil
	}
	return nil, s.Skip() // End: Skip reports it
}

// decodeOne reads exactly one value and the end of input.
func decodeOne(in []byte, opt *Options, oneByte bool) (any, error) {
	var r io.Reader = bytes.NewReader(in)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	s := NewScanner(r, opt)
	v, err := decode(s)
	if err != nil {
		return nil, err
	}
	k, err := s.Peek()
	if err != nil {
		return nil, err
	}
	if k != End {
		return nil, &Error{Pos: s.Pos(), Err: fmt.Errorf("found %v after the value", k)}
	}
	return v, nil
}

// skipOne skips exactly one value and checks the end of input.
func skipOne(in []byte, opt *Options) error {
	s := NewScanner(bytes.NewReader(in), opt)
	if err := s.Skip(); err != nil {
		return err
	}
	k, err := s.Peek()
	if err != nil {
		return err
	}
	if k != End {
		return &Error{Pos: s.Pos(), Err: fmt.Errorf("found %v after the value", k)}
	}
	return nil
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"a": [1, -2.5e+3, 0, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}}`,
		`[]`, `[[[]]]`, `"é日本"`, `-0`, `0.5`, `1E9`, `{"k":"\ud800"}`, `"\udc00\ud800x"`,
		"\t\r\n 7 \n",
	} {
		want, err := stdDecode([]byte(in))
		require.NoError(t, err, in)
		for _, opt := range []*Options{nil, {BufferSize: 16}} {
			got, err := decodeOne([]byte(in), opt, false)
			require.NoError(t, err, in)
			assert.Equal(t, want, got, in)
			got, err = decodeOne([]byte(in), opt, true)
			require.NoError(t, err, in)
			assert.Equal(t, want, got, in)
			assert.NoError(t, skipOne([]byte(in), opt), in)
		}
	}
}

func stdDecode(in []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(in))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// TestErrors checks the message and position of each kind of syntax error.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		is   error
	}{
		{`{"a":1,}`, `1:8: found '}', expected a string key`, ErrSyntax},
		{`[1,]`, `1:4: found ']', expected a value`, ErrSyntax},
		{`[1 2]`, `1:4: found '2', expected ',' or ']'`, ErrSyntax},
		{`{"a" 1}`, `1:6: found '1', expected ':' after the object key`, ErrSyntax},
		{`{"a":1 "b":2}`, `1:8: found '"', expected ',' or '}'`, ErrSyntax},
		{`{1:2}`, `1:2: found '1', expected a string key or '}'`, ErrSyntax},
		{"\n\n  x", `3:3: found 'x', expected a value`, ErrSyntax},
		{`{"a":"b\x"}`, `1:9: found 'x' after '\' in a string, expected an escape: \" \\ \/ \b \f \n \r \t or \uXXXX`, ErrSyntax},
		{`"\u12G4"`, `1:6: found 'G' in a \u escape, expected a hex digit`, ErrSyntax},
		{"[\"a\tb\"]", `1:4: found control character U+0009 in a string, expected it escaped (as \n, \t or \u0009)`, ErrSyntax},
		{"\"ab\xffc\"", `1:4: found invalid UTF-8 (byte 0xFF) in a string, expected UTF-8 text`, ErrSyntax},
		{"\"\xed\xa0\x80\"", `1:2: found invalid UTF-8 (byte 0xED) in a string, expected UTF-8 text`, ErrSyntax},
		{"\"\xc3", `1:2: found invalid UTF-8 (a cut sequence starting with byte 0xC3) in a string, expected UTF-8 text`, ErrSyntax},
		{`"abc`, `1:5: found end of input, expected '"' to close the string that starts at 1:1`, ErrUnexpectedEnd},
		{`{"a":`, `1:6: found end of input, expected a value`, ErrUnexpectedEnd},
		{`[1,`, `1:4: found end of input, expected a value`, ErrUnexpectedEnd},
		{`{"a":1`, `1:7: found end of input, expected ',' or '}'`, ErrUnexpectedEnd},
		{`01`, `1:2: found '1' after the number 0, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`-`, `1:2: found end of input, expected a digit after '-' in a number`, ErrUnexpectedEnd},
		{`-a`, `1:2: found 'a' after '-' in a number, expected a digit`, ErrSyntax},
		{`1.`, `1:3: found end of input, expected a digit after '.' in a number`, ErrUnexpectedEnd},
		{`1.e5`, `1:3: found 'e' after '.' in a number, expected a digit`, ErrSyntax},
		{`1e+`, `1:4: found end of input, expected a digit after the exponent's 'e' in a number`, ErrUnexpectedEnd},
		{`[1e5x]`, `1:5: found 'x' after the number 1e5, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`[tru]`, `1:2: found "tru]", expected true`, ErrSyntax},
		{`nul`, `1:1: found "nul" and the end of input, expected null`, ErrUnexpectedEnd},
		{`[falsey]`, `1:7: found 'y' after false, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`[é]`, `1:2: found 'é' (U+00E9), expected a value or ']'`, ErrSyntax},
		{"[\x00]", `1:2: found control character U+0000, expected a value or ']'`, ErrSyntax},
		{"\xef\xbb\xbf{\"a\":x}", `1:6: found 'x', expected a value`, ErrSyntax},
		{"{\"a\":\r\n  'b'}", `2:3: found "'", expected a value`, ErrSyntax},
		{`"\`, `1:3: found end of input, expected an escape sequence after '\'`, ErrUnexpectedEnd},
		{`"\u12`, `1:6: found end of input, expected a hex digit in a \u escape`, ErrUnexpectedEnd},
		// After elements that Skip's fast loops (skipElements) take, the same errors at the same places.
		{`[1, 2, 01]`, `1:9: found '1' after the number 0, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`["a", "b", "c\x"]`, `1:15: found 'x' after '\' in a string, expected an escape: \" \\ \/ \b \f \n \r \t or \uXXXX`, ErrSyntax},
		{`[null, nul]`, `1:8: found "nul]", expected null`, ErrSyntax},
		{`[true, truex]`, `1:12: found 'x' after true, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`[false, fals]`, `1:9: found "fals]", expected false`, ErrSyntax},
		{`{"a": 1, "b": 2, "c" 3}`, `1:22: found '3', expected ':' after the object key`, ErrSyntax},
		{`["a", "b"  "c"]`, `1:12: found '"', expected ',' or ']'`, ErrSyntax},
		{`{"a": "x", "b": "y\u12G4"}`, `1:23: found 'G' in a \u escape, expected a hex digit`, ErrSyntax},
		{`[1, 2, -]`, `1:9: found ']' after '-' in a number, expected a digit`, ErrSyntax},
		{`[1, 2.5, 3e]`, `1:12: found ']' after the exponent's 'e' in a number, expected a digit`, ErrSyntax},
		{"[\"a\", \"b\tc\"]", `1:9: found control character U+0009 in a string, expected it escaped (as \n, \t or \u0009)`, ErrSyntax},
		{`{"a": true, "b": false, "c": nulL}`, `1:30: found "nulL", expected null`, ErrSyntax},
		{`[1, 2, 3`, `1:9: found end of input, expected ',' or ']'`, ErrUnexpectedEnd},
		{`{"a": 1, "b": 2,}`, `1:17: found '}', expected a string key`, ErrSyntax},
		{`[1, 2, 3,]`, `1:10: found ']', expected a value`, ErrSyntax},
		{`{"a": 1, "b": [1, 2], "c": 01}`, `1:29: found '1' after the number 0, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
		{`["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"", 1x]`, `1:82: found 'x' after the number 1, expected ',', ']', '}', white space or the end of input`, ErrSyntax},
	} {
		for _, opt := range []*Options{nil, {BufferSize: 16}} {
			_, err := decodeOne([]byte(tc.in), opt, false)
			require.Error(t, err, tc.in)
			assert.Equal(t, tc.want, err.Error(), "decode %q", tc.in)
			assert.ErrorIs(t, err, tc.is, tc.in)
			var se *Error
			if assert.ErrorAs(t, err, &se, tc.in) {
				assert.Greater(t, se.Line, 0)
			}
			err = skipOne([]byte(tc.in), opt)
			require.Error(t, err, tc.in)
			assert.Equal(t, tc.want, err.Error(), "skip %q", tc.in)
		}
	}
}

// TestReset reads documents one after another with one Scanner, as the
// Inspect reader does with the members of an archive: each from its
// start, whatever the last one left (an error, a byte order mark, a deep
// nesting, a long string).
func TestReset(t *testing.T) {
	s := NewScanner(strings.NewReader(`{"a": [1, "`+strings.Repeat("x", 100)+`"`), &Options{BufferSize: 16})
	_, err := decode(s)
	require.EqualError(t, err, "1:113: found end of input, expected ',' or ']'")
	for _, tc := range []struct{ in, want string }{
		{"\xef\xbb\xbf{\"b\": [true]}", ""},
		{"\n\n  [1, 2, x]", "3:10: found 'x', expected a value"},
		{`"` + strings.Repeat("é", 50) + `"`, ""},
		{`[[[[]]]]`, ""},
	} {
		s.Reset(strings.NewReader(tc.in))
		assert.Equal(t, 0, s.Depth(), tc.in)
		want, werr := decodeOne([]byte(tc.in), &Options{BufferSize: 16}, false)
		got, err := decode(s)
		if err == nil {
			k, perr := s.Peek()
			err = perr
			assert.Equal(t, End, k, tc.in)
		}
		if tc.want != "" {
			assert.EqualError(t, err, tc.want, tc.in)
			assert.EqualError(t, werr, tc.want, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, want, got, tc.in)
	}
}

// TestBool checks Bool: it consumes true and false, and nothing else.
func TestBool(t *testing.T) {
	for _, opt := range []*Options{nil, {BufferSize: 16}} {
		s := NewScanner(strings.NewReader(`[true, false,   true, 1, "true", null, tru, true]`), opt)
		_, err := s.Next()
		require.NoError(t, err)
		var got []string
		for {
			v, ok, err := s.Bool()
			if err != nil {
				got = append(got, err.Error())
				break
			}
			if ok {
				got = append(got, fmt.Sprint(v))
				continue
			}
			k, err := s.Next() // what Bool left
			if err != nil {
				got = append(got, err.Error())
				break
			}
			if k == ArrayEnd {
				break
			}
			got = append(got, k.String())
		}
		// A literal cut by the end of the small buffer is left to Next.
		assert.Equal(t, []string{"true", "false", "true", "number", "string", "null", `1:40: found "tru,", expected true`}, got)
	}
}

// TestTokensAtBufferEnds reads arrays of short strings, numbers and
// literals whose tokens end at every position of a small buffer, as Next,
// Skip and its fast loops and ReadString see them.
func TestTokensAtBufferEnds(t *testing.T) {
	for size := 16; size <= 40; size++ {
		for pad := range 24 {
			for _, elem := range []string{`"` + strings.Repeat("a", pad) + `"`, `"a\nb` + strings.Repeat("c", pad) + `"`,
				strings.Repeat("1", pad+1), "-0.5e+7", "null", "true", "false", `{"k": "` + strings.Repeat("v", pad) + `", "n": 1}`} {
				in := []byte(`[` + strings.Repeat(" ", pad%3) + strings.Repeat(elem+", ", 3) + elem + `]`)
				want, err := stdDecode(in)
				require.NoError(t, err, "%s", in)
				got, err := decodeOne(in, &Options{BufferSize: size}, false)
				require.NoError(t, err, "%s", in)
				assert.Equal(t, want, got, "%s", in)
				require.NoError(t, skipOne(in, &Options{BufferSize: size}), "buffer %d: %s", size, in)
			}
		}
	}
}

func TestDepth(t *testing.T) {
	in := strings.Repeat("[", 5) + strings.Repeat("]", 5)
	assert.NoError(t, skipOne([]byte(in), &Options{MaxDepth: 5}))
	in = strings.Repeat("[", 6) + strings.Repeat("]", 6)
	err := skipOne([]byte(in), &Options{MaxDepth: 5})
	assert.EqualError(t, err, "1:6: found more than 5 nested arrays and objects, expected at most 5")
	assert.ErrorIs(t, err, ErrDepth)

	deep := strings.Repeat(`{"a":[`, DefaultMaxDepth)
	err = skipOne([]byte(deep), nil)
	assert.ErrorIs(t, err, ErrDepth)
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Line)
	assert.Equal(t, 6*DefaultMaxDepth/2+1, se.Col)
}

func TestTooLong(t *testing.T) {
	in := `["` + strings.Repeat("x", 100) + `", 1]`
	_, err := decodeOne([]byte(in), &Options{MaxString: 50}, false)
	assert.EqualError(t, err, "1:2: found a string longer than 50 bytes, expected a shorter one")
	assert.ErrorIs(t, err, ErrTooLong)
	assert.NoError(t, skipOne([]byte(in), &Options{MaxString: 50}))

	s := NewScanner(strings.NewReader(in), &Options{MaxString: 50})
	_, err = s.Next()
	require.NoError(t, err)
	b, complete, err := s.ReadStringPrefix(10)
	require.NoError(t, err)
	assert.False(t, complete)
	assert.Equal(t, "xxxxxxxxxx", string(b))
	b, err = s.ReadNumber()
	require.NoError(t, err)
	assert.Equal(t, "1", string(b))

	_, err = decodeOne([]byte("1"+strings.Repeat("0", 60)), &Options{MaxString: 50}, false)
	assert.EqualError(t, err, "1:1: found a number longer than 50 bytes, expected a shorter one")
}

func TestPositions(t *testing.T) {
	in := "\xef\xbb\xbf{\"a\": [1, \"é\", true],\r\n \"bb\": null}\n\n{}"
	s := NewScanner(strings.NewReader(in), &Options{BufferSize: 16})
	type tok struct {
		k    Kind
		line int
		col  int
	}
	var got []tok
	for {
		k, err := s.Peek()
		require.NoError(t, err)
		got = append(got, tok{k, s.Pos().Line, s.Pos().Col})
		if k == End {
			break
		}
		_, err = s.Next()
		require.NoError(t, err)
	}
	assert.Equal(t, []tok{
		{ObjectStart, 1, 1}, {String, 1, 2}, {ArrayStart, 1, 7}, {Number, 1, 8}, {String, 1, 11},
		{True, 1, 17}, {ArrayEnd, 1, 21}, {String, 2, 2}, {Null, 2, 8}, {ObjectEnd, 2, 12},
		{ObjectStart, 4, 1}, {ObjectEnd, 4, 2}, {End, 4, 3},
	}, got)
}

func TestDescribe(t *testing.T) {
	in := `["yes", 12.5, {"a": [1]}, [], null, true, "` + strings.Repeat("é", 30) + `", "a\"b"]`
	s := NewScanner(strings.NewReader(in), nil)
	_, err := s.Next()
	require.NoError(t, err)
	var got []string
	for {
		if k, _ := s.Peek(); k == ArrayEnd {
			break
		}
		d, err := s.Describe(9)
		require.NoError(t, err)
		got = append(got, d)
	}
	assert.Equal(t, []string{`string "yes"`, `number 12.5`, `an object`, `an array`, `null`, `true`, `string "éééé"…`, `string "a\"b"`}, got)
}

func TestSkipKeyAndInKey(t *testing.T) {
	s := NewScanner(strings.NewReader(`{"skip": {"x": [1, {"y": "z"}]}, "k": 2}`), nil)
	_, err := s.Next()
	require.NoError(t, err)
	assert.True(t, s.InKey())
	require.NoError(t, s.Skip()) // the key alone
	assert.False(t, s.InKey())
	require.NoError(t, s.Skip()) // its value
	assert.Equal(t, 10, s.Pos().Col)
	key, err := s.ReadString()
	require.NoError(t, err)
	assert.Equal(t, "k", string(key))
	n, err := s.ReadNumber()
	require.NoError(t, err)
	assert.Equal(t, "2", string(n))
	k, err := s.Next()
	require.NoError(t, err)
	assert.Equal(t, ObjectEnd, k)
	k, err = s.Next()
	require.NoError(t, err)
	assert.Equal(t, End, k)
	assert.Equal(t, End, must(s.Next()))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestLongStringsSmallBuffer streams strings far longer than the buffer,
// with escapes and multi-byte runes cut at every possible buffer boundary.
func TestLongStringsSmallBuffer(t *testing.T) {
	unit := `ab\"c\\d\u00e9\ud83d\ude00é日😀\n` + strings.Repeat("x", 13)
	body := strings.Repeat(unit, 50)
	in := `{"s": "` + body + `", "n": 1}`
	want, err := stdDecode([]byte(in))
	require.NoError(t, err)
	for size := minBufferSize; size < minBufferSize+40; size++ {
		got, err := decodeOne([]byte(in), &Options{BufferSize: size}, false)
		require.NoError(t, err, size)
		require.Equal(t, want, got, size)
		require.NoError(t, skipOne([]byte(in), &Options{BufferSize: size}), size)
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderErrorPassedThrough(t *testing.T) {
	boom := errors.New("boom")
	for _, in := range []string{`{"a": "xxxx`, `{"a": 12`, `{"a": tr`, `{"a"`, `[1, 2`, `  `, `"\u00`, "\"\xc3"} {
		s := NewScanner(&failingReader{data: []byte(in), err: boom}, &Options{BufferSize: 16})
		err := s.Skip()
		if err == nil {
			_, err = s.Peek()
		}
		assert.Same(t, boom, err, in)
	}
}

func TestParseNumbers(t *testing.T) {
	for _, tc := range []struct {
		lit  string
		want int64
		err  error
	}{
		{"7", 7, nil}, {"-0", 0, nil}, {"7.0", 7, nil}, {"1e3", 1000, nil}, {"7.5", 0, ErrNotInteger},
		{"9223372036854775807", 1<<63 - 1, nil}, {"9223372036854775808", 0, ErrRange},
		{"1e400", 0, ErrRange}, {"1e300", 0, ErrRange}, {"1e-400", 0, nil},
	} {
		v, err := ParseInt([]byte(tc.lit))
		if tc.err != nil {
			assert.ErrorIs(t, err, tc.err, tc.lit)
			continue
		}
		require.NoError(t, err, tc.lit)
		assert.Equal(t, tc.want, v, tc.lit)
	}
	_, err := ParseFloat([]byte("-1e400"))
	assert.ErrorIs(t, err, ErrRange)
	f, err := ParseFloat([]byte("0.25"))
	require.NoError(t, err)
	assert.Equal(t, 0.25, f)
}

func TestRun(t *testing.T) {
	for n := 0; n < 40; n++ {
		for _, c := range []byte{'"', '\\', 0, 0x1F, 0x80, 0xFF, 0xC3} {
			p := bytes.Repeat([]byte{'a'}, 40)
			p[n] = c
			assert.Equal(t, n, run(p, false), "special %#x at %d", c, n)
		}
		assert.Equal(t, n, run(bytes.Repeat([]byte{' '}, n), false))
		assert.Equal(t, n, run(bytes.Repeat([]byte{'~'}, n), false))
	}
	for _, tc := range []struct {
		in  string
		esc bool
		n   int
	}{
		{`ab\ncd"`, true, 6}, {`ab\ncd"`, false, 2}, {`ab\u00e9`, true, 8}, {`ab\u00e9`, false, 2},
		{`ab\u00g9`, true, 2}, {`ab\u00e`, true, 2}, {`ab\ud83d\ude00"`, true, 14}, {`ab\`, true, 2},
		{"é日😀x\"", false, 10}, {"a\xc3", false, 1}, {"a\xe6\x97", false, 1}, {"a\xf0\x9f\x98", false, 1},
		{"a\xed\xa0\x80", false, 1}, {"a\xe0\x80\x80", false, 1}, {"a\xf4\x90\x80\x80", false, 1},
		{"a\xf0\x8f\x80\x80", false, 1}, {"a\xc0\x80", false, 1}, {"a\x80", false, 1}, {"a\xc3\x28", false, 1},
	} {
		assert.Equal(t, tc.n, run([]byte(tc.in), tc.esc), "%q", tc.in)
	}
}

// FuzzScanner checks the scanner against encoding/json on one document,
// and that buffer size, one-byte reads and skipping change nothing.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		`{"task_id": "HumanEval/0", "completion": "  return 1\n", "passed": true}`,
		`[{"question_id": "1873_A", "graded_list": [true, false]}]`,
		`{"a": [1, -2.5e+3, 0, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"]}`,
		`{"a":1,}`, `[1 2]`, `"\u12G4"`, "\"a\tb\"", "\"\xff\"", `01`, `1.e5`, `[tru]`, `"\ud800"`,
		`{"a":{"b":{"c":[[[[]]]]}}}`, ` 7 `, `"é日本😀"`, "\xef\xbb\xbf{}", `1e400`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := decodeOne(in, nil, false)
		small, errSmall := decodeOne(in, &Options{BufferSize: 16}, true)
		if (err == nil) != (errSmall == nil) || (err != nil && err.Error() != errSmall.Error()) {
			t.Fatalf("buffer size changes the result: %v vs %v", err, errSmall)
		}
		errSkip := skipOne(in, nil)
		if (err == nil) != (errSkip == nil) || (err != nil && !errors.Is(err, ErrTooLong) && err.Error() != errSkip.Error()) {
			t.Fatalf("skip differs: %v vs %v", err, errSkip)
		}
		if err == nil {
			assert.Equal(t, got, small)
		} else {
			var se *Error
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			checkPos(t, in, se.Pos)
		}
		if !utf8.Valid(in) || bytes.HasPrefix(in, []byte("\xef\xbb\xbf")) {
			return
		}
		want, stdErr := stdDecode(in)
		if (stdErr == nil) != (err == nil) {
			t.Fatalf("encoding/json says %v, jsonscan says %v", stdErr, err)
		}
		if err == nil {
			assert.Equal(t, want, got)
		}
	})
}

// checkPos checks that a position's line and column agree with its offset.
func checkPos(t *testing.T, in []byte, p Pos) {
	t.Helper()
	if p.Offset < 0 || p.Offset > int64(len(in)) {
		t.Fatalf("offset %d outside the input", p.Offset)
	}
	before := in[:p.Offset]
	line := 1 + bytes.Count(before, []byte("\n"))
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	if lineStart == 0 && bytes.HasPrefix(in, []byte("\xef\xbb\xbf")) && p.Offset >= 3 {
		lineStart = 3
	}
	col := int(p.Offset) - lineStart + 1
	if p.Line != line || p.Col != col {
		t.Fatalf("position %d:%d at offset %d, expected %d:%d", p.Line, p.Col, p.Offset, line, col)
	}
}

func TestSpecial(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			m := special(binary.LittleEndian.Uint64(w))
			want := c < 0x20 || c == '"' || c == '\\' || c >= 0x80
			if (m != 0) != want || (want && bits.TrailingZeros64(m)>>3 != pos) {
				t.Fatalf("byte %#x at %d: mask %#x", c, pos, m)
			}
		}
	}
}

func TestGather(t *testing.T) {
	for m := range 256 {
		var spread uint64
		for i := range 8 {
			if m&(1<<i) != 0 {
				spread |= 0x80 << (8 * i)
			}
		}
		require.Equal(t, uint64(m), spread*gather>>56, "%08b", m)
	}
}

// runInputs are strings for checking run against runWords: escapes of
// every kind and length of backslash run, at every offset around the
// 64-byte blocks, with quotes, control characters and UTF-8.
func runInputs() [][]byte {
	pieces := []string{`\n`, `\\`, `\"`, `\\\\`, `\\\"`, `\u00e9`, `\x`, `\`, `"`, "\t", "é", "日", "\xff", "\xe6\x97", "\xdc\"", "\xa2\\n", "\\\xdc", `\/`, `\b`, `\f`, `\r`, `\t`, `\\\`}
	var out [][]byte
	for _, a := range pieces {
		for _, b := range pieces {
			for off := 55; off <= 72; off++ {
				p := bytes.Repeat([]byte{'x'}, 200)
				copy(p[off:], a)
				copy(p[off+len(a)+off%3:], b)
				out = append(out, p)
				q := append([]byte(nil), p...)
				q[130] = '"' // a quote in the third block
				out = append(out, q)
			}
		}
	}
	// Backslash runs of every length ending at every position of a block.
	for l := 1; l <= 70; l++ {
		for end := max(60, l); end <= 140; end++ {
			p := bytes.Repeat([]byte{'y'}, 200)
			for j := end - l; j < end; j++ {
				p[j] = '\\'
			}
			p[end] = '"'
			out = append(out, p)
			q := append([]byte(nil), p...)
			q[end] = 'n'
			out = append(out, q)
		}
	}
	return out
}

func TestRunBlocksMatchWords(t *testing.T) {
	for _, p := range runInputs() {
		for cut := len(p) - 70; cut <= len(p); cut++ {
			require.Equal(t, runWords(p[:cut], true), run(p[:cut], true), "%q", p[:cut])
		}
	}
}

// FuzzRun checks that the 64-byte blocks of run find what runWords finds.
func FuzzRun(f *testing.F) {
	for _, p := range runInputs()[:200] {
		f.Add(p)
	}
	f.Add(bytes.Repeat([]byte(`\n    return x \"a\" \\`), 20))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := run(p, true), runWords(p, true); got != want {
			t.Fatalf("run %d, runWords %d on %q", got, want, p)
		}
	})
}
