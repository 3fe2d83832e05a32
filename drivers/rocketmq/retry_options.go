package rocketmq

import (
	"fmt"
	"math"

	"github.com/brokerbench/brokerbench/drivers"
)

// RetryOptions configure consume retries and the dead-letter topic; they
// sit inline in ConsumerOptions (consumer.retry_fraction, ...).
type RetryOptions struct {
	// RetryFraction is the fraction of messages, 0..1 (default 0), whose
	// first delivery the consumer answers ConsumeRetryLater although the
	// Handler saw (and acked) it: the broker stores them in the group's
	// retry topic and delivers them again with Redelivered set. The
	// messages are picked by a hash of their identity and drivers.Env.Seed
	// (see retryPicker). Clustering model only: a broadcasting consumer
	// drops a message it answers ConsumeRetryLater.
	RetryFraction float64 `yaml:"retry_fraction"`
	// RetryExhaust makes the picked messages fail every delivery, not only
	// the first, so they exhaust MaxReconsumeTimes and the broker moves
	// them to the group's dead-letter topic. Needs RetryFraction > 0.
	RetryExhaust bool `yaml:"retry_exhaust"`
	// MaxReconsumeTimes is how often a message is redelivered from the
	// retry topic before the broker moves it to the dead-letter topic
	// (the client's maxReconsumeTimes), 1..64; default 16 (RocketMQ's).
	MaxReconsumeTimes int `yaml:"max_reconsume_times"`
	// ReadDLQ makes every consumer also read its group's dead-letter
	// topic %DLQ%<group> (clustering model only) and hand those messages
	// to the Handler with Redelivered set, so a message that exhausted its
	// retries is not counted lost; default true. NewConsumer creates the
	// topic (one queue, readable) on every broker of broker_addrs; without
	// broker_addrs the topic must exist already.
	ReadDLQ bool `yaml:"read_dlq"`
}

// Limits of RetryOptions.
const (
	maxMaxReconsumeTimes     = 64
	defaultMaxReconsumeTimes = 16
)

func defaultRetryOptions() RetryOptions {
	return RetryOptions{MaxReconsumeTimes: defaultMaxReconsumeTimes, ReadDLQ: true}
}

// validate checks the retry options of consumers of the given model
// (fields below "consumer.").
func (r RetryOptions) validate(model string) []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: "consumer." + field, Msg: fmt.Sprintf(format, args...)})
	}
	if math.IsNaN(r.RetryFraction) || r.RetryFraction < 0 || r.RetryFraction > 1 {
		bad("retry_fraction", "must be 0..1, got %v", r.RetryFraction)
	}
	if r.RetryFraction > 0 && model == "broadcasting" {
		bad("retry_fraction", "must be 0 with consumer.model broadcasting (a broadcasting consumer drops a message it asks to retry)")
	}
	if r.RetryExhaust && !(r.RetryFraction > 0) {
		bad("retry_exhaust", "needs consumer.retry_fraction > 0 (it picks the messages that exhaust their retries)")
	}
	if r.MaxReconsumeTimes < 1 || r.MaxReconsumeTimes > maxMaxReconsumeTimes {
		bad("max_reconsume_times", "must be 1..%d, got %d", maxMaxReconsumeTimes, r.MaxReconsumeTimes)
	}
	return errs
}
