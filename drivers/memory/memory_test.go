package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/drivertest"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

var memoryCaps = drivertest.Capabilities{
	Delivers:          true,
	Partitions:        true,
	Redelivers:        true,
	FailsUnknownTopic: true,
}

// openWith returns an opener for drivertest.Run using opts from the
// Factory's defaults changed by edit.
func openWith(edit func(o *memory.Options)) func(t *testing.T) drivers.Driver {
	return func(t *testing.T) drivers.Driver {
		t.Helper()
		o := memory.Factory.Options().(*memory.Options)
		if edit != nil {
			edit(o)
		}
		if errs := o.Validate(); len(errs) > 0 {
			t.Fatalf("options: %v", errs)
		}
		d, err := memory.Factory.Open(context.Background(), o, drivers.Env{Start: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

func TestConformance(t *testing.T) {
	drivertest.Run(t, openWith(nil), memoryCaps)
}

// TestConformanceWithLatency runs the suite through the async pipeline and
// delayed delivery.
func TestConformanceWithLatency(t *testing.T) {
	caps := memoryCaps
	caps.Messages = 300
	drivertest.Run(t, openWith(func(o *memory.Options) {
		o.AckLatency = 200 * time.Microsecond
		o.AckJitter = 300 * time.Microsecond
		o.DeliveryLatency = time.Millisecond
	}), caps)
}

func TestInfo(t *testing.T) {
	d, err := memory.New(nil, drivers.Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := drivers.Info{Driver: "memory", Broker: "in-memory test broker", StandIn: "in-process test double, not a real broker"}
	if got := d.Info(); got.Driver != want.Driver || got.Broker != want.Broker || got.StandIn != want.StandIn {
		t.Fatalf("Info() = %+v, want %+v", got, want)
	}
}
