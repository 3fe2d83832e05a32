package rocketmq

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// txRaceNote explains why check-backs do not run under -race.
const txRaceNote = "transactions left unknown (check-backs) skipped under -race: rocketmq-client-go v2.1.2 reads " +
	"rmqClient.close without synchronization when it sends a check-back's answer (InvokeOneWay) while Shutdown writes it; " +
	"run without -race to cover check-backs"

// txTestOptions are the transaction fractions of the transactional tests:
// every outcome and both check-back answers occur.
var txTestOptions = TransactionOptions{Commit: 0.5, Rollback: 0.2, Unknown: 0.3, CheckCommit: 0.5, CheckWait: 20 * time.Second}

// TestTxDecideDeterministicAndProportional: a decision depends only on the
// seed and the envelope's producer and sequence (not on padding or the
// run nonce), and over many messages follows the fractions.
func TestTxDecideDeterministicAndProportional(t *testing.T) {
	o := DefaultOptions()
	o.Transaction = txTestOptions
	d, other := &Driver{opts: o, seed: 7}, &Driver{opts: o, seed: 8}
	const n = 20000
	counts := map[[2]primitive.LocalTransactionState]int{}
	sameAsOtherSeed := 0
	for seq := range uint64(n) {
		x := d.decide(envelope(3, seq, 64))
		big := make([]byte, 300)
		(&drivers.Envelope{Producer: 3, Seq: seq, Run: 99}).Encode(big)
		if y := d.decide(big); y != x {
			t.Fatalf("seq %d: decision %v changes with run nonce and size (%v)", seq, x, y)
		}
		if other.decide(envelope(3, seq, 64)) == x {
			sameAsOtherSeed++
		}
		counts[[2]primitive.LocalTransactionState{x.local, x.final()}]++
	}
	C, R, U := primitive.CommitMessageState, primitive.RollbackMessageState, primitive.UnknowState
	want := map[[2]primitive.LocalTransactionState]float64{{C, C}: 0.5, {R, R}: 0.2, {U, C}: 0.15, {U, R}: 0.15}
	for k, frac := range want {
		if got := float64(counts[k]) / n; math.Abs(got-frac) > 0.02 {
			t.Errorf("local %v final %v: fraction %.3f, want %.2f", k[0], k[1], got, frac)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("unexpected (local, final) pairs: %v", counts)
	}
	if sameAsOtherSeed > n*3/4 {
		t.Errorf("%d of %d decisions equal under another seed: the seed hardly matters", sameAsOtherSeed, n)
	}
	if x, y := d.decide([]byte("not an envelope")), d.decide([]byte("not an envelope")); x != y {
		t.Errorf("foreign body: %v then %v", x, y)
	}
}

func TestTxPickEdges(t *testing.T) {
	states := []primitive.LocalTransactionState{primitive.CommitMessageState, primitive.RollbackMessageState, primitive.UnknowState}
	for _, u := range []float64{0, 0.5, 0.999999999} {
		if got := pick(u, []float64{1, 0, 0}, states); got != primitive.CommitMessageState {
			t.Errorf("commit 1, u %v: %v", u, got)
		}
		if got := pick(u, []float64{0.3, 0.7, 0}, states); u >= 0.3 && got != primitive.RollbackMessageState {
			t.Errorf("unknown 0, u %v: %v", u, got)
		}
		if got := pick(u, []float64{0, 0, 1}, states); got != primitive.UnknowState {
			t.Errorf("unknown 1, u %v: %v", u, got)
		}
	}
}

// TestTransactionalOnewayUnsupported: a transactional oneway producer is
// refused with errors.ErrUnsupported, before any connection.
func TestTransactionalOnewayUnsupported(t *testing.T) {
	d, err := New(DefaultOptions(), drivers.Env{Endpoints: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeOneway, Kind: drivers.KindTransactional})
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("oneway transactional producer: %v, want ErrUnsupported", err)
	}
	_, err = d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeSync, Kind: "batchy"})
	if err == nil {
		t.Error("unknown kind accepted")
	}
}

// TestTransactionalAgainstTestDouble sends transactional messages in sync
// and async mode to the rmqtest TEST DOUBLE (check interval 200ms) with
// all of commit, rollback and unknown non-zero. Each send's outcome is
// its decision's final state (ack or Fail); the counters match the
// decisions; every unknown message is resolved by a check-back; the topic
// holds exactly the committed messages; and (without -race) a consumer
// gets each of them exactly once and none of the rolled-back ones.
func TestTransactionalAgainstTestDouble(t *testing.T) {
	c, o := startTestDoubleWith(t, rmqtest.Config{TxCheckInterval: 200 * time.Millisecond})
	o.Transaction = txTestOptions
	if raceEnabled {
		// Answering a check-back races with Shutdown inside the client.
		t.Log(txRaceNote)
		o.Transaction.Commit, o.Transaction.Unknown = 0.8, 0
	}
	d := openDriverSeed(t, o, 42)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const topic, n = "tx", 60
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	var got *arrivals
	if !raceEnabled {
		got = newArrivals()
		cons, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: topic, Group: "g-tx"}, got.handler)
		if err != nil {
			t.Fatal(err)
		}
		defer cons.Close()
	} else {
		t.Log(raceNote)
	}
	modes := []drivers.Mode{drivers.ModeSync, drivers.ModeAsync}
	var want txTally
	for id, mode := range modes {
		outcomes := sendTx(ctx, t, d, drivers.ProducerConfig{ID: id, Topic: topic, Mode: mode, Window: 8, Kind: drivers.KindTransactional}, n)
		for seq, err := range outcomes {
			x := d.decide(envelope(uint32(id), uint64(seq), 64))
			want.add(x)
			commit := x.final() == primitive.CommitMessageState
			pending := commit && x.local == primitive.UnknowState // committed later, by check-back
			switch {
			case pending && (err == nil || drivers.IsFail(err)):
				t.Errorf("%v seq %d: decision %+v (commit by check-back), outcome %v, want unknown", mode, seq, x, err)
			case !pending && (commit != (err == nil) || !commit && !drivers.IsFail(err)):
				t.Errorf("%v seq %d: decision %+v, outcome %v", mode, seq, x, err)
			}
		}
	}
	if want.commit == 0 || want.rollback == 0 || !raceEnabled && (want.unknownCommit == 0 || want.unknownRollback == 0) {
		t.Fatalf("decisions do not cover every case: %+v", want)
	}
	b := c.Broker(0)
	for b.TxStats().Pending > 0 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	checkTxCounts(t, d.Counters(), b.TxStats(), want)
	if u := d.Counters()["tx_unchecked_at_close"]; u != 0 {
		t.Errorf("tx_unchecked_at_close = %d: Close did not wait for the check-backs", u)
	}
	if stored := sum(b.Stored(topic)); stored != want.commit+want.unknownCommit {
		t.Errorf("topic holds %d messages, want the %d committed", stored, want.commit+want.unknownCommit)
	}
	if got == nil {
		return
	}
	got.waitFor(want.commit+want.unknownCommit, 20*time.Second)
	time.Sleep(300 * time.Millisecond) // let a stray rolled-back or duplicate delivery show
	for id := range modes {
		for seq := range n {
			a, ok := got.get(uint32(id), uint64(seq))
			commit := d.decide(envelope(uint32(id), uint64(seq), 64)).final() == primitive.CommitMessageState
			if commit && a.count != 1 || !commit && ok {
				t.Errorf("%v seq %d: committed %v, delivered %d times", modes[id], seq, commit, a.count)
			}
		}
	}
}

// txTally counts decisions by case.
type txTally struct{ commit, rollback, unknownCommit, unknownRollback int }

func (w *txTally) add(x txDecision) {
	switch {
	case x.local == primitive.CommitMessageState:
		w.commit++
	case x.local == primitive.RollbackMessageState:
		w.rollback++
	case x.check == primitive.CommitMessageState:
		w.unknownCommit++
	default:
		w.unknownRollback++
	}
}

// checkTxCounts compares the driver's counters and the broker's stats with
// the decisions.
func checkTxCounts(t *testing.T, got map[string]int64, s rmqtest.TxStats, w txTally) {
	t.Helper()
	unknown := w.unknownCommit + w.unknownRollback
	for name, v := range map[string]int{"tx_commit": w.commit, "tx_rollback": w.rollback, "tx_unknown": unknown} {
		if got[name] != int64(v) {
			t.Errorf("%s = %d, want %d", name, got[name], v)
		}
	}
	// Each unknown message is checked back at least once; a slow answer
	// can draw a second check, which a closing producer may not answer.
	if got["tx_checkback_commit"] < int64(w.unknownCommit) || got["tx_checkback_rollback"] < int64(w.unknownRollback) ||
		got["tx_checkback_commit"]+got["tx_checkback_rollback"] > s.Checks {
		t.Errorf("check-back answers %d commit, %d rollback for %d checks sent; want >= %d, >= %d",
			got["tx_checkback_commit"], got["tx_checkback_rollback"], s.Checks, w.unknownCommit, w.unknownRollback)
	}
	if s.Pending != 0 || s.FromCheck != int64(unknown) || s.Committed != int64(w.commit+w.unknownCommit) ||
		s.RolledBack != int64(w.rollback+w.unknownRollback) {
		t.Errorf("broker tx stats %+v for decisions %+v", s, w)
	}
}

// sendTx opens a producer with cfg, sends n envelopes of producer cfg.ID,
// closes it, and returns each send's error.
func sendTx(ctx context.Context, t *testing.T, d drivers.Driver, cfg drivers.ProducerConfig, n int) []error {
	t.Helper()
	p, err := d.NewProducer(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]error, n)
	done := make(chan struct{}, n)
	for seq := range n {
		m := &drivers.Message{Topic: cfg.Topic, Payload: envelope(uint32(cfg.ID), uint64(seq), 64)}
		if cfg.Mode == drivers.ModeAsync {
			p.SendAsync(ctx, m, func(_ drivers.Ack, err error) { out[seq] = err; done <- struct{}{} })
			continue
		}
		_, out[seq] = p.Send(ctx, m)
		done <- struct{}{}
	}
	if err := p.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	for range n {
		<-done
	}
	return out
}

// TestTransactionalCloseStopsWaiting: with the rmqtest TEST DOUBLE's
// check-back far away, Close gives up after CheckWait and counts the
// unknown messages in tx_unchecked_at_close.
func TestTransactionalCloseStopsWaiting(t *testing.T) {
	_, o := startTestDoubleWith(t, rmqtest.Config{TxCheckInterval: time.Hour})
	o.Transaction = TransactionOptions{Unknown: 1, CheckCommit: 1, CheckWait: 300 * time.Millisecond}
	d := openDriverSeed(t, o, 1)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Setup(ctx, []drivers.Destination{{Name: "tx-wait", Partitions: 1}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for seq, err := range sendTx(ctx, t, d, drivers.ProducerConfig{Topic: "tx-wait", Mode: drivers.ModeSync, Kind: drivers.KindTransactional}, 3) {
		if err == nil || drivers.IsFail(err) {
			t.Errorf("seq %d: %v, want an unknown outcome (left unknown, check-back answer commit)", seq, err)
		}
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("sends and Close took %v, less than check_wait", took)
	}
	c := d.Counters()
	if c["tx_unknown"] != 3 || c["tx_unchecked_at_close"] != 3 || c["tx_checkback_commit"] != 0 {
		t.Errorf("counters %v, want 3 unknown, 3 unchecked at close", c)
	}
}
