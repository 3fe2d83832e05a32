package rabbitmq_test

import (
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/drivertest"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

var caps = drivertest.Capabilities{
	Delivers:          true,
	Partitions:        true,
	Redelivers:        true,
	FailsUnknownTopic: true,
	Messages:          500,
}

func opener(edit func(o *rabbitmq.Options)) func(t *testing.T) drivers.Driver {
	return func(t *testing.T) drivers.Driver {
		t.Helper()
		d := open(t, edit)
		return d
	}
}

// TestConformanceClassic runs the suite on classic queues of the 3-node
// cluster, producers and consumers spread over its nodes.
func TestConformanceClassic(t *testing.T) {
	needCluster(t)
	drivertest.Run(t, opener(nil), caps)
}

// TestConformanceQuorumExchange runs the suite on quorum queues reached
// through a direct exchange.
func TestConformanceQuorumExchange(t *testing.T) {
	needCluster(t)
	drivertest.Run(t, opener(func(o *rabbitmq.Options) {
		o.QueueType = rabbitmq.QueueQuorum
		o.Exchange = "bb-conformance"
	}), caps)
}
