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
	id, sends, truncated, err := readLog(path, oplog.NewSendReader, (*oplog.SendReader).Read)
	if err != nil {
		return nil, err
	}
	return &ProducerLog{ID: uint32(id), Sends: sends, Truncated: truncated}, nil
}

func readDeliveries(path string) (*ConsumerLog, error) {
	id, dels, truncated, err := readLog(path, oplog.NewDeliveryReader, (*oplog.DeliveryReader).Read)
	if err != nil {
		return nil, err
	}
	return &ConsumerLog{ID: uint32(id), Deliveries: dels, Truncated: truncated}, nil
}

// readLog reads every record of one op log with the given reader, and
// whether the log ended inside a record.
func readLog[R any, T any](path string, open func(io.Reader) (R, error), read func(R, *T) error) (id int, out []T, truncated bool, err error) {
	if id, err = oplog.ParseID(path); err != nil {
		return 0, nil, false, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, false, err
	}
	defer f.Close()
	r, err := open(f)
	if err != nil {
		return 0, nil, false, fmt.Errorf("%s: %w", path, err)
	}
	for {
		var rec T
		switch err := read(r, &rec); {
		case err == nil:
			out = append(out, rec)
		case errors.Is(err, io.EOF):
			return id, out, false, nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			return id, out, true, nil
		default:
			return 0, nil, false, fmt.Errorf("%s: %w", path, err)
		}
	}
}
