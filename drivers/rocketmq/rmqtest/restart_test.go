package rmqtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// TestRestartAndPauseBroker stops the only broker (sends fail), restarts
// it on the same address (sends work, the stored messages are still
// there), pauses it (a send times out) and resumes it (the send that
// waited is stored, new sends work).
func TestRestartAndPauseBroker(t *testing.T) {
	rlog.SetLogLevel("error")
	c, err := Start(Config{Brokers: 1, Names: []string{"broker-a"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Broker(0).Name(); got != "broker-a" {
		t.Fatalf("broker name %q, want broker-a", got)
	}
	c.CreateTopic("rs", 2)
	addr := c.BrokerAddrs()[0]
	p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName("pg"), producer.WithRetry(0), producer.WithSendMsgTimeout(700*time.Millisecond),
		producer.WithInstanceName(fmt.Sprintf("rs-p-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown() }()
	send := func() error {
		_, err := p.SendSync(context.Background(), primitive.NewMessage("rs", []byte("x")))
		return err
	}
	for i := range 5 {
		if err := send(); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if err := c.StopBroker(0); err != nil {
		t.Fatal(err)
	}
	if c.BrokerRunning(0) {
		t.Fatal("stopped broker reported running")
	}
	if err := send(); err == nil {
		t.Fatal("send to a stopped broker succeeded")
	}
	if err := c.RestartBroker(0); err != nil {
		t.Fatal(err)
	}
	if !c.BrokerRunning(0) || c.BrokerAddrs()[0] != addr {
		t.Fatalf("restarted broker: running %v at %s, want %s", c.BrokerRunning(0), c.BrokerAddrs()[0], addr)
	}
	if err := c.RestartBroker(0); err != nil {
		t.Fatalf("restarting a running broker: %v", err)
	}
	waitSend(t, send)
	if got := sum(c.Broker(0).Stored("rs")); got != 6 {
		t.Fatalf("after restart the broker holds %d messages, want 6 (5 before, 1 after)", got)
	}
	if err := c.PauseBroker(0); err != nil {
		t.Fatal(err)
	}
	if err := send(); err == nil {
		t.Fatal("send to a paused broker succeeded")
	}
	if got := sum(c.Broker(0).Stored("rs")); got != 6 {
		t.Fatalf("a paused broker stored a message: %d, want 6", got)
	}
	if err := c.ResumeBroker(0); err != nil {
		t.Fatal(err)
	}
	waitSend(t, send)
	// The send that waited while paused is stored on resume, with the new one.
	for deadline := time.Now().Add(5 * time.Second); sum(c.Broker(0).Stored("rs")) != 8; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after resume the broker holds %d messages, want 8", sum(c.Broker(0).Stored("rs")))
		}
	}
	for _, f := range []func(int) error{c.StopBroker, c.RestartBroker, c.PauseBroker, c.ResumeBroker} {
		if err := f(5); err == nil {
			t.Error("broker 5 of 1 accepted")
		}
	}
}

// waitSend retries send for a few seconds (the client reconnects).
func waitSend(t *testing.T, send func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := send()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no send succeeded for 10s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
