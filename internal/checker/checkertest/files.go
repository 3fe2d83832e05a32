package checkertest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// WriteDir writes h as op-log files under runDir/ops, as a run would. A
// truncated log gets one more record (a copy of its last one, or a
// made-up one) cut in its middle, as a crash leaves it.
func (h *History) WriteDir(runDir string) error {
	if err := os.MkdirAll(filepath.Join(runDir, oplog.Dir), 0o755); err != nil {
		return err
	}
	for i := range h.Producers {
		p := &h.Producers[i]
		b, err := encodeSends(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(oplog.SendPath(runDir, int(p.ID)), b, 0o644); err != nil {
			return err
		}
	}
	for i := range h.Consumers {
		c := &h.Consumers[i]
		b, err := encodeDeliveries(c)
		if err != nil {
			return err
		}
		if err := os.WriteFile(oplog.DeliveryPath(runDir, int(c.ID)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func encodeSends(p *ProducerLog) ([]byte, error) {
	var buf bytes.Buffer
	w, err := oplog.NewSendWriter(&buf)
	if err != nil {
		return nil, err
	}
	for i := range p.Sends {
		if err := w.Write(&p.Sends[i]); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if !p.Truncated {
		return buf.Bytes(), nil
	}
	whole := buf.Len()
	extra := oplog.Send{Seq: 1 << 20, Outcome: oplog.OK, Partition: 3, Offset: 1 << 30, Next: 1<<20 + 1}
	if n := len(p.Sends); n > 0 {
		extra = p.Sends[n-1]
		extra.Seq += 1000
		extra.Next = extra.Seq + 1000
		extra.Offset = 1 << 30
	}
	if err := w.Write(&extra); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return cut(buf.Bytes(), whole)
}

func encodeDeliveries(c *ConsumerLog) ([]byte, error) {
	var buf bytes.Buffer
	w, err := oplog.NewDeliveryWriter(&buf)
	if err != nil {
		return nil, err
	}
	for i := range c.Deliveries {
		if err := w.Write(&c.Deliveries[i]); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if !c.Truncated {
		return buf.Bytes(), nil
	}
	whole := buf.Len()
	extra := oplog.Delivery{Kind: oplog.KindDelivery, Producer: 1 << 20, Seq: 1 << 40, Partition: 1 << 20, Offset: 1 << 40}
	if n := len(c.Deliveries); n > 0 {
		extra.Time = c.Deliveries[n-1].Time
	}
	if err := w.Write(&extra); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return cut(buf.Bytes(), whole)
}

// cut drops the last record's second half; whole is where it starts.
func cut(b []byte, whole int) ([]byte, error) {
	n := len(b) - whole
	if n < 2 {
		return nil, fmt.Errorf("checkertest: extra record of %d bytes cannot be cut", n)
	}
	return b[:whole+n/2], nil
}
