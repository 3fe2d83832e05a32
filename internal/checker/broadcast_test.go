package checker_test

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// twoSubscribers: four acked messages; consumer 0 never gets seq 2,
// consumer 1 gets seq 1 twice, unflagged.
func twoSubscribers() *checkertest.History {
	sends := []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3), ok(3, 40, 4)}
	return hist("quiet", sends,
		[]oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 3, 41)},
		[]oplog.Delivery{dlv(0, 0, 12), dlv(0, 1, 22), dlv(0, 1, 23), dlv(0, 2, 31), dlv(0, 3, 42)})
}

func TestBroadcastTwoSubscribers(t *testing.T) {
	res := runHistoryWith(t, twoSubscribers(), checker.Options{DrainEnd: checker.DrainQuiet, Broadcast: true})
	want := checker.Counts{Sent: 4, Acked: 4, Delivered: 3 + 4, Deliveries: 3 + 5}
	if res.Counts != want {
		t.Errorf("counts %+v, want %+v", res.Counts, want)
	}
	for name, c := range res.Checks {
		wantN, wantV := int64(0), checker.VerdictValid
		if name == checker.CheckLost || name == checker.CheckDuplicate {
			wantN, wantV = 1, checker.VerdictInvalid
		}
		if c.Count != wantN || c.Verdict != wantV {
			t.Errorf("%s: %d %s, want %d %s", name, c.Count, c.Verdict, wantN, wantV)
		}
	}
	lost, dup := res.Checks[checker.CheckLost], res.Checks[checker.CheckDuplicate]
	if !maps.Equal(lost.Detail, map[string]int64{"middle": 1}) {
		t.Errorf("lost detail %v", lost.Detail)
	}
	if len(lost.Examples) != 1 || lost.Examples[0].Seq != 2 || consumerOf(lost.Examples[0]) != "0" {
		t.Errorf("lost examples %+v", lost.Examples)
	}
	if len(dup.Examples) != 1 || dup.Examples[0].Seq != 1 || dup.Examples[0].TimeNs != 23 || consumerOf(dup.Examples[0]) != "1" {
		t.Errorf("duplicate examples %+v", dup.Examples)
	}
	if !strings.HasPrefix(lost.Note, "consumer 0: ") || !strings.HasPrefix(dup.Note, "consumer 1: ") {
		t.Errorf("notes %q, %q: want them to name the consumer", lost.Note, dup.Note)
	}
	if len(res.Subscribers) != 2 {
		t.Fatalf("subscribers %+v", res.Subscribers)
	}
	s0, s1 := res.Subscribers[0], res.Subscribers[1]
	if s0.Consumer != 0 || s0.Delivered != 3 || s0.Deliveries != 3 ||
		s0.Checks[checker.CheckLost] != (checker.SubscriberCheck{Verdict: checker.VerdictInvalid, Count: 1}) ||
		s0.Checks[checker.CheckDuplicate] != (checker.SubscriberCheck{Verdict: checker.VerdictValid, Count: 0}) {
		t.Errorf("subscriber 0: %+v", s0)
	}
	if s1.Consumer != 1 || s1.Delivered != 4 || s1.Deliveries != 5 ||
		s1.Checks[checker.CheckLost] != (checker.SubscriberCheck{Verdict: checker.VerdictValid, Count: 0}) ||
		s1.Checks[checker.CheckDuplicate] != (checker.SubscriberCheck{Verdict: checker.VerdictInvalid, Count: 1}) {
		t.Errorf("subscriber 1: %+v", s1)
	}
}

// TestGroupMergesConsumers: without Broadcast the same history is one
// group: nothing lost, and every copy of consumer 1 after consumer 0's is
// a duplicate (seq 0, 1, 1, 3). No subscriber breakdown, no consumer in
// the examples.
func TestGroupMergesConsumers(t *testing.T) {
	res := runHistoryWith(t, twoSubscribers(), checker.Options{DrainEnd: checker.DrainQuiet})
	if res.Checks[checker.CheckLost].Count != 0 || res.Checks[checker.CheckDuplicate].Count != 4 {
		t.Errorf("lost %d duplicate %d, want 0 and 4", res.Checks[checker.CheckLost].Count, res.Checks[checker.CheckDuplicate].Count)
	}
	if res.Subscribers != nil || res.Counts.Delivered != 4 {
		t.Errorf("subscribers %+v, delivered %d", res.Subscribers, res.Counts.Delivered)
	}
	for _, e := range res.Checks[checker.CheckDuplicate].Examples {
		if e.Consumer != nil {
			t.Errorf("example names consumer %d in a group check", *e.Consumer)
		}
	}
}

func consumerOf(e checker.Example) string {
	if e.Consumer == nil {
		return "none"
	}
	return strconv.FormatUint(uint64(*e.Consumer), 10)
}

// only returns h with consumer k alone.
func only(h *checkertest.History, k int) *checkertest.History {
	c := *h
	c.Consumers = h.Consumers[k : k+1]
	return &c
}

// verdictRank orders verdicts best to worst.
var verdictRank = map[string]int{"valid": 0, "unknown": 1, "invalid": 2}

// TestBroadcastSweep: on random histories, each subscriber of a
// broadcasting check is what the reference finds on that consumer's log
// alone, and the combined result sums them (verdict: the worst). Every
// fourth history goes through files and CheckDir too.
func TestBroadcastSweep(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		h, _ := checkertest.GenerateRandom(seed)
		if len(h.Consumers) == 0 {
			continue
		}
		opts := checker.Options{DrainEnd: checker.DrainEnd(h.DrainEnd), Broadcast: true, MaxExamples: 3}
		res := runHistoryWith(t, h, opts)
		if seed%4 == 0 {
			dir := t.TempDir()
			if err := h.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			fres, err := checker.CheckDir(dir, opts)
			if err != nil {
				t.Fatalf("seed %d: CheckDir: %v", seed, err)
			}
			res = fres
		}
		for _, d := range broadcastDiff(h, res) {
			t.Errorf("seed %d: %s", seed, d)
		}
		if t.Failed() {
			t.Fatalf("history:\n%s", describe(h))
		}
	}
}

// broadcastDiff compares res with the reference run on each consumer.
func broadcastDiff(h *checkertest.History, res *checker.Result) []string {
	var out []string
	bad := func(f string, args ...any) { out = append(out, fmt.Sprintf(f, args...)) }
	if len(res.Subscribers) != len(h.Consumers) {
		bad("%d subscribers for %d consumers", len(res.Subscribers), len(h.Consumers))
		return out
	}
	sum := map[string]int64{}
	worst := map[string]string{}
	var delivered, deliveries int64
	refs := make([]*checkertest.RefResult, len(h.Consumers))
	for k, sub := range res.Subscribers {
		ref := checkertest.Reference(only(h, k))
		refs[k] = ref
		if sub.Consumer != h.Consumers[k].ID || sub.Delivered != ref.Counts.Delivered ||
			sub.Deliveries != ref.Counts.Deliveries || sub.Truncated != ref.Truncated {
			bad("subscriber %d: %+v, reference counts %+v truncated %v", k, sub, ref.Counts, ref.Truncated)
		}
		delivered += ref.Counts.Delivered
		deliveries += ref.Counts.Deliveries
		for _, name := range checker.Names() {
			rc := ref.Checks[name]
			if got := sub.Checks[name]; got.Count != rc.Count || got.Verdict != rc.Verdict {
				bad("subscriber %d %s: %+v, want %d %s", k, name, got, rc.Count, rc.Verdict)
			}
			sum[name] += rc.Count
			if w, seen := worst[name]; !seen || verdictRank[rc.Verdict] > verdictRank[w] {
				worst[name] = rc.Verdict
			}
		}
	}
	if res.Counts.Delivered != delivered || res.Counts.Deliveries != deliveries {
		bad("counts %+v, want delivered %d deliveries %d", res.Counts, delivered, deliveries)
	}
	for _, name := range checker.Names() {
		c := res.Checks[name]
		if c.Count != sum[name] || c.Verdict != worst[name] {
			bad("%s: %d %s, want %d %s", name, c.Count, c.Verdict, sum[name], worst[name])
		}
		if int64(len(c.Examples)) != min(3, c.Count) {
			bad("%s: %d examples of %d", name, len(c.Examples), c.Count)
		}
		for _, e := range c.Examples {
			k := indexOf(h, e.Consumer)
			if k < 0 || !refs[k].Checks[name].Msgs[checkertest.MsgID{Producer: e.Producer, Seq: e.Seq}] {
				bad("%s: example %+v (consumer %s) is not one", name, e, consumerOf(e))
			}
		}
	}
	return out
}

// indexOf is the index of the consumer with id *c in h, or -1.
func indexOf(h *checkertest.History, c *uint32) int {
	for k, l := range h.Consumers {
		if c != nil && l.ID == *c {
			return k
		}
	}
	return -1
}
