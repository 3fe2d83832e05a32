package logcheck

import (
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// RebalanceGrace is how long after a rebalance began its consumers may
// still re-read offsets: a rebalance event at t excuses non-monotonic
// polls in [t-1s, t+RebalanceGrace). A broker whose rebalances take longer
// shows its late re-reads as non_monotonic.
const RebalanceGrace = 10 * time.Second

// RebalanceWindows turns the driver's rebalance events into windows of ns
// since the run origin.
func RebalanceWindows(events []drivers.Event, origin time.Time) []Window {
	var out []Window
	for _, e := range events {
		if e.Kind != drivers.EventRebalance {
			continue
		}
		t := int64(e.Time.Sub(origin))
		out = append(out, Window{From: t - int64(time.Second), To: t + int64(RebalanceGrace)})
	}
	return out
}
