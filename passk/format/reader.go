package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/passk/passk/passk"
)

// Record is one observation read from a result file: either one sample of a
// problem (N = 1, C = 0 or 1) or a problem's whole tally (Total).
type Record struct {
	Model   string // the model the file names for it; "" when the file names none
	Problem string
	Sample  int  // the sample's index within its problem (epoch, trial), or -1 when the format has none
	N, C    int  // samples and correct samples this record adds
	Total   bool // the record is the problem's whole tally: no other record may add to it
	Answers []passk.Answer
	Pos     Pos // where the record starts
}

// Options tune reading. The zero value (or nil) reads with defaults.
type Options struct {
	Format    string  // force a format by name; "" detects it from the content
	Threshold float64 // a fractional score counts as correct when ≥ Threshold; 0 means 1
	Scorer    string  // Inspect: the one scorer to read; "" reads every scorer as its own model
	Variant   string  // evalplus: "base" or "plus"; "" reads both as two models
	N         int     // samples per problem, for formats that do not store it (LiveCodeBench leaderboards)
	Label     string  // the label of the file's model (prefix "Label/" when it names several)
	// MaxExpansion bounds decompression: reading stops with an error once a
	// compressed file has expanded to more than 64 MiB and more than this
	// many times its compressed size. 0 means 1000.
	MaxExpansion int
}

func (o *Options) threshold() float64 {
	if o == nil || o.Threshold == 0 {
		return 1
	}
	return o.Threshold
}

// Format is one supported file format.
type Format struct {
	Name     string // what --format takes
	Detect   string // one line on how it is recognised, for `passk formats`
	Priority int    // formats with higher priority are tried first
	// sniff reports whether the head of a file looks like this format.
	sniff func(h *Head) bool
	// open starts reading records from src.
	open func(src *Source, opt *Options) (scanner, error)
}

// scanner is what a format's reader implements. next fills rec and reports
// whether it did; at the end of input it returns false and a nil error.
// Errors should be *SyntaxError with a position.
type scanner interface {
	next(rec *Record) (bool, error)
}

// Head is what detection sees of a file: its name and its first bytes after
// decompression.
type Head struct {
	Name  string
	Bytes []byte // at most headSize bytes
	Zip   bool   // the (decompressed) content is a zip archive

	// What the JSON formats' sniffs look at, each parsed once per file:
	json     *jsonHead // the first record's keys
	jsonRead bool
	doc      *jwHead // the keys of a single document, with their paths
}

const headSize = 64 << 10

// Source is a file's content as a format reads it.
type Source struct {
	Name string        // the file name, for errors
	R    *bufio.Reader // the content, decompressed, from its first byte
	// ReaderAt and Size give random access to the content when the file
	// is neither compressed nor a stream (zip archives need it).
	ReaderAt io.ReaderAt
	Size     int64
}

var registry []*Format

func register(f *Format) {
	registry = append(registry, f)
	sort.SliceStable(registry, func(i, j int) bool { return registry[i].Priority > registry[j].Priority })
}

// Formats lists the supported formats in the order detection tries them.
func Formats() []*Format {
	return append([]*Format(nil), registry...)
}

// Lookup returns the format called name.
func Lookup(name string) (*Format, bool) {
	for _, f := range registry {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// Reader reads the records of one result file, whatever its format, in the
// manner of bufio.Scanner:
//
//	r := format.NewReader(f, "base.jsonl", nil)
//	for r.Scan() {
//		rec := r.Result()
//		...
//	}
//	if err := r.Err(); err != nil { ... }
type Reader struct {
	in     io.Reader
	name   string
	opt    *Options
	format *Format
	sc     scanner
	rec    Record
	err    error
	done   bool
}

// NewReader returns a Reader of r, a file called fileName (used in errors
// and, without its extensions, as the default label). opt may be nil.
func NewReader(r io.Reader, fileName string, opt *Options) *Reader {
	if opt == nil {
		opt = &Options{}
	}
	return &Reader{in: r, name: fileName, opt: opt}
}

// Scan advances to the next record. It returns false at the end of the file
// or at the first error; Err tells which.
func (r *Reader) Scan() bool {
	if r.done {
		return false
	}
	if r.sc == nil {
		if err := r.start(); err != nil {
			r.fail(err)
			return false
		}
	}
	r.rec = Record{Sample: -1}
	ok, err := r.sc.next(&r.rec)
	if err != nil {
		r.fail(err)
		return false
	}
	if !ok {
		r.done = true
	}
	return ok
}

func (r *Reader) fail(err error) {
	r.err = err
	r.done = true
}

// Result returns the record Scan read. It is overwritten by the next Scan.
func (r *Reader) Result() *Record { return &r.rec }

// Err returns the first error met, or nil at a clean end of file.
func (r *Reader) Err() error { return r.err }

// Format returns the format being read, once Scan has been called.
func (r *Reader) Format() *Format { return r.format }

func (r *Reader) start() error {
	src, head, err := open(r.in, r.name, r.opt)
	if err != nil {
		return err
	}
	f, err := r.pick(head)
	if err != nil {
		return err
	}
	r.format = f
	r.sc, err = f.open(src, r.opt)
	return err
}

func (r *Reader) pick(h *Head) (*Format, error) {
	if r.opt.Format != "" {
		f, ok := Lookup(r.opt.Format)
		if !ok {
			return nil, &SyntaxError{Pos: Pos{File: r.name}, Err: fmt.Errorf("unknown format %q; known formats: %s", r.opt.Format, strings.Join(names(), ", "))}
		}
		return f, nil
	}
	if len(h.Bytes) == 0 {
		return nil, &SyntaxError{Pos: Pos{File: r.name}, Err: ErrEmpty}
	}
	for _, f := range registry {
		if f.sniff != nil && f.sniff(h) {
			return f, nil
		}
	}
	return nil, &SyntaxError{Pos: Pos{File: r.name, Line: 1}, Err: fmt.Errorf("%w: tried %s; the file starts with %s", ErrUnknownFormat, strings.Join(names(), ", "), describe(h))}
}

func names() []string {
	var ns []string
	for _, f := range registry {
		ns = append(ns, f.Name)
	}
	return ns
}

// describe says briefly what a file looks like, for the unknown-format error.
func describe(h *Head) string {
	if h.Zip {
		return "a zip archive"
	}
	b := h.Bytes
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	s := strings.TrimRight(string(b), "\r")
	const max = 120
	if len(s) > max {
		s = s[:max] + "…"
	}
	for _, c := range []byte(s) {
		if c < 0x20 && c != '\t' {
			return fmt.Sprintf("bytes %q", s)
		}
	}
	return fmt.Sprintf("%q", s)
}

// File is a whole result file read into models.
type File struct {
	Name     string
	Format   string
	Models   []*passk.Model
	Warnings []error // what the reader noticed but could read past
}

// Read reads a whole result file into models. It reads all of it or
// nothing: after an error no model is returned.
func Read(r io.Reader, fileName string, opt *Options) (*File, error) {
	rd := NewReader(r, fileName, opt)
	b := NewBuilder(fileName, rd.opt.Label)
	for rd.Scan() {
		if err := b.Add(rd.Result()); err != nil {
			return nil, err
		}
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	models, err := b.Models()
	if err != nil {
		return nil, err
	}
	f := &File{Name: fileName, Format: rd.format.Name, Models: models}
	for _, m := range models {
		m.Format = f.Format
		m.Source = fileName
	}
	return f, nil
}

// ReadFile opens and reads the file at path.
func ReadFile(path string, opt *Options) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Read(fh, path, opt)
}

// Errors a reader wraps in a *SyntaxError.
var (
	ErrUnknownFormat = errors.New("unknown format")
	ErrEmpty         = errors.New("empty file")
	ErrTooLarge      = errors.New("too large")
)
