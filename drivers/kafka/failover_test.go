package kafka_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	ckfake "github.com/brokerbench/brokerbench/compose/kfake"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// TestMain lets this test binary stand in for `brokerbench serve` (see
// compose/kfake's TestMain), for the processes-mode cluster.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := ckfake.Serve(context.Background(), os.Args[2:], os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// nodeCluster is a kfake cluster whose nodes can be killed and whose
// leaders can be found and moved.
type nodeCluster interface {
	compose.Cluster
	compose.NodeController
	compose.LeaderFinder
	compose.LeaderMover
}

// clusterKinds start a 3-node kfake cluster in-process or as processes
// of this test binary (kfake is a stand-in, not Apache Kafka).
var clusterKinds = []struct {
	name  string
	start func(t *testing.T) nodeCluster
}{
	{"inprocess", func(t *testing.T) nodeCluster { return startKfake(t, 3) }},
	{"processes", func(t *testing.T) nodeCluster {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		c, err := ckfake.StartProcesses(context.Background(), 3, nil, compose.Env{Dir: t.TempDir(), Self: self})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close(context.Background()) })
		return c
	}},
}

// TestLeaderKillKfake kills the leader of partition 0 a third into a
// paced keyed sync run and starts it again two thirds in, on kfake (a
// stand-in: its replication is cosmetic, so that nothing acked is lost
// here says nothing about Apache Kafka). With one attempt per send
// (retries: 1) the clients see errors; definite failures must never be
// delivered, acked messages must all be delivered, and acks must resume.
func TestLeaderKillKfake(t *testing.T) {
	for _, kind := range clusterKinds {
		t.Run(kind.name, func(t *testing.T) {
			c := kind.start(t)
			opts := kafka.DefaultOptions()
			opts.Retries = 1
			opts.Consumer.RebalanceTimeout = 3 * time.Second
			d := openDriver(t, c.Endpoints(), opts)
			r := newTestRun(t, d, fmt.Sprintf("kill-%d", time.Now().UnixNano()), 4, 2)
			const n, pace = 1500, 2 * time.Millisecond
			var victim string
			var killedAt int64
			r.produce(drivers.ModeSync, n, pace, func(seq int) {
				ctx := context.Background()
				switch seq {
				case n / 3:
					var err error
					if victim, err = c.Leader(ctx, r.topic+"/0"); err != nil {
						t.Fatal(err)
					}
					killedAt = r.now()
					if err := c.Kill(ctx, victim); err != nil {
						t.Fatal(err)
					}
				case 2 * n / 3:
					if err := c.Start(ctx, victim); err != nil {
						t.Fatal(err)
					}
				}
			})
			res, lres := r.check(r.drain(30 * time.Second))
			checkFailover(t, r, res, lres, killedAt)
			expect(r, checker.CheckDuplicate, res.Checks[checker.CheckDuplicate], 0)
			if len(r.sendErrs) == 0 {
				t.Errorf("no send error although %s was killed with retries: 1", victim)
			}
			t.Logf("killed %s at %v: %d send errors, first %v; results %+v", victim, time.Duration(killedAt),
				len(r.sendErrs), first(r.sendErrs, 3), res.Counts)
		})
	}
}

// TestLeaderMoveKfake moves the leader of partition 0 to another node in
// the middle of a paced keyed async run with default retries: the
// producer rides over NOT_LEADER (a definite error, retried), nothing is
// lost, duplicated or reordered.
func TestLeaderMoveKfake(t *testing.T) {
	c := startKfake(t, 3)
	d := openDriver(t, c.Endpoints(), nil)
	r := newTestRun(t, d, fmt.Sprintf("move-%d", time.Now().UnixNano()), 4, 2)
	const n, pace = 3000, 500 * time.Microsecond
	var movedAt int64
	r.produce(drivers.ModeAsync, n, pace, func(seq int) {
		if seq != n/2 {
			return
		}
		ctx := context.Background()
		from, err := c.Leader(ctx, r.topic+"/0")
		if err != nil {
			t.Fatal(err)
		}
		to := "kfake-0"
		if from == to {
			to = "kfake-1"
		}
		movedAt = r.now()
		if err := c.MoveLeader(ctx, r.topic+"/0", to); err != nil {
			t.Fatal(err)
		}
	})
	res, lres := r.check(r.drain(30 * time.Second))
	checkFailover(t, r, res, lres, movedAt)
	expect(r, checker.CheckDuplicate, res.Checks[checker.CheckDuplicate], 0)
	for _, e := range first(r.sendErrs, 5) {
		t.Errorf("send error: %v", e)
	}
}

// checkFailover asserts what must hold across a fault at faultAt: no
// acked message lost, nothing delivered that definitely failed, no
// reorder, no unexpected delivery, no offset holding two values, no
// skipped offset, and acks after the fault (recovery).
func checkFailover(t *testing.T, r *testRun, res *checker.Result, lres *logcheck.Result, faultAt int64) {
	t.Helper()
	for _, name := range []string{checker.CheckLost, checker.CheckUnseen, checker.CheckAbortedRead,
		checker.CheckReorder, checker.CheckUnexpected} {
		expect(r, name, res.Checks[name], 0)
	}
	for _, name := range []string{logcheck.CheckOffsetTwoValues, logcheck.CheckPollSkip, logcheck.CheckNonMonotonic} {
		expect(r, "log "+name, lres.Checks[name], 0)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var firstAck int64 = -1
	for _, s := range r.sends {
		if s.Outcome == oplog.OK && s.Sent > faultAt && (firstAck < 0 || s.Done < firstAck) {
			firstAck = s.Done
		}
	}
	if firstAck < 0 {
		t.Fatalf("no ack after the fault at %v", time.Duration(faultAt))
	}
	t.Logf("first ack of a send after the fault: %v later", time.Duration(firstAck-faultAt))
}
