package kafka

import (
	"context"
	"fmt"

	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the kafka driver ("kafka"). Its options are *Options.
var Factory = drivers.Factory{
	Name:    "kafka",
	Summary: "Apache Kafka (or any Kafka-protocol cluster) through segmentio/kafka-go: sync, pipelined async and acks-none oneway sends, consumer groups",
	Options: func() drivers.Options { return DefaultOptions() },
	Open:    open,
}

func open(ctx context.Context, opts drivers.Options, env drivers.Env) (drivers.Driver, error) {
	o, ok := opts.(*Options)
	if !ok && opts != nil {
		return nil, fmt.Errorf("kafka: options of type %T, want *kafka.Options", opts)
	}
	d, err := New(ctx, o, env)
	if err != nil {
		return nil, err
	}
	return d, nil
}
