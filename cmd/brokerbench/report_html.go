package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/reports"
)

// withHTMLReport adds --html to cmd ("report" or "run") and, when it is
// given, writes RUN_DIR/report.html after cmd ran: also when cmd failed
// with an expectation or was interrupted, since those runs are the ones
// worth reading. The run directory is the argument of "report" and, for
// "run", the last line of its stdout (that command's documented contract).
// The path of the page goes to stderr, so stdout is unchanged.
func withHTMLReport(cmd *cobra.Command) *cobra.Command {
	var html bool
	cmd.Flags().BoolVar(&html, "html", false, "also write RUN_DIR/"+reports.HTMLFile+", a self-contained HTML report that opens offline")
	inner := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if !html {
			return inner(c, args)
		}
		out := c.OutOrStdout()
		tail := &stdoutTail{}
		c.SetOut(io.MultiWriter(out, tail))
		err := inner(c, args)
		c.SetOut(out)
		dir := tail.String()
		if c.Name() == "report" && len(args) > 0 {
			dir = args[0]
		}
		if st, serr := os.Stat(dir); dir == "" || serr != nil || !st.IsDir() {
			return err // the run failed before it had a directory
		}
		path, herr := reports.WriteHTML(dir)
		switch {
		case herr == nil:
			fmt.Fprintln(c.ErrOrStderr(), "HTML report:", path)
		case err == nil:
			return withCode(exitError, fmt.Errorf("writing the HTML report: %w", herr))
		default:
			fmt.Fprintln(c.ErrOrStderr(), "brokerbench: writing the HTML report:", herr)
		}
		return err
	}
	return cmd
}

// stdoutTail keeps the last non-empty line written to it.
type stdoutTail struct {
	cur, last bytes.Buffer
}

func (l *stdoutTail) Write(p []byte) (int, error) {
	for _, b := range p {
		if b != '\n' {
			l.cur.WriteByte(b)
			continue
		}
		if l.cur.Len() > 0 {
			l.last.Reset()
			l.last.Write(l.cur.Bytes())
			l.cur.Reset()
		}
	}
	return len(p), nil
}

// String is the last complete line, trimmed.
func (l *stdoutTail) String() string { return strings.TrimSpace(l.last.String()) }
