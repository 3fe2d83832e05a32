package checker

import "fmt"

// DrainEnd is how the run's final wait for outstanding deliveries ended.
type DrainEnd string

// Drain ends.
const (
	// DrainComplete: every acked message had been delivered.
	DrainComplete DrainEnd = "complete"
	// DrainQuiet: no delivery came for the quiet period; what is missing
	// then is lost.
	DrainQuiet DrainEnd = "quiet"
	// DrainTimeout: the drain timed out while deliveries were still flowing;
	// what is missing is unseen, not lost.
	DrainTimeout DrainEnd = "timeout"
	// DrainUnknown: the drain never ended normally (e.g. a crashed run).
	DrainUnknown DrainEnd = ""
)

// settled reports whether missing messages are lost rather than unseen.
func (d DrainEnd) settled() bool { return d == DrainComplete || d == DrainQuiet }

// DefaultMaxExamples is the number of examples per check when
// Options.MaxExamples is 0.
const DefaultMaxExamples = 5

// Options tune a check.
type Options struct {
	// DrainEnd is how the drain ended; it decides lost versus unseen.
	DrainEnd DrainEnd
	// Consumers is the number of consumers the run had. 0 means "as many
	// as there are delivery logs" (CheckDir) or added consumers (Run); with
	// no consumers at all the delivery-based verdicts are unknown.
	Consumers int
	// Windows are time intervals (ns since the run origin, e.g. while a
	// fault was active): each check counts its anomalies in each window
	// (Check.InWindows), by the time the anomaly happened.
	Windows []Window
	// MaxExamples caps the examples per check: 0 means
	// DefaultMaxExamples, a negative value means none.
	MaxExamples int
	// Broadcast says that every consumer should receive every message (a
	// broadcasting subscription, drivers.Broadcaster): each consumer is
	// then checked as a subscriber of its own, against every send, and
	// the per-subscriber results are combined (Result.Subscribers). False
	// (a consumer group sharing the queues) checks the deliveries of all
	// consumers as one stream. With no consumer it changes nothing.
	Broadcast bool
}

// normalize validates o and fills its defaults; consumers is the number of
// delivery sources.
func (o Options) normalize(consumers int) (Options, error) {
	switch o.DrainEnd {
	case DrainComplete, DrainQuiet, DrainTimeout, DrainUnknown:
	default:
		return o, fmt.Errorf("checker: unknown drain end %q", o.DrainEnd)
	}
	if o.Consumers == 0 {
		o.Consumers = consumers
	}
	switch {
	case o.MaxExamples == 0:
		o.MaxExamples = DefaultMaxExamples
	case o.MaxExamples < 0:
		o.MaxExamples = 0
	}
	return o, nil
}

// Window is the half-open interval [Start, End) in ns since the run origin.
type Window struct{ Start, End int64 }
