package checker_test

import (
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Builders for hand-made histories. Partitions and offsets are -1 unless
// set; Sent is one ns before Done.

func snd(seq uint64, o oplog.Outcome, done int64, next uint64) oplog.Send {
	return oplog.Send{Seq: seq, Outcome: o, Partition: -1, Offset: -1, Intended: done - 1, Sent: done - 1, Done: done, Next: next}
}

func ok(seq uint64, done int64, next uint64) oplog.Send { return snd(seq, oplog.OK, done, next) }

func withKey(s oplog.Send, key uint32) oplog.Send {
	s.Flags |= oplog.FlagKeyed
	s.Key = key
	return s
}

func withPart(s oplog.Send, p int32) oplog.Send { s.Partition = p; return s }

func dlv(producer uint32, seq uint64, t int64) oplog.Delivery {
	return oplog.Delivery{Kind: oplog.KindDelivery, Producer: producer, Seq: seq, Partition: -1, Offset: -1, Time: t}
}

func redeliv(d oplog.Delivery) oplog.Delivery { d.Redelivered = true; return d }

func ackFail(producer uint32, seq uint64, t int64) oplog.Delivery {
	d := dlv(producer, seq, t)
	d.Kind = oplog.KindAckFailed
	return d
}

func dKey(d oplog.Delivery, key uint32) oplog.Delivery { d.Keyed, d.Key = true, key; return d }

func dPart(d oplog.Delivery, p int32) oplog.Delivery { d.Partition = p; return d }

func foreign(t int64) oplog.Delivery {
	return oplog.Delivery{Kind: oplog.KindUnexpected, Partition: 2, Offset: 7, Time: t}
}

// hist is one producer (id 0) and any number of consumers.
func hist(drain string, sends []oplog.Send, consumers ...[]oplog.Delivery) *checkertest.History {
	h := &checkertest.History{DrainEnd: drain, Producers: []checkertest.ProducerLog{{ID: 0, Sends: sends}}}
	for i, ds := range consumers {
		h.Consumers = append(h.Consumers, checkertest.ConsumerLog{ID: uint32(i), Deliveries: ds})
	}
	return h
}

// inOrder is three sync sends delivered in order.
var inOrder = []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3)}

type tableCase struct {
	name string
	h    *checkertest.History
	// want: count per check; absent checks must be 0.
	want map[string]int64
	// verdicts the case is about; the others are only compared with the
	// reference.
	verdicts map[string]string
	detail   map[string]map[string]int64
	counts   *checker.Counts
}

func TestDefinitions(t *testing.T) {
	for _, tc := range tableCases() {
		t.Run(tc.name, func(t *testing.T) {
			res := runHistory(t, tc.h, 5)
			for _, name := range checker.Names() {
				if got := res.Checks[name].Count; got != tc.want[name] {
					t.Errorf("%s = %d, want %d", name, got, tc.want[name])
				}
			}
			for name, v := range tc.verdicts {
				if got := res.Checks[name].Verdict; got != v {
					t.Errorf("%s verdict %s, want %s (note %q)", name, got, v, res.Checks[name].Note)
				}
			}
			for name, d := range tc.detail {
				for k, v := range d {
					if got := res.Checks[name].Detail[k]; got != v {
						t.Errorf("%s detail %s = %d, want %d", name, k, got, v)
					}
				}
			}
			if tc.counts != nil && res.Counts != *tc.counts {
				t.Errorf("counts %+v, want %+v", res.Counts, *tc.counts)
			}
			// The hand-made cases check the reference too.
			for _, d := range diff(res, checkertest.Reference(tc.h), 5) {
				t.Errorf("fast vs reference: %s", d)
			}
			if t.Failed() {
				t.Log(describe(tc.h))
			}
		})
	}
}

func tableCases() []tableCase {
	var cases []tableCase
	cases = append(cases, basicCases()...)
	cases = append(cases, deliveryCases()...)
	cases = append(cases, reorderCases()...)
	cases = append(cases, crashCases()...)
	return cases
}
