package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/reports"
)

func newCompareCmd() *cobra.Command {
	var htmlFile string
	cmd := &cobra.Command{
		Use:   "compare RUN_DIR...",
		Short: "Compare stored runs side by side",
		Long: `Compare stored runs side by side: per run the broker, workload, throughput,
publish latency percentiles and the checkers' verdicts. Runs against a
stand-in (an emulator or test double) are labelled STAND-IN: their numbers
are never a real broker's. Runs whose workload settings differ (mode, rate,
producers, consumers, message size, keys, partitions, window, duration) are
flagged with what differs. Repeats of one scenario with the same broker and
workload get the spread (min / median / max) of each metric.

With --html FILE, also write the comparison as one self-contained HTML page
(no request to any host) with overlaid latency percentile spectra.`,
		Example: `  brokerbench compare results/quickstart/*
  brokerbench compare results/kafka-sync/20261121T071502Z results/rabbitmq-sync/20261121T073011Z --html cmp.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := reports.Compare(args)
			if err != nil {
				return withCode(exitError, err)
			}
			if err := c.Text(cmd.OutOrStdout()); err != nil {
				return withCode(exitError, err)
			}
			if htmlFile == "" {
				return nil
			}
			var b bytes.Buffer
			if err := c.HTML(&b); err != nil {
				return withCode(exitError, fmt.Errorf("rendering HTML: %w", err))
			}
			if err := os.WriteFile(htmlFile, b.Bytes(), 0o644); err != nil {
				return withCode(exitError, err)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "HTML comparison:", htmlFile)
			return nil
		},
	}
	cmd.Flags().StringVar(&htmlFile, "html", "", "also write the comparison as a self-contained HTML page to `FILE`")
	return cmd
}
