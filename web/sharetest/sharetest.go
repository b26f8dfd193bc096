// Package sharetest is the test suite of the share API (package web),
// run against every server that offers it: the Handler under httptest,
// the `passk serve` binary, and the Cloudflare Worker under `wrangler
// dev`. It talks HTTP only, so it tests what a client sees.
package sharetest

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passk/passk/web/share"
)

// Options say what the server under test offers beyond the API.
type Options struct {
	// Client makes the requests (nil: a client with a 30 s timeout).
	Client *http.Client
	// Stored, when set, returns how many shares the server holds, to
	// check that failed requests store nothing.
	Stored func(t *testing.T) int
	// RateLimit says the server bounds writes per client to at most
	// this many in a burst: the suite checks that it answers 429 within
	// RateLimit+1 more writes (0: not checked). Run it last: it uses up
	// the client's allowance.
	RateLimit int
}

// Valid returns the text of a small valid share whose first model's label
// is label.
func Valid(label string) string {
	p := &share.Payload{
		Metric: "pass@k", Bands: true, Problems: 3,
		IDs: []string{"a", "b", "c"},
		Models: []share.Model{
			{Label: label, N: []int{4, 4, 4}, C: []int{0, 2, 4}},
			{Label: "other", N: []int{4, 4, 0}, C: []int{1, 1, 0}},
		},
	}
	text, err := share.Encode(p)
	if err != nil {
		panic(err)
	}
	return text
}

// Raw returns the text of a share whose decompressed form is built from
// parts, written as the format says (package web/share's documentation):
// a byte as itself, an int or uint64 as a uvarint, a string as its
// uvarint length and bytes. It writes what a hostile client could, valid
// or not.
func Raw(parts ...any) string {
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
		default:
			panic(fmt.Sprintf("sharetest.Raw: %T", p))
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	return "v1." + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

// Hostile are shares that every server must refuse: the name of each,
// its text, and a phrase of the error.
func Hostile() []struct{ Name, Payload, Msg string } {
	const all = byte(2 | 4) // model flags: every problem, the same n
	valid := Valid("m")
	return []struct{ Name, Payload, Msg string }{
		{"not a share", "<script>alert(1)</script>", "not a passk share"},
		{"newer version", "v2." + valid[3:], "newer passk"},
		{"truncated", valid[:len(valid)-5], "cut short"},
		{"c > n", Raw(byte(1), byte(0), "pass@k", 0, 1, 1, "m", all, 4, 5), "c = 5 with n = 4"},
		{"negative n (as a huge varint)", Raw(byte(1), byte(0), "pass@k", 0, 1, 1, "m", all, uint64(1<<63), 1), "at most"},
		{"millions of problems", Raw(byte(1), byte(0), "pass@k", 0, 5_000_000, 1, "m", all, 4, 0), "5000000 problems"},
		{"script in the metric", Raw(byte(1), byte(0), "<script>", 0, 1, 1, "m", all, 4, 1), "metric"},
		{"control character in a label", Raw(byte(1), byte(0), "pass@k", 0, 1, 1, "a\x1b[31mb", all, 4, 1), "control character"},
		{"no models", Raw(byte(1), byte(0), "pass@k", 0, 1, 0), "no models"},
	}
}

// Run runs the suite against the server at base ("http://127.0.0.1:8080").
func Run(t *testing.T, base string, opt Options) {
	c := &client{t: t, base: strings.TrimSuffix(base, "/"), http: opt.Client}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	stored := func() int {
		if opt.Stored == nil {
			return -1
		}
		return opt.Stored(t)
	}

	var id string
	t.Run("create and read", func(t *testing.T) {
		c := c.with(t)
		payload := Valid(`<script>alert("label")</script>`)
		resp, body := c.post(payload)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/share: %d %s", resp.StatusCode, body)
		}
		var created struct{ ID, URL string }
		if err := json.Unmarshal(body, &created); err != nil {
			t.Fatalf("POST /api/share: %v in %s", err, body)
		}
		id = created.ID
		raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
		if err != nil || len(raw) < 16 {
			t.Errorf("id %q: not base64url of at least 128 bits (%v)", id, err)
		}
		if !strings.HasSuffix(created.URL, "/s/"+id) || !strings.HasPrefix(created.URL, "http") {
			t.Errorf("url %q, want …/s/%s", created.URL, id)
		}
		if loc := resp.Header.Get("Location"); loc != "/s/"+id {
			t.Errorf("Location %q", loc)
		}
		resp, body = c.get("/api/share/" + id)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/share/%s: %d %s", id, resp.StatusCode, body)
		}
		checkJSON(t, resp)
		var got struct{ Payload string }
		if err := json.Unmarshal(body, &got); err != nil || got.Payload != payload {
			t.Errorf("GET gives %s (%v), want the payload posted", body, err)
		}
		// The label's markup is data: JSON-escaped, served as JSON that
		// no browser sniffs.
		if bytes.Contains(body, []byte("<script")) {
			t.Errorf("the response carries raw markup: %s", body)
		}
		if _, err := share.Decode(got.Payload); err != nil {
			t.Errorf("the payload read back does not decode: %v", err)
		}
		// The same share again gets another id.
		resp, body = c.post(payload)
		var again struct{ ID string }
		json.Unmarshal(body, &again)
		if resp.StatusCode != http.StatusCreated || again.ID == id || again.ID == "" {
			t.Errorf("second POST of the same share: %d %s (first id %s)", resp.StatusCode, body, id)
		}
	})

	t.Run("the page of a short link", func(t *testing.T) {
		c := c.with(t)
		if id == "" {
			t.Skip("no share was created")
		}
		resp, body := c.get("/s/" + id)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<!doctype html>")) {
			t.Errorf("GET /s/%s: %d %q %.60q", id, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		checkCSP(t, resp)
		resp, body = c.get("/s/AAAAAAAAAAAAAAAAAAAAAA")
		if resp.StatusCode != http.StatusNotFound || !bytes.Contains(body, []byte("<!doctype html>")) {
			t.Errorf("GET /s/<unknown id>: %d %.60q, want 404 with the page (which says so)", resp.StatusCode, body)
		}
		checkCSP(t, resp)
	})

	t.Run("unknown ids", func(t *testing.T) {
		c := c.with(t)
		for _, p := range []string{
			"/api/share/AAAAAAAAAAAAAAAAAAAAAA", // the form of an id, not stored
			"/api/share/" + strings.ToUpper(id), // another id
			"/api/share/nope",
			"/api/share/..%2F..%2Fetc%2Fpasswd",
			"/api/share/%00",
			"/api/share/" + id + "/x",
		} {
			resp, body := c.get(p)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d %s, want 404", p, resp.StatusCode, body)
				continue
			}
			checkJSONError(t, p, resp, body, "")
		}
	})

	t.Run("no listing", func(t *testing.T) {
		c := c.with(t)
		for _, tt := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/api/share", http.StatusMethodNotAllowed},
			{"GET", "/api/share/", http.StatusNotFound},
			{"GET", "/api/", http.StatusNotFound},
			{"GET", "/api/shares", http.StatusNotFound},
			{"DELETE", "/api/share/" + id, http.StatusMethodNotAllowed},
			{"PUT", "/api/share/" + id, http.StatusMethodNotAllowed},
		} {
			resp, body := c.do(tt.method, tt.path, "", nil)
			if resp.StatusCode != tt.status {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.status)
			}
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		c := c.with(t)
		before := stored()
		huge := `{"payload": "v1.` + strings.Repeat("A", share.MaxEncodedLen+2048) + `"}`
		for _, tt := range []struct {
			name, ctype, body string
			status            int
			msg               string
		}{
			{"not JSON", "text/plain", `{"payload": "` + Valid("m") + `"}`, http.StatusUnsupportedMediaType, "JSON"},
			{"malformed JSON", "application/json", `{"payload": `, http.StatusBadRequest, "JSON"},
			{"NaN", "application/json", `{"payload": NaN}`, http.StatusBadRequest, "JSON"},
			{"a number", "application/json", `{"payload": 1e400}`, http.StatusBadRequest, "JSON"},
			{"unknown field", "application/json", `{"payload": "` + Valid("m") + `", "id": "mine"}`, http.StatusBadRequest, "unknown field"},
			{"two objects", "application/json", `{"payload": "` + Valid("m") + `"} {}`, http.StatusBadRequest, "more after"},
			{"oversized body", "application/json", huge, http.StatusRequestEntityTooLarge, "too large"},
		} {
			resp, body := c.do("POST", "/api/share", tt.ctype, []byte(tt.body))
			if resp.StatusCode != tt.status {
				t.Errorf("%s: %d %s, want %d", tt.name, resp.StatusCode, body, tt.status)
				continue
			}
			checkJSONError(t, tt.name, resp, body, tt.msg)
		}
		for _, h := range Hostile() {
			resp, body := c.post(h.Payload)
			if resp.StatusCode/100 != 4 {
				t.Errorf("%s: %d %s, want 4xx", h.Name, resp.StatusCode, body)
				continue
			}
			checkJSONError(t, h.Name, resp, body, h.Msg)
		}
		// Another site's page cannot create shares through a visitor's
		// browser.
		resp, body := c.do("POST", "/api/share", "application/json", []byte(`{"payload": "`+Valid("m")+`"}`), "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d %s, want 403", resp.StatusCode, body)
		}
		if after := stored(); after != before {
			t.Errorf("refused requests stored shares: %d before, %d after", before, after)
		}
	})

	if opt.RateLimit > 0 {
		t.Run("rate limit", func(t *testing.T) {
			c := c.with(t)
			for i := 0; i <= opt.RateLimit+1; i++ {
				resp, body := c.post(Valid(fmt.Sprintf("model %d", i)))
				if resp.StatusCode == http.StatusCreated {
					continue
				}
				if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
					t.Fatalf("write %d: %d %s (Retry-After %q), want 201 or 429 with Retry-After", i+1, resp.StatusCode, body, resp.Header.Get("Retry-After"))
				}
				checkJSONError(t, "429", resp, body, "too many")
				// Reads are not limited.
				if resp, body := c.get("/api/share/" + id); resp.StatusCode != http.StatusOK {
					t.Errorf("reading while limited: %d %s", resp.StatusCode, body)
				}
				return
			}
			t.Errorf("%d writes in a row were all accepted; the limit is %d", opt.RateLimit+2, opt.RateLimit)
		})
	}
}

type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (c *client) with(t *testing.T) *client { return &client{t: t, base: c.base, http: c.http} }

func (c *client) do(method, path, ctype string, body []byte, header ...string) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the response: %v", method, path, err)
	}
	return resp, data
}

func (c *client) get(path string) (*http.Response, []byte) {
	c.t.Helper()
	return c.do("GET", path, "", nil)
}

func (c *client) post(payload string) (*http.Response, []byte) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"payload": payload})
	return c.do("POST", "/api/share", "application/json", body)
}

func checkJSON(t *testing.T, resp *http.Response) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json", resp.Request.URL.Path, ct)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no X-Content-Type-Options: nosniff", resp.Request.URL.Path)
	}
	checkCSP(t, resp)
}

func checkCSP(t *testing.T, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", resp.Request.URL.Path, csp)
	}
}

// checkJSONError checks an error response: JSON {"error": …} containing
// msg.
func checkJSONError(t *testing.T, what string, resp *http.Response, body []byte, msg string) {
	t.Helper()
	checkJSON(t, resp)
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Errorf("%s: %d, body %q is not {\"error\": …}", what, resp.StatusCode, body)
		return
	}
	if !strings.Contains(e.Error, msg) {
		t.Errorf("%s: error %q, want it to say %q", what, e.Error, msg)
	}
}
