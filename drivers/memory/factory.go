package memory

import (
	"context"
	"fmt"

	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the memory driver ("memory"). Its options are *Options.
var Factory = drivers.Factory{
	Name:    "memory",
	Summary: "in-process test broker with latency, stalls, delayed messages, broadcasting consumers and drop/duplicate/redeliver/reorder/corrupt/early injection",
	Options: func() drivers.Options { return DefaultOptions() },
	Kinds:   kinds,
	Open:    open,
}

func open(_ context.Context, opts drivers.Options, env drivers.Env) (drivers.Driver, error) {
	o, ok := opts.(*Options)
	if !ok && opts != nil {
		return nil, fmt.Errorf("memory: options of type %T, want *memory.Options", opts)
	}
	d, err := New(o, env)
	if err != nil {
		return nil, err
	}
	return d, nil
}
