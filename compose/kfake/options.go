package kfake

import (
	"fmt"
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
)

// Options are the kfake backend's scenario options (cluster.options).
// Start from DefaultOptions (or Factory.Options).
type Options struct {
	// Processes runs every node as a separate process (see the package
	// doc): a node can then be SIGKILLed, SIGSTOPped and restarted for
	// real. false (the default) runs the whole cluster inside brokerbench.
	Processes bool `yaml:"processes"`
	// BasePort is the client port of the first node; node i listens on
	// BasePort+i. 0 (the default) picks free ports.
	BasePort int `yaml:"base_port"`
	// DefaultPartitions is the partition count of seed topics and of
	// topics created with partitions -1; default 4.
	DefaultPartitions int `yaml:"default_partitions"`
	// SeedTopics are created at start with DefaultPartitions partitions.
	SeedTopics []string `yaml:"seed_topics"`
}

// DefaultOptions returns the defaults: in-process, free ports, 4
// partitions, no seed topics.
func DefaultOptions() *Options { return &Options{DefaultPartitions: 4} }

var _ drivers.Options = (*Options)(nil)

// Validate checks the options and returns every problem, with dotted field
// names below cluster.options.
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if o.BasePort < 0 || o.BasePort > 65535-maxNodes {
		bad("base_port", "must be 0 (free ports) or in 1..%d, got %d", 65535-maxNodes, o.BasePort)
	}
	if o.DefaultPartitions < 1 || o.DefaultPartitions > 10000 {
		bad("default_partitions", "must be in 1..10000, got %d", o.DefaultPartitions)
	}
	for i, t := range o.SeedTopics {
		if !validTopic(t) {
			bad(fmt.Sprintf("seed_topics[%d]", i), "%q is not a Kafka topic name (1-249 of [a-zA-Z0-9._-])", t)
		}
	}
	return errs
}

// maxNodes bounds the cluster size.
const maxNodes = 64

// validTopic reports whether s is a legal Kafka topic name.
func validTopic(s string) bool {
	if s == "" || len(s) > 249 || s == "." || s == ".." {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ""
}
