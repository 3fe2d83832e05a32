package runner

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/registry"
)

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// panicRegistry adds a "panicky" driver: the memory broker whose producers
// panic on their 300th send, to prove that a run failing midway keeps
// what it measured.
type panicRegistry struct{ *registry.Registry }

func (r panicRegistry) Driver(name string) (drivers.Factory, bool) {
	if name != "panicky" {
		return r.Registry.Driver(name)
	}
	mem, _ := r.Registry.Driver("memory")
	f := mem
	f.Name = "panicky"
	f.Open = func(ctx context.Context, o drivers.Options, env drivers.Env) (drivers.Driver, error) {
		d, err := mem.Open(ctx, o, env)
		return &panicDriver{Driver: d}, err
	}
	return f, true
}

func (r panicRegistry) DriverNames() []string {
	return append(r.Registry.DriverNames(), "panicky")
}

type panicDriver struct{ drivers.Driver }

func (d *panicDriver) NewProducer(ctx context.Context, cfg drivers.ProducerConfig) (drivers.Producer, error) {
	p, err := d.Driver.NewProducer(ctx, cfg)
	return &panicProducer{Producer: p}, err
}

type panicProducer struct {
	drivers.Producer
	n atomic.Int64
}

func (p *panicProducer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	if p.n.Add(1) == 300 {
		panic("panicky driver: 300th send")
	}
	p.Producer.SendAsync(ctx, m, done)
}
