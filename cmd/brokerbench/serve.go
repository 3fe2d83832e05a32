package main

import (
	"github.com/spf13/cobra"

	"github.com/brokerbench/brokerbench/compose/kfake"
)

// newServeCmd is the hidden `serve` command: brokerbench running a broker
// node for a cluster backend that starts nodes as processes of itself
// (compose.Env.Self). `serve kfake ...` runs a kfake cluster, `serve
// kfake-node ...` one node's forwarder; see kfake.Serve for the flags and
// the ready line the parent reads. It runs until SIGTERM or SIGINT.
func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "serve kfake|kfake-node [flags]",
		Short:              "Run a broker node for a cluster backend (internal)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return kfake.Serve(cmd.Context(), args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
}
