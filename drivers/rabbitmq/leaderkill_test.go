package rabbitmq_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// loadMax bounds each producer of the leader-kill test in messages.
const loadMax = 60_000

// loader sends seqs 0, 1, ... in one mode until stopped (or loadMax),
// recording outcomes and when the first ok after a given time came.
type loader struct {
	producer uint32
	mode     drivers.Mode
	p        drivers.Producer
	topic    string
	out      *outcomes
	sent     atomic.Uint64
	lastOK   atomic.Int64  // unix ns of the latest ok outcome
	mark     atomic.Uint64 // seqs sent when the node was killed (0: not yet)
	firstOK  atomic.Int64  // unix ns of the first ok of a seq sent after the kill
}

func (l *loader) run(ctx context.Context, stop <-chan struct{}) {
	for seq := range uint64(loadMax) {
		select {
		case <-stop:
			return
		default:
		}
		m := message(l.topic, l.producer, seq)
		record := func(ack drivers.Ack, err error) {
			l.out.record(seq, ack, err)
			if err == nil {
				now := time.Now().UnixNano()
				l.lastOK.Store(now)
				if mark := l.mark.Load(); mark != 0 && seq >= mark {
					l.firstOK.CompareAndSwap(0, now)
				}
			}
		}
		if l.mode == drivers.ModeSync {
			ack, err := l.p.Send(ctx, m)
			record(ack, err)
		} else {
			l.p.SendAsync(ctx, m, record)
			if seq%10 == 9 {
				time.Sleep(5 * time.Millisecond) // about 2,000 msg/s
			}
		}
		l.sent.Store(seq + 1)
	}
}

// TestQuorumLeaderKill publishes with sync and async confirms to a quorum
// queue through the node that leads it, kills that node mid-run and later
// restarts it. No confirmed message may be lost; the driver must record
// the lost connection and its reconnects, and publishing must succeed
// again after the restart.
func TestQuorumLeaderKill(t *testing.T) {
	d := open(t, func(o *rabbitmq.Options) {
		o.QueueType = rabbitmq.QueueQuorum
		o.NackReopenAfter = 5
		o.Reconnect = rabbitmq.Backoff{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
		o.ConfirmTimeout, o.Heartbeat, o.DialTimeout = 5*time.Second, 2*time.Second, 2*time.Second
	})
	ctx := context.Background()
	name := topic(t, d, "leaderkill", 1)
	leader, err := cluster.Leader(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Start(context.Background(), leader) }) // even if the test fails
	li := nodeIndex(leader)
	s := newSink()
	consume(t, d, li, name, s.handler(0, true)) // on the leader's node too: it must reconnect
	loaders := []*loader{
		{producer: 0, mode: drivers.ModeSync, p: produce(t, d, li, name, drivers.ModeSync, 1)},
		{producer: 1, mode: drivers.ModeAsync, p: produce(t, d, li+3, name, drivers.ModeAsync, 64)},
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, l := range loaders {
		l.topic, l.out = name, newOutcomes()
		wg.Go(func() { l.run(ctx, stop) })
	}
	var halt sync.Once
	stopLoad := func() { halt.Do(func() { close(stop); wg.Wait() }) }
	t.Cleanup(stopLoad) // before the producers close, even on failure

	time.Sleep(1500 * time.Millisecond)
	if err := cluster.Kill(ctx, leader); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now() // the node is dead and reaped
	for _, l := range loaders {
		l.mark.Store(l.sent.Load() + 1)
	}
	t.Logf("killed %s (leader of %s) at %d/%d sends", leader, name, loaders[0].sent.Load(), loaders[1].sent.Load())
	time.Sleep(4 * time.Second)
	for _, l := range loaders {
		if ok := l.firstOK.Load(); ok != 0 {
			t.Logf("producer %d: first ok of a message sent after the kill: %v after it (node still down)", l.producer, time.Unix(0, ok).Sub(killedAt).Round(time.Millisecond))
		}
	}
	t0 := time.Now()
	if err := cluster.Start(ctx, leader); err != nil {
		t.Fatal(err)
	}
	restartedAt := time.Now()
	t.Logf("%s restarted in %v", leader, restartedAt.Sub(t0).Round(time.Millisecond))
	waitRecovered(t, loaders, restartedAt)
	stopLoad()
	checkLeaderKill(t, d, s, loaders)
}

// nodeIndex is the 0-based index of node "rabbitN".
func nodeIndex(name string) int {
	var i int
	fmt.Sscanf(name, "rabbit%d", &i)
	return i - 1
}

// waitRecovered waits (bounded by 20 s) until both producers had oks
// after the restart, then lets them run one more second.
func waitRecovered(t *testing.T, loaders []*loader, since time.Time) {
	deadline := time.Now().Add(20 * time.Second)
	for _, l := range loaders {
		for l.lastOK.Load() < since.UnixNano() {
			if time.Now().After(deadline) {
				t.Errorf("producer %d: no ok since the restart", l.producer)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
}

// checkLeaderKill: every acked message delivered, outcomes reported once,
// the last sends ok, duplicates only as flagged redeliveries, events
// recorded.
func checkLeaderKill(t *testing.T, d *rabbitmq.Driver, s *sink, loaders []*loader) {
	var acked []id
	for _, l := range loaders {
		if err := l.p.Close(); err != nil {
			t.Errorf("producer %d Close: %v", l.producer, err)
		}
		n := l.sent.Load()
		ok, fail, unknown := l.out.tally(t, n)
		t.Logf("producer %d (%v): %d sent: %d ok, %d failed (nack or not written), %d unknown", l.producer, l.mode, n, ok, fail, unknown)
		for seq := range n {
			if l.out.errOf(seq) == nil {
				acked = append(acked, id{l.producer, seq})
			}
		}
		for seq := n - min(n, 50); seq < n; seq++ {
			if err := l.out.errOf(seq); err != nil {
				t.Errorf("producer %d did not recover: seq %d of %d: %v", l.producer, seq, n, err)
				break
			}
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, k := range acked {
		for len(s.get(k)) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if len(s.get(k)) == 0 {
			t.Errorf("confirmed message %d/%d lost (of %d confirmed)", k.producer, k.seq, len(acked))
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	redelivered := 0
	for _, k := range acked {
		for i, r := range s.get(k)[1:] {
			if !r.redelivered {
				t.Errorf("message %d/%d: delivery %d not flagged Redelivered (a broker-side duplicate)", k.producer, k.seq, i+2)
			}
			redelivered++
		}
	}
	t.Logf("all %d confirmed messages delivered; %d allowed redeliveries", len(acked), redelivered)
	var aborted, recovered int // failed yet delivered; unknown and delivered
	for _, l := range loaders {
		for seq := range l.sent.Load() {
			err := l.out.errOf(seq)
			if err == nil || len(s.get(id{l.producer, seq})) == 0 {
				continue
			}
			if drivers.IsFail(err) {
				aborted++
			} else {
				recovered++
			}
		}
	}
	t.Logf("delivered anyway: %d nacked or failed sends (aborted reads), %d unknown sends (recovered)", aborted, recovered)
	checkEvents(t, d.Events())
}

// checkEvents logs the timeline and wants a lost connection and a
// reconnect among them.
func checkEvents(t *testing.T, events []rabbitmq.Event) {
	kinds := map[string]int{}
	var b strings.Builder
	t0 := events[0].Time
	for _, e := range events {
		kinds[e.Kind]++
		if strings.Contains(e.Detail, "reconnect") {
			kinds["reconnect"]++
		}
		fmt.Fprintf(&b, "\n  +%7.3fs %-16s %-16s %s", e.Time.Sub(t0).Seconds(), e.Kind, e.Node, e.Detail)
	}
	t.Logf("driver events:%s", b.String())
	if kinds[rabbitmq.EventConnectionLost] == 0 || kinds["reconnect"] == 0 {
		t.Errorf("events %v: want connection-lost and reconnects recorded", kinds)
	}
}
