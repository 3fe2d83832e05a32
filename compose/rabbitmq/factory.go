package rabbitmq

import (
	"context"
	"errors"
	"fmt"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/scenarios"
)

// Factory registers the rabbitmq-local backend: a real RabbitMQ cluster of
// local processes from the Debian package. Its options are *Options.
var Factory = compose.Factory{
	Name:    "rabbitmq-local",
	Summary: "real RabbitMQ nodes as local processes (Debian rabbitmq-server), clustered, with kill/pause/restart; netns: true puts each node in a network namespace for network faults",
	Options: func() drivers.Options { return DefaultOptions() },
	Supports: func(kind string, opts drivers.Options) error {
		switch {
		case kind == scenarios.FaultLeaderMove:
			return errors.New("RabbitMQ moves quorum-queue leaders by itself; kill or isolate the leader instead")
		case scenarios.IsNetworkKind(kind):
			if o, ok := opts.(*Options); !ok || !o.NetNS {
				return errors.New("its nodes share the loopback address: set cluster.options.netns: true to give each node a network namespace (needs root, iproute2 and iptables)")
			}
		}
		return nil
	},
	Start: func(ctx context.Context, nodes int, opts drivers.Options, env compose.Env) (compose.Cluster, error) {
		o, ok := opts.(*Options)
		if !ok && opts != nil {
			return nil, fmt.Errorf("rabbitmq-local: options of type %T, want *rabbitmq.Options", opts)
		}
		c, err := Start(ctx, nodes, o, env)
		if err != nil {
			return nil, err
		}
		return c, nil
	},
}
