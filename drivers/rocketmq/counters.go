package rocketmq

import (
	"sync"
	"sync/atomic"

	"github.com/brokerbench/brokerbench/drivers"
)

// Counter names the driver reports through Driver.Counters (see
// drivers.Counters). Each is a count of messages or of send calls.
const (
	// CounterBatchesSent counts batch send calls (SendAsync or SendOneWay
	// with the messages of one batch, one message included).
	CounterBatchesSent = "batches_sent"
	// CounterBatchMessages counts the messages in those calls.
	CounterBatchMessages = "batch_messages"
	// CounterBatchOnewayFailures counts oneway batch calls that returned
	// an error; the outcomes of their messages stay unknown (SendOneway
	// had already returned for them).
	CounterBatchOnewayFailures = "batch_oneway_failures"
	// CounterConsumeRetryLater counts messages a consumer answered
	// ConsumeRetryLater (orderly: SuspendCurrentQueueAMoment), whether
	// chosen by consumer.retry_fraction or left unacked by the Handler.
	CounterConsumeRetryLater = "consume_retry_later"
	// CounterDLQMessages counts deliveries read from a group's dead-letter
	// topic (%DLQ%<group>).
	CounterDLQMessages = "dlq_messages"
)

// counters is a set of named atomic counters, safe for concurrent use.
// The zero value is ready.
type counters struct {
	m sync.Map // name -> *atomic.Int64
}

// add adds n to the counter name, creating it at 0 first.
func (c *counters) add(name string, n int64) {
	v, ok := c.m.Load(name)
	if !ok {
		v, _ = c.m.LoadOrStore(name, new(atomic.Int64))
	}
	v.(*atomic.Int64).Add(n)
}

// snapshot returns every counter's value.
func (c *counters) snapshot() map[string]int64 {
	out := map[string]int64{}
	c.m.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// counterNames are the counters Counters always reports (0 when they
// never moved).
var counterNames = []string{CounterBatchesSent, CounterBatchMessages, CounterBatchOnewayFailures,
	CounterConsumeRetryLater, CounterDLQMessages}

var _ drivers.Counters = (*Driver)(nil)

// Counters returns the driver's counters in a new map: batches_sent,
// batch_messages, batch_oneway_failures, consume_retry_later and
// dlq_messages (0 when they never moved), and, once a transactional
// producer was opened, tx_commit, tx_rollback and tx_unknown (local
// transaction states returned, one per half message the broker accepted),
// tx_checkback_commit and tx_checkback_rollback (check-back answers
// given) and tx_unchecked_at_close. Safe to call at any time; the harness
// calls it after every producer and consumer closed.
func (d *Driver) Counters() map[string]int64 {
	out := d.ctr.snapshot()
	for _, n := range counterNames {
		out[n] += 0
	}
	d.tx.add(out)
	return out
}
