package rabbitmq

import (
	"context"
	"fmt"

	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the RabbitMQ driver ("rabbitmq", amqp091-go). Its
// options are *Options.
var Factory = drivers.Factory{
	Name:    "rabbitmq",
	Summary: "RabbitMQ over AMQP 0.9.1 (amqp091-go): classic, quorum and stream queues, publisher confirms, reconnects",
	Options: func() drivers.Options { return DefaultOptions() },
	Open: func(ctx context.Context, opts drivers.Options, env drivers.Env) (drivers.Driver, error) {
		o, ok := opts.(*Options)
		if !ok && opts != nil {
			return nil, fmt.Errorf("rabbitmq: options of type %T, want *rabbitmq.Options", opts)
		}
		d, err := New(ctx, o, env)
		if err != nil {
			return nil, err
		}
		return d, nil
	},
}
