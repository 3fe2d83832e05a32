package rabbitmq

import (
	"context"
	"fmt"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the rabbitmq-local backend: a real RabbitMQ cluster of
// local processes from the Debian package. Its options are *Options.
var Factory = compose.Factory{
	Name:    "rabbitmq-local",
	Summary: "real RabbitMQ nodes as local processes (Debian rabbitmq-server), clustered, with kill/pause/restart",
	Options: func() drivers.Options { return DefaultOptions() },
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
