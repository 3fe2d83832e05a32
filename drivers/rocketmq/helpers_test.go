package rocketmq

import (
	"context"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// raceNote explains why push consumers do not run under -race.
const raceNote = "push consumers skipped under -race: rocketmq-client-go v2.1.2 races internally " +
	"(pushConsumer.messageQueueChanged writes SubscriptionData.SubVersion while rmqClient.UpdateTopicRouteInfo reads it) " +
	"on every consumer start; run without -race to cover consumers"

// skipConsumersUnderRace skips a test that needs a push consumer when the
// race detector is on (see raceNote).
func skipConsumersUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip(raceNote)
	}
}

// startTestDouble starts an rmqtest cluster (a TEST DOUBLE, not RocketMQ)
// closed when t ends, and returns it with driver options pointing at it.
func startTestDouble(t *testing.T, brokers int) (*rmqtest.Cluster, *Options) {
	t.Helper()
	return startTestDoubleWith(t, rmqtest.Config{Brokers: brokers})
}

// openDriver opens the driver through its Factory.
func openDriver(t *testing.T, o *Options) drivers.Driver {
	t.Helper()
	if errs := o.Validate(); len(errs) > 0 {
		t.Fatalf("options: %v", errs)
	}
	d, err := Factory.Open(context.Background(), o, drivers.Env{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return d
}
