package rabbitmq_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// TestPausedNode pauses (SIGSTOP) the node a sync and an async producer
// publish through: their confirms time out, the connection is dropped
// (outcome unknown, never failed), and they go on through the next node
// while the node is still paused.
func TestPausedNode(t *testing.T) {
	d := open(t, func(o *rabbitmq.Options) {
		o.QueueType = rabbitmq.QueueQuorum
		// heartbeats would notice the paused node after 15 s: the confirm
		// timeout must act first
		o.ConfirmTimeout, o.Heartbeat, o.DialTimeout = time.Second, 10*time.Second, time.Second
		o.Reconnect = rabbitmq.Backoff{MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}
	})
	ctx := context.Background()
	name := topic(t, d, "pause", 1) // declared through rabbit1, which leads it
	const paused = 1                // rabbit2: a follower, so the queue keeps its leader
	sp := produce(t, d, paused, name, drivers.ModeSync, 1)
	ap := produce(t, d, paused+3, name, drivers.ModeAsync, 16)
	if err := cluster.Pause(ctx, "rabbit2"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Resume(context.Background(), "rabbit2") })
	t0 := time.Now()
	_, err := sp.Send(ctx, message(name, 0, 0))
	if err == nil || drivers.IsFail(err) || !errors.Is(err, rabbitmq.ErrUnconfirmed) {
		t.Fatalf("sync send through a paused node: %v, want ErrUnconfirmed (unknown)", err)
	}
	t.Logf("sync send through the paused node: %v after %v", err, time.Since(t0).Round(time.Millisecond))
	async := make(chan error, 1)
	ap.SendAsync(ctx, message(name, 1, 0), func(_ drivers.Ack, err error) { async <- err })
	select {
	case err := <-async:
		t.Logf("async send through the paused node: %v after %v", err, time.Since(t0).Round(time.Millisecond))
		if err == nil || drivers.IsFail(err) {
			t.Errorf("async send through a paused node: %v, want unknown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("async done not called within 10s of a paused node")
	}
	for seq := uint64(1); seq <= 20; seq++ { // now through another node
		if _, err := sp.Send(ctx, message(name, 0, seq)); err != nil {
			t.Fatalf("sync send %d after the pause: %v", seq, err)
		}
	}
	t.Logf("sync producer working again %v after the pause", time.Since(t0).Round(time.Millisecond))
	kinds := map[string]int{}
	for _, e := range d.Events() {
		kinds[e.Kind]++
	}
	if kinds[rabbitmq.EventConfirmTimeout] < 2 {
		t.Errorf("events %v: want a confirm-timeout per producer", kinds)
	}
}
