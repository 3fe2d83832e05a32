package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/reports"
	"github.com/brokerbench/brokerbench/scenarios"
)

func newCheckCmd(reg *registry.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "check RUN_DIR",
		Short: "Re-run the checkers on a stored run and print the verdicts",
		Long: `Re-run the checkers on the op logs of a stored run, evaluate the scenario's
expectations again (latency and throughput come from summary.json) and
print the verdicts. It does not modify the run directory. A run that died
midway is checked up to its last whole record.

Exit codes as for run: 0 every expectation holds, 3 one does not, 1 error
or an incomplete run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return checkRun(cmd, reg, args[0])
		},
	}
}

func checkRun(cmd *cobra.Command, reg *registry.Registry, dir string) error {
	path := filepath.Join(dir, summary.ScenarioFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return withCode(exitError, fmt.Errorf("%s: not a run directory: %w", dir, err))
	}
	sc, err := scenarios.Load(path, data, reg, nil)
	if err != nil {
		return withCode(exitError, fmt.Errorf("stored scenario: %w", err))
	}
	s, err := summary.Read(dir)
	incomplete := false
	switch {
	case errors.Is(err, fs.ErrNotExist):
		incomplete = true
		s = &summary.Summary{Schema: summary.Schema, Scenario: sc.Name}
	case err != nil:
		return withCode(exitError, err)
	default:
		incomplete = !s.Complete
	}
	bcast, err := storedBroadcast(dir, s)
	if err != nil {
		return withCode(exitError, err)
	}
	res, err := checker.CheckDir(dir, checker.Options{DrainEnd: s.Drain.End, Consumers: sc.Workload.Consumers, Broadcast: bcast})
	if err != nil {
		return withCode(exitError, fmt.Errorf("checking: %w", err))
	}
	_, hadLog := s.Checks[logcheck.CheckOffsetTwoValues]
	s.Counts, s.Checks, s.ChecksTruncated, s.Delayed = res.Counts, res.Checks, res.Truncated, res.Delayed
	s.Workload.Broadcast, s.Subscribers = bcast, res.Subscribers
	if hadLog {
		if err := rerunLogChecks(dir, s); err != nil {
			return withCode(exitError, err)
		}
	}
	s.Expectations = s.Evaluate(sc.Expect)
	out := cmd.OutOrStdout()
	c := s.Counts
	fmt.Fprintf(out, "run %s: sent %d, acked %d, failed %d, unknown %d, delivered %d, deliveries %d\n",
		dir, c.Sent, c.Acked, c.Failed, c.Unknown, c.Delivered, c.Deliveries)
	reports.WriteChecks(out, s)
	reports.WriteDelayed(out, s)
	reports.WriteExpectations(out, s)
	switch {
	case !summary.AllHold(s.Expectations):
		return withCode(exitExpect, errors.New("an expectation does not hold"))
	case incomplete:
		return withCode(exitError, errors.New("the run did not complete: verdicts cover what was recorded"))
	}
	return nil
}

// storedBroadcast reports whether a stored run's consumers each got every
// message: summary.json's workload.broadcast, or run.json's broadcast for
// a run that died before writing its summary (a run without run.json
// never opened its driver).
func storedBroadcast(dir string, s *summary.Summary) (bool, error) {
	if s.Workload.Broadcast {
		return true, nil
	}
	info, err := summary.ReadRun(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading run.json: %w", err)
	}
	return info.Broadcast, nil
}

// rerunLogChecks runs the log checks again on a run whose summary had them
// (a Kafka-like driver), with the rebalance windows of its events.
func rerunLogChecks(dir string, s *summary.Summary) error {
	info, err := summary.ReadRun(dir)
	if err != nil {
		return fmt.Errorf("log checks need run.json: %w", err)
	}
	res, err := logcheck.Check(dir, logcheck.RebalanceWindows(s.Events, time.Unix(0, info.OriginUnixN)))
	if err != nil {
		return fmt.Errorf("log checks: %w", err)
	}
	for name, c := range res.Checks {
		s.Checks[name] = c
	}
	return nil
}
