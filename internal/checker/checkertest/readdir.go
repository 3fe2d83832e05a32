package checkertest

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// ReadDir loads the op logs of a real run directory into a History, so the
// reference can check what a run actually recorded. drainEnd is the run's
// drain end ("complete", "quiet", "timeout" or "").
func ReadDir(runDir, drainEnd string) (*History, error) {
	h := &History{DrainEnd: drainEnd}
	sends, err := oplog.SendPaths(runDir)
	if err != nil {
		return nil, err
	}
	for _, path := range sends {
		p, err := readSends(path)
		if err != nil {
			return nil, err
		}
		h.Producers = append(h.Producers, *p)
	}
	dels, err := oplog.DeliveryPaths(runDir)
	if err != nil {
		return nil, err
	}
	for _, path := range dels {
		c, err := readDeliveries(path)
		if err != nil {
			return nil, err
		}
		h.Consumers = append(h.Consumers, *c)
	}
	return h, nil
}

func readSends(path string) (*ProducerLog, error) {
	id, err := oplog.ParseID(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := oplog.NewSendReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &ProducerLog{ID: uint32(id)}
	for {
		var s oplog.Send
		err := r.Read(&s)
		switch {
		case err == nil:
			p.Sends = append(p.Sends, s)
			continue
		case errors.Is(err, io.EOF):
		case errors.Is(err, io.ErrUnexpectedEOF):
			p.Truncated = true
		default:
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return p, nil
	}
}

func readDeliveries(path string) (*ConsumerLog, error) {
	id, err := oplog.ParseID(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := oplog.NewDeliveryReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := &ConsumerLog{ID: uint32(id)}
	for {
		var d oplog.Delivery
		err := r.Read(&d)
		switch {
		case err == nil:
			c.Deliveries = append(c.Deliveries, d)
			continue
		case errors.Is(err, io.EOF):
		case errors.Is(err, io.ErrUnexpectedEOF):
			c.Truncated = true
		default:
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return c, nil
	}
}
