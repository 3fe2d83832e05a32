package recorder

import (
	"sync"
	"sync/atomic"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Consumer is the recording handle of one consumer; safe for concurrent use.
type Consumer struct {
	id  int
	r   *Recorder
	mu  sync.Mutex
	cum *hdr.Histogram // end-to-end, measured part
	iv  *hdr.Histogram // end-to-end, current interval
	log *oplog.DeliveryWriter
	err error

	clamped                 int64
	deliveries, mDeliveries atomic.Int64
}

func (r *Recorder) openConsumer(id int) error {
	f, err := r.create(oplog.DeliveryPath(r.cfg.Dir, id))
	if err != nil {
		return err
	}
	w, err := oplog.NewDeliveryWriter(f)
	if err != nil {
		return err
	}
	r.cons = append(r.cons, &Consumer{id: id, r: r, cum: NewHist(), iv: NewHist(), log: w})
	return nil
}

// Record stamps d.Time, logs the delivery and, for decoded deliveries,
// records the end-to-end latency. It reports whether this was the first
// delivery of the message seen by any consumer.
func (c *Consumer) Record(d *oplog.Delivery) (first bool) {
	c.mu.Lock()
	d.Time = c.r.Now()
	if d.Kind == oplog.KindDelivery {
		e2e := d.Time - d.Intended
		if record(c.iv, e2e) {
			c.clamped++
		}
		if d.Intended >= c.r.WarmupEnd() {
			record(c.cum, e2e)
		}
	}
	if err := c.log.Write(d); err != nil && c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	if d.Kind == oplog.KindAckFailed {
		return false
	}
	c.deliveries.Add(1)
	if d.Kind == oplog.KindDelivery {
		if d.Intended >= c.r.WarmupEnd() {
			c.mDeliveries.Add(1)
		}
		return c.r.delivered(c.id, d.Producer, d.Seq)
	}
	return false
}

// Err returns the first op-log write error of this consumer, if any.
func (c *Consumer) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
