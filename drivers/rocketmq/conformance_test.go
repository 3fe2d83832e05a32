package rocketmq

import (
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/drivertest"
)

// TestConformanceAgainstTestDouble runs the conformance suite against the
// rmqtest test double (one broker; never used for numbers). RocketMQ is
// at-least-once and the handoff's unacked messages come back through the
// retry topic, possibly more than once, so Redelivers is off. Under -race
// the suite runs producer-side only (Delivers off opens no consumers; see
// raceNote).
func TestConformanceAgainstTestDouble(t *testing.T) {
	caps := drivertest.Capabilities{Delivers: !raceEnabled, Partitions: true, FailsUnknownTopic: true,
		Messages: 300, Timeout: 15 * time.Second}
	if raceEnabled {
		t.Log(raceNote)
	}
	drivertest.Run(t, func(t *testing.T) drivers.Driver {
		_, o := startTestDouble(t, 1)
		return openDriver(t, o)
	}, caps)
}
