package share

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sample is a small share: two models, one lacking a problem, one hidden.
func sample() *Payload {
	return &Payload{
		Metric:   "pass@k",
		Predict:  1024,
		Bands:    true,
		Problems: 4,
		IDs:      []string{"HumanEval/0", "HumanEval/1", "HumanEval/10", "HumanEval/2"},
		Models: []Model{
			{Label: "base", N: []int{16, 16, 16, 16}, C: []int{0, 3, 16, 7}},
			{Label: `<script>alert("rl")</script>`, Hidden: true, N: []int{8, 0, 9, 8}, C: []int{8, 0, 0, 1}},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, p := range []*Payload{
		sample(),
		func() *Payload {
			p := sample()
			p.IDs = nil
			p.Metric = "pass^k"
			p.Predict = 0
			p.Bands = false
			return p
		}(),
		{Metric: "pass@k", Problems: 1, Models: []Model{{Label: "one", N: []int{1}, C: []int{1}}}},
		{Metric: "pass@k", Problems: 9, Models: []Model{{Label: "nine", N: []int{MaxN, 1, 2, 3, 4, 5, 6, 7, 8}, C: []int{MaxN, 0, 1, 2, 3, 4, 5, 6, 7}}}},
	} {
		text, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "v1.") || strings.ContainsAny(text[3:], "+/=.#&?% ") {
			t.Errorf("encoded %q: not v1. and base64url", text)
		}
		got, err := Decode(text)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)): %v", p, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
		}
	}
}

// raw wraps a decompressed form into the text of a share.
func raw(b []byte) string {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	return prefix + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

// rawOf builds a decompressed form from bytes, strings (length-prefixed)
// and ints (uvarints).
func rawOf(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case byte:
			b = append(b, v)
		case int:
			b = binary.AppendUvarint(b, uint64(v))
		case uint64:
			b = binary.AppendUvarint(b, v)
		case string:
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("rawOf: %T", p))
		}
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	good, _ := Encode(sample())
	var bomb bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&bomb, zlib.BestCompression)
	zw.Write(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(modelAll|modelSameN), 1, 0))
	zw.Write(make([]byte, MaxRawLen+10))
	zw.Close()
	flip := []byte(good)
	flip[len(flip)/2] ^= 'A' ^ 'B'
	const all = modelAll | modelSameN
	tests := []struct {
		name, text string
		want       error
		msg        string
	}{
		{"empty", "", ErrMalformed, "not a passk share"},
		{"not a share", "hello world", ErrMalformed, "not a passk share"},
		{"newer version", "v2.eJwrSS0u", ErrVersion, "format v2"},
		{"not base64url", "v1.a+b/c==", ErrMalformed, "not base64url"},
		{"not zlib", "v1." + base64.RawURLEncoding.EncodeToString([]byte("plain text, not compressed")), ErrMalformed, "not compressed"},
		{"truncated", good[:len(good)-6], ErrMalformed, "cut short"},
		{"altered", string(flip), ErrMalformed, ""},
		{"trailing garbage", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(all), 4, 1)) + "AAAA", ErrMalformed, ""},
		{"too long", "v1." + strings.Repeat("A", MaxEncodedLen), ErrTooLarge, "at most"},
		{"zip bomb", prefix + base64.RawURLEncoding.EncodeToString(bomb.Bytes()), ErrTooLarge, "expands"},
		{"inner version", raw(rawOf(byte(2), byte(0), "pass@k", 0, 1, 1, "m", byte(all), 4, 1)), ErrMalformed, "format v2"},
		{"bad metric", raw(rawOf(byte(1), byte(0), "<b>", 0, 1, 1, "m", byte(all), 4, 1)), ErrInvalid, "unexpected character"},
		{"no metric", raw(rawOf(byte(1), byte(0), "", 0, 1, 1, "m", byte(all), 4, 1)), ErrInvalid, "metric"},
		{"predict too far", raw(rawOf(byte(1), byte(0), "pass@k", MaxPredict+1, 1, 1, "m", byte(all), 4, 1)), ErrInvalid, "k of predictions"},
		{"unknown flags", raw(rawOf(byte(1), byte(0x80), "pass@k", 0, 1, 1, "m", byte(all), 4, 1)), ErrInvalid, "unknown flags"},
		{"no models", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 0)), ErrInvalid, "no models"},
		{"no problems", raw(rawOf(byte(1), byte(0), "pass@k", 0, 0, 1, "m", byte(all), 4)), ErrInvalid, "no problems"},
		{"millions of problems", raw(rawOf(byte(1), byte(0), "pass@k", 0, 5_000_000, 1, "m", byte(all), 4)), ErrTooLarge, "5000000 problems"},
		{"too many cells", raw(rawOf(byte(1), byte(0), "pass@k", 0, 100_000, 40)), ErrTooLarge, "in all"},
		{"too many models", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 65)), ErrTooLarge, "65 models"},
		{"huge count", raw(rawOf(byte(1), byte(0), "pass@k", 0, uint64(math.MaxUint64), 1)), ErrInvalid, "at most"},
		{"overflowing varint", raw(append(rawOf(byte(1), byte(0), "pass@k", 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), ErrInvalid, "overflows"},
		{"c > n", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(all), 4, 5)), ErrInvalid, "c = 5 with n = 4"},
		{"n = 0", raw(rawOf(byte(1), byte(0), "pass@k", 0, 2, 1, "m", byte(modelAll), 0, 3, 0, 1)), ErrInvalid, "n = 0"},
		{"n too large", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(all), MaxN+1, 1)), ErrInvalid, "at most 65536"},
		{"negative as uint64", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(all), uint64(1<<63), 1)), ErrInvalid, "at most"},
		{"empty label", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "", byte(all), 4, 1)), ErrInvalid, "empty label"},
		{"label too long", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, strings.Repeat("x", MaxLabelLen+1), byte(all), 4, 1)), ErrInvalid, "length of a label"},
		{"label not UTF-8", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "a\xffb", byte(all), 4, 1)), ErrInvalid, "not UTF-8"},
		{"label with NUL", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "a\x00b", byte(all), 4, 1)), ErrInvalid, "control character"},
		{"label with spaces", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, " m", byte(all), 4, 1)), ErrInvalid, "surrounding spaces"},
		{"same label twice", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 2, "m", byte(all), 4, 1, "m", byte(all), 4, 1)), ErrInvalid, "two models"},
		{"unknown model flags", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(0x40|all), 4, 1)), ErrInvalid, "unknown model flags"},
		{"model without problems", raw(rawOf(byte(1), byte(0), "pass@k", 0, 2, 2, "a", byte(all), 4, 1, 1, "b", byte(modelSameN), []byte{0}, 4)), ErrInvalid, `"b" has no problems`},
		{"problem of no model", raw(rawOf(byte(1), byte(0), "pass@k", 0, 2, 1, "a", byte(modelSameN), []byte{1}, 4, 1)), ErrInvalid, "belongs to no model"},
		{"bits past the end", raw(rawOf(byte(1), byte(0), "pass@k", 0, 2, 1, "a", byte(modelSameN), []byte{7}, 4, 1, 1, 1)), ErrInvalid, "past the last problem"},
		{"ids out of order", raw(rawOf(byte(1), byte(flagIDs), "pass@k", 0, 2, 1, "b", "a", "m", byte(all), 4, 1, 1)), ErrInvalid, "out of order"},
		{"same id twice", raw(rawOf(byte(1), byte(flagIDs), "pass@k", 0, 2, 1, "a", "a", "m", byte(all), 4, 1, 1)), ErrInvalid, "out of order"},
		{"empty id", raw(rawOf(byte(1), byte(flagIDs), "pass@k", 0, 1, 1, "", "m", byte(all), 4, 1)), ErrInvalid, "empty id"},
		{"truncated counts", raw(rawOf(byte(1), byte(0), "pass@k", 0, 3, 1, "m", byte(modelAll), 4, 4)), ErrInvalid, "ends"},
		{"trailing bytes", raw(rawOf(byte(1), byte(0), "pass@k", 0, 1, 1, "m", byte(all), 4, 1, 9)), ErrInvalid, "after the last model"},
	}
	for _, tt := range tests {
		p, err := Decode(tt.text)
		if err == nil {
			t.Errorf("%s: decoded %+v, want an error", tt.name, p)
			continue
		}
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v; want %v containing %q", tt.name, err, tt.want, tt.msg)
		}
		n := 0
		for _, e := range []error{ErrTooLarge, ErrVersion, ErrMalformed, ErrInvalid} {
			if errors.Is(err, e) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %v wraps %d of the sentinel errors", tt.name, err, n)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	for name, edit := range map[string]func(*Payload){
		"c > n":          func(p *Payload) { p.Models[0].C[1] = 17 },
		"negative c":     func(p *Payload) { p.Models[0].C[1] = -1 },
		"negative n":     func(p *Payload) { p.Models[0].N[1] = -3 },
		"metric":         func(p *Payload) { p.Metric = "Pass@K" },
		"no metric":      func(p *Payload) { p.Metric = "" },
		"predict":        func(p *Payload) { p.Predict = -1 },
		"ids unsorted":   func(p *Payload) { p.IDs[0], p.IDs[1] = p.IDs[1], p.IDs[0] },
		"short counts":   func(p *Payload) { p.Models[1].C = p.Models[1].C[:3] },
		"dup labels":     func(p *Payload) { p.Models[1].Label = "base" },
		"label too long": func(p *Payload) { p.Models[1].Label = strings.Repeat("é", 101) },
	} {
		p := sample()
		edit(p)
		if _, err := Encode(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Encode gives %v, want ErrInvalid", name, err)
		}
	}
	big := &Payload{Metric: "pass@k", Problems: MaxProblems + 1, Models: []Model{{Label: "m"}}}
	if _, err := Encode(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too many problems: %v", err)
	}
}

func TestSyntheticID(t *testing.T) {
	for _, tt := range []struct {
		i, p int
		want string
	}{{0, 1, "#1"}, {0, 9, "#1"}, {0, 10, "#01"}, {9, 10, "#10"}, {41, 1000, "#0042"}} {
		if got := SyntheticID(tt.i, tt.p); got != tt.want {
			t.Errorf("SyntheticID(%d, %d) = %q, want %q", tt.i, tt.p, got, tt.want)
		}
	}
	// The names sort as the order does.
	prev := ""
	for i := range 1234 {
		id := SyntheticID(i, 1234)
		if id <= prev {
			t.Fatalf("%q after %q", id, prev)
		}
		prev = id
	}
}

// synthetic returns a share of two models on p problems with n samples
// each: per-problem difficulties drawn from Beta(½, ½) (most problems are
// nearly always or nearly never solved, as in real evaluations), the second
// model a little better, c binomial. With ids, they look like
// "MATH/test/1234".
func synthetic(p, n int, ids bool, seed uint64) *Payload {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := &Payload{Metric: "pass@k", Bands: true, Problems: p}
	a := Model{Label: "Qwen2.5-7B", N: make([]int, p), C: make([]int, p)}
	b := Model{Label: "Qwen2.5-7B-RL", N: make([]int, p), C: make([]int, p)}
	for i := range p {
		s := math.Sin(math.Pi * rng.Float64() / 2)
		q := s * s
		a.N[i], b.N[i] = n, n
		a.C[i] = binomial(rng, n, q)
		b.C[i] = binomial(rng, n, math.Min(1, q*1.15))
	}
	out.Models = []Model{a, b}
	if ids {
		out.IDs = make([]string, p)
		for i := range p {
			out.IDs[i] = fmt.Sprintf("MATH/test/%07d", i)
		}
	}
	return out
}

func binomial(rng *rand.Rand, n int, p float64) int {
	if n <= 256 {
		c := 0
		for range n {
			if rng.Float64() < p {
				c++
			}
		}
		return c
	}
	x := math.Round(float64(n)*p + rng.NormFloat64()*math.Sqrt(float64(n)*p*(1-p)))
	return int(math.Max(0, math.Min(float64(n), x)))
}

// TestLinkCapacity measures how many problems fit in a 32 KB link, for two
// models at several n, and checks that the numbers quoted in the README
// still hold (they are floors: the data are random).
func TestLinkCapacity(t *testing.T) {
	const limit = 32 << 10
	fit := func(n int, ids bool) int {
		lo, hi := 1, 200_000 // lo fits, hi does not
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			text, err := Encode(synthetic(mid, n, ids, 1))
			if err != nil {
				t.Fatal(err)
			}
			if len(text) <= limit {
				lo = mid
			} else {
				hi = mid
			}
		}
		return lo
	}
	floors := map[int][2]int{16: {8000, 3000}, 128: {5000, 2500}, 1024: {3000, 2000}, 10000: {2000, 1500}}
	for _, n := range []int{16, 128, 1024, 10000} {
		without, with := fit(n, false), fit(n, true)
		t.Logf("2 models, n = %5d: %6d problems fit in 32 KB without ids, %6d with ids", n, without, with)
		if f := floors[n]; without < f[0] || with < f[1] {
			t.Errorf("n = %d: %d and %d problems fit, the README says at least %d and %d", n, without, with, f[0], f[1])
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	text, err := Encode(synthetic(10000, 1024, true, 1))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Decode(text); err != nil {
			b.Fatal(err)
		}
	}
}
