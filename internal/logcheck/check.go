package logcheck

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Check reads the consumer op logs of the run in runDir and reports the
// log anomalies (see the package doc). rebalances are consumer-group
// rebalance windows in ns since the run's origin, in any order (nil: no
// rebalance). Errors are for logs that cannot be read; anomalies are
// never errors.
func Check(runDir string, rebalances []Window) (*Result, error) {
	paths, err := oplog.DeliveryPaths(runDir)
	if err != nil {
		return nil, fmt.Errorf("logcheck %s: %w", runDir, err)
	}
	s := newScan(rebalances)
	for _, path := range paths {
		id, err := oplog.ParseID(path)
		if err != nil {
			return nil, fmt.Errorf("logcheck: %w", err)
		}
		if err := s.file(path, uint32(id)); err != nil {
			return nil, err
		}
	}
	return s.result(len(paths)), nil
}

// file reads one consumer's log.
func (s *scan) file(path string, consumer uint32) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("logcheck: %w", err)
	}
	defer f.Close()
	r, err := oplog.NewDeliveryReader(f)
	if err != nil {
		if errors.Is(err, oplog.ErrFormat) && isShort(f) {
			s.truncated = true // cut inside its header: no records
			return nil
		}
		return fmt.Errorf("logcheck: %s: %w", path, err)
	}
	c := s.consumer(consumer)
	var d oplog.Delivery
	for {
		err := r.Read(&d)
		switch {
		case err == nil:
			s.delivery(c, &d)
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			s.truncated = true
			return nil
		default:
			return fmt.Errorf("logcheck: %s: %w", path, err)
		}
	}
}

// headerSize is an op log's header length.
const headerSize = 8

func isShort(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Size() < headerSize
}

// result resolves the jumps and builds the result.
func (s *scan) result(consumers int) *Result {
	s.resolveSkips()
	res := &Result{
		Counts:    Counts{Consumers: consumers, Deliveries: s.deliveries, Offsets: int64(len(s.byOffset))},
		Checks:    map[string]*checker.Check{},
		Truncated: s.truncated,
	}
	for i, name := range Names() {
		res.Checks[name] = s.tallies[i].check(s.deliveries, s.truncated)
	}
	return res
}
