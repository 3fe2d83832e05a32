// Command brokerbench benchmarks and chaos-tests message brokers: paced
// sync, async and oneway loads, every message checked for loss, duplication
// and order, latency in HdrHistograms, results in a run directory.
//
// Exit codes: 0 every expectation holds, 1 error, 2 usage error or invalid
// scenario, 3 an expectation does not hold.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/internal/registry"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitExpect   = 3
	exitInterrup = 130
)

// exitError carries an exit code out of a command. Errors a command returns
// without one are usage errors (cobra's argument and flag parsing).
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &codeError{code: code, err: err} }

func main() { os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr)) }

// execute runs the command line and returns the exit code.
func execute(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.err != nil && ce.err.Error() != "" {
			fmt.Fprintln(stderr, "brokerbench:", ce.err)
		}
		return ce.code
	}
	fmt.Fprintln(stderr, "brokerbench:", err)
	fmt.Fprintln(stderr, "Run 'brokerbench --help' for usage.")
	return exitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "brokerbench",
		Short: "Benchmark and chaos-test message brokers",
		Long: `brokerbench runs a scenario against a message broker: paced sync, async or
oneway sends, consumers that record every delivery, checkers for loss,
duplication and order, and HdrHistogram latencies, all kept in a run
directory that 'check' and 'report' can read again.

Exit codes: 0 every expectation holds, 1 error, 2 usage error or invalid
scenario, 3 an expectation does not hold.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	reg := registry.Default()
	root.AddCommand(
		withHTMLReport(newRunCmd(reg)),
		newCheckCmd(reg),
		withHTMLReport(newReportCmd()),
		newCompareCmd(),
		newValidateCmd(reg),
		newListCmd(reg),
		newHealCmd(),
		newServeCmd(),
	)
	return root
}
