package rocketmqtest

import (
	"context"
	"fmt"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
)

// Name is the backend's name in scenarios (cluster.backend).
const Name = "rocketmq-test"

// StandIn labels everything run on this backend.
const StandIn = "rocketmq-test: brokerbench's in-process RocketMQ-protocol test double (rmqtest), NOT Apache RocketMQ (no commit log, no replication)"

// Factory registers the backend. Its options are *Options.
var Factory = compose.Factory{
	Name:    Name,
	Summary: "brokerbench's in-process RocketMQ-protocol test double (rmqtest), NOT Apache RocketMQ: a name server + N brokers (broker-a, ...) for the rocketmq driver; kill/stop/start/pause/resume per broker",
	Options: func() drivers.Options { return DefaultOptions() },
	Start:   start,
}

func start(_ context.Context, nodes int, opts drivers.Options, _ compose.Env) (compose.Cluster, error) {
	o, ok := opts.(*Options)
	if !ok && opts != nil {
		return nil, fmt.Errorf("%s: options of type %T, want *rocketmqtest.Options", Name, opts)
	}
	if o == nil {
		o = DefaultOptions()
	}
	return Start(nodes, o)
}
