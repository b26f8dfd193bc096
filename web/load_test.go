package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passk/passk/web"
	"github.com/passk/passk/web/share"
	embedded "github.com/passk/passk/web/site"
)

var loadFlag = flag.Bool("load", false, "run the full load test of the share API (TestShareLoad: 2,000 creates and 20,000 reads); without it a small one")

// noLimit is a per-client write limit too high to reach: the load tests
// make every request from one address, which `passk serve`'s own limit
// (30 in a burst) would turn away after 30 creates.
func noLimit() web.Limiter { return web.NewTokenBuckets(1_000_000_000, time.Nanosecond) }

// servePasskConfig is what `passk serve` gives web.New, with the write
// limit lifted: the embedded site and the file store.
func servePasskConfig(store web.Store) web.Config {
	return web.Config{Site: embedded.FS(), Store: store, Limiter: noLimit()}
}

// loadPayload returns the text of a valid share, distinct for each i and of
// a size that varies with it (about 100 bytes to a few KB).
func loadPayload(i int) string {
	problems := 1 + i%97*10
	p := &share.Payload{Metric: "pass@k", Bands: i%2 == 0, Problems: problems}
	for m := range 1 + i%3 {
		model := share.Model{Label: fmt.Sprintf("load %d model %d", i, m)}
		for j := range problems {
			n := 1 + (i+j+m)%16
			model.N = append(model.N, n)
			model.C = append(model.C, (i*7+j*3+m)%(n+1))
		}
		p.Models = append(p.Models, model)
	}
	text, err := share.Encode(p)
	if err != nil {
		panic(err)
	}
	return text
}

// postShare creates a share; it returns its id once the server has
// acknowledged it (201).
func postShare(ctx context.Context, c *http.Client, base, payload string) (string, error) {
	body, _ := json.Marshal(web.Shared{Payload: payload})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/share", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /api/share: %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	var created web.Created
	if err := json.Unmarshal(data, &created); err != nil || !web.ValidID(created.ID) {
		return "", fmt.Errorf("POST /api/share: 201 with body %q", data)
	}
	return created.ID, nil
}

// getShare reads a share back and checks it is byte-identical to want.
func getShare(ctx context.Context, c *http.Client, base, id, want string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/share/"+id, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/share/%s: %s: %s", id, resp.Status, bytes.TrimSpace(data))
	}
	var got web.Shared
	if err := json.Unmarshal(data, &got); err != nil {
		return fmt.Errorf("GET /api/share/%s: %v", id, err)
	}
	if got.Payload != want {
		return fmt.Errorf("GET /api/share/%s: %d bytes differing from the %d created", id, len(got.Payload), len(want))
	}
	return nil
}

func loadClient(workers int) *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers},
	}
}

// TestShareLoad puts many concurrent creates and reads on the share API of
// `passk serve` (the handler with the file store, on loopback), then
// checks that every acknowledged share reads back byte-identical. With
// -load it is 16 workers, 2,000 creates and 20,000 reads, bounded to two
// minutes; without, 200 creates and 2,000 reads. It logs requests/s and
// latencies.
func TestShareLoad(t *testing.T) {
	workers, creates, reads, bound := 16, 200, 2_000, 30*time.Second
	if *loadFlag {
		creates, reads, bound = 2_000, 20_000, 2*time.Minute
	}
	dir := t.TempDir()
	store, err := web.OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(servePasskConfig(store))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // 127.0.0.1
	defer srv.Close()
	client := loadClient(workers)
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()

	// The operations, creates spread among reads; a read reads a random
	// share among those acknowledged so far.
	ops := make(chan bool, creates+reads) // true: create
	order := append(slices.Repeat([]bool{true}, creates), slices.Repeat([]bool{false}, reads)...)
	rng := rand.New(rand.NewPCG(1, 2))
	// The first requests create (creates ≥ workers), so that reads have
	// something to read.
	rng.Shuffle(len(order)-workers, func(i, j int) { order[workers+i], order[workers+j] = order[workers+j], order[workers+i] })
	for _, op := range order {
		ops <- op
	}
	close(ops)

	var (
		mu        sync.Mutex
		ids       []string
		payloads  = map[string]string{}
		createLat []time.Duration
		readLat   []time.Duration
		errs      []error
		next      atomic.Int64
	)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for create := range ops {
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				if len(ids) == 0 {
					create = true
				}
				var id, want string
				if !create {
					id = ids[r.IntN(len(ids))]
					want = payloads[id]
				}
				mu.Unlock()
				t0 := time.Now()
				var err error
				if create {
					want = loadPayload(int(next.Add(1)))
					t0 = time.Now()
					id, err = postShare(ctx, client, srv.URL, want)
				} else {
					err = getShare(ctx, client, srv.URL, id, want)
				}
				d := time.Since(t0)
				mu.Lock()
				switch {
				case err != nil:
					errs = append(errs, err)
				case create:
					ids = append(ids, id)
					payloads[id] = want
					createLat = append(createLat, d)
				default:
					readLat = append(readLat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		t.Errorf("the load did not finish within %v", bound)
	}
	all := append(append([]time.Duration(nil), createLat...), readLat...)
	t.Logf("share API load: %d workers, %d creates + %d reads ok, %d errors in %v: %.0f requests/s; p50/p99 all %v/%v, create %v/%v, read %v/%v",
		workers, len(createLat), len(readLat), len(errs), elapsed.Round(time.Millisecond),
		float64(len(all)+len(errs))/elapsed.Seconds(),
		quantile(all, 0.5), quantile(all, 0.99), quantile(createLat, 0.5), quantile(createLat, 0.99),
		quantile(readLat, 0.5), quantile(readLat, 0.99))
	for i, err := range errs {
		if i == 10 {
			t.Errorf("… %d errors in all", len(errs))
			break
		}
		t.Error(err)
	}
	if len(createLat) != creates || len(readLat) != reads {
		t.Errorf("%d creates and %d reads succeeded, want %d and %d", len(createLat), len(readLat), creates, reads)
	}
	// Every acknowledged share, read back afterwards, and through a
	// new store on the same directory (a restart).
	store2, err := web.OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range payloads {
		if err := getShare(context.Background(), client, srv.URL, id, want); err != nil {
			t.Error(err)
		}
		if got, err := store2.Get(context.Background(), id); err != nil || string(got) != want {
			t.Errorf("share %s after reopening the store: %d bytes, %v", id, len(got), err)
		}
	}
	if n := countShares(t, dir); n != len(payloads) {
		t.Errorf("%d share files in the store, want %d", n, len(payloads))
	}
	if temps, _ := filepath.Glob(filepath.Join(dir, "tmp", "*")); len(temps) != 0 {
		t.Errorf("temporary files left: %q", temps)
	}
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return s[i].Round(10 * time.Microsecond)
}

// validateStore checks every file of a DirStore: each share file is named
// by a valid id, sits under the directory of its id's first two
// characters, and holds a share that decodes. It returns the shares by id.
func validateStore(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 2 || !web.ValidID(parts[1]) || parts[0] != parts[1][:2] {
			t.Errorf("a file in the store that is not a share: %s", rel)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if _, err := share.Decode(string(data)); err != nil {
			t.Errorf("stored share %s is corrupt (%d bytes): %v", parts[1], len(data), err)
		}
		out[parts[1]] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// serveEnv names the store directory of a child process that serves the
// share API until it is killed (TestShareLoadKill).
const serveEnv = "PASSK_TEST_SERVE_DATA"

// TestShareLoadKill kills `passk serve` (the handler with the file store,
// in a child process) with SIGKILL in the middle of a stream of concurrent
// creates, restarts it on the same directory, and checks that every share
// whose creation was acknowledged (201) reads back byte-identical and that
// every file in the store is an intact share. With -load it kills after
// 1,000 acknowledged creates; without, after 100.
func TestShareLoadKill(t *testing.T) {
	if dir := os.Getenv(serveEnv); dir != "" {
		serveChild(dir)
		return
	}
	workers, killAfter := 16, 100
	if *loadFlag {
		killAfter = 1_000
	}
	dir := t.TempDir()
	child, base := startServeChild(t, dir)
	client := loadClient(workers)

	var (
		mu       sync.Mutex
		acked    = map[string]string{}
		failed   int // requests that failed after the kill
		next     atomic.Int64
		killed   atomic.Bool
		killOnce sync.Once
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kill := func() {
		killOnce.Do(func() {
			killed.Store(true)
			child.Process.Kill() // SIGKILL: no cleanup, no graceful shutdown
		})
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				payload := loadPayload(int(next.Add(1)))
				id, err := postShare(ctx, client, base, payload)
				mu.Lock()
				if err != nil {
					if killed.Load() {
						failed++
					} else {
						t.Errorf("before the kill: %v", err)
					}
					mu.Unlock()
					return
				}
				acked[id] = payload
				n := len(acked)
				mu.Unlock()
				if n >= killAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	child.Wait()
	client.CloseIdleConnections()
	if ctx.Err() != nil {
		t.Fatal("the creates did not reach the kill within a minute")
	}
	temps, _ := filepath.Glob(filepath.Join(dir, "tmp", "*.tmp"))

	// Restart on the same directory.
	child, base = startServeChild(t, dir)
	defer func() { child.Process.Kill(); child.Wait() }()
	readable := 0
	for id, want := range acked {
		if err := getShare(context.Background(), client, base, id, want); err != nil {
			t.Errorf("an acknowledged share after the kill: %v", err)
		} else {
			readable++
		}
	}
	stored := validateStore(t, dir)
	for id, want := range acked {
		if got, ok := stored[id]; !ok || got != want {
			t.Errorf("acknowledged share %s: not in the store intact (%d bytes)", id, len(got))
		}
	}
	t.Logf("SIGKILL under load: %d creates acknowledged, %d readable and identical after the restart; %d share files in the store, all intact (%d stored but unacknowledged); %d requests cut off by the kill, %d temporary files left",
		len(acked), readable, len(stored), len(stored)-len(acked), failed, len(temps))
	if len(temps) > workers {
		t.Errorf("%d temporary files left by the kill, more than the %d writes in flight", len(temps), workers)
	}
	// The restarted server takes new shares.
	if id, err := postShare(context.Background(), client, base, loadPayload(0)); err != nil {
		t.Errorf("a create after the restart: %v", err)
	} else if err := getShare(context.Background(), client, base, id, loadPayload(0)); err != nil {
		t.Error(err)
	}
}

// startServeChild starts this test binary as a child serving the share API
// with its store in dir, and returns it with its base URL.
func startServeChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestShareLoadKill$")
	cmd.Env = append(os.Environ(), serveEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "serving "); ok {
			go io.Copy(io.Discard, out)
			return cmd, u
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatal("the child server did not start")
	return nil, ""
}

// serveChild serves the share API as `passk serve` does (its site, its
// file store, net/http), with the write limit lifted, until killed.
func serveChild(dir string) {
	store, err := web.OpenDirStore(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h, err := web.New(servePasskConfig(store))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("serving http://" + ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(os.Stderr, srv.Serve(ln))
	os.Exit(1)
}
