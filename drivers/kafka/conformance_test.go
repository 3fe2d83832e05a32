package kafka_test

import (
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/drivertest"
)

// TestConformanceKfake runs the driver conformance suite against a
// 3-broker in-process kfake cluster, a Kafka-protocol stand-in (not
// Apache Kafka). Kafka has no redelivered flag, so Redelivers is off: the
// suite then only checks that nothing unacked is lost on a handoff.
func TestConformanceKfake(t *testing.T) {
	c := startKfake(t, 3)
	drivertest.Run(t, func(t *testing.T) drivers.Driver {
		return openDriver(t, c.Endpoints(), nil)
	}, drivertest.Capabilities{
		Delivers:          true,
		Partitions:        true,
		FailsUnknownTopic: true,
		Timeout:           30 * time.Second,
	})
}
