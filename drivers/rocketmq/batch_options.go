package rocketmq

import (
	"fmt"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// BatchOptions configure producers of kind batch (drivers.KindBatch):
// messages are grouped and sent with one SendAsync or SendOneWay call
// per batch.
type BatchOptions struct {
	// Size is the most messages in one batch, 2..1024; default 16. A full
	// batch is sent at once.
	Size int `yaml:"size"`
	// Linger is the longest a message waits in a batch that is not full
	// before the batch is sent anyway; > 0, at most 10s; default 5ms.
	Linger time.Duration `yaml:"linger"`
}

// Limits of BatchOptions.
const (
	minBatchSize  = 2
	maxBatchSize  = 1024
	maxLinger     = 10 * time.Second
	defaultBatch  = 16
	defaultLinger = 5 * time.Millisecond
)

func defaultBatchOptions() BatchOptions {
	return BatchOptions{Size: defaultBatch, Linger: defaultLinger}
}

// validate checks the batch options (fields below "batch.").
func (b BatchOptions) validate() []drivers.OptionError {
	var errs []drivers.OptionError
	if b.Size < minBatchSize || b.Size > maxBatchSize {
		errs = append(errs, drivers.OptionError{Field: "batch.size",
			Msg: fmt.Sprintf("must be %d..%d messages, got %d", minBatchSize, maxBatchSize, b.Size)})
	}
	if b.Linger <= 0 || b.Linger > maxLinger {
		errs = append(errs, drivers.OptionError{Field: "batch.linger",
			Msg: fmt.Sprintf("must be > 0 and at most %v (a batch that never fills must still be sent), got %v", maxLinger, b.Linger)})
	}
	return errs
}
