package format

// CSV and TSV files, one row per problem (counts) or per sample.
//
// counts-csv: a header with an id column, n, and c (or num_correct, or
// correct); each row is a problem's whole tally.
//
//	problem,n,c
//	HumanEval/0,10,7
//
// samples-csv: a header with an id column and correct (or passed), and no
// n; each row is one sample, right when its value is true, 1 or yes (any
// case; false, 0 and no are wrong), or a score in [0, 1] that reaches
// Options.Threshold. An optional sample, sample_id, epoch or trial column
// numbers the samples (each may be given once per problem), and an optional
// answer column holds the extracted answer.
//
//	task_id,sample,passed,answer
//	HumanEval/0,0,true,42
//
// The id column is the first of problem, problem_id, task_id and id that the
// header has; an optional model column splits the file into one model per
// name. Column names are matched without regard to case or surrounding
// spaces. The delimiter is a tab when the header line has more tabs than
// commas, else a comma. Quoted fields, CRLF line ends, a UTF-8 byte-order
// mark and blank lines are accepted (encoding/csv's rules).

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/passk/passk/passk"
)

func init() {
	register(&Format{
		Name:     "counts-csv",
		Detect:   "CSV or TSV whose header has an id column (problem, problem_id, task_id or id), n, and c (or correct, num_correct); optional model",
		Priority: -10,
		sniff:    func(h *Head) bool { hd := sniffCSVHeader(h); return hd != nil && hd.kind == csvCounts },
		open:     func(src *Source, opt *Options) (scanner, error) { return openCSV(src, opt, csvCounts) },
	})
	register(&Format{
		Name:     "samples-csv",
		Detect:   "CSV or TSV whose header has an id column (problem, problem_id, task_id or id) and correct or passed (true/false/1/0/yes/no or a score in [0, 1]), and no n; optional model, sample (sample_id, epoch, trial), answer",
		Priority: -20,
		sniff:    func(h *Head) bool { hd := sniffCSVHeader(h); return hd != nil && hd.kind == csvSamples },
		open:     func(src *Source, opt *Options) (scanner, error) { return openCSV(src, opt, csvSamples) },
	})
}

const (
	csvNone = iota
	csvCounts
	csvSamples
)

// The column names each role takes, in order of preference.
var (
	csvIDNames      = []string{"problem", "problem_id", "task_id", "id"}
	csvCountNames   = []string{"c", "num_correct", "correct"}
	csvCorrectNames = []string{"correct", "passed"}
	csvSampleNames  = []string{"sample", "sample_id", "epoch", "trial"}
)

// csvHeader is what a header row says: the delimiter and which column
// holds what (-1 for none).
type csvHeader struct {
	comma                   rune
	names                   []string
	kind                    int
	id, n, c, model         int
	correct, sample, answer int
	dup                     string // a recognised column name given twice
	dupFirst, dupSecond     int
}

// csvDelimiter picks the delimiter from the header line.
func csvDelimiter(line []byte) rune {
	if bytes.Count(line, []byte{'\t'}) > bytes.Count(line, []byte{','}) {
		return '\t'
	}
	return ','
}

// parseCSVHeader reads a header row's fields.
func parseCSVHeader(fields []string, comma rune) *csvHeader {
	h := &csvHeader{comma: comma, names: fields, id: -1, n: -1, c: -1, model: -1, correct: -1, sample: -1, answer: -1}
	at := map[string]int{}
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f))
		if j, ok := at[name]; ok {
			if h.dup == "" && csvRecognised(name) {
				h.dup, h.dupFirst, h.dupSecond = name, j, i
			}
			continue
		}
		at[name] = i
	}
	first := func(names []string) int {
		for _, n := range names {
			if i, ok := at[n]; ok {
				return i
			}
		}
		return -1
	}
	h.id = first(csvIDNames)
	h.n = first([]string{"n"})
	h.c = first(csvCountNames)
	h.correct = first(csvCorrectNames)
	h.model = first([]string{"model"})
	h.sample = first(csvSampleNames)
	h.answer = first([]string{"answer"})
	switch {
	case h.id >= 0 && h.n >= 0 && h.c >= 0:
		h.kind = csvCounts
	case h.id >= 0 && h.n < 0 && h.correct >= 0:
		h.kind = csvSamples
	}
	return h
}

func csvRecognised(name string) bool {
	for _, list := range [][]string{csvIDNames, csvCountNames, csvCorrectNames, csvSampleNames, {"n", "model", "answer"}} {
		for _, n := range list {
			if n == name {
				return true
			}
		}
	}
	return false
}

// sniffCSVHeader reads the header of a file's head, or returns nil when the
// head does not start like a CSV file.
func sniffCSVHeader(h *Head) *csvHeader {
	if h.Zip {
		return nil
	}
	b := bytes.TrimPrefix(h.Bytes, utf8BOM)
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] == '{' || t[0] == '[' {
		return nil
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	}
	comma := csvDelimiter(line)
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = comma != '\t'
	fields, err := r.Read()
	if err != nil {
		return nil
	}
	return parseCSVHeader(fields, comma)
}

type csvScanner struct {
	r    *csv.Reader
	file string
	kind int
	h    *csvHeader
	th   float64
}

func openCSV(src *Source, opt *Options, kind int) (scanner, error) {
	s := &csvScanner{file: src.Name, kind: kind, th: opt.threshold()}
	// A byte-order mark is dropped, and not counted in columns (as the
	// JSON readers do).
	if b, _ := src.R.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = src.R.Discard(len(utf8BOM))
	}
	line, _ := src.R.Peek(headSize)
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	comma := csvDelimiter(line)
	s.r = csv.NewReader(&csvLineLimiter{r: src.R, file: src.Name, line: 1})
	s.r.Comma = comma
	s.r.ReuseRecord = true
	// Not with tabs: it would trim the delimiters of empty fields too.
	s.r.TrimLeadingSpace = comma != '\t'
	fields, err := s.r.Read()
	if err == io.EOF {
		return nil, errorf(Pos{File: src.Name}, "%v, expected a header row", ErrEmpty)
	}
	if err != nil {
		return nil, s.parseError(err, nil)
	}
	h := parseCSVHeader(append([]string(nil), fields...), comma)
	s.h = h
	pos := Pos{File: src.Name, Line: 1}
	if l, _ := s.r.FieldPos(0); l > 0 {
		pos.Line = l
	}
	if h.dup != "" {
		return nil, errorf(pos, "column %q appears twice in the header (columns %d and %d), expected it once", h.dup, h.dupFirst+1, h.dupSecond+1)
	}
	if h.kind != kind {
		return nil, errorf(pos, "the header has %s, expected %s", csvQuoteAll(h.names), csvWanted(kind))
	}
	return s, nil
}

// csvWanted says what columns a kind of file needs.
func csvWanted(kind int) string {
	if kind == csvCounts {
		return "an id column (problem, problem_id, task_id or id), n, and c (or num_correct, correct)"
	}
	return "an id column (problem, problem_id, task_id or id) and correct (or passed), and no n"
}

func csvQuoteAll(names []string) string {
	if len(names) == 0 {
		return "no columns"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = jwShort(n)
	}
	return "columns " + strings.Join(q, ", ")
}

// parseError turns an encoding/csv error into a positioned one.
func (s *csvScanner) parseError(err error, record []string) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		var se *SyntaxError
		if errors.As(err, &se) {
			return se
		}
		return errorf(Pos{File: s.file}, "%v", err)
	}
	pos := Pos{File: s.file, Line: pe.Line, Col: pe.Column}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount) && s.h != nil:
		pos.Col = 0
		return &SyntaxError{Pos: pos, Err: fmt.Errorf("%w: found %d, expected %d as in the header", pe.Err, len(record), len(s.h.names))}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return &SyntaxError{Pos: pos, Err: fmt.Errorf(`%w; expected quotes only around a whole field (and "" for a quote inside one)`, pe.Err)}
	case errors.Is(pe.Err, csv.ErrQuote):
		return &SyntaxError{Pos: pos, Err: fmt.Errorf("%w; expected a closing quote followed by a delimiter or the end of the line", pe.Err)}
	}
	return &SyntaxError{Pos: pos, Err: fmt.Errorf("%w", pe.Err)}
}

// fieldPos returns the position of field i of the row last read.
func (s *csvScanner) fieldPos(i int) Pos {
	line, col := s.r.FieldPos(i)
	return Pos{File: s.file, Line: line, Col: col}
}

func (s *csvScanner) next(rec *Record) (bool, error) {
	row, err := s.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, s.parseError(err, row)
	}
	h := s.h
	line, _ := s.r.FieldPos(0)
	rec.Pos = Pos{File: s.file, Line: line}
	rec.Problem = strings.TrimSpace(row[h.id])
	if rec.Problem == "" {
		return false, errorf(s.fieldPos(h.id), "empty problem id, expected one in column %q", strings.TrimSpace(h.names[h.id]))
	}
	if h.model >= 0 {
		rec.Model = strings.TrimSpace(row[h.model])
	}
	if s.kind == csvCounts {
		n, err := csvInt(row[h.n])
		if err != nil {
			return false, errorf(s.fieldPos(h.n), "n is %s, expected a whole number", jwShort(row[h.n]))
		}
		c, err := csvInt(row[h.c])
		if err != nil {
			return false, errorf(s.fieldPos(h.c), "%s is %s, expected a whole number", strings.TrimSpace(h.names[h.c]), jwShort(row[h.c]))
		}
		rec.N, rec.C, rec.Total = n, c, true
		return true, nil
	}
	v, ok := csvCorrect(row[h.correct])
	if !ok {
		return false, errorf(s.fieldPos(h.correct), "%s is %s, expected true, false, 1, 0, yes, no or a score in [0, 1]", strings.TrimSpace(h.names[h.correct]), jwShort(row[h.correct]))
	}
	rec.N = 1
	if v >= s.th {
		rec.C = 1
	}
	if h.sample >= 0 {
		i, err := csvInt(row[h.sample])
		if err != nil || i < 0 {
			return false, errorf(s.fieldPos(h.sample), "%s is %s, expected a whole number ≥ 0", strings.TrimSpace(h.names[h.sample]), jwShort(row[h.sample]))
		}
		rec.Sample = i
	}
	if h.answer >= 0 {
		if a := strings.TrimSpace(row[h.answer]); a != "" {
			rec.Answers = []passk.Answer{{Text: a, Count: 1, Correct: rec.C == 1}}
		}
	}
	return true, nil
}

// csvInt reads a whole number, also written as a float ("7.0").
func csvInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if i, err := strconv.Atoi(s); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, strconv.ErrSyntax
	}
	return int(f), nil
}

// csvCorrect reads a correctness cell as a score in [0, 1].
func csvCorrect(s string) (float64, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1":
		return 1, true
	case "false", "no", "0":
		return 0, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return 0, false
	}
	return f, true
}

// maxCSVLine bounds the bytes of one line: encoding/csv holds a whole line
// (several copies of it), so a line of hundreds of MB would take
// gigabytes.
const maxCSVLine = 16 << 20

// csvLineLimiter fails once a line is longer than maxCSVLine.
type csvLineLimiter struct {
	r    io.Reader
	file string
	line int // the line being read, from 1
	n    int // its bytes read so far
}

func (l *csvLineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.n += len(b)
			break
		}
		if l.n += i; l.n > maxCSVLine {
			break
		}
		l.line++
		l.n = 0
		b = b[i+1:]
	}
	if l.n > maxCSVLine {
		return 0, errorf(Pos{File: l.file, Line: l.line}, "%w: line %d is longer than %d bytes, expected a CSV row", ErrTooLarge, l.line, maxCSVLine)
	}
	return n, err
}
