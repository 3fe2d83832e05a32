package null_test

import (
	"context"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/drivertest"
	"github.com/brokerbench/brokerbench/drivers/null"
)

func TestConformance(t *testing.T) {
	drivertest.Run(t, func(t *testing.T) drivers.Driver {
		d, err := null.Factory.Open(context.Background(), null.Factory.Options(), drivers.Env{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}, drivertest.Capabilities{})
}

func TestOptions(t *testing.T) {
	if errs := null.Factory.Options().Validate(); errs != nil {
		t.Fatalf("Validate() = %v", errs)
	}
	if got := null.New().Info().StandIn; got == "" {
		t.Fatal("Info().StandIn is empty")
	}
}

// TestNoAllocation: the send paths must not allocate, or the null driver
// would measure itself instead of the harness.
func TestNoAllocation(t *testing.T) {
	p, err := null.New().NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeAsync})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := &drivers.Message{Topic: "t", Key: []byte("k"), Payload: make([]byte, 124)}
	acks := 0
	done := func(drivers.Ack, error) { acks++ }
	for name, send := range map[string]func(){
		"Send":       func() { _, _ = p.Send(ctx, m) },
		"SendAsync":  func() { p.SendAsync(ctx, m, done) },
		"SendOneway": func() { _ = p.SendOneway(ctx, m) },
	} {
		if n := testing.AllocsPerRun(1000, send); n != 0 {
			t.Errorf("%s allocates %.1f times per message", name, n)
		}
	}
	if acks == 0 {
		t.Error("SendAsync never called done")
	}
}

func BenchmarkSend(b *testing.B) {
	p, _ := null.New().NewProducer(context.Background(), drivers.ProducerConfig{})
	ctx := context.Background()
	m := &drivers.Message{Topic: "t", Payload: make([]byte, 124)}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Send(ctx, m)
	}
}

func BenchmarkSendAsync(b *testing.B) {
	p, _ := null.New().NewProducer(context.Background(), drivers.ProducerConfig{})
	ctx := context.Background()
	m := &drivers.Message{Topic: "t", Payload: make([]byte, 124)}
	done := func(drivers.Ack, error) {}
	b.ReportAllocs()
	for b.Loop() {
		p.SendAsync(ctx, m, done)
	}
}
