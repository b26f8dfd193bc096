package main

// The -coverage mode: instead of fuzzing, measure when each target's corpus
// stopped reaching new statements.
//
// go test's "new interesting" count grows for a long time, since an input
// that only moves an edge's hit count to another bucket counts. Statement
// coverage is a code-level measure: for each target, the statements its
// committed seeds and the cache files found up to a time t reach, and the
// time of the last cache file that reached a statement nobody reached before.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// coverList is the -coverpkg list for a package's test binary: the code
// whose statements count. Packages not listed cover themselves.
var coverList = map[string]string{
	"./passk/format":            "./passk/...",
	"./passk/internal/jsonscan": "./passk/...",
	"./web/share":               "./web/share",
	"./wasm/app":                "./wasm/app,./passk/...",
}

// pkgCoverList is the -coverpkg list for the package in directory rel.
func pkgCoverList(rel string) string {
	if list, ok := coverList["./"+rel]; ok {
		return list
	}
	return "./" + rel
}

// copyPrefix starts the names of the cache files copied next to a target's
// committed seeds, so that they can be told apart and cleared.
const copyPrefix = "cache-"

// corpusFile is one file of a target's fuzz cache, read when listed: the
// campaign may go on adding files while the coverage runs.
type corpusFile struct {
	name  string
	mtime time.Time
	data  []byte
}

// coverSet is what a run reached: the covered blocks of its coverprofile.
type coverSet map[string]bool

// profile is a parsed coverprofile: the statements of every block, and the
// blocks with a count above 0.
type profile struct {
	stmts   map[string]int // block "file:startLine.startCol,endLine.endCol" to its number of statements
	covered coverSet
}

// statements is the number of statements in the blocks of set.
func (p *profile) statements(set coverSet) int {
	n := 0
	for b := range set {
		n += p.stmts[b]
	}
	return n
}

// total is the number of statements in the profile: those of the cover
// list's packages that the test binary links.
func (p *profile) total() int {
	n := 0
	for _, s := range p.stmts {
		n += s
	}
	return n
}

// coverResult is one target's row of the coverage table.
type coverResult struct {
	pkg, name string
	files     int // cache files
	total     int // statements in the cover list
	seeds     int // statements the seeds alone reach
	since     int // ... and the cache files from before -since
	final     int // ... and the whole cache
	last      time.Time
	lastSeeds bool // no cache file reaches a statement the seeds do not
	after     int  // cache files found after the last one that reached a new statement
	runs      int  // test runs it took
	err       error
}

// coverage runs the -coverage mode: for every selected target, the
// statement coverage of its corpus over time.
func coverage(cfg *config, since time.Time) error {
	start := time.Now()
	root, err := output("git", "rev-parse", "--show-toplevel")
	if err != nil {
		return err
	}
	if cfg.out != "" {
		// The campaign's table is not this one's.
		campaignOut := filepath.Join(root, "bench", "fuzz", "RESULTS.md")
		out, err := filepath.Abs(cfg.out)
		if err != nil {
			return err
		}
		a, errA := os.Stat(out)
		b, errB := os.Stat(campaignOut)
		if out == campaignOut || errA == nil && errB == nil && os.SameFile(a, b) {
			return fmt.Errorf("-coverage does not write %s; give another -o", campaignOut)
		}
	}
	head, err := output("git", "-C", root, "rev-parse", "--short", "HEAD")
	if err != nil {
		return err
	}
	goVersion, err := output("go", "version")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "passk-fuzzcov-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// A scratch worktree of HEAD: the cache files go next to the committed
	// seeds there, not in this one.
	scratch := filepath.Join(tmp, "src")
	if _, err := output("git", "-C", root, "worktree", "add", "--detach", scratch, "HEAD"); err != nil {
		return err
	}
	defer func() {
		if _, err := output("git", "-C", root, "worktree", "remove", "--force", scratch); err != nil {
			fmt.Fprintf(os.Stderr, "fuzz: %v\n", err)
		}
	}()

	var results []*coverResult
	for i, pkg := range cfg.pkgs {
		rel := strings.TrimPrefix(filepath.Clean(pkg), "./")
		dir := filepath.Join(scratch, rel)
		list := pkgCoverList(rel)
		bin := filepath.Join(tmp, fmt.Sprintf("pkg%d.test", i))
		fmt.Fprintf(os.Stderr, "building %s (covering %s)\n", pkg, list)
		build := exec.Command("go", "test", "-c", "-cover", "-covermode=set", "-coverpkg="+list, "-o", bin, "./"+rel)
		build.Dir = scratch
		if out, err := build.CombinedOutput(); err != nil {
			results = append(results, &coverResult{pkg: pkg, name: "(build)", err: fmt.Errorf("go test -c: %v\n%s", err, out)})
			continue
		}
		names, err := fuzzTargets(bin, dir, cfg.run)
		if err != nil {
			results = append(results, &coverResult{pkg: pkg, name: "(list)", err: err})
			continue
		}
		for _, name := range names {
			fmt.Fprintf(os.Stderr, "%s %s\n", pkg, name)
			cache := filepath.Join(cfg.cache, filepath.Base(rel), name, name)
			r := coverTarget(bin, dir, tmp, cache, name, since)
			r.pkg = pkg
			if r.err != nil {
				fmt.Fprintf(os.Stderr, "    %v\n", r.err)
			} else {
				fmt.Fprintf(os.Stderr, "    %d files, %d runs: %d/%d/%d of %d statements, last new at %s\n",
					r.files, r.runs, r.seeds, r.since, r.final, r.total, r.lastString())
			}
			results = append(results, r)
		}
	}
	if len(results) == 0 {
		return fmt.Errorf("no fuzz target in %s matches -run %s", strings.Join(cfg.pkgs, ", "), cfg.run)
	}

	var b bytes.Buffer
	coverReport(&b, cfg, results, since, head, goVersion, start, time.Now())
	os.Stdout.Write(b.Bytes())
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d targets failed", failed, len(results))
	}
	return nil
}

// coverTarget measures one target: bin is its package's instrumented test
// binary, dir the package in the scratch worktree, cache the directory of
// its cache files.
func coverTarget(bin, dir, tmp, cache, name string, since time.Time) *coverResult {
	r := &coverResult{name: name}
	files, err := readCorpus(cache)
	if err != nil {
		r.err = err
		return r
	}
	r.files = len(files)
	seedDir := filepath.Join(dir, "testdata", "fuzz", name)
	if err := os.MkdirAll(seedDir, 0o755); err != nil {
		r.err = err
		return r
	}
	defer clearCopies(seedDir)

	// Coverage is monotone in t, so it is enough to know it at the
	// distinct mtimes: cuts[k] is how many files have one of the first k.
	cuts := []int{0}
	for i := range files {
		if i == len(files)-1 || !files[i+1].mtime.Equal(files[i].mtime) {
			cuts = append(cuts, i+1)
		}
	}
	var prof *profile
	memo := map[int]coverSet{}
	cover := func(k int) (coverSet, error) {
		if set, ok := memo[k]; ok {
			return set, nil
		}
		p, err := coverRun(bin, dir, tmp, seedDir, name, files[:cuts[k]])
		if err != nil {
			return nil, fmt.Errorf("with the %d files up to %s: %v", cuts[k], mtimeBefore(files, cuts[k]), err)
		}
		r.runs++
		if prof == nil {
			prof = p
		}
		memo[k] = p.covered
		return p.covered, nil
	}

	m := len(cuts) - 1
	final, err := cover(m)
	if err != nil {
		r.err = err
		return r
	}
	seeds, err := cover(0)
	if err != nil {
		r.err = err
		return r
	}
	// The files before -since: those of the distinct mtimes before it.
	k := sort.Search(m, func(k int) bool { return !files[cuts[k+1]-1].mtime.Before(since) })
	atSince, err := cover(k)
	if err != nil {
		r.err = err
		return r
	}
	last, err := firstEqual(m, final, cover)
	if err != nil {
		r.err = err
		return r
	}
	r.total = prof.total()
	r.seeds, r.since, r.final = prof.statements(seeds), prof.statements(atSince), prof.statements(final)
	if last == 0 {
		r.lastSeeds = true
	} else {
		r.last = files[cuts[last]-1].mtime
	}
	r.after = len(files) - cuts[last]
	return r
}

// firstEqual is the least k in [0, m] whose coverage equals final, the
// coverage at m, found by binary search: coverage only grows with k.
func firstEqual(m int, final coverSet, cover func(k int) (coverSet, error)) (int, error) {
	lo, hi := 0, m
	for lo < hi {
		mid := lo + (hi-lo)/2
		set, err := cover(mid)
		if err != nil {
			return 0, err
		}
		if maps.Equal(set, final) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// mtimeBefore describes the mtime of the last of the first n files.
func mtimeBefore(files []corpusFile, n int) string {
	if n == 0 {
		return "the seeds alone"
	}
	return files[n-1].mtime.UTC().Format(time.RFC3339Nano)
}

// readCorpus reads a target's cache files, oldest first.
func readCorpus(cache string) ([]corpusFile, error) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return nil, err
	}
	var files []corpusFile
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		if time.Since(info.ModTime()) < 5*time.Second {
			// The campaign may be writing it still.
			continue
		}
		data, err := os.ReadFile(filepath.Join(cache, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, corpusFile{e.Name(), info.ModTime(), data})
	}
	sort.SliceStable(files, func(i, j int) bool {
		if !files[i].mtime.Equal(files[j].mtime) {
			return files[i].mtime.Before(files[j].mtime)
		}
		return files[i].name < files[j].name
	})
	return files, nil
}

// clearCopies removes the cache files copied into a target's seed directory.
func clearCopies(seedDir string) error {
	entries, err := os.ReadDir(seedDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), copyPrefix) {
			if err := os.Remove(filepath.Join(seedDir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// coverRun runs the target as a plain test on its committed seeds and files,
// copied next to them, and returns its coverprofile.
func coverRun(bin, dir, tmp, seedDir, name string, files []corpusFile) (*profile, error) {
	if err := clearCopies(seedDir); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(seedDir, copyPrefix+f.name), f.data, 0o644); err != nil {
			return nil, err
		}
	}
	out := filepath.Join(tmp, name+".cover")
	os.Remove(out)
	cmd := exec.Command(bin, "-test.run", "^"+name+"$", "-test.count", "1", "-test.coverprofile", out, "-test.timeout", "10m")
	cmd.Dir = dir
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v:\n%s", err, lastLines(log.String(), 20))
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseProfile(f)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// parseProfile reads a coverprofile: after the mode line, a line a block,
//
//	github.com/passk/passk/web/share/share.go:12.2,14.16 2 1
//
// with the block, its number of statements and its count. A block listed
// more than once is covered when any of its lines has a count.
func parseProfile(r io.Reader) (*profile, error) {
	p := &profile{stmts: map[string]int{}, covered: coverSet{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if !strings.HasPrefix(line, "mode: ") {
				return nil, fmt.Errorf("coverprofile: no mode line")
			}
			continue
		}
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("coverprofile line %d: %q", n, line)
		}
		stmts, err1 := strconv.Atoi(f[1])
		count, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("coverprofile line %d: %q", n, line)
		}
		p.stmts[f[0]] = stmts
		if count > 0 {
			p.covered[f[0]] = true
		}
	}
	return p, sc.Err()
}

func (r *coverResult) lastString() string {
	if r.lastSeeds {
		return "seeds"
	}
	return r.last.UTC().Format("2006-01-02 15:04:05")
}

func coverReport(w io.Writer, cfg *config, results []*coverResult, since time.Time, head, goVersion string, start, end time.Time) {
	fmt.Fprintf(w, "# Statement coverage of the fuzz corpus\n\n")
	fmt.Fprintf(w, "Written by `go run ./bench/fuzz -coverage -cache %s`; not part of `make test`.\n\n", cfg.cache)
	fmt.Fprintf(w, "- Date: %s to %s (wall time %s); the cache files as they were when each target was measured\n", start.UTC().Format("2006-01-02 15:04 MST"), end.UTC().Format("15:04 MST"), end.Sub(start).Round(time.Second))
	fmt.Fprintf(w, "- Code: %s (HEAD), %s\n", head, goVersion)
	fmt.Fprintf(w, "- Rule: each target runs as a plain test (`-covermode=set`) on its committed seeds (f.Add and testdata/fuzz) and the cache files with mtime up to t. "+
		"Statements: those of the -coverpkg list (%s) in the packages its test binary links. "+
		"\"At -since\": with the cache files from before %s. "+
		"\"Last new statement at\": the mtime of the cache file after which no file reaches a statement not reached before (\"seeds\": none does), by binary search over the mtimes; then the files found after it. "+
		"The files merged from earlier runs have the mtimes of their copying, in no meaningful order: a last new statement before -since was found by an earlier run, and the files after it count merged files too.\n\n",
		coverLists(cfg.pkgs), since.UTC().Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "| package | target | corpus files | statements | seeds only | at -since | final | last new statement at (UTC) | files found after it |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	var failed []*coverResult
	for _, r := range results {
		pkg := strings.TrimPrefix(r.pkg, "./")
		if r.err != nil {
			fmt.Fprintf(w, "| %s | %s | %d | failed | | | | | |\n", pkg, r.name, r.files)
			failed = append(failed, r)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %s | %s | %s | %d |\n", pkg, r.name, r.files, r.total,
			percent(r.seeds, r.total), percent(r.since, r.total), percent(r.final, r.total), r.lastString(), r.after)
	}
	for _, r := range failed {
		fmt.Fprintf(w, "\n%s %s failed:\n\n```\n%v\n```\n", strings.TrimPrefix(r.pkg, "./"), r.name, r.err)
	}
}

// coverLists describes the -coverpkg list of each package.
func coverLists(pkgs []string) string {
	var s []string
	for _, pkg := range pkgs {
		rel := strings.TrimPrefix(filepath.Clean(pkg), "./")
		s = append(s, fmt.Sprintf("%s for %s", pkgCoverList(rel), rel))
	}
	return strings.Join(s, "; ")
}

func percent(n, total int) string {
	if total == 0 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(total))
}
