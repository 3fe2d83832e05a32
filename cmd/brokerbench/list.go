package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

func newListCmd(reg *registry.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the drivers, fault kinds and bundled scenarios of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "DRIVERS")
			for _, f := range reg.Drivers() {
				fmt.Fprintf(tw, "  %s\t%s%s\n", f.Name, f.Summary, driverKindsText(f.Kinds))
			}
			fmt.Fprintln(tw, "\nCLUSTER BACKENDS (scenario cluster.backend)")
			for _, c := range reg.Clusters() {
				fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
			}
			fmt.Fprintln(tw, "\nFAULT KINDS")
			kinds := reg.FaultKinds()
			for _, k := range kinds {
				fmt.Fprintf(tw, "  %s\t%s\n", k.Name, k.Summary)
			}
			fmt.Fprintln(tw, "\nSCENARIOS (bundled)")
			for _, name := range scenarios.Bundled() {
				fmt.Fprintf(tw, "  %s\t%s\n", name, bundledSummary(reg, name))
			}
			return tw.Flush()
		},
	}
}

// driverKindsText is " (message kinds: plain, delayed)" for a driver with
// kinds besides plain, "" for a plain-only driver.
func driverKindsText(ks []drivers.Kind) string {
	if len(ks) == 0 {
		return ""
	}
	names := []string{string(drivers.KindPlain)}
	for _, k := range ks {
		names = append(names, string(k.Normal()))
	}
	return " (message kinds: " + strings.Join(names, ", ") + ")"
}

// bundledSummary is the first line of a bundled scenario's description.
func bundledSummary(reg *registry.Registry, name string) string {
	sc, err := scenarios.Open(name, reg, nil)
	if err != nil {
		return "(invalid: " + err.Error() + ")"
	}
	d := sc.Description
	for i, c := range d {
		if c == '\n' {
			return d[:i]
		}
	}
	return d
}
