// Command passk computes pass@k curves, error bands and crossovers of
// sampled LLM evaluations, plots them, and serves the browser app.
//
//	passk curve base=base.jsonl rl=rl.csv
//	passk curve --json base.jsonl rl.jsonl
//	passk plot -o cross.svg base=base.jsonl rl=rl.jsonl
//	passk curve --extrapolate 100000 base=base.jsonl rl=rl.jsonl
//	passk curve --metric maj@k samples.jsonl
//	passk backtest base=base.jsonl
//	passk formats
//	passk serve
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(stdout, stderr io.Writer, args []string) error
}

// commands is filled by each subcommand's file.
var commands = map[string]command{}

// errUsage marks an error whose message is a usage message.
var errUsage = errors.New("usage")

func main() {
	err := run(os.Stdout, os.Stderr, os.Args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "passk:", err)
		os.Exit(1)
	}
}

// run is the whole command line, so that tests drive it in-process.
func run(stdout, stderr io.Writer, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		usage(stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return c.run(stdout, stderr, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: passk COMMAND [flags] [LABEL=]FILE ...")
	fmt.Fprintln(w, "\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'passk COMMAND -h' for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func newFlagSet(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: passk %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
