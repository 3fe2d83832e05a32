package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/faults"
)

func newHealCmd() *cobra.Command {
	var results string
	cmd := &cobra.Command{
		Use:   "heal [RUN_DIR...]",
		Short: "Undo what a crashed run left behind (paused nodes, cluster processes, namespaces, rules)",
		Long: `Read the journal of each run directory (every change a run makes to the
machine is journaled before it is made) and undo what a run that did not
finish left: resume paused nodes, stop cluster processes still running,
and remove the iptables rules, host links and network namespaces its
cluster made (only those the journal names; never a flush).
A process is touched only if its command line still names the run's
cluster directory, so a recycled pid is never hit. Without RUN_DIR, every
run under --results is looked at. Runs that ended normally need nothing.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs := args
			if len(dirs) == 0 {
				m, err := filepath.Glob(filepath.Join(results, "*", "*", faults.JournalFile))
				if err != nil {
					return withCode(exitError, err)
				}
				for _, j := range m {
					dirs = append(dirs, filepath.Dir(j))
				}
			}
			out := cmd.OutOrStdout()
			n := 0
			for _, d := range dirs {
				if st, err := os.Stat(d); err != nil || !st.IsDir() {
					return withCode(exitError, fmt.Errorf("%s: not a run directory", d))
				}
				did, err := faults.Heal(d)
				if err != nil {
					return withCode(exitError, fmt.Errorf("%s: %w", d, err))
				}
				for _, line := range did {
					fmt.Fprintf(out, "%s: %s\n", d, line)
					n++
				}
			}
			fmt.Fprintf(out, "heal: %d action(s) in %d run(s)\n", n, len(dirs))
			return nil
		},
	}
	cmd.Flags().StringVar(&results, "results", "results", "base directory of run directories (when no RUN_DIR is given)")
	return cmd
}
