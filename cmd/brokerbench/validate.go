package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

func newValidateCmd(reg *registry.Registry) *cobra.Command {
	var sets []string
	cmd := &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario (file or bundled name) without running it",
		Long: `Check a scenario without running it. Every problem is reported at once,
each with its file, line, field and the allowed values. Exit 0 when the
scenario is valid, 2 when it is not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenarios.Open(args[0], reg, sets)
			if err != nil {
				return withCode(exitUsage, err)
			}
			w := sc.Workload
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %s — driver %s, %s%s, rate %s, %d producer(s), %d consumer(s), %s + %s warm-up, %d expectation(s)\n",
				sc.Name, sc.Driver.Name, w.Mode, kindText(w.Kind), rateText(w.Rate), w.Producers, w.Consumers, w.Duration, w.Warmup, len(sc.Expect))
			printPhaseKinds(cmd.OutOrStdout(), sc)
			printFaultSchedule(cmd.OutOrStdout(), sc)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a scenario field by its dotted path (repeatable)")
	return cmd
}

// kindText is " delayed messages" for a non-plain kind, "" for plain.
func kindText(k drivers.Kind) string {
	if k.Normal() == drivers.KindPlain {
		return ""
	}
	return " " + string(k) + " messages"
}

// printPhaseKinds lists the phases when any of them sends a kind other
// than the workload's, one line each (with its mode, kind and rate).
func printPhaseKinds(out io.Writer, sc *scenarios.Scenario) {
	differs := false
	for _, ph := range sc.Workload.Phases {
		differs = differs || ph.Kind.Normal() != sc.Workload.Kind.Normal()
	}
	if !differs {
		return
	}
	fmt.Fprintf(out, "phases (message kinds differ):\n")
	for _, ph := range sc.Workload.Phases {
		fmt.Fprintf(out, "  %s\n", ph.String())
	}
}

func rateText(r scenarios.Rate) string {
	if r.Max {
		return "max"
	}
	return fmt.Sprintf("%g/s", r.PerSecond)
}

// printFaultSchedule prints the scenario's expanded fault schedule, one
// line per occurrence (repeats and nemesis-drawn faults included): what a
// run with these seeds replays. Nothing for a scenario without faults.
func printFaultSchedule(out io.Writer, sc *scenarios.Scenario) {
	sched := sc.FaultSchedule()
	if len(sched) == 0 {
		return
	}
	seeds := fmt.Sprintf("workload.seed %d", sc.Workload.Seed)
	if sc.Nemesis != nil {
		seeds += fmt.Sprintf(", nemesis.seed %d", sc.Nemesis.Seed)
	}
	fmt.Fprintf(out, "fault schedule: %d occurrence(s), times from the start of sending (%s):\n", len(sched), seeds)
	for i, o := range sched {
		src := ""
		if o.Generated {
			src = "  [nemesis]"
		}
		fmt.Fprintf(out, "  %3d. %s%s\n", i+1, o.String(), src)
	}
}
