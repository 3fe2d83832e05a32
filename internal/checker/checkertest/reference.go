package checkertest

import (
	"fmt"
	"sort"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// MsgID names a message.
type MsgID struct {
	Producer uint32
	Seq      uint64
}

// RefCounts are the reference's totals (the fields of checker.Counts).
type RefCounts struct {
	Sent, Acked, Failed, Unknown, Delivered, Deliveries int64
}

// RefCheck is the reference's result of one check.
type RefCheck struct {
	Verdict string
	Count   int64
	Detail  map[string]int64
	// Msgs are the messages the check found: an example the fast checker
	// gives must name one of them.
	Msgs map[MsgID]bool
}

// RefResult is the reference's result of a history.
type RefResult struct {
	Counts    RefCounts
	Checks    map[string]*RefCheck
	Truncated bool
}

// refEvent is a delivery-log record with its place in the total order.
type refEvent struct {
	d        oplog.Delivery
	consumer int // index in History.Consumers
	pos      int // index in its log
}

// reference is the state of one Reference call.
type reference struct {
	h      *History
	res    *RefResult
	sends  map[MsgID]oplog.Send
	events []refEvent
	first  map[MsgID]refEvent // first delivery of each sent message
}

// Reference checks h by brute force, straight from the definitions: maps
// keyed by message and quadratic scans, no cleverness. It is for tests on
// small histories only.
func Reference(h *History) *RefResult {
	r := &reference{h: h, sends: map[MsgID]oplog.Send{}, first: map[MsgID]refEvent{}}
	r.res = &RefResult{Checks: map[string]*RefCheck{}, Truncated: h.Truncated()}
	for _, name := range []string{"lost", "unseen", "recovered", "aborted_read",
		"unexpected", "duplicate", "redelivered", "reorder"} {
		r.res.Checks[name] = &RefCheck{Detail: map[string]int64{}, Msgs: map[MsgID]bool{}}
	}
	r.readSends()
	r.sortEvents()
	r.deliveries()
	r.outcomes()
	r.missing()
	r.reorders()
	r.verdicts()
	return r.res
}

func (r *reference) add(check, detail string, m MsgID) {
	c := r.res.Checks[check]
	c.Count++
	if detail != "" {
		c.Detail[detail]++
	}
	c.Msgs[m] = true
}

func (r *reference) readSends() {
	for _, p := range r.h.Producers {
		for _, s := range p.Sends {
			r.res.Counts.Sent++
			switch s.Outcome {
			case oplog.OK:
				r.res.Counts.Acked++
			case oplog.Failed:
				r.res.Counts.Failed++
			case oplog.Unknown:
				r.res.Counts.Unknown++
			}
			m := MsgID{p.ID, s.Seq}
			if _, dup := r.sends[m]; !dup {
				r.sends[m] = s
			}
		}
	}
}

// sortEvents puts all delivery records in the total order: time, then
// consumer (as listed), then position in the log.
func (r *reference) sortEvents() {
	for ci, c := range r.h.Consumers {
		for pos, d := range c.Deliveries {
			r.events = append(r.events, refEvent{d, ci, pos})
		}
	}
	sort.Slice(r.events, func(i, j int) bool {
		a, b := r.events[i], r.events[j]
		if a.d.Time != b.d.Time {
			return a.d.Time < b.d.Time
		}
		if a.consumer != b.consumer {
			return a.consumer < b.consumer
		}
		return a.pos < b.pos
	})
}

// deliveries classifies each delivery record against all earlier ones.
func (r *reference) deliveries() {
	for i, e := range r.events {
		d := e.d
		m := MsgID{d.Producer, d.Seq}
		if d.Kind == oplog.KindAckFailed {
			continue
		}
		r.res.Counts.Deliveries++
		if d.Kind == oplog.KindUnexpected {
			r.add("unexpected", "foreign", MsgID{})
			continue
		}
		if _, sent := r.sends[m]; !sent {
			r.add("unexpected", "unsent", m)
			continue
		}
		if !r.earlier(i, m, oplog.KindDelivery) {
			r.first[m] = e
			r.res.Counts.Delivered++
			if d.Redelivered {
				r.add("redelivered", "first_seen", m)
			}
			continue
		}
		switch {
		case d.Redelivered:
			r.add("redelivered", "flagged", m)
		case r.earlier(i, m, oplog.KindAckFailed):
			r.add("redelivered", "after_ack_failure", m)
		default:
			r.add("duplicate", "", m)
		}
	}
}

// earlier reports whether a record of kind for m comes before event i.
func (r *reference) earlier(i int, m MsgID, kind uint8) bool {
	for _, e := range r.events[:i] {
		if e.d.Kind == kind && e.d.Producer == m.Producer && e.d.Seq == m.Seq {
			return true
		}
	}
	return false
}

func (r *reference) outcomes() {
	for m := range r.first {
		switch r.sends[m].Outcome {
		case oplog.Unknown:
			r.add("recovered", "", m)
		case oplog.Failed:
			r.add("aborted_read", "", m)
		}
	}
}

// missing finds acked messages never delivered and places them relative to
// the delivered seqs of their producer.
func (r *reference) missing() {
	if len(r.h.Consumers) == 0 {
		return // nothing could be delivered: not counted, verdicts unknown
	}
	check := "unseen"
	if (r.h.DrainEnd == "complete" || r.h.DrainEnd == "quiet") && !r.res.Truncated {
		check = "lost"
	}
	for m, s := range r.sends {
		if s.Outcome != oplog.OK {
			continue
		}
		if _, ok := r.first[m]; ok {
			continue
		}
		below, above := false, false // some delivered seq of the producer below / above m
		for d := range r.first {
			if d.Producer == m.Producer {
				below = below || d.Seq < m.Seq
				above = above || d.Seq > m.Seq
			}
		}
		place := "middle"
		switch {
		case !below:
			place = "prefix"
		case !above:
			place = "postfix"
		}
		r.add(check, place, m)
	}
}

// reorders checks every pair (m1, m2) of sent messages.
func (r *reference) reorders() {
	for m1, s1 := range r.sends {
		f1, ok := r.first[m1]
		if s1.Outcome != oplog.OK || !ok || f1.d.Redelivered {
			continue // a first-seen delivery flagged redelivered is exempt
		}
		unit1 := unitOf(m1.Producer, s1.Flags&oplog.FlagKeyed != 0, s1.Key, s1.Partition)
		for m2, f2 := range r.first {
			if m2.Producer == m1.Producer && m2.Seq >= s1.Next &&
				unitOf(m2.Producer, f2.d.Keyed, f2.d.Key, f2.d.Partition) == unit1 &&
				f2.d.Time < f1.d.Time {
				r.add("reorder", "", m1)
				break
			}
		}
	}
}

func unitOf(producer uint32, keyed bool, key uint32, partition int32) string {
	if keyed {
		return fmt.Sprintf("%d/key/%d", producer, key)
	}
	return fmt.Sprintf("%d/partition/%d", producer, partition)
}

// verdicts applies the verdict rules.
func (r *reference) verdicts() {
	clean := (r.h.DrainEnd == "complete" || r.h.DrainEnd == "quiet") && !r.res.Truncated
	crashed := r.res.Truncated || r.h.DrainEnd == ""
	noConsumers := len(r.h.Consumers) == 0
	for name, c := range r.res.Checks {
		switch {
		case name == "recovered" || name == "redelivered":
			c.Verdict = "valid"
		case noConsumers:
			c.Verdict = "unknown"
		case name == "unseen" && c.Count > 0:
			c.Verdict = "unknown"
		case name == "unseen":
			c.Verdict = "valid"
		case name == "lost" && !clean:
			c.Verdict = "unknown"
		case name == "unexpected" && c.Count > 0 && c.Detail["unsent"] == c.Count && crashed:
			c.Verdict = "unknown"
		case noConsumers:
			c.Verdict = "unknown"
		case c.Count > 0:
			c.Verdict = "invalid"
		default:
			c.Verdict = "valid"
		}
	}
}
