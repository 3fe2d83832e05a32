package checker

import (
	"fmt"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// onAck handles an ack event (an OK send record at its Done time).
func (r *run) onAck(p *producer, s *oplog.Send) {
	k := sendUnit(p.id, s.Flags&oplog.FlagKeyed != 0, s.Key, s.Partition)
	r.order.acked(p, k, s.Seq, s.Next)
}

// onDelivery handles one delivery-log record in merged order.
func (r *run) onDelivery(d *oplog.Delivery) {
	switch d.Kind {
	case oplog.KindAckFailed:
		if p := r.byID.get(d.Producer); p != nil && p.nib.get(d.Seq)&nibOutcome != 0 {
			p.nib.or(d.Seq, nibAckFailed)
		}
		return
	case oplog.KindUnexpected:
		r.counts.Deliveries++
		if r.hit(idxUnexpected, "foreign", d.Time) {
			r.example(idxUnexpected, deliveryExample(d, "not ours or corrupted"))
		}
		return
	}
	r.counts.Deliveries++
	p := r.byID.get(d.Producer)
	var nib uint8
	if p != nil {
		nib = p.nib.get(d.Seq)
	}
	switch {
	case nib&nibOutcome == 0:
		if r.hit(idxUnexpected, "unsent", d.Time) {
			r.example(idxUnexpected, deliveryExample(d, "no send record for this message"))
		}
	case nib&nibDelivered != 0:
		r.extraDelivery(d, nib)
	default:
		r.firstDelivery(p, d, oplog.Outcome(nib&nibOutcome))
	}
}

// extraDelivery classifies a delivery of an already delivered message.
func (r *run) extraDelivery(d *oplog.Delivery, nib uint8) {
	switch {
	case d.Redelivered:
		if r.hit(idxRedelivered, "flagged", d.Time) {
			r.example(idxRedelivered, deliveryExample(d, "flagged redelivery"))
		}
	case nib&nibAckFailed != 0:
		if r.hit(idxRedelivered, "after_ack_failure", d.Time) {
			r.example(idxRedelivered, deliveryExample(d, "redelivered after a failed consumer ack"))
		}
	default:
		if r.hit(idxDuplicate, "", d.Time) {
			r.example(idxDuplicate, deliveryExample(d, "delivered again: not flagged, consumer ack did not fail"))
		}
	}
}

// firstDelivery handles the first delivery of a sent message.
func (r *run) firstDelivery(p *producer, d *oplog.Delivery, o oplog.Outcome) {
	p.nib.or(d.Seq, nibDelivered)
	p.noteDelivered(d.Seq)
	r.counts.Delivered++
	switch o {
	case oplog.Failed:
		if r.hit(idxAbortedRead, "", d.Time) {
			r.example(idxAbortedRead, deliveryExample(d, "delivered though its send failed"))
		}
	case oplog.Unknown:
		if r.hit(idxRecovered, "", d.Time) {
			r.example(idxRecovered, deliveryExample(d, "unknown send outcome, delivered"))
		}
	}
	if d.Delay > 0 {
		r.onDelayed(d)
	}
	if d.Redelivered {
		// The broker delivered it before, but that delivery never
		// reached the harness (a consumer connection lost with it in
		// flight): allowed, and exempt from the order check, which holds
		// for first deliveries.
		if r.hit(idxRedelivered, "first_seen", d.Time) {
			r.example(idxRedelivered, deliveryExample(d, "first seen already flagged redelivered: an earlier delivery never reached the harness"))
		}
	}
	k := sendUnit(p.id, d.Keyed, d.Key, d.Partition)
	if late, by := r.order.firstDelivery(p, k, d.Seq, d.Time); late && !d.Redelivered {
		if r.hit(idxReorder, "", d.Time) {
			r.example(idxReorder, deliveryExample(d, fmt.Sprintf("overtaken by seq %d, sent after this one's ack", by)))
		}
	}
}

// deliveryExample describes the delivery d.
func deliveryExample(d *oplog.Delivery, detail string) Example {
	e := Example{TimeNs: d.Time, Partition: d.Partition, Offset: d.Offset, Detail: detail}
	if d.Kind != oplog.KindUnexpected {
		e.Producer, e.Seq = d.Producer, d.Seq
		if d.Keyed {
			k := d.Key
			e.Key = &k
		}
	}
	return e
}
