package drivers

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is a message kind: what extra a broker is asked to do with the
// messages of a producer besides storing them. Brokers that support a
// kind beyond KindPlain say so in Factory.Kinds; the scenario loader
// refuses a kind the driver lacks.
type Kind string

// The message kinds.
const (
	// KindPlain is an ordinary message ("" reads as plain).
	KindPlain Kind = "plain"
	// KindOrdered: the key selects the queue or partition (one key, one
	// queue), and consumers consume each queue in order.
	KindOrdered Kind = "ordered"
	// KindDelayed: the broker must not deliver the message before its
	// delay has passed (the driver's options say which delay). Deliveries
	// carry the delay in Delivery.Delay.
	KindDelayed Kind = "delayed"
	// KindTransactional: sent as a half message inside a transaction that
	// the driver commits or rolls back (or leaves unknown for the broker's
	// check-back) at ratios its options give. A send whose transaction
	// ends in rollback returns Fail (the message must never be delivered:
	// the checker counts a delivery as an aborted read); one that ends in
	// commit returns its ack.
	KindTransactional Kind = "transactional"
	// KindBatch: the driver groups messages into batch sends; each message
	// still gets its own outcome.
	KindBatch Kind = "batch"
)

// KindNames lists every kind, in display order.
var KindNames = []Kind{KindPlain, KindOrdered, KindDelayed, KindTransactional, KindBatch}

// Normal returns k with "" read as KindPlain.
func (k Kind) Normal() Kind {
	if k == "" {
		return KindPlain
	}
	return k
}

// ParseKind parses a scenario spelling of a kind ("" is plain).
func ParseKind(s string) (Kind, error) {
	if k := Kind(s).Normal(); slices.Contains(KindNames, k) {
		return k, nil
	}
	names := make([]string, len(KindNames))
	for i, k := range KindNames {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown message kind %q (allowed: %s)", s, strings.Join(names, ", "))
}

// Counters is implemented by drivers that count things the harness cannot
// see from outcomes alone: transactions committed, rolled back and
// checked back, messages found in a dead-letter topic, batches sent. The
// harness reads them once at the end of the run (after every producer
// and consumer closed) and reports them as they are. Names are
// lower_snake_case and say their unit ("tx_commit", "dlq_messages").
type Counters interface {
	Counters() map[string]int64
}
