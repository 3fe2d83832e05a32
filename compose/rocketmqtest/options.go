package rocketmqtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Options are the backend's scenario options (cluster.options). Start
// from DefaultOptions (or Factory.Options).
type Options struct {
	// Topics are created on every broker at start, with Queues queues
	// each. The rocketmq driver's Setup creates the scenario's
	// destinations anyway (see the package doc); list here topics a run
	// needs beyond those.
	Topics []string `yaml:"topics"`
	// Queues is the queue count per broker of each topic in Topics;
	// default 4 (RocketMQ's defaultTopicQueueNums).
	Queues int `yaml:"queues"`
	// RetryDelay is how long a message sent back for retry, or sent with
	// any delay level, waits before consumers can pull it; default 500ms
	// (RocketMQ waits 10 s and more: the double shortens it).
	RetryDelay time.Duration `yaml:"retry_delay"`
	// PullWait is the longest a pull waits for a new message (long
	// polling); default 100ms.
	PullWait time.Duration `yaml:"pull_wait"`
}

// DefaultOptions returns the defaults: no seed topics, 4 queues, 500ms
// retry delay, 100ms pull wait.
func DefaultOptions() *Options {
	return &Options{Queues: 4, RetryDelay: 500 * time.Millisecond, PullWait: 100 * time.Millisecond}
}

var _ drivers.Options = (*Options)(nil)

// Limits of the options.
const (
	maxNodes  = 26 // broker-a .. broker-z
	maxQueues = 1024
)

// Validate checks the options and returns every problem, with dotted field
// names below cluster.options.
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if o.Queues < 1 || o.Queues > maxQueues {
		bad("queues", "must be in 1..%d, got %d", maxQueues, o.Queues)
	}
	if o.RetryDelay <= 0 || o.RetryDelay > time.Hour {
		bad("retry_delay", "must be > 0 and <= 1h, got %v", o.RetryDelay)
	}
	if o.PullWait <= 0 || o.PullWait > time.Minute {
		bad("pull_wait", "must be > 0 and <= 1m, got %v", o.PullWait)
	}
	seen := map[string]bool{}
	for i, t := range o.Topics {
		field := fmt.Sprintf("topics[%d]", i)
		switch {
		case !validTopic(t):
			bad(field, "%q is not a RocketMQ topic name (1-127 of [a-zA-Z0-9_-])", t)
		case seen[t]:
			bad(field, "%q is listed twice", t)
		}
		seen[t] = true
	}
	return errs
}

// validTopic reports whether s is a legal RocketMQ topic name for a user
// topic: RocketMQ allows [%|a-zA-Z0-9_-] up to 127 characters, "%" and
// "|" being for system topics (retry, dead-letter).
func validTopic(s string) bool {
	return s != "" && len(s) <= 127 &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}
