package format

// A streaming JSON walker over passk/internal/jsonscan, shared by the
// Inspect, evalplus and LiveCodeBench leaderboard readers. Values a reader
// needs are read token by token with their positions; everything else is
// skipped by the tokenizer without being held, so memory stays bounded
// whatever the size of a sample, a message or the file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/passk/passk/passk/internal/jsonscan"
)

// jwAt is a position in a JSON document.
type jwAt = jsonscan.Pos

// jwMaxKey bounds the bytes of an object key kept for matching; longer
// keys are read as their prefix (no key passk looks for is that long).
const jwMaxKey = 256

// jwDec reads one JSON document (a file or an archive member) as tokens.
// Tokens are json.Token values: json.Delim for brackets, string,
// json.Number, bool, and nil for null.
type jwDec struct {
	s      *jsonscan.Scanner
	file   string
	member string
}

func newJWDec(r io.Reader, file, member string) *jwDec {
	return &jwDec{s: jsonscan.NewScanner(r, nil), file: file, member: member}
}

// jwScanners pools tokenizers, with their 64 KiB buffers, for documents
// read by the thousand: the members of an Inspect .eval archive, one per
// sample.
var jwScanners sync.Pool // of *jsonscan.Scanner

// newJWDecPooled is newJWDec with a tokenizer from jwScanners; release
// gives it back.
func newJWDecPooled(r io.Reader, file, member string) *jwDec {
	s, _ := jwScanners.Get().(*jsonscan.Scanner)
	if s == nil {
		s = jsonscan.NewScanner(r, nil)
	} else {
		s.Reset(r)
	}
	return &jwDec{s: s, file: file, member: member}
}

// release returns the tokenizer of a decoder from newJWDecPooled to the
// pool; the decoder must not be used after it.
func (d *jwDec) release() {
	d.s.Reset(nil)
	jwScanners.Put(d.s)
	d.s = nil
}

// pos turns a position in the document into a position in the file.
func (d *jwDec) pos(at jwAt) Pos {
	return Pos{File: d.file, Member: d.member, Line: at.Line, Col: at.Col}
}

func (d *jwDec) errorf(at jwAt, format string, args ...any) error {
	return errorf(d.pos(at), format, args...)
}

// next returns where the next token starts.
func (d *jwDec) next() jwAt {
	_, _ = d.s.Peek() // an error is met again by the read that follows
	return d.s.Pos()
}

// more reports whether the array or object being read has another element
// (or whether an error waits to be reported by the next read).
func (d *jwDec) more() bool {
	k, err := d.s.Peek()
	return err != nil || (k != jsonscan.ObjectEnd && k != jsonscan.ArrayEnd && k != jsonscan.End)
}

// fail turns an error of the tokenizer into a positioned one.
func (d *jwDec) fail(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se // from the source: a decompression bound, a bad gzip stream
	}
	var je *jsonscan.Error
	if errors.As(err, &je) {
		return &SyntaxError{Pos: d.pos(je.Pos), Err: je.Err}
	}
	return errorf(d.pos(d.s.Pos()), "%v", err)
}

// token reads the next token; expected says what was expected there, for
// the error at the end of the input.
func (d *jwDec) token(expected string) (json.Token, jwAt, error) {
	k, err := d.s.Peek()
	at := d.s.Pos()
	if err != nil {
		return nil, at, d.fail(err)
	}
	switch k {
	case jsonscan.End:
		return nil, at, d.errorf(at, "found the end of the file, expected %s", expected)
	case jsonscan.String:
		var b []byte
		if d.s.InKey() {
			b, _, err = d.s.ReadStringPrefix(jwMaxKey)
		} else {
			b, err = d.s.ReadString()
		}
		if err != nil {
			return nil, at, d.fail(err)
		}
		return string(b), at, nil
	case jsonscan.Number:
		b, err := d.s.ReadNumber()
		if err != nil {
			return nil, at, d.fail(err)
		}
		return json.Number(b), at, nil
	}
	if _, err := d.s.Next(); err != nil {
		return nil, at, d.fail(err)
	}
	switch k {
	case jsonscan.ObjectStart:
		return json.Delim('{'), at, nil
	case jsonscan.ObjectEnd:
		return json.Delim('}'), at, nil
	case jsonscan.ArrayStart:
		return json.Delim('['), at, nil
	case jsonscan.ArrayEnd:
		return json.Delim(']'), at, nil
	case jsonscan.True:
		return true, at, nil
	case jsonscan.False:
		return false, at, nil
	}
	return nil, at, nil // null
}

// once reports a key a reader uses given twice in one object: reading
// either value would silently drop the other. seen is the reader's flag for
// the key.
func (d *jwDec) once(seen *bool, key string, at jwAt) error {
	if *seen {
		return d.errorf(at, "found %q twice in one object, expected each key once", key)
	}
	*seen = true
	return nil
}

// keyToken is token, but reads an object key in full (up to the
// scanner's MaxString), not its first jwMaxKey bytes: for keys that are
// data, such as evalplus's task ids, which a cut would merge.
func (d *jwDec) keyToken(expected string) (json.Token, jwAt, error) {
	if k, err := d.s.Peek(); err == nil && k == jsonscan.String {
		at := d.s.Pos()
		b, err := d.s.ReadString()
		if err != nil {
			return nil, at, d.fail(err)
		}
		return string(b), at, nil
	}
	return d.token(expected)
}

// skip skips the next value, whatever its size.
func (d *jwDec) skip() error {
	if err := d.s.Skip(); err != nil {
		return d.fail(err)
	}
	return nil
}

// skipRest skips the rest of the array or object whose opening bracket
// has been read.
func (d *jwDec) skipRest(open json.Delim) error {
	for d.more() {
		if err := d.skip(); err != nil { // a key, or an array element
			return err
		}
		if open == '{' {
			if err := d.skip(); err != nil { // its value
				return err
			}
		}
	}
	close := "']'"
	if open == '{' {
		close = "'}'"
	}
	_, _, err := d.token(close)
	return err
}

// object reads an object, calling member for each key; member must read
// or skip the key's value. what names the value, for errors.
func (d *jwDec) object(what string, member func(key string, at jwAt) error) error {
	t, at, err := d.token(what + " (an object)")
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return d.mismatch(t, at, what, "an object")
	}
	return d.objectRest(member)
}

// objectRest reads the members of an object whose '{' has been read.
func (d *jwDec) objectRest(member func(key string, at jwAt) error) error {
	for d.more() {
		t, at, err := d.token("an object key")
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if err := member(key, at); err != nil {
			return err
		}
	}
	_, _, err := d.token("'}'")
	return err
}

// array reads an array, calling elem for each element, which elem must
// read or skip.
func (d *jwDec) array(what string, elem func(i int, at jwAt) error) error {
	t, at, err := d.token(what + " (an array)")
	if err != nil {
		return err
	}
	if t != json.Delim('[') {
		return d.mismatch(t, at, what, "an array")
	}
	for i := 0; d.more(); i++ {
		if err := elem(i, d.next()); err != nil {
			return err
		}
	}
	_, _, err = d.token("']'")
	return err
}

// scalar reads the next value, which should be a string, number, bool or
// null. An array or object is skipped and returned as its opening Delim.
func (d *jwDec) scalar(what string) (json.Token, jwAt, error) {
	k, err := d.s.Peek()
	at := d.s.Pos()
	if err != nil {
		return nil, at, d.fail(err)
	}
	switch k {
	case jsonscan.ObjectStart, jsonscan.ArrayStart:
		if err := d.skip(); err != nil {
			return nil, at, err
		}
		if k == jsonscan.ObjectStart {
			return json.Delim('{'), at, nil
		}
		return json.Delim('['), at, nil
	}
	return d.token(what)
}

// str reads a string value ("" and false for null).
func (d *jwDec) str(what string) (string, bool, jwAt, error) {
	t, at, err := d.scalar(what)
	if err != nil {
		return "", false, at, err
	}
	switch v := t.(type) {
	case string:
		return v, true, at, nil
	case nil:
		return "", false, at, nil
	}
	return "", false, at, d.mismatch(t, at, what, "a string")
}

// id reads a problem id: a string, or a number kept as written.
func (d *jwDec) id(what string) (string, jwAt, error) {
	t, at, err := d.scalar(what)
	if err != nil {
		return "", at, err
	}
	switch v := t.(type) {
	case string:
		return v, at, nil
	case json.Number:
		return v.String(), at, nil
	}
	return "", at, d.errorf(at, "%s is %s, expected a string or a number", what, jwDescribe(t))
}

// end checks that nothing but white space follows the document.
func (d *jwDec) end() error {
	k, err := d.s.Peek()
	at := d.s.Pos()
	if err != nil {
		var je *jsonscan.Error
		if !errors.As(err, &je) {
			return d.fail(err)
		}
		at = je.Pos
	} else if k == jsonscan.End {
		return nil
	}
	return d.errorf(at, "found more data after the end of the JSON document, expected the end of the file")
}

// mismatch reports that the value whose first token t was read at at is
// not what was expected. Reading ends with the error, so the rest of the
// value is not read.
func (d *jwDec) mismatch(t json.Token, at jwAt, what, expected string) error {
	return d.errorf(at, "%s is %s, expected %s", what, jwDescribe(t), expected)
}

// jwDescribe says what a token is, for errors.
func jwDescribe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("'%c'", rune(v))
	case string:
		return "the string " + jwShort(v)
	case json.Number:
		return "the number " + jwShort(v.String())
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}

// jwShort quotes s, cut to a readable length.
func jwShort(s string) string {
	const max = 40
	if len(s) > max {
		r := []rune(s)
		if len(r) > max {
			s = string(r[:max]) + "…"
		}
	}
	return strconv.Quote(s)
}

// jwHead is what detection sees of a JSON document's head: the keys of its
// objects, with the container depth at which they appear (the top-level
// object's keys are at depth 1) and the key path leading to them.
type jwHead struct {
	object bool        // the document is an object
	single bool        // nothing but that one document was seen (not JSON lines)
	keys   []jwHeadKey // in order met
}

type jwHeadKey struct {
	depth int
	path  string // keys of the enclosing objects joined by "/", array levels as "[]"
	key   string
}

// has reports whether key appears at depth under a path starting prefix.
func (h *jwHead) has(depth int, prefix, key string) bool {
	for _, k := range h.keys {
		if k.depth == depth && k.key == key && strings.HasPrefix(k.path, prefix) {
			return true
		}
	}
	return false
}

// document returns the head of h as a single JSON document, scanned once
// for the sniffs of every format that reads whole documents.
func (h *Head) document() *jwHead {
	if h.doc == nil {
		h.doc = scanJWHead(h.Bytes, 4096)
	}
	return h.doc
}

// scanJWHead tokenizes up to maxTokens tokens of a (possibly cut) document.
func scanJWHead(b []byte, maxTokens int) *jwHead {
	h := &jwHead{single: true}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return h
	}
	h.object = true
	s := jsonscan.NewScanner(bytes.NewReader(b), &jsonscan.Options{MaxString: 1 << 10})
	var paths []string // per open container: the path of its contents
	var lastKey []string
	docs := 0
	for i := 0; i < maxTokens; i++ {
		k, err := s.Peek()
		if err != nil || k == jsonscan.End {
			break
		}
		if len(paths) == 0 {
			if docs++; docs > 1 {
				h.single = false
				break
			}
		}
		inKey := s.InKey()
		switch k {
		case jsonscan.String:
			if inKey {
				key, _, err := s.ReadStringPrefix(jwMaxKey)
				if err != nil {
					return h
				}
				h.keys = append(h.keys, jwHeadKey{depth: len(paths), path: paths[len(paths)-1], key: string(key)})
				lastKey[len(lastKey)-1] = string(key)
				continue
			}
			err = s.Skip()
		case jsonscan.ObjectStart, jsonscan.ArrayStart:
			path := ""
			if n := len(paths); n > 0 {
				if lastKey[n-1] != "" {
					path = jwJoin(paths[n-1], lastKey[n-1])
				} else {
					path = jwJoin(paths[n-1], "[]")
				}
			}
			_, err = s.Next()
			paths = append(paths, path)
			lastKey = append(lastKey, "")
			if k == jsonscan.ArrayStart {
				lastKey[len(lastKey)-1] = ""
			}
		case jsonscan.ObjectEnd, jsonscan.ArrayEnd:
			_, err = s.Next()
			paths, lastKey = paths[:len(paths)-1], lastKey[:len(lastKey)-1]
		default:
			err = s.Skip()
		}
		if err != nil {
			break
		}
	}
	return h
}

func jwJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "/" + key
}

var utf8BOM = []byte("\xef\xbb\xbf")
