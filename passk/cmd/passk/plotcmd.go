package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/passk/passk/passk"
	"github.com/passk/passk/passk/plot"
)

func init() {
	commands["plot"] = command{"draw the curves, bands and crossovers as SVG or PNG", runPlot}
}

func runPlot(stdout, stderr io.Writer, args []string) error {
	fs := newFlagSet("plot", "-o FILE.svg|FILE.png [LABEL=]FILE ...", stderr)
	var rf readFlags
	var af analysisFlags
	rf.register(fs)
	af.register(fs)
	out := fs.String("o", "", "write the plot to `file`; .svg or .png")
	title := fs.String("title", "", "a `title` above the plot")
	noBands := fs.Bool("no-bands", false, "leave out the bootstrap bands")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: -o FILE.svg or -o FILE.png is required", errUsage)
	}
	kind, err := plot.FormatOf(*out)
	if err != nil {
		return fmt.Errorf("%w: -o %s: %v", errUsage, *out, err)
	}
	opt, err := af.options()
	if err != nil {
		return err
	}
	models, warnings, err := rf.load(fs.Args())
	if err != nil {
		return err
	}
	rep, err := passk.Analyze(models, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := plot.Write(&buf, rep, plot.Options{Title: *title, NoBands: *noBands}, kind); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	for _, w := range append(warnings, rep.Warnings...) {
		fmt.Fprintln(stderr, "warning:", w)
	}
	return nil
}
