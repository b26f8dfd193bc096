// Command fuzz runs passk's fuzzing campaign (issue 8): every fuzz target of
// the readers (passk/format), the JSON scanner (passk/internal/jsonscan) and
// the share-link decoder (web/share) and the session import (wasm/app), one at a time, each until it has found
// no new interesting input for a while, and writes a table of what each did.
//
// Each target runs with one fuzzing worker (-parallel 1) from its seed
// corpus only (a fresh fuzz cache, so a run does not start from an earlier
// run's findings; with -cache DIR, from those kept in DIR), for at least
// -min and at most -max, and is stopped once
// -quiet has passed since its last new interesting input. A crash stops the
// target; go test has then written the failing input to the package's
// testdata/fuzz/FuzzX/, where plain go test runs it from then on.
//
// go test minimizes every new interesting input before it goes on fuzzing,
// for up to a minute by default: with seeds of some kilobytes that took 50
// to 90% of a target's time (FuzzInspectJSON ran 18 execs in its first
// minute). -minimize (5s) bounds it; the table gives the time it took.
//
//	bench/fuzz/run.sh                       # the whole campaign, about 80 to 100 minutes on 2 cores
//	go run ./bench/fuzz -run 'FuzzCSV|FuzzDecode' -min 30s -max 1m -quiet 20s -o ''
//
// -coverage (with -cache DIR) fuzzes nothing: it runs each target as a plain
// test with coverage on its seeds and the cache files found up to each time
// and tells when the last input that reached a new statement was found
// (see coverage.go); it writes to standard output, and to -o only when given.
//
//	go run ./bench/fuzz -coverage -cache /work/fuzzcache -run '^(FuzzDecode|FuzzRun)$'
//
// It is not part of make test.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/passk/passk/internal/measure"
)

type config struct {
	pkgs             []string
	run              *regexp.Regexp
	min, max, quiet  time.Duration
	minimize         time.Duration
	parallel         int
	out, logs, cache string
	verbose          bool
}

// result is what one target did.
type result struct {
	pkg, name   string
	elapsed     time.Duration // fuzzing time, as go test reports it
	execs       int64
	interesting int           // new interesting inputs found (go test's "new interesting")
	corpus      int           // the corpus at the end: seeds and new inputs ("total")
	lastNew     time.Duration // when the last new interesting input appeared; 0 when none did
	still       time.Duration // time in progress lines whose exec count did not move: minimizing (or hung)
	stop        string        // why it stopped
	crash       string        // the failing input's file, when it crashed
	failed      bool
}

func main() {
	var cfg config
	pkgs := flag.String("pkgs", "./web/share,./passk/format,./passk/internal/jsonscan,./wasm/app", "comma-separated packages whose Fuzz functions to run")
	run := flag.String("run", ".", "run only the targets whose name matches this regular expression")
	flag.DurationVar(&cfg.min, "min", 4*time.Minute, "the least time to fuzz a target")
	flag.DurationVar(&cfg.max, "max", 10*time.Minute, "the most time to fuzz a target")
	flag.DurationVar(&cfg.quiet, "quiet", 3*time.Minute, "stop a target once this long has passed without a new interesting input (and -min is reached)")
	flag.DurationVar(&cfg.minimize, "minimize", 5*time.Second, "the most time to spend minimizing each new interesting input or crasher (go test's -fuzzminimizetime; its default, 60s, can take most of a run)")
	flag.IntVar(&cfg.parallel, "parallel", 1, "fuzzing workers per target")
	flag.StringVar(&cfg.out, "o", "bench/fuzz/RESULTS.md", "write the results table to this file (\"\": standard output only)")
	flag.StringVar(&cfg.logs, "logs", "", "keep each target's go test output in this directory")
	flag.StringVar(&cfg.cache, "cache", "", "keep the corpora found in this directory (one subdirectory per target); a later run with the same directory starts from them")
	flag.BoolVar(&cfg.verbose, "v", false, "print go test's output as it comes")
	coverMode := flag.Bool("coverage", false, "fuzz nothing: measure the statement coverage of each target's -cache corpus over time")
	sinceFlag := flag.String("since", "2026-11-29T01:41:00Z", "with -coverage, also the coverage of the cache files from before this time (RFC 3339)")
	flag.Parse()
	re, err := regexp.Compile(*run)
	if err != nil {
		fatalf("-run: %v", err)
	}
	cfg.run = re
	cfg.pkgs = strings.Split(*pkgs, ",")
	if *coverMode {
		since, err := time.Parse(time.RFC3339, *sinceFlag)
		if err != nil {
			fatalf("-since: %v", err)
		}
		if cfg.cache == "" {
			fatalf("-coverage needs -cache")
		}
		// This mode writes to -o only when it is given.
		given := false
		flag.Visit(func(f *flag.Flag) { given = given || f.Name == "o" })
		if !given {
			cfg.out = ""
		}
		if err := coverage(&cfg, since); err != nil {
			fatalf("%v", err)
		}
		return
	}
	if cfg.min > cfg.max {
		fatalf("-min %v is more than -max %v", cfg.min, cfg.max)
	}
	if err := campaign(&cfg); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fuzz: "+format+"\n", args...)
	os.Exit(1)
}

func campaign(cfg *config) error {
	tmp, err := os.MkdirTemp("", "passk-fuzz-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if cfg.logs != "" {
		if err := os.MkdirAll(cfg.logs, 0o755); err != nil {
			return err
		}
	}
	goVersion, err := output("go", "version")
	if err != nil {
		return err
	}
	start := time.Now()
	loadBefore := measure.LoadAvg(" ")

	type target struct{ pkg, dir, bin, name string }
	var targets []target
	for i, pkg := range cfg.pkgs {
		dir, err := output("go", "list", "-f", "{{.Dir}}", pkg)
		if err != nil {
			return err
		}
		// -fuzz builds the binary with coverage instrumentation.
		bin := filepath.Join(tmp, fmt.Sprintf("pkg%d.test", i))
		fmt.Fprintf(os.Stderr, "building %s\n", pkg)
		if _, err := output("go", "test", "-c", "-fuzz=.", "-o", bin, pkg); err != nil {
			return err
		}
		names, err := fuzzTargets(bin, dir, cfg.run)
		if err != nil {
			return fmt.Errorf("%s: %v", pkg, err)
		}
		for _, name := range names {
			targets = append(targets, target{pkg, dir, bin, name})
		}
	}
	if len(targets) == 0 {
		return fmt.Errorf("no fuzz target in %s matches -run %s", strings.Join(cfg.pkgs, ", "), cfg.run)
	}

	var results []*result
	for i, t := range targets {
		fmt.Fprintf(os.Stderr, "[%d/%d] %s %s\n", i+1, len(targets), t.pkg, t.name)
		r, err := fuzz(cfg, tmp, t.pkg, t.dir, t.bin, t.name)
		if err != nil {
			return fmt.Errorf("%s %s: %v", t.pkg, t.name, err)
		}
		fmt.Fprintf(os.Stderr, "    %s (%s minimizing), %d execs, %d new interesting (corpus %d), last new at %s: %s\n",
			r.elapsed, r.still, r.execs, r.interesting, r.corpus, r.lastNew, r.stop)
		results = append(results, r)
		// The table so far, so that a campaign cut short leaves its results.
		if cfg.out != "" {
			var b bytes.Buffer
			report(&b, cfg, results, goVersion, start, time.Now(), loadBefore, measure.LoadAvg(" "))
			if err := os.WriteFile(cfg.out, b.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}

	var b bytes.Buffer
	report(&b, cfg, results, goVersion, start, time.Now(), loadBefore, measure.LoadAvg(" "))
	os.Stdout.Write(b.Bytes())
	for _, r := range results {
		if r.failed {
			return fmt.Errorf("%s failed: %s", r.name, r.stop)
		}
	}
	return nil
}

// status is go test's progress line while fuzzing, every 3 seconds:
//
//	fuzz: elapsed: 9s, execs: 162566 (20886/sec), new interesting: 48 (total: 52)
var (
	status  = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \(\d+/sec\), new interesting: (\d+) \(total: (\d+)\)`)
	failing = regexp.MustCompile(`Failing input written to (\S+)`)
)

// fuzz runs one target and watches its progress lines.
func fuzz(cfg *config, tmp, pkg, dir, bin, name string) (*result, error) {
	cache := filepath.Join(tmp, "cache-"+name)
	if cfg.cache != "" {
		cache = filepath.Join(cfg.cache, filepath.Base(dir), name)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(cache)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-test.run", "^$", "-test.fuzz", "^"+name+"$",
		"-test.fuzztime", cfg.max.String(), "-test.fuzzminimizetime", cfg.minimize.String(), "-test.parallel", strconv.Itoa(cfg.parallel),
		"-test.fuzzcachedir", abs, "-test.timeout", "0")
	cmd.Dir = dir // seeds and crashers are in the package's testdata
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var log io.Writer = io.Discard
	if cfg.logs != "" {
		f, err := os.Create(filepath.Join(cfg.logs, name+".log"))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		log = f
	}
	if cfg.verbose {
		log = io.MultiWriter(log, os.Stderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// go test stops itself after -max; this is only a backstop should it hang.
	backstop := time.AfterFunc(cfg.max+2*time.Minute, func() { cmd.Process.Kill() })
	defer backstop.Stop()

	r := &result{pkg: pkg, name: name, stop: fmt.Sprintf("reached -max %s", cfg.max)}
	var wg sync.WaitGroup
	wg.Add(1)
	var tail []string // the last lines, for a failure's report
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		interrupted := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(log, line)
			if tail = append(tail, line); len(tail) > 40 {
				tail = tail[1:]
			}
			if m := failing.FindStringSubmatch(line); m != nil {
				r.crash = filepath.Join(dir, m[1])
				if wd, err := os.Getwd(); err == nil {
					if rel, err := filepath.Rel(wd, r.crash); err == nil {
						r.crash = rel
					}
				}
			}
			m := status.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			elapsed, err := time.ParseDuration(m[1])
			if err != nil {
				continue
			}
			execs, _ := strconv.ParseInt(m[2], 10, 64)
			if execs == r.execs && r.elapsed > 0 {
				// go test counts a minimization's execs when it ends.
				r.still += elapsed - r.elapsed
			}
			r.elapsed, r.execs = elapsed, execs
			n, _ := strconv.Atoi(m[3])
			r.corpus, _ = strconv.Atoi(m[4])
			if n > r.interesting {
				r.interesting, r.lastNew = n, elapsed
			}
			if !interrupted && elapsed >= cfg.min && elapsed-r.lastNew >= cfg.quiet {
				// go test stops fuzzing on an interrupt, prints its last line and passes.
				interrupted = true
				r.stop = fmt.Sprintf("nothing new for %s", cfg.quiet)
				cmd.Process.Signal(syscall.SIGINT)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	err = cmd.Wait()
	pw.Close()
	wg.Wait()
	if err != nil {
		r.failed = true
		switch {
		case r.crash != "":
			r.stop = "crashed: " + r.crash
		default:
			r.stop = fmt.Sprintf("go test failed (%v):\n%s", err, strings.Join(tail, "\n"))
		}
	}
	return r, nil
}

func report(w io.Writer, cfg *config, results []*result, goVersion string, start, end time.Time, loadBefore, loadAfter string) {
	fmt.Fprintf(w, "# Fuzzing campaign\n\n")
	fmt.Fprintf(w, "Written by `bench/fuzz/run.sh` (`go run ./bench/fuzz`); not part of `make test`.\n\n")
	fmt.Fprintf(w, "- Date: %s to %s (wall time %s)\n", start.UTC().Format("2006-01-02 15:04 MST"), end.UTC().Format("15:04 MST"), end.Sub(start).Round(time.Second))
	fmt.Fprintf(w, "- Machine: %s, %d CPUs (%s); load average %s at the start, %s at the end\n", measure.CPUModel(), runtime.NumCPU(), uname(), loadBefore, loadAfter)
	fmt.Fprintf(w, "- Go: %s\n", goVersion)
	from := "from its seed corpus only (a fresh fuzz cache)"
	if cfg.cache != "" {
		from = "from its seed corpus and the corpus earlier runs found (kept in the -cache directory; \"new interesting\" counts only this run's)"
	}
	fmt.Fprintf(w, "- Rule: one target at a time, `-parallel %d`, %s; stopped once %s passed without a new interesting input, after at least %s and at most %s; at most %s minimizing each new input. \"Minimizing\" is the time in progress lines with no new execs: go test counts a minimization's execs when it ends.\n\n",
		cfg.parallel, from, cfg.quiet, cfg.min, cfg.max, cfg.minimize)
	fmt.Fprintf(w, "| package | target | time | minimizing | execs | execs/s | new interesting | corpus | last new at | stopped |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
	var total time.Duration
	var execs int64
	for _, r := range results {
		rate := int64(0)
		if s := r.elapsed.Seconds(); s > 0 {
			rate = int64(float64(r.execs) / s)
		}
		stop := r.stop
		if r.failed && r.crash == "" {
			stop = "go test failed"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |\n", strings.TrimPrefix(r.pkg, "./"), r.name, r.elapsed, r.still, thousands(r.execs), thousands(rate), r.interesting, r.corpus, r.lastNew, stop)
		total += r.elapsed
		execs += r.execs
	}
	fmt.Fprintf(w, "\n%d targets, %s of fuzzing, %s execs.\n", len(results), total, thousands(execs))
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fuzzTargets lists the fuzz targets of the test binary bin (run in dir,
// its package's directory) whose names match run.
func fuzzTargets(bin, dir string, run *regexp.Regexp) ([]string, error) {
	cmd := exec.Command(bin, "-test.list", "^Fuzz")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the fuzz targets: %v", err)
	}
	var names []string
	for _, name := range strings.Fields(string(out)) {
		if strings.HasPrefix(name, "Fuzz") && run.MatchString(name) {
			names = append(names, name)
		}
	}
	return names, nil
}

func output(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

func uname() string {
	s, err := output("uname", "-srm")
	if err != nil {
		return runtime.GOOS + "/" + runtime.GOARCH
	}
	return s
}
