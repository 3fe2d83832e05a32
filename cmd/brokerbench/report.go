package main

import (
	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/reports"
)

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report RUN_DIR",
		Short: "Print a readable summary of a stored run",
		Long: `Print a readable text summary of a stored run: broker and workload, counts,
throughput, latency percentiles, the checkers' verdicts with examples, the
expectations, warnings, client errors and a per-second table. A run that
died midway is reported from what it recorded.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := reports.Load(args[0])
			if err != nil {
				return withCode(exitError, err)
			}
			if err := reports.Text(cmd.OutOrStdout(), run); err != nil {
				return withCode(exitError, err)
			}
			return nil
		},
	}
}
