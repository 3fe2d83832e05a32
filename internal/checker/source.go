package checker

import (
	"errors"
	"fmt"
	"io"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// SendSource yields the Send records of one producer in file order
// (completion order: Done and Next nondecreasing). Read fills s and returns
// nil, io.EOF at the clean end, io.ErrUnexpectedEOF when the log was cut
// inside a record (checked up to there; Result.Truncated is set), or any
// other error, which aborts the check. *oplog.SendReader is a SendSource.
// If a source also implements io.Closer, the checker closes it when done.
type SendSource interface {
	Read(s *oplog.Send) error
}

// DeliverySource yields the Delivery records of one consumer in file order
// (Time nondecreasing), with the same error convention as SendSource.
// *oplog.DeliveryReader is a DeliverySource.
type DeliverySource interface {
	Read(d *oplog.Delivery) error
}

// SendOpener opens a fresh SendSource reading the log from its start. The
// checker calls it up to three times per producer and expects the same
// records each time.
type SendOpener func() (SendSource, error)

// DeliveryOpener opens a DeliverySource from its start; the checker calls
// it once per consumer and Run.
type DeliveryOpener func() (DeliverySource, error)

// Checker checks a history given as sources rather than files, e.g. a
// synthetic one in a benchmark. Add every producer and consumer, then Run.
// A Checker is not safe for concurrent use; Run may be called again.
type Checker struct {
	producers []producerSpec
	consumers []consumerSpec
}

type producerSpec struct {
	id   uint32
	open SendOpener
}

type consumerSpec struct {
	id   uint32
	open DeliveryOpener
}

// New returns an empty Checker.
func New() *Checker { return &Checker{} }

// AddProducer adds the send log of producer id. At equal times producers
// are ordered as added.
func (c *Checker) AddProducer(id uint32, open SendOpener) {
	c.producers = append(c.producers, producerSpec{id, open})
}

// AddConsumer adds the delivery log of consumer id. At equal times
// consumers are ordered as added.
func (c *Checker) AddConsumer(id uint32, open DeliveryOpener) {
	c.consumers = append(c.consumers, consumerSpec{id, open})
}

// readErr classifies a source's Read error: done at the end of the log,
// truncated when it was cut inside a record, err otherwise.
func readErr(err error) (done, truncated bool, _ error) {
	switch {
	case err == nil:
		return false, false, nil
	case errors.Is(err, io.EOF):
		return true, false, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		return true, true, nil
	}
	return true, false, err
}

// closeSource closes src if it is an io.Closer.
func closeSource(src any) error {
	if c, ok := src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// openSends opens the send log of a producer, wrapping errors.
func openSends(p *producer) (SendSource, error) {
	src, err := p.open()
	if err != nil {
		return nil, fmt.Errorf("producer %d: %w", p.id, err)
	}
	return src, nil
}
