package checker_test

import (
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// basicCases: counts, lost / unseen and drain ends.
func basicCases() []tableCase {
	five := []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3), ok(3, 40, 4), ok(4, 50, 5)}
	gaps := []oplog.Delivery{dlv(0, 1, 60), dlv(0, 3, 61)}
	return []tableCase{
		{name: "clean", h: hist("complete", inOrder, []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31)}),
			verdicts: map[string]string{"lost": "valid", "unseen": "valid", "reorder": "valid", "duplicate": "valid"},
			counts:   &checker.Counts{Sent: 3, Acked: 3, Delivered: 3, Deliveries: 3}},
		{name: "lost prefix middle postfix", h: hist("quiet", five, gaps),
			want:     map[string]int64{"lost": 3},
			verdicts: map[string]string{"lost": "invalid", "unseen": "valid"},
			detail:   map[string]map[string]int64{"lost": {"prefix": 1, "middle": 1, "postfix": 1}}},
		{name: "nothing delivered of a producer is prefix", h: hist("quiet", five, []oplog.Delivery{foreign(3)}),
			want:   map[string]int64{"lost": 5, "unexpected": 1},
			detail: map[string]map[string]int64{"lost": {"prefix": 5}}},
		{name: "timeout makes unseen", h: hist("timeout", five, gaps),
			want:     map[string]int64{"unseen": 3},
			verdicts: map[string]string{"lost": "unknown", "unseen": "unknown"},
			detail:   map[string]map[string]int64{"unseen": {"prefix": 1, "middle": 1, "postfix": 1}}},
		{name: "unknown drain end makes unseen", h: hist("", five, gaps),
			want:     map[string]int64{"unseen": 3},
			verdicts: map[string]string{"lost": "unknown", "unseen": "unknown"}},
		{name: "no consumers", h: hist("quiet", five),
			want:     map[string]int64{"lost": 0},
			verdicts: map[string]string{"lost": "unknown", "unseen": "unknown", "duplicate": "unknown", "reorder": "unknown", "recovered": "valid"}},
		{name: "failed and unknown sends are not lost",
			h:        hist("quiet", []oplog.Send{snd(0, oplog.Failed, 10, 1), snd(1, oplog.Unknown, 20, 2)}, nil),
			verdicts: map[string]string{"lost": "valid", "unseen": "valid"},
			counts:   &checker.Counts{Sent: 2, Failed: 1, Unknown: 1}},
	}
}

// deliveryCases: recovered, aborted reads, unexpected, duplicates,
// redeliveries.
func deliveryCases() []tableCase {
	failedUnknown := []oplog.Send{snd(0, oplog.Failed, 10, 1), snd(1, oplog.Unknown, 20, 2), ok(2, 30, 3)}
	return []tableCase{
		{name: "recovered and aborted read", h: hist("quiet", failedUnknown, []oplog.Delivery{dlv(0, 0, 40), dlv(0, 1, 41), dlv(0, 2, 42)}),
			want:     map[string]int64{"recovered": 1, "aborted_read": 1},
			verdicts: map[string]string{"recovered": "valid", "aborted_read": "invalid"}},
		{name: "delivered before the send's Done", h: hist("quiet", failedUnknown, []oplog.Delivery{dlv(0, 0, 9), dlv(0, 1, 15), dlv(0, 2, 29)}),
			want: map[string]int64{"recovered": 1, "aborted_read": 1}},
		{name: "unexpected foreign, unsent seq, unknown producer",
			h:        hist("quiet", inOrder, []oplog.Delivery{dlv(0, 0, 11), foreign(12), dlv(0, 1, 21), dlv(0, 9, 22), dlv(7, 1, 23), dlv(0, 2, 31)}),
			want:     map[string]int64{"unexpected": 3},
			verdicts: map[string]string{"unexpected": "invalid"},
			detail:   map[string]map[string]int64{"unexpected": {"foreign": 1, "unsent": 2}},
			counts:   &checker.Counts{Sent: 3, Acked: 3, Delivered: 3, Deliveries: 6}},
		{name: "unsent in a crashed run is unknown",
			h:        hist("", inOrder, []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31), dlv(0, 3, 41)}),
			want:     map[string]int64{"unexpected": 1},
			verdicts: map[string]string{"unexpected": "unknown"}},
		{name: "duplicate", h: hist("quiet", inOrder, []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 0, 22), dlv(0, 0, 23), dlv(0, 2, 31)}),
			want:     map[string]int64{"duplicate": 2},
			verdicts: map[string]string{"duplicate": "invalid"},
			counts:   &checker.Counts{Sent: 3, Acked: 3, Delivered: 3, Deliveries: 5}},
		{name: "duplicate on another consumer", h: hist("quiet", inOrder,
			[]oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31)}, []oplog.Delivery{dlv(0, 1, 21)}),
			want: map[string]int64{"duplicate": 1}},
		{name: "flagged redelivery", h: hist("quiet", inOrder, []oplog.Delivery{dlv(0, 0, 11), redeliv(dlv(0, 0, 12)), dlv(0, 1, 21), dlv(0, 2, 31)}),
			want:     map[string]int64{"redelivered": 1},
			verdicts: map[string]string{"redelivered": "valid", "duplicate": "valid"},
			detail:   map[string]map[string]int64{"redelivered": {"flagged": 1}}},
		{name: "redelivery after ack failure", h: hist("quiet", inOrder,
			[]oplog.Delivery{dlv(0, 0, 11), ackFail(0, 0, 12), dlv(0, 1, 21), dlv(0, 2, 31)}, []oplog.Delivery{dlv(0, 0, 13)}),
			want:     map[string]int64{"redelivered": 1},
			verdicts: map[string]string{"redelivered": "valid", "duplicate": "valid"},
			detail:   map[string]map[string]int64{"redelivered": {"after_ack_failure": 1}},
			counts:   &checker.Counts{Sent: 3, Acked: 3, Delivered: 3, Deliveries: 4}},
		{name: "ack failure after the extra delivery is a duplicate", h: hist("quiet", inOrder,
			[]oplog.Delivery{dlv(0, 0, 11), dlv(0, 0, 12), ackFail(0, 0, 13), dlv(0, 1, 21), dlv(0, 2, 31)}),
			want: map[string]int64{"duplicate": 1}},
		{name: "ack failure at the same time: file order", h: hist("quiet", inOrder,
			[]oplog.Delivery{dlv(0, 0, 11), ackFail(0, 0, 12), dlv(0, 0, 12), dlv(0, 1, 21), dlv(0, 2, 31)}),
			want: map[string]int64{"redelivered": 1}},
		{name: "same time on two consumers: consumer order", h: hist("quiet", inOrder,
			[]oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 0, 22), dlv(0, 2, 31)}, []oplog.Delivery{ackFail(0, 0, 22)}),
			want: map[string]int64{"duplicate": 1}},
	}
}

// reorderCases: the order check.
func reorderCases() []tableCase {
	// m0 acked at 10 with Next 1: m1 (sent at 19) was sent after it.
	sync2 := []oplog.Send{ok(0, 10, 1), ok(1, 20, 2)}
	// m0 acked at 10 with Next 2: m1 was already sent (window 2).
	async2 := []oplog.Send{ok(0, 10, 2), ok(1, 20, 2)}
	keyed := []oplog.Send{withKey(ok(0, 10, 1), 1), withKey(ok(1, 20, 2), 2), withKey(ok(2, 30, 3), 1)}
	parts := []oplog.Send{withPart(ok(0, 10, 1), 0), withPart(ok(1, 20, 2), 1), withPart(ok(2, 30, 3), 0)}
	return []tableCase{
		{name: "reorder", h: hist("quiet", sync2, []oplog.Delivery{dlv(0, 1, 25), dlv(0, 0, 30)}),
			want: map[string]int64{"reorder": 1}, verdicts: map[string]string{"reorder": "invalid"}},
		{name: "m1 not acked before m2 was sent", h: hist("quiet", async2, []oplog.Delivery{dlv(0, 1, 25), dlv(0, 0, 30)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "overtaken m1 never delivered is lost", h: hist("quiet", sync2, []oplog.Delivery{dlv(0, 1, 25)}),
			want: map[string]int64{"lost": 1}, verdicts: map[string]string{"reorder": "valid", "lost": "invalid"}},
		{name: "equal first-delivery times", h: hist("quiet", sync2, []oplog.Delivery{dlv(0, 1, 25), dlv(0, 0, 25)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "equal times on two consumers", h: hist("quiet", sync2, []oplog.Delivery{dlv(0, 0, 25)}, []oplog.Delivery{dlv(0, 1, 25)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "delivery at the ack time: ack first", h: hist("quiet",
			[]oplog.Send{ok(0, 10, 1), snd(1, oplog.Unknown, 10, 2)}, []oplog.Delivery{dlv(0, 1, 10), dlv(0, 0, 11)}),
			want: map[string]int64{"reorder": 1, "recovered": 1}},
		{name: "m1 counted once", h: hist("quiet", []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3)},
			[]oplog.Delivery{dlv(0, 1, 25), dlv(0, 2, 35), dlv(0, 0, 40)}),
			want: map[string]int64{"reorder": 1}},
		{name: "chain: two late messages", h: hist("quiet", []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3)},
			[]oplog.Delivery{dlv(0, 2, 35), dlv(0, 1, 36), dlv(0, 0, 40)}),
			want: map[string]int64{"reorder": 2}},
		{name: "redeliveries are exempt", h: hist("quiet", sync2,
			[]oplog.Delivery{dlv(0, 0, 15), dlv(0, 1, 25), redeliv(dlv(0, 0, 30)), dlv(0, 1, 31)}),
			want: map[string]int64{"redelivered": 1, "duplicate": 1}, verdicts: map[string]string{"reorder": "valid"}},
		{name: "-1 partitions are one unit", h: hist("quiet", sync2, []oplog.Delivery{dPart(dlv(0, 1, 25), -1), dPart(dlv(0, 0, 30), -1)}),
			want: map[string]int64{"reorder": 1}},
		{name: "different keys", h: hist("quiet", keyed,
			[]oplog.Delivery{dKey(dlv(0, 1, 25), 2), dKey(dlv(0, 0, 30), 1), dKey(dlv(0, 2, 35), 1)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "same key", h: hist("quiet", keyed,
			[]oplog.Delivery{dKey(dlv(0, 1, 25), 2), dKey(dlv(0, 2, 35), 1), dKey(dlv(0, 0, 36), 1)}),
			want: map[string]int64{"reorder": 1}},
		{name: "different partitions", h: hist("quiet", parts,
			[]oplog.Delivery{dPart(dlv(0, 1, 25), 1), dPart(dlv(0, 0, 30), 0), dPart(dlv(0, 2, 35), 0)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "same partition", h: hist("quiet", parts,
			[]oplog.Delivery{dPart(dlv(0, 1, 25), 1), dPart(dlv(0, 2, 35), 0), dPart(dlv(0, 0, 36), 0)}),
			want: map[string]int64{"reorder": 1}},
		{name: "delivery partition differs from the ack's", h: hist("quiet", sync2,
			[]oplog.Delivery{dPart(dlv(0, 1, 25), 3), dPart(dlv(0, 0, 30), 3)}),
			verdicts: map[string]string{"reorder": "valid"}},
		{name: "reorder across producers is none", h: &checkertest.History{DrainEnd: "quiet",
			Producers: []checkertest.ProducerLog{{ID: 0, Sends: []oplog.Send{ok(0, 10, 1)}}, {ID: 1, Sends: []oplog.Send{ok(0, 20, 1)}}},
			Consumers: []checkertest.ConsumerLog{{Deliveries: []oplog.Delivery{dlv(1, 0, 25), dlv(0, 0, 30)}}}},
			verdicts: map[string]string{"reorder": "valid"}},
	}
}

// crashCases: unsent deliveries in a crashed run versus a timed-out one.
func crashCases() []tableCase {
	ds := []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31), dlv(0, 3, 41)}
	return []tableCase{
		{name: "unsent after a timeout is invalid", h: hist("timeout", inOrder, ds),
			want: map[string]int64{"unexpected": 1}, verdicts: map[string]string{"unexpected": "invalid"}},
		{name: "unsent in a truncated run is unknown", h: func() *checkertest.History {
			h := hist("quiet", inOrder, ds)
			h.Consumers[0].Truncated = true
			return h
		}(), want: map[string]int64{"unexpected": 1}, verdicts: map[string]string{"unexpected": "unknown", "lost": "unknown"}},
	}
}
