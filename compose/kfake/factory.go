package kfake

import (
	"errors"

	"context"
	"fmt"
	"github.com/brokerbench/brokerbench/scenarios"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the kfake backend ("kfake"). Its options are
// *Options.
var Factory = compose.Factory{
	Name:    "kfake",
	Summary: "embedded Kafka-protocol cluster (franz-go kfake), in-process or one process per node; " + StandIn,
	Options: func() drivers.Options { return DefaultOptions() },
	Supports: func(kind string, opts drivers.Options) error {
		if scenarios.IsNetworkKind(kind) {
			return errors.New("kfake's nodes share one store (replication is cosmetic), so there is no traffic between nodes to cut; use a link fault (client side) or rabbitmq-local with netns: true")
		}
		return nil
	},
	Start: start,
}

func start(ctx context.Context, nodes int, opts drivers.Options, env compose.Env) (compose.Cluster, error) {
	o, ok := opts.(*Options)
	if !ok && opts != nil {
		return nil, fmt.Errorf("kfake: options of type %T, want *kfake.Options", opts)
	}
	if o == nil {
		o = DefaultOptions()
	}
	if nodes < 1 || nodes > maxNodes {
		return nil, fmt.Errorf("kfake: %d nodes: want 1..%d", nodes, maxNodes)
	}
	if o.Processes {
		return StartProcesses(ctx, nodes, o, env)
	}
	return StartInProcess(nodes, o, env)
}
