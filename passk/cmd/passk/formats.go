package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/passk/passk/passk/format"
)

func init() {
	commands["formats"] = command{"list the result formats passk reads", runFormats}
}

func runFormats(stdout, stderr io.Writer, args []string) error {
	fs := newFlagSet("formats", "", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "format\tdetected by")
	for _, f := range format.Formats() {
		fmt.Fprintf(tw, "%s\t%s\n", f.Name, f.Detect)
	}
	fmt.Fprintln(tw, "\nAny of these may be gzip-compressed. Force one with --format NAME.")
	return tw.Flush()
}
