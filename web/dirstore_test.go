package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDirStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := NewID()
	if _, err := s.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of an unknown id: %v", err)
	}
	if err := s.Create(ctx, id, []byte("v1.first")); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, id, []byte("v1.second")); !errors.Is(err, ErrExists) {
		t.Errorf("Create of a taken id: %v", err)
	}
	if err := s.Create(ctx, "../escape", []byte("v1.x")); err == nil {
		t.Error("Create with an id that is a path: no error")
	}
	if _, err := s.Get(ctx, "../../etc/passwd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a path: %v", err)
	}
	// It survives a restart: a new store on the same directory.
	s2, err := OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(ctx, id); err != nil || string(got) != "v1.first" {
		t.Errorf("after reopening: %q, %v", got, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestDirStoreConcurrent: many writers at once, each share intact, and of
// writers racing for one id exactly one wins.
func TestDirStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	s, err := OpenDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 64)
	for i := range ids {
		ids[i] = NewID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			payload := bytes.Repeat([]byte(fmt.Sprintf("share %d;", i)), 1000+i)
			if err := s.Create(ctx, ids[i], payload); err != nil {
				t.Error(err)
			}
		}()
	}
	same := NewID()
	var wins sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 16 {
		wins.Add(1)
		go func() {
			defer wins.Done()
			err := s.Create(ctx, same, []byte(fmt.Sprintf("writer %d", i)))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrExists):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	wins.Wait()
	if won != 1 {
		t.Errorf("%d writers of one id succeeded, want 1", won)
	}
	for i, id := range ids {
		got, err := s.Get(ctx, id)
		want := bytes.Repeat([]byte(fmt.Sprintf("share %d;", i)), 1000+i)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("share %d: %d bytes, %v", i, len(got), err)
		}
	}
	if got, err := s.Get(ctx, same); err != nil || !strings.HasPrefix(string(got), "writer ") {
		t.Errorf("the raced share: %q, %v", got, err)
	}
}

// crashEnv names the store directory a child process writes into before it
// is killed (TestDirStoreCrash).
const crashEnv = "PASSK_TEST_DIRSTORE_CRASH"

// TestDirStoreCrash kills a process in the middle of writing a share (half
// of it written to its temporary file) and checks what a crash leaves: the
// shares written before are intact, the one being written does not exist
// (no torn file under its id), new shares can be written, and the
// temporary file is removed once it is old.
func TestDirStoreCrash(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := NewID()
	if err := s.Create(ctx, before, []byte("v1.before")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDirStoreCrash$", "-test.v")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var torn string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "writing "); ok {
			torn = id
			break
		}
	}
	if torn == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the child never got to write")
	}
	cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
	cmd.Wait()

	temps, _ := filepath.Glob(filepath.Join(dir, "tmp", "*.tmp"))
	if len(temps) != 1 {
		t.Fatalf("temporary files after the crash: %q, want the half-written one", temps)
	}
	if info, err := os.Stat(temps[0]); err != nil || info.Size() == 0 {
		t.Fatalf("the half-written file: %v, %v", info, err)
	}
	s, err = OpenDirStore(dir) // a restart: the temporary file is recent, and kept
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, torn); !errors.Is(err, ErrNotFound) {
		t.Errorf("the share being written when the process died: %v, want ErrNotFound", err)
	}
	if got, err := s.Get(ctx, before); err != nil || string(got) != "v1.before" {
		t.Errorf("a share written before the crash: %q, %v", got, err)
	}
	if err := s.Create(ctx, torn, []byte("v1.again")); err != nil {
		t.Errorf("writing the id again after the crash: %v", err)
	}
	if _, err := os.Stat(temps[0]); err != nil {
		t.Errorf("a recent temporary file was removed (another process may be writing it): %v", err)
	}
	old := time.Now().Add(-2 * staleTemp)
	os.Chtimes(temps[0], old, old)
	if _, err := OpenDirStore(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temps[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an hour-old temporary file was not removed: %v", err)
	}
}

// crashChild writes a share and stops halfway, waiting to be killed.
func crashChild(dir string) {
	s, err := OpenDirStore(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	id := NewID()
	s.testHookWrite = func() {
		fmt.Println("writing " + id)
		time.Sleep(time.Hour) // killed here
	}
	s.Create(context.Background(), id, bytes.Repeat([]byte("v1.AAAA"), 10000))
	os.Exit(1)
}
