package runner

import (
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/recorder"
)

// deliveryHandler returns the Handler of one consumer: decode the envelope
// (a payload that is not ours, or a leftover of another run — a different
// nonce — is recorded as unexpected, never a crash),
// record the delivery, then ack it; a failed ack is recorded too, since it
// makes a later redelivery allowed.
func deliveryHandler(rec *recorder.Consumer, now func() int64, errs *errorTally, nonce uint32) drivers.Handler {
	return func(d *drivers.Delivery) {
		r := oplog.Delivery{
			Kind:        oplog.KindDelivery,
			Redelivered: d.Redelivered,
			Partition:   d.Partition,
			Offset:      d.Offset,
		}
		env, err := drivers.DecodeEnvelope(d.Payload)
		if err != nil || env.Run != nonce {
			r.Kind = oplog.KindUnexpected
		} else {
			r.Producer, r.Seq, r.Intended = env.Producer, env.Seq, env.Intended
			r.Keyed, r.Key = env.Keyed, env.Key
			r.Delay = int64(d.Delay)
		}
		rec.Record(&r)
		if d.Ack == nil {
			return
		}
		if err := d.Ack(); err != nil {
			errs.add(now(), "ack", err)
			if r.Kind == oplog.KindDelivery {
				r.Kind = oplog.KindAckFailed
				rec.Record(&r)
			}
		}
	}
}
