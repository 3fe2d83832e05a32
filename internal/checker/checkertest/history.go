// Package checkertest holds what the checker's tests need: an in-memory
// history of a run, a brute-force reference checker written straight from
// the definitions (sharing no code with the fast checker), and a seeded
// random history generator that can also write real op-log files.
package checkertest

import (
	"io"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// History is the raw history of one run, in memory.
type History struct {
	Producers []ProducerLog
	Consumers []ConsumerLog
	// DrainEnd is "complete", "quiet", "timeout" or "" (unknown).
	DrainEnd string
}

// ProducerLog is the send log of one producer, in file (completion) order.
type ProducerLog struct {
	ID    uint32
	Sends []oplog.Send
	// Truncated: the log was cut inside the record after Sends.
	Truncated bool
}

// ConsumerLog is the delivery log of one consumer, in file (time) order.
type ConsumerLog struct {
	ID         uint32
	Deliveries []oplog.Delivery
	// Truncated: the log was cut inside the record after Deliveries.
	Truncated bool
}

// Truncated reports whether any log of h was cut inside a record.
func (h *History) Truncated() bool {
	for _, p := range h.Producers {
		if p.Truncated {
			return true
		}
	}
	for _, c := range h.Consumers {
		if c.Truncated {
			return true
		}
	}
	return false
}

// Messages returns the number of send records in h.
func (h *History) Messages() int {
	n := 0
	for _, p := range h.Producers {
		n += len(p.Sends)
	}
	return n
}

// SendSlice reads a ProducerLog like an oplog.SendReader: io.EOF at the
// end, io.ErrUnexpectedEOF instead when the log is truncated.
type SendSlice struct {
	log *ProducerLog
	i   int
}

// Source returns a reader of the log from its start.
func (l *ProducerLog) Source() *SendSlice { return &SendSlice{log: l} }

// Read returns the next record.
func (s *SendSlice) Read(out *oplog.Send) error {
	if s.i == len(s.log.Sends) {
		if s.log.Truncated {
			return io.ErrUnexpectedEOF
		}
		return io.EOF
	}
	*out = s.log.Sends[s.i]
	s.i++
	return nil
}

// DeliverySlice reads a ConsumerLog like an oplog.DeliveryReader.
type DeliverySlice struct {
	log *ConsumerLog
	i   int
}

// Source returns a reader of the log from its start.
func (l *ConsumerLog) Source() *DeliverySlice { return &DeliverySlice{log: l} }

// Read returns the next record.
func (s *DeliverySlice) Read(out *oplog.Delivery) error {
	if s.i == len(s.log.Deliveries) {
		if s.log.Truncated {
			return io.ErrUnexpectedEOF
		}
		return io.EOF
	}
	*out = s.log.Deliveries[s.i]
	s.i++
	return nil
}
