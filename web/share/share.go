package share

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is the version of the format Encode writes and Decode reads.
const Version = 1

// Limits of a share. A share beyond them is refused by Encode and Decode
// alike, so a hostile link cannot exhaust the memory of the page or the
// server that opens it.
const (
	MaxEncodedLen = 1 << 20   // bytes of the share's text ("v1.…")
	MaxRawLen     = 16 << 20  // bytes of the decompressed form
	MaxModels     = 64        // models
	MaxProblems   = 1_000_000 // problems in the shared order
	MaxCells      = 2_000_000 // problems × models
	MaxN          = 1 << 16   // samples of one problem: passk.MaxN (a test keeps them equal)
	MaxLabelLen   = 200       // bytes of a label
	MaxIDLen      = 1000      // bytes of a problem id
	MaxMetricLen  = 32        // bytes of a metric's name
	MaxPredict    = 1_000_000_000
)

// Payload is a shared session.
type Payload struct {
	// Metric is the metric shown, as package passk names it ("pass@k",
	// "pass^k", "g-pass@k:0.5", …). Decode checks only its form; the
	// app checks that it knows it.
	Metric string
	Bands  bool // the bootstrap bands are drawn
	// Predict > 0 shows predictions beyond each model's n up to k =
	// Predict (passk.Options.Extrapolate); 0 is off.
	Predict int

	// Problems is the number of problems in the shared order.
	Problems int
	// IDs are the problem ids in the shared order (sorted), or nil when
	// they are not shared.
	IDs []string

	Models []Model
}

// Model is one model of a shared session.
type Model struct {
	Label  string
	Hidden bool
	// N and C hold, for each problem of the shared order, the model's
	// samples and correct samples; N[i] = 0 (and C[i] = 0) when the model
	// does not have problem i.
	N, C []int
}

// Errors of Decode (and of Encode, for a session it cannot share). Each
// error Decode returns wraps exactly one of them.
var (
	// ErrTooLarge: the share exceeds a limit of size.
	ErrTooLarge = errors.New("share too large")
	// ErrVersion: the share is of a version this reader does not read.
	ErrVersion = errors.New("unsupported share version")
	// ErrMalformed: the text is not an intact share (not base64url, not
	// zlib, truncated, altered).
	ErrMalformed = errors.New("malformed share")
	// ErrInvalid: the share decodes, but what it holds breaks the format's
	// rules (c > n, an empty label, …).
	ErrInvalid = errors.New("invalid share")
)

const prefix = "v1."

// Flags of the header and of a model.
const (
	flagBands = 1
	flagIDs   = 2

	modelHidden = 1
	modelAll    = 2
	modelSameN  = 4
)

// SyntheticID is the name the receiver gives problem i (0-based) of a
// shared order of p problems when the ids are not shared: "#" and i+1,
// zero-padded to the width of p, so that the names sort as the order does.
func SyntheticID(i, p int) string {
	s := strconv.Itoa(i + 1)
	if w := len(strconv.Itoa(p)); len(s) < w {
		s = strings.Repeat("0", w-len(s)) + s
	}
	return "#" + s
}

// Encode returns the text of p, after checking it as Decode would.
func Encode(p *Payload) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	raw := p.appendRaw(nil)
	if len(raw) > MaxRawLen {
		return "", fmt.Errorf("%w: %d bytes before compression, at most %d", ErrTooLarge, len(raw), MaxRawLen)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(raw)
	zw.Close()
	text := prefix + base64.RawURLEncoding.EncodeToString(z.Bytes())
	if len(text) > MaxEncodedLen {
		return "", fmt.Errorf("%w: %d bytes encoded, at most %d", ErrTooLarge, len(text), MaxEncodedLen)
	}
	return text, nil
}

func (p *Payload) appendRaw(b []byte) []byte {
	flags := byte(0)
	if p.Bands {
		flags |= flagBands
	}
	if p.IDs != nil {
		flags |= flagIDs
	}
	b = append(b, Version, flags)
	b = binary.AppendUvarint(b, uint64(len(p.Metric)))
	b = append(b, p.Metric...)
	b = binary.AppendUvarint(b, uint64(p.Predict))
	b = binary.AppendUvarint(b, uint64(p.Problems))
	b = binary.AppendUvarint(b, uint64(len(p.Models)))
	for _, id := range p.IDs {
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
	}
	for _, m := range p.Models {
		b = binary.AppendUvarint(b, uint64(len(m.Label)))
		b = append(b, m.Label...)
		mf := byte(0)
		if m.Hidden {
			mf |= modelHidden
		}
		all, same, n0 := true, true, 0
		for _, n := range m.N {
			if n == 0 {
				all = false
				continue
			}
			if n0 == 0 {
				n0 = n
			} else if n != n0 {
				same = false
			}
		}
		if all {
			mf |= modelAll
		}
		if same {
			mf |= modelSameN
		}
		b = append(b, mf)
		if !all {
			set := make([]byte, (p.Problems+7)/8)
			for i, n := range m.N {
				if n > 0 {
					set[i/8] |= 1 << (i % 8)
				}
			}
			b = append(b, set...)
		}
		if same {
			b = binary.AppendUvarint(b, uint64(n0))
		} else {
			for _, n := range m.N {
				if n > 0 {
					b = binary.AppendUvarint(b, uint64(n))
				}
			}
		}
		for i, c := range m.C {
			if m.N[i] > 0 {
				b = binary.AppendUvarint(b, uint64(c))
			}
		}
	}
	return b
}

// Validate checks p against the rules of the format (see the package
// documentation). Its errors wrap ErrInvalid or ErrTooLarge.
func (p *Payload) Validate() error {
	if err := checkMetric(p.Metric); err != nil {
		return invalid("%v", err)
	}
	if p.Predict < 0 || p.Predict > MaxPredict {
		return invalid("predictions up to k = %d, expected 0 (off) up to %d", p.Predict, MaxPredict)
	}
	if err := checkSizes(p.Problems, len(p.Models)); err != nil {
		return err
	}
	if p.IDs != nil {
		if len(p.IDs) != p.Problems {
			return invalid("%d problem ids for %d problems", len(p.IDs), p.Problems)
		}
		for i, id := range p.IDs {
			if err := checkID(id); err != nil {
				return invalid("problem %d: %v", i+1, err)
			}
			if i > 0 && p.IDs[i-1] >= id {
				return invalid("problem ids out of order: %q after %q (the shared order is sorted by id)", id, p.IDs[i-1])
			}
		}
	}
	labels := make(map[string]bool, len(p.Models))
	used := make([]bool, p.Problems)
	for i, m := range p.Models {
		if err := checkLabel(m.Label); err != nil {
			return invalid("model %d: %v", i+1, err)
		}
		if labels[m.Label] {
			return invalid("two models are labelled %q", m.Label)
		}
		labels[m.Label] = true
		if len(m.N) != p.Problems || len(m.C) != p.Problems {
			return invalid("model %q: counts for %d and %d problems, expected %d", m.Label, len(m.N), len(m.C), p.Problems)
		}
		has := 0
		for j, n := range m.N {
			c := m.C[j]
			switch {
			case n == 0 && c == 0:
				continue
			case n < 1 || n > MaxN:
				return invalid("model %q, problem %s: n = %d, expected 1 ≤ n ≤ %d", m.Label, p.problemName(j), n, MaxN)
			case c < 0 || c > n:
				return invalid("model %q, problem %s: c = %d with n = %d, expected 0 ≤ c ≤ n", m.Label, p.problemName(j), c, n)
			}
			has++
			used[j] = true
		}
		if has == 0 {
			return invalid("model %q has no problems", m.Label)
		}
	}
	for j, u := range used {
		if !u {
			return invalid("problem %s belongs to no model", p.problemName(j))
		}
	}
	return nil
}

func (p *Payload) problemName(i int) string {
	if p.IDs != nil && i < len(p.IDs) {
		return strconv.Quote(p.IDs[i])
	}
	return SyntheticID(i, p.Problems)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func checkSizes(problems, models int) error {
	switch {
	case models < 1:
		return invalid("no models")
	case problems < 1:
		return invalid("no problems")
	case models > MaxModels:
		return fmt.Errorf("%w: %d models, at most %d", ErrTooLarge, models, MaxModels)
	case problems > MaxProblems:
		return fmt.Errorf("%w: %d problems, at most %d", ErrTooLarge, problems, MaxProblems)
	case problems > MaxCells/models:
		return fmt.Errorf("%w: %d problems × %d models, at most %d in all", ErrTooLarge, problems, models, MaxCells)
	}
	return nil
}

// checkMetric checks the form of a metric's name: 1 to MaxMetricLen bytes
// of lower-case letters, digits and @^:._-.
func checkMetric(m string) error {
	if m == "" || len(m) > MaxMetricLen {
		return fmt.Errorf("metric %q: expected 1 to %d bytes", m, MaxMetricLen)
	}
	for _, r := range m {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || strings.ContainsRune("@^:._-", r)) {
			return fmt.Errorf("metric %q: unexpected character %q", m, r)
		}
	}
	return nil
}

// checkLabel checks a model's label: 1 to MaxLabelLen bytes of UTF-8, no
// control characters, no surrounding spaces.
func checkLabel(l string) error {
	switch {
	case l == "":
		return errors.New("empty label")
	case len(l) > MaxLabelLen:
		return fmt.Errorf("label of %d bytes, at most %d", len(l), MaxLabelLen)
	case !utf8.ValidString(l):
		return errors.New("label is not UTF-8")
	case strings.TrimSpace(l) != l:
		return fmt.Errorf("label %q has surrounding spaces", l)
	}
	for _, r := range l {
		if unicode.IsControl(r) {
			return fmt.Errorf("label %q has a control character", l)
		}
	}
	return nil
}

func checkID(id string) error {
	switch {
	case id == "":
		return errors.New("empty id")
	case len(id) > MaxIDLen:
		return fmt.Errorf("id of %d bytes, at most %d", len(id), MaxIDLen)
	case !utf8.ValidString(id):
		return errors.New("id is not UTF-8")
	}
	return nil
}

// Decode reads and checks the text of a share. It never panics, and
// refuses anything that is not an intact share within the limits; its
// errors wrap ErrTooLarge, ErrVersion, ErrMalformed or ErrInvalid and say
// what is wrong.
func Decode(text string) (*Payload, error) {
	if len(text) > MaxEncodedLen {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(text), MaxEncodedLen)
	}
	body, ok := strings.CutPrefix(text, prefix)
	if !ok {
		if v, _, found := strings.Cut(text, "."); found && len(v) > 1 && len(v) < 10 && v[0] == 'v' && allDigits(v[1:]) {
			return nil, fmt.Errorf("%w: this share is format %s, made by a newer passk; this one reads v%d", ErrVersion, v, Version)
		}
		return nil, fmt.Errorf("%w: not a passk share (it should start with %q)", ErrMalformed, prefix)
	}
	z, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url (%v): was the link cut short or altered?", ErrMalformed, err)
	}
	br := bytes.NewReader(z)
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: not compressed data (%v): was the link cut short or altered?", ErrMalformed, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, MaxRawLen+1))
	if err != nil {
		return nil, fmt.Errorf("%w: the compressed data is damaged (%v): was the link cut short or altered?", ErrMalformed, err)
	}
	if len(raw) > MaxRawLen {
		return nil, fmt.Errorf("%w: expands to more than %d bytes", ErrTooLarge, MaxRawLen)
	}
	if br.Len() > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the compressed data", ErrMalformed, br.Len())
	}
	return parseRaw(raw)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// reader reads the decompressed form; the first error sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: byte %d: %s", ErrInvalid, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("the data ends before %s", what)
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

// uvarint reads an unsigned varint of at most max.
func (r *reader) uvarint(what string, max uint64) int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	switch {
	case n == 0:
		r.fail("the data ends before %s", what)
		return 0
	case n < 0:
		r.fail("%s overflows", what)
		return 0
	}
	if v > max {
		r.fail("%s = %d, at most %d", what, v, max)
		return 0
	}
	r.off += n
	return int(v)
}

func (r *reader) bytes(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.fail("the data ends within %s", what)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func parseRaw(raw []byte) (*Payload, error) {
	r := &reader{b: raw}
	if v := r.byte("the version"); r.err == nil && v != Version {
		return nil, fmt.Errorf("%w: the data is format v%d inside a v%d share", ErrMalformed, v, Version)
	}
	flags := r.byte("the flags")
	if flags&^(flagBands|flagIDs) != 0 {
		r.fail("unknown flags %#x", flags)
	}
	p := &Payload{Bands: flags&flagBands != 0}
	n := r.uvarint("the length of the metric", MaxMetricLen)
	p.Metric = string(r.bytes(n, "the metric"))
	p.Predict = r.uvarint("the k of predictions", MaxPredict)
	// Sizes are checked before anything is allocated for them.
	p.Problems = r.uvarint("the number of problems", math.MaxInt32)
	models := r.uvarint("the number of models", math.MaxInt32)
	if r.err != nil {
		return nil, r.err
	}
	if err := checkSizes(p.Problems, models); err != nil {
		return nil, err
	}
	if flags&flagIDs != 0 {
		p.IDs = make([]string, 0, min(p.Problems, len(raw)))
		for i := 0; i < p.Problems && r.err == nil; i++ {
			n := r.uvarint("the length of an id", MaxIDLen)
			p.IDs = append(p.IDs, string(r.bytes(n, "an id")))
		}
	}
	p.Models = make([]Model, 0, models)
	for i := 0; i < models && r.err == nil; i++ {
		p.Models = append(p.Models, r.model(p.Problems))
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(raw) {
		r.fail("%d bytes after the last model", len(raw)-r.off)
		return nil, r.err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func (r *reader) model(problems int) Model {
	n := r.uvarint("the length of a label", MaxLabelLen)
	m := Model{Label: string(r.bytes(n, "a label"))}
	mf := r.byte("a model's flags")
	if mf&^(modelHidden|modelAll|modelSameN) != 0 {
		r.fail("unknown model flags %#x", mf)
	}
	if r.err != nil {
		return m
	}
	m.Hidden = mf&modelHidden != 0
	var set []byte
	has := problems
	if mf&modelAll == 0 {
		set = r.bytes((problems+7)/8, "a model's problems")
		if r.err != nil {
			return m
		}
		has = 0
		for _, b := range set {
			has += bits.OnesCount8(b)
		}
		if extra := problems % 8; extra != 0 && set[len(set)-1]>>extra != 0 {
			r.fail("bits set past the last problem")
			return m
		}
	}
	// Every count takes at least a byte: a model cannot claim more
	// problems than the bytes left, so the allocations below are bounded
	// by the data's size.
	if need := has; mf&modelSameN == 0 {
		need *= 2
		if need > len(r.b)-r.off {
			r.fail("the data ends within the counts of %d problems", has)
			return m
		}
	}
	m.N, m.C = make([]int, problems), make([]int, problems)
	present := func(i int) bool { return set == nil || set[i/8]&(1<<(i%8)) != 0 }
	if mf&modelSameN != 0 {
		n := r.uvarint("n", MaxN)
		for i := range problems {
			if present(i) {
				m.N[i] = n
			}
		}
	} else {
		for i := 0; i < problems && r.err == nil; i++ {
			if present(i) {
				m.N[i] = r.uvarint("n", MaxN)
			}
		}
	}
	for i := 0; i < problems && r.err == nil; i++ {
		if present(i) {
			m.C[i] = r.uvarint("c", MaxN)
		}
	}
	if r.err == nil {
		// n = 0 would turn a problem the model has into one it lacks.
		for i := range problems {
			if present(i) && m.N[i] == 0 {
				r.fail("model %q, problem %s: n = 0, expected n ≥ 1", m.Label, SyntheticID(i, problems))
				break
			}
		}
	}
	return m
}
