package rocketmq

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// startTestDoubleWith is startTestDouble with a full rmqtest.Config (a
// TEST DOUBLE, not RocketMQ), closed when t ends.
func startTestDoubleWith(t *testing.T, cfg rmqtest.Config) (*rmqtest.Cluster, *Options) {
	t.Helper()
	c, err := rmqtest.Start(cfg)
	if err != nil {
		t.Fatalf("rmqtest.Start: %v", err)
	}
	t.Cleanup(c.Close)
	o := DefaultOptions()
	o.NameServers = []string{c.NameServer()}
	o.BrokerAddrs = c.BrokerAddrs()
	o.StandIn = rmqtest.StandIn
	return c, o
}

// openDriverSeed opens the driver (a *Driver) with run seed seed.
func openDriverSeed(t *testing.T, o *Options, seed int64) *Driver {
	t.Helper()
	if errs := o.Validate(); len(errs) > 0 {
		t.Fatalf("options: %v", errs)
	}
	d, err := Factory.Open(context.Background(), o, drivers.Env{Seed: seed})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return d.(*Driver)
}

// envelope returns a payload of size bytes carrying producer and seq.
func envelope(producer uint32, seq uint64, size int) []byte {
	buf := make([]byte, size)
	(&drivers.Envelope{Producer: producer, Seq: seq}).Encode(buf)
	return buf
}

// arrival is what a consumer saw of one message.
type arrival struct {
	count int
	first time.Time
	delay time.Duration
}

// arrivals records deliveries by (producer, seq); safe for concurrent use.
type arrivals struct {
	mu    sync.Mutex
	byID  map[[2]uint64]*arrival
	wrong int // undecodable payloads
}

func newArrivals() *arrivals { return &arrivals{byID: map[[2]uint64]*arrival{}} }

// handler acks and records d.
func (a *arrivals) handler(d *drivers.Delivery) {
	now := time.Now()
	env, err := drivers.DecodeEnvelope(d.Payload)
	if d.Ack != nil {
		_ = d.Ack()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.wrong++
		return
	}
	id := [2]uint64{uint64(env.Producer), env.Seq}
	r := a.byID[id]
	if r == nil {
		r = &arrival{first: now, delay: d.Delay}
		a.byID[id] = r
	}
	r.count++
}

// get returns a copy of the arrival of (producer, seq), if any.
func (a *arrivals) get(producer uint32, seq uint64) (arrival, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.byID[[2]uint64{uint64(producer), seq}]
	if r == nil {
		return arrival{}, false
	}
	return *r, true
}

// waitFor polls until want messages arrived (distinct) or timeout passes,
// and returns how many did.
func (a *arrivals) waitFor(want int, timeout time.Duration) int {
	end := time.Now().Add(timeout)
	for {
		a.mu.Lock()
		n := len(a.byID)
		a.mu.Unlock()
		if n >= want || time.Now().After(end) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}
