package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/passk/passk/web/share"
)

// The share API.
//
//	POST /api/share        body {"payload": "v1.…"} (Content-Type: application/json)
//	                       → 201 {"id": "…", "url": "https://host/s/…"}, Location: /s/…
//	GET  /api/share/<id>   → 200 {"payload": "v1.…"}
//	GET  /s/<id>           → the page, which loads the share from the API
//
// Every error is JSON, {"error": "what is wrong"}, with a 4xx status for
// what the client can fix (400 a share that is malformed, of another
// version or breaks the format's rules; 413 one too large; 415 a body that
// is not JSON; 429 too many shares from one client, with Retry-After; 404
// an unknown id) and 500 for a failure of the store. A share is validated
// (package web/share) before it is stored and again before it is served;
// nothing is stored after an error. There is no way to list shares.

// maxPayload is the most bytes of share text a request may carry; the
// body may hold a little more (the JSON around it).
const maxPayload = share.MaxEncodedLen

// APIError is the body of every error of the share API.
type APIError struct {
	Error string `json:"error"`
}

// Created is the body of a successful POST /api/share.
type Created struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// Shared is the body of GET /api/share/<id>, and of POST /api/share's
// request.
type Shared struct {
	Payload string `json:"payload"`
}

func (h *Handler) api(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	path := r.URL.Path
	switch {
	case path == "/api/share":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			apiError(w, http.StatusMethodNotAllowed, "use POST to create a share")
			return
		}
		h.create(w, r)
	case strings.HasPrefix(path, "/api/share/") && !strings.Contains(path[len("/api/share/"):], "/"):
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			apiError(w, http.StatusMethodNotAllowed, "a share can only be read (GET)")
			return
		}
		h.get(w, r, path[len("/api/share/"):])
	default:
		apiError(w, http.StatusNotFound, "no such API: the share API is POST /api/share and GET /api/share/<id>")
	}
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	if h.store == nil {
		apiError(w, http.StatusNotFound, "this server does not keep shares: copy the link instead")
		return
	}
	// A browser says where a request comes from: only the app's own
	// pages (or no page: curl, scripts) may create shares.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		apiError(w, http.StatusForbidden, "shares can only be created from this site's own pages")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		apiError(w, http.StatusUnsupportedMediaType, `the body must be JSON (Content-Type: application/json): {"payload": "v1.…"}`)
		return
	}
	if h.limiter != nil {
		if ok, retry := h.limiter.Allow(r.Context(), h.clientAddr(r)); !ok {
			secs := int(math.Ceil(retry.Seconds()))
			if secs < 1 {
				secs = 60
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			apiError(w, http.StatusTooManyRequests, fmt.Sprintf("too many shares from your address: try again in %s", (time.Duration(secs)*time.Second).String()))
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload+1024))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			apiError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the share is too large: at most %d bytes", maxPayload))
			return
		}
		apiError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	var req Shared
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, fmt.Sprintf(`the body is not the JSON object {"payload": "v1.…"}: %v`, err))
		return
	}
	if dec.More() {
		apiError(w, http.StatusBadRequest, `the body has more after the JSON object {"payload": "v1.…"}`)
		return
	}
	if _, err := share.Decode(req.Payload); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, share.ErrTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		apiError(w, status, err.Error())
		return
	}
	for try := 0; ; try++ {
		id := NewID()
		err := h.store.Create(r.Context(), id, []byte(req.Payload))
		if errors.Is(err, ErrExists) && try < 3 {
			continue
		}
		if err != nil {
			h.logf("passk: storing a share: %v", err)
			apiError(w, http.StatusInternalServerError, "the share could not be stored; try again later")
			return
		}
		w.Header().Set("Location", "/s/"+id)
		writeJSON(w, http.StatusCreated, Created{ID: id, URL: origin(r) + "/s/" + id})
		return
	}
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, id string) {
	payload, status, msg := h.lookup(r, id)
	if status != http.StatusOK {
		apiError(w, status, msg)
		return
	}
	// A share never changes.
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, Shared{Payload: payload})
}

// lookup returns the share stored under id, validated, or the status and
// message of why not.
func (h *Handler) lookup(r *http.Request, id string) (payload string, status int, msg string) {
	if h.store == nil {
		return "", http.StatusNotFound, "this server does not keep shares"
	}
	if !ValidID(id) {
		return "", http.StatusNotFound, "no such share: the link is not a short link of passk (was it cut short?)"
	}
	data, err := h.store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		return "", http.StatusNotFound, "no such share: check that the link is complete"
	}
	if err != nil {
		h.logf("passk: reading share %s: %v", id, err)
		return "", http.StatusInternalServerError, "the share could not be read; try again later"
	}
	if _, err := share.Decode(string(data)); err != nil {
		h.logf("passk: share %s is damaged: %v", id, err)
		return "", http.StatusInternalServerError, "the stored share is damaged: " + err.Error()
	}
	return string(data), http.StatusOK, ""
}

// sharePage serves the page at /s/<id>, which opens the share: 200 when
// the share exists, 404 (with the same page, which says so) when not.
func (h *Handler) sharePage(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	status := http.StatusNotFound
	if h.store != nil && ValidID(id) {
		if _, err := h.store.Get(r.Context(), id); err == nil {
			status = http.StatusOK
		}
	}
	if h.site != nil {
		page := r.Clone(r.Context())
		page.URL.Path, page.URL.RawPath = "/", ""
		page.Header.Del("If-None-Match")
		page.Header.Del("If-Modified-Since")
		h.site.ServeHTTP(&statusWriter{ResponseWriter: w, status: status}, page)
		return
	}
	h.serve(w, r, h.assets["/"], status)
}

// statusWriter turns the 200 of the response it writes into its status.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if s.wrote {
		return
	}
	s.wrote = true
	if code == http.StatusOK {
		code = s.status
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

// origin is the scheme and host the request was made to.
func origin(r *http.Request) string {
	if r.URL.IsAbs() {
		return r.URL.Scheme + "://" + r.URL.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, APIError{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)+1))
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}
