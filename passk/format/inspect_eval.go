package format

// Inspect .eval logs: zip archives. The model's name is read from
// header.json (or, in a log still being written, _journal/start.json), then
// the samples/<id>_epoch_<e>.json members in order of id and epoch (a few
// decoded at once on several processors: see inspectWorkers; in the browser,
// inflated by the browser a few ahead: see MemberInflater). Every member
// is decompressed under a bound (Options.MaxExpansion times its compressed
// size, past 64 MiB) so a zip bomb is refused, not expanded.
//
// A zip archive is read from its end, so it needs random access: the
// Source's ReaderAt when it has one (an uncompressed file), otherwise the
// whole archive is read into memory, up to inspectMaxZipBuffer.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
)

// inspectMaxZipBuffer bounds the memory used for an archive that cannot be
// read in place (a gzip-compressed .eval, or a stream). A variable so that
// tests can lower it.
var inspectMaxZipBuffer = 256 << 20

type inspectEvalScanner struct {
	file    string
	ratio   int64
	st      *inspectState
	members []inspectMember // the samples not read yet
	// ahead holds the decodings under way of members[:len(ahead)], at
	// most workers of them; with one worker, members are decoded in turn.
	ahead   []chan inspectDecoded
	workers int
	// With a MemberInflater (the browser's), members are decoded in turn,
	// the inflating of members[:len(inflating)] under way (nil for a
	// member Go inflates).
	inflater  MemberInflater
	inflating []*memberAhead
	// goShare is the share of members asked for raw, for Go to inflate
	// (see balance); goDue accumulates it.
	goShare, goDue float64
	// The current window of balance: when it started, the time waited in
	// it, the members taken.
	winStart time.Time
	winWait  time.Duration
	winN     int
}

// memberAhead is a member asked of the MemberInflater: inflated, or raw
// for Go to inflate.
type memberAhead struct {
	raw  bool
	wait func() (*InflatedMember, error)
}

// inspectDecoded is a member decoded by a worker.
type inspectDecoded struct {
	smp *inspectSample
	err error
}

// inspectWorkers is how many sample members are decoded at once: one more
// than the processors Go uses (up to four), so that one is ready when the
// reader asks for it. Decoding is mostly inflating, and members are
// independent; records still come out in member order, and an error is
// the first in that order, as when reading them one by one. A variable
// so that tests can change it.
var inspectWorkers = func() int {
	n := runtime.GOMAXPROCS(0)
	if n <= 1 {
		return 1
	}
	return min(n, 4) + 1
}

type inspectMember struct {
	f      *zip.File
	id     string
	epoch  int   // from the name; -1 when it has none
	header int64 // where its local header is, when known; else -1
}

func openInspectEval(src *Source, opt *Options) (scanner, error) {
	ra, size := src.ReaderAt, src.Size
	if ra == nil {
		b, err := io.ReadAll(io.LimitReader(src.R, int64(inspectMaxZipBuffer)+1))
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				return nil, se
			}
			return nil, errorf(Pos{File: src.Name}, "reading the archive: %v", err)
		}
		if len(b) > inspectMaxZipBuffer {
			return nil, &SyntaxError{Pos: Pos{File: src.Name}, Err: fmt.Errorf("%w: a zip archive read from a stream or a compressed file must fit in %s of memory (zip is read from its end); decompress it, or open it as a file", ErrTooLarge, inspectSize(inspectMaxZipBuffer))}
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, errorf(Pos{File: src.Name}, "not a readable zip archive (%v), expected an Inspect .eval log", err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	ratio := int64(opt.MaxExpansion)
	if ratio <= 0 {
		ratio = 1000
	}
	s := &inspectEvalScanner{file: src.Name, ratio: ratio, st: newInspectState(src.Name, opt), workers: inspectWorkers()}
	var headers []int64 // where each member's local header is, for the inflater
	if mi, ok := ra.(MemberInflater); ok {
		if headers, ok = zipHeaderOffsets(ra, size, zr.File, inflateMaxDirectory); ok {
			s.inflater, s.workers, s.goShare = mi, 1, inflateGoShare
		}
	}

	var header, start *zip.File
	var samples []inspectMember
	for i, f := range zr.File {
		switch {
		case f.Name == "header.json":
			header = f
		case f.Name == "_journal/start.json":
			start = f
		case strings.HasPrefix(f.Name, "samples/") && strings.HasSuffix(f.Name, ".json"):
			base := strings.TrimSuffix(strings.TrimPrefix(f.Name, "samples/"), ".json")
			id, epoch := base, -1
			if i := strings.LastIndex(base, "_epoch_"); i >= 0 {
				if e, err := strconv.Atoi(base[i+len("_epoch_"):]); err == nil {
					id, epoch = base[:i], e
				}
			}
			header := int64(-1)
			if headers != nil {
				header = headers[i]
			}
			samples = append(samples, inspectMember{f, id, epoch, header})
		}
	}
	if header == nil {
		header = start
	}
	if header == nil {
		return nil, errorf(Pos{File: src.Name}, "a zip archive with no header.json or _journal/start.json, expected an Inspect .eval log")
	}
	if err := s.readHeader(header); err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, errorf(Pos{File: src.Name}, "the log has no samples/ members, expected one per sample (was it written with log_samples=False?)")
	}
	sort.SliceStable(samples, func(i, j int) bool {
		a, b := samples[i], samples[j]
		if a.id != b.id {
			return inspectIDLess(a.id, b.id)
		}
		return a.epoch < b.epoch
	})
	s.members = samples
	return s, nil
}

// inspectIDLess orders sample ids: numbers by value, before other ids,
// which sort as text.
func inspectIDLess(a, b string) bool {
	an, bn := inspectDigits(a), inspectDigits(b)
	switch {
	case an && bn:
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	case an != bn:
		return an
	}
	return a < b
}

func inspectDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// limit is the most member f may expand to.
func (s *inspectEvalScanner) limit(f *zip.File) int64 {
	limit := int64(math.MaxInt64)
	if f.CompressedSize64 < uint64(math.MaxInt64/s.ratio) {
		limit = s.ratio * int64(f.CompressedSize64)
	}
	return max(limit, expansionFloor)
}

// open opens member f for reading under the expansion bound.
func (s *inspectEvalScanner) open(f *zip.File) (io.ReadCloser, error) {
	limit := s.limit(f)
	pos := Pos{File: s.file, Member: f.Name}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, &SyntaxError{Pos: pos, Err: fmt.Errorf("%w: the member expands to %d bytes from %d, more than %d times its compressed size; refusing it as a decompression bomb", ErrTooLarge, f.UncompressedSize64, f.CompressedSize64, s.ratio)}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &SyntaxError{Pos: pos, Err: fmt.Errorf("cannot open the member: %v", err)}
	}
	return &inspectBounded{rc: rc, limit: limit, pos: pos, ratio: s.ratio, compressed: f.CompressedSize64}, nil
}

func (s *inspectEvalScanner) readHeader(f *zip.File) error {
	rc, err := s.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newJWDecPooled(rc, s.file, f.Name)
	defer d.release()
	err = d.object(f.Name, func(key string, off jwAt) error {
		if key != "eval" {
			return d.skip()
		}
		model, err := readInspectEvalModel(d)
		s.st.model = model
		return err
	})
	if err != nil {
		return err
	}
	return d.end()
}

func (s *inspectEvalScanner) next(rec *Record) (bool, error) {
	for {
		if s.st.pop(rec) {
			return true, nil
		}
		if len(s.members) == 0 {
			return false, nil
		}
		smp, err := s.decodeNext()
		if err != nil {
			return false, err
		}
		if err := s.st.add(smp); err != nil {
			return false, err
		}
	}
}

// decodeNext returns the next member's sample, starting the decoding of
// the members after it.
func (s *inspectEvalScanner) decodeNext() (*inspectSample, error) {
	if s.inflater != nil {
		s.inflateAhead()
		m, ahead := s.members[0], s.inflating[0]
		s.members[0], s.inflating[0] = inspectMember{}, nil
		s.members, s.inflating = s.members[1:], s.inflating[1:]
		if ahead != nil {
			if smp, ok := s.decodeInflated(m, ahead); ok {
				return smp, nil
			}
		}
		return s.decode(m)
	}
	if s.workers <= 1 {
		m := s.members[0]
		s.members[0] = inspectMember{}
		s.members = s.members[1:]
		return s.decode(m)
	}
	for len(s.ahead) < min(s.workers, len(s.members)) {
		m := s.members[len(s.ahead)]
		done := make(chan inspectDecoded, 1) // never blocks the worker
		go func() {
			smp, err := s.decode(m)
			done <- inspectDecoded{smp, err}
		}()
		s.ahead = append(s.ahead, done)
	}
	d := <-s.ahead[0]
	s.ahead[0] = nil
	s.ahead = s.ahead[1:]
	s.members[0] = inspectMember{}
	s.members = s.members[1:]
	return d.smp, d.err
}

// inflateAhead asks the inflater for the members ahead of the next one,
// within the bounds inflateAheadMembers and inflateAheadBytes.
func (s *inspectEvalScanner) inflateAhead() {
	var ahead uint64
	for i, a := range s.inflating {
		if a != nil {
			ahead += s.members[i].f.UncompressedSize64
		}
	}
	for i := len(s.inflating); i < min(len(s.members), inflateAheadMembers); i++ {
		m := s.members[i]
		f := m.f
		if m.header < 0 || !inflatable(f, s.limit(f)) {
			s.inflating = append(s.inflating, nil)
			continue
		}
		if i > 0 && ahead+f.UncompressedSize64 > inflateAheadBytes {
			break
		}
		ahead += f.UncompressedSize64
		a := &memberAhead{}
		if s.goDue += s.goShare; s.goDue >= 1 {
			s.goDue--
			a.raw, a.wait = true, s.inflater.RawMember(m.header, int64(f.CompressedSize64))
		} else {
			a.wait = s.inflater.InflateMember(m.header, int64(f.CompressedSize64), int64(f.UncompressedSize64))
		}
		s.inflating = append(s.inflating, a)
	}
}

// The share of members Go inflates itself, from compressed bytes the
// MemberInflater reads: at first inflateGoShare; then, over each window of
// inflateWindow inflated members, more if Go spent more than inflateBehind
// of the window's time waiting for them (the inflater is behind), less if
// under inflateEarly (it keeps ahead). So both threads keep busy whatever their
// speeds. (A variable so that tests can set it.)
var inflateGoShare = 0.25

const (
	inflateWindow = 16
	inflateBehind = 0.10
	inflateEarly  = 0.02
	inflateStep   = 0.05
)

// balance counts a member taken after a wait of d, and moves goShare at the
// end of a window.
func (s *inspectEvalScanner) balance(d time.Duration) {
	now := time.Now()
	if s.winN == 0 {
		s.winStart, s.winWait = now.Add(-d), 0
	}
	s.winWait += d
	if s.winN++; s.winN < inflateWindow {
		return
	}
	waited := float64(s.winWait) / float64(max(now.Sub(s.winStart), 1))
	switch {
	case waited > inflateBehind:
		s.goShare = min(s.goShare+inflateStep, 0.75)
	case waited < inflateEarly:
		s.goShare = max(s.goShare-inflateStep, 0)
	}
	s.winN = 0
}

// decodeInflated decodes member m from what the inflater gave, and
// reports whether that was the member, whole, and parsed.
func (s *inspectEvalScanner) decodeInflated(m inspectMember, a *memberAhead) (*inspectSample, bool) {
	start := time.Now()
	im, err := a.wait()
	if !a.raw {
		// (Raw members wait behind the inflating on the reader thread:
		// their waits say nothing of which thread is behind.)
		s.balance(time.Since(start))
	}
	if err != nil {
		return nil, false
	}
	rc := im.R
	if a.raw {
		rc = &inflatedRaw{flate: newInflater(im.R), raw: im.R}
	}
	cm := &checkedMember{rc: rc, after: im.After, f: m.f}
	defer cm.Close()
	smp, err := s.decodeFrom(m, cm)
	if err != nil {
		return nil, false
	}
	if _, err := io.Copy(io.Discard, cm); err != nil || !cm.ok() {
		return nil, false
	}
	return smp, true
}

// decode reads the sample of member m. It uses nothing that another
// member's decoding changes, so members can be decoded at once.
func (s *inspectEvalScanner) decode(m inspectMember) (*inspectSample, error) {
	rc, err := s.open(m.f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return s.decodeFrom(m, rc)
}

// decodeFrom reads the sample of member m from r, its content.
func (s *inspectEvalScanner) decodeFrom(m inspectMember, r io.Reader) (*inspectSample, error) {
	f := m.f
	d := newJWDecPooled(r, s.file, f.Name)
	defer d.release()
	smp, err := readInspectSample(d, d.next())
	if err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	if smp.epoch < 0 {
		smp.epoch = m.epoch
	}
	return smp, nil
}

// inspectBounded stops reading a member once it expands past its bound.
type inspectBounded struct {
	rc         io.ReadCloser
	n, limit   int64
	pos        Pos
	ratio      int64
	compressed uint64
}

func (b *inspectBounded) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, &SyntaxError{Pos: b.pos, Err: fmt.Errorf("%w: the member expands to more than %d bytes from %d, more than %d times its compressed size; refusing it as a decompression bomb", ErrTooLarge, b.limit, b.compressed, b.ratio)}
	}
	if err != nil && err != io.EOF {
		err = &SyntaxError{Pos: b.pos, Err: fmt.Errorf("reading the member: %v", err)}
	}
	return n, err
}

func (b *inspectBounded) Close() error { return b.rc.Close() }

// inspectSize formats a byte count.
func inspectSize(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// Deflated members are inflated with github.com/klauspost/compress/flate
// rather than compress/flate: inflating is most of the work of reading a
// .eval, and it does it about twice as fast. Its readers (a 32 KiB window
// each, and the read buffer of the compressed bytes) are pooled, as
// archive/zip pools its own.
var inflaters sync.Pool // of *inflaterState

type inflaterState struct {
	br *bufio.Reader
	fr io.ReadCloser // a flate.Resetter
}

// inflater is the io.ReadCloser of one member; Close returns its state to
// the pool.
type inflater struct{ st *inflaterState }

// inflateBuffer is the size of the reads of a member's compressed bytes
// (each one a read of the file when the archive is read in place).
const inflateBuffer = 32 << 10

func newInflater(r io.Reader) io.ReadCloser {
	st, _ := inflaters.Get().(*inflaterState)
	if st == nil {
		br := bufio.NewReaderSize(r, inflateBuffer)
		st = &inflaterState{br: br, fr: flate.NewReader(br)}
	} else {
		st.br.Reset(r)
		if st.fr.(flate.Resetter).Reset(st.br, nil) != nil {
			st.fr = flate.NewReader(st.br) // not reusable: a new one
		}
	}
	return &inflater{st}
}

func (f *inflater) Read(p []byte) (int, error) {
	if f.st == nil {
		return 0, errors.New("read of a member after Close")
	}
	return f.st.fr.Read(p)
}

func (f *inflater) Close() error {
	if f.st != nil {
		f.st.br.Reset(nil)
		inflaters.Put(f.st)
		f.st = nil
	}
	return nil
}
