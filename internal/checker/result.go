package checker

// Check names, in display order (see Names).
const (
	// CheckLost counts acked messages never delivered although the drain
	// ended quiet or complete. Detail: "prefix", "middle", "postfix" by the
	// seq's place relative to the producer's lowest and highest delivered
	// seq (a producer with no delivery at all counts as "prefix").
	CheckLost = "lost"
	// CheckUnseen counts acked messages not delivered when the drain timed
	// out or its end is unknown, or when some op log was truncated. Detail
	// as for CheckLost.
	CheckUnseen = "unseen"
	// CheckRecovered counts messages with an unknown send outcome that were
	// delivered (informational).
	CheckRecovered = "recovered"
	// CheckAbortedRead counts messages delivered although their send failed.
	CheckAbortedRead = "aborted_read"
	// CheckUnexpected counts deliveries that were not ours or corrupted
	// (detail "foreign") or that name a message without a send record
	// (detail "unsent"). Its verdict is unknown when all of them are
	// "unsent" and the run crashed (truncated logs or unknown drain end):
	// the send may have lost its record.
	CheckUnexpected = "unexpected"
	// CheckDuplicate counts extra deliveries of a delivered message that were
	// neither flagged as redelivered nor preceded by a failed consumer ack.
	CheckDuplicate = "duplicate"
	// CheckRedelivered counts extra deliveries that were flagged (detail
	// "flagged") or followed a failed consumer ack (detail
	// "after_ack_failure"); allowed, informational.
	CheckRedelivered = "redelivered"
	// CheckReorder counts messages m1 whose first delivery came strictly
	// after the first delivery of some m2 of the same order unit that was
	// sent after m1's ack had been observed (m2.Seq >= m1.Next).
	CheckReorder = "reorder"
)

// Names returns the check names in a stable display order. The slice is
// new on every call.
func Names() []string {
	return []string{CheckLost, CheckUnseen, CheckRecovered, CheckAbortedRead,
		CheckUnexpected, CheckDuplicate, CheckRedelivered, CheckReorder}
}

// Verdicts of a check.
const (
	VerdictValid   = "valid"   // the property holds
	VerdictInvalid = "invalid" // the property was violated
	VerdictUnknown = "unknown" // the history cannot tell (see the check's Note)
)

// Result is what a check of one run produced; it goes into summary.json.
type Result struct {
	Counts Counts `json:"counts"`
	// Checks holds every name of Names, always.
	Checks map[string]*Check `json:"checks"`
	// Truncated: some op log ended inside a record (a crashed run); it was
	// checked up to its last whole record.
	Truncated bool `json:"truncated,omitempty"`
	// Delayed measures the delayed messages' first deliveries; nil when
	// no delayed message was delivered.
	Delayed *Delayed `json:"delayed,omitempty"`
	// Subscribers is the per-consumer breakdown of a broadcasting check
	// (Options.Broadcast), in the order the consumers were added; nil
	// otherwise. Counts, Checks and Delayed are then combined over the
	// subscribers: counts summed, verdicts the worst of theirs.
	Subscribers []Subscriber `json:"subscribers,omitempty"`
}

// Subscriber is one consumer's share of a broadcasting check: its
// deliveries checked alone against every send.
type Subscriber struct {
	Consumer   uint32 `json:"consumer"`   // consumer id
	Delivered  int64  `json:"delivered"`  // distinct sent messages it got at least once
	Deliveries int64  `json:"deliveries"` // its delivery records
	// Truncated: a send log or its delivery log ended inside a record.
	Truncated bool `json:"truncated,omitempty"`
	// Checks holds the verdict and count of every name of Names.
	Checks map[string]SubscriberCheck `json:"checks"`
	// Early counts its early first deliveries of delayed messages.
	Early int64 `json:"delivered_early,omitempty"`
}

// SubscriberCheck is one check of one subscriber.
type SubscriberCheck struct {
	Verdict string `json:"verdict"`
	Count   int64  `json:"count"`
}

// Counts are totals over the run. In a broadcasting check
// (Options.Broadcast) Sent, Acked, Failed and Unknown are the run's, while
// Delivered and Deliveries are summed over the subscribers: Delivered
// counts (subscriber, message) pairs.
type Counts struct {
	Sent       int64 `json:"sent"`       // send records (attempted sends)
	Acked      int64 `json:"acked"`      // outcome ok
	Failed     int64 `json:"failed"`     // outcome fail
	Unknown    int64 `json:"unknown"`    // outcome info (unknown)
	Delivered  int64 `json:"delivered"`  // distinct sent messages delivered at least once
	Deliveries int64 `json:"deliveries"` // delivery records, duplicates and unexpected included (not ack failures)
}

// Check is the outcome of one check. In a broadcasting check
// (Options.Broadcast) Count, Detail and InWindows are summed over the
// subscribers (lost 3: three (subscriber, message) pairs), Verdict is the
// worst of theirs (invalid, then unknown, then valid), Note is the first
// such subscriber's, prefixed with the consumers that had that verdict,
// and Examples are the earliest over all subscribers, each naming its
// Consumer.
type Check struct {
	Verdict string           `json:"verdict"` // VerdictValid, VerdictInvalid or VerdictUnknown
	Count   int64            `json:"count"`   // messages or delivery events, see the name's doc
	Detail  map[string]int64 `json:"detail,omitempty"`
	Note    string           `json:"note,omitempty"` // one line, e.g. why unknown
	// Examples are the first anomalies in processing order (lost and
	// unseen: the earliest acks), at most Options.MaxExamples.
	Examples []Example `json:"examples,omitempty"`
	// InWindows counts the anomalies in each of Options.Windows (empty
	// when no window was given or none had an anomaly).
	InWindows []int64 `json:"in_windows,omitempty"`
}

// Example is one anomaly, tied to the time it happened so that it can be
// matched with the fault active then.
type Example struct {
	// TimeNs is ns since the run's origin: the ack (lost, unseen), the
	// delivery (unexpected, aborted_read, recovered, duplicate,
	// redelivered) or the late first delivery of m1 (reorder).
	TimeNs    int64   `json:"time_ns"`
	Producer  uint32  `json:"producer"`
	Seq       uint64  `json:"seq"`
	Key       *uint32 `json:"key,omitempty"` // key id of a keyed message
	Partition int32   `json:"partition"`     // -1 unknown
	Offset    int64   `json:"offset"`        // -1 unknown
	Detail    string  `json:"detail,omitempty"`
	// Consumer is the subscriber the anomaly happened to, in a
	// broadcasting check only (Options.Broadcast): the consumer that got
	// the delivery, or that never got the lost message.
	Consumer *uint32 `json:"consumer,omitempty"`
}
