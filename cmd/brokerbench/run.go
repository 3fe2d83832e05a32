package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/runner"
	"github.com/brokerbench/brokerbench/reports"
	"github.com/brokerbench/brokerbench/scenarios"
)

func newRunCmd(reg *registry.Registry) *cobra.Command {
	var (
		sets     []string
		duration time.Duration
		results  string
		quiet    bool
	)
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario (a bundled name or a YAML file)",
		Long: `Run a scenario: a bundled scenario name (see 'brokerbench list') or a YAML file.

A one-line live status goes to stderr every second. The verdicts go to
stdout and the path of the run directory is the last line of stdout.
Ctrl-C stops sending, drains briefly and still writes the results; a
second Ctrl-C exits at once.`,
		Example: `  brokerbench run quickstart
  brokerbench run selftest --set driver.options.inject.drop=6
  brokerbench run my.yaml --set workload.rate=5000 --duration 1m --results /tmp/results`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if duration < 0 {
				return withCode(exitUsage, fmt.Errorf("--duration must be positive, got %s", duration))
			}
			if duration > 0 {
				sets = append(sets, "workload.duration="+duration.String())
			}
			sc, err := scenarios.Open(args[0], reg, sets)
			if err != nil {
				return withCode(exitUsage, err)
			}
			return runScenario(cmd, reg, sc, results, quiet)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&sets, "set", nil, "override a scenario field by its dotted path, e.g. --set workload.rate=5000 (repeatable)")
	f.DurationVar(&duration, "duration", 0, "override workload.duration")
	f.StringVar(&results, "results", "results", "base directory of run directories")
	f.BoolVarP(&quiet, "quiet", "q", false, "no live status line")
	return cmd
}

func runScenario(cmd *cobra.Command, reg *registry.Registry, sc *scenarios.Scenario, results string, quiet bool) error {
	ctx, stop := interruptContext()
	defer stop()
	opts := runner.Options{
		ResultsDir: results,
		Registry:   reg,
		Command:    os.Args,
		Logger:     slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if !quiet {
		opts.Status = cmd.ErrOrStderr()
	}
	res, err := runner.Run(ctx, sc, opts)
	out := cmd.OutOrStdout()
	if res != nil && res.Summary != nil {
		run, lerr := reports.Load(res.Dir)
		if lerr == nil {
			run.Series = nil // the live status already showed each second
			_ = reports.Text(out, run)
		}
	}
	if res != nil {
		fmt.Fprintln(out, res.Dir)
	}
	switch {
	case err != nil:
		return withCode(exitError, err)
	case res.Summary.Interrupted:
		return withCode(exitError, errors.New("interrupted: results are partial"))
	case !res.Summary.Passed:
		return withCode(exitExpect, errors.New("an expectation does not hold"))
	}
	return nil
}

// interruptContext is cancelled by the first SIGINT/SIGTERM; a second one
// exits at once.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		n := 0
		for range ch {
			n++
			if n == 1 {
				fmt.Fprintln(os.Stderr, "brokerbench: interrupted — stopping sends and draining (Ctrl-C again to exit at once)")
				cancel()
				continue
			}
			os.Exit(exitInterrup)
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}
