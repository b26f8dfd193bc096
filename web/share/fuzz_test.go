package share

import (
	"reflect"
	"testing"
)

// FuzzDecode: Decode never panics, and whatever it accepts encodes again
// to a share that decodes to the same payload.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	noIDs := sample()
	noIDs.IDs = nil
	if s, err := Encode(noIDs); err == nil {
		f.Add(s)
	}
	f.Add(good[:len(good)-3])
	f.Add("v2.abc")
	f.Add("")
	f.Add(raw(rawOf(byte(1), byte(0), "pass@k", 0, 2, 1, "a", byte(modelSameN), []byte{3}, 4, 1, 2)))
	f.Add(raw(rawOf(byte(1), byte(flagIDs|flagBands), "pass@k", 0, 2, 2, "x", "y", "a", byte(modelAll), 4, 5, 1, 2, "b", byte(0), []byte{2}, 9, 9)))
	f.Add(raw(rawOf(byte(1), byte(0), "pass@k", 0, 5_000_000, 1)))
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Decode(text)
		if err != nil {
			return
		}
		again, err := Encode(p)
		if err != nil {
			t.Fatalf("Decode accepted %q, Encode refuses it: %v", text, err)
		}
		q, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded share does not decode: %v", err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the payload:\n%+v\n%+v", p, q)
		}
	})
}

// FuzzParse fuzzes the decompressed form, past the checksum that keeps
// random text out: parseRaw never panics, and what it accepts round-trips.
func FuzzParse(f *testing.F) {
	f.Add(sample().appendRaw(nil))
	f.Add(rawOf(byte(1), byte(0), "pass@k", 0, 2, 1, "a", byte(modelSameN), []byte{3}, 4, 1, 2))
	f.Add(rawOf(byte(1), byte(flagIDs|flagBands), "pass@k", 0, 2, 2, "x", "y", "a", byte(modelAll), 4, 5, 1, 2, "b", byte(0), []byte{2}, 9, 9))
	f.Add(rawOf(byte(1), byte(0), "g-pass@k:0.5", 1024, 9, 1, "m", byte(modelAll|modelSameN), 3, 0, 1, 2, 3, 0, 1, 2, 3, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseRaw(b)
		if err != nil {
			return
		}
		text, err := Encode(p)
		if err != nil {
			t.Fatalf("parseRaw accepted %x, Encode refuses it: %v", b, err)
		}
		q, err := Decode(text)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, p, q)
		}
	})
}
