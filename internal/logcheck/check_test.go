package logcheck_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// d is a delivery of message producer/seq at partition@offset at time t.
func d(t int64, partition int32, offset int64, producer uint32, seq uint64) oplog.Delivery {
	return oplog.Delivery{Kind: oplog.KindDelivery, Producer: producer, Seq: seq,
		Partition: partition, Offset: offset, Time: t, Intended: t}
}

// seqRun delivers producer p's seqs [from, to) at the same offsets of
// partition p, from time t on.
func seqRun(t int64, p int32, from, to int64) []oplog.Delivery {
	var out []oplog.Delivery
	for o := from; o < to; o++ {
		out = append(out, d(t+o, p, o, uint32(p), uint64(o)))
	}
	return out
}

func cat(ds ...[]oplog.Delivery) []oplog.Delivery {
	var out []oplog.Delivery
	for _, x := range ds {
		out = append(out, x...)
	}
	return out
}

// writeLogs writes one delivery log per consumer (index = id) in dir.
func writeLogs(t *testing.T, dir string, logs [][]oplog.Delivery, cutLast bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, oplog.Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	for id, ds := range logs {
		var buf bytes.Buffer
		w, err := oplog.NewDeliveryWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ds {
			if err := w.Write(&ds[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if cutLast && id == len(logs)-1 {
			b = b[:len(b)-1]
		}
		if err := os.WriteFile(oplog.DeliveryPath(dir, id), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type want struct {
	counts  map[string]int64
	detail  map[string]map[string]int64
	verdict map[string]string // default: invalid when counted, else valid
}

func TestCheck(t *testing.T) {
	unexpected := oplog.Delivery{Kind: oplog.KindUnexpected, Partition: 0, Offset: 3, Time: 3}
	ackFailed := d(10, 0, 9, 0, 9)
	ackFailed.Kind = oplog.KindAckFailed
	cases := []struct {
		name       string
		logs       [][]oplog.Delivery
		rebalances []logcheck.Window
		cut        bool
		want       want
	}{
		{name: "clean, two consumers, two partitions",
			logs: [][]oplog.Delivery{seqRun(0, 0, 0, 10), cat(seqRun(100, 1, 0, 5), nil)}},
		{name: "offset with two values",
			logs: [][]oplog.Delivery{seqRun(0, 0, 0, 6), {d(50, 0, 5, 1, 0), d(51, 0, 5, 2, 0)}},
			want: want{counts: map[string]int64{logcheck.CheckOffsetTwoValues: 1, logcheck.CheckNonMonotonic: 1}}},
		{name: "value at two offsets, same and other partition",
			logs: [][]oplog.Delivery{cat(seqRun(0, 0, 0, 4), []oplog.Delivery{d(9, 0, 4, 0, 2), d(10, 1, 0, 0, 3)}, seqRun(11, 1, 1, 3))},
			want: want{counts: map[string]int64{logcheck.CheckValueTwoOffsets: 2},
				detail: map[string]map[string]int64{logcheck.CheckValueTwoOffsets: {
					logcheck.DetailSamePartition: 1, logcheck.DetailOtherPartition: 1}}}},
		{name: "poll skip of offsets nobody got",
			logs: [][]oplog.Delivery{cat(seqRun(0, 0, 0, 3), seqRun(0, 0, 5, 7))},
			want: want{counts: map[string]int64{logcheck.CheckPollSkip: 1},
				detail: map[string]map[string]int64{logcheck.CheckPollSkip: {logcheck.DetailOutsideRebalance: 1}}}},
		{name: "jump over offsets another consumer got is no skip",
			logs: [][]oplog.Delivery{cat(seqRun(0, 0, 0, 3), seqRun(0, 0, 5, 7)), seqRun(3, 0, 3, 5)}},
		{name: "skip during a rebalance is still a skip",
			logs:       [][]oplog.Delivery{cat(seqRun(0, 0, 0, 3), seqRun(0, 0, 5, 7))},
			rebalances: []logcheck.Window{{From: 3, To: 4}},
			want: want{counts: map[string]int64{logcheck.CheckPollSkip: 1},
				detail: map[string]map[string]int64{logcheck.CheckPollSkip: {logcheck.DetailInRebalance: 1}}}},
		{name: "offsets going back outside a rebalance",
			logs: [][]oplog.Delivery{cat(seqRun(0, 0, 0, 5), seqRun(10, 0, 2, 6))},
			want: want{counts: map[string]int64{logcheck.CheckNonMonotonic: 1}}},
		{name: "offsets going back across a rebalance are excused",
			logs:       [][]oplog.Delivery{cat(seqRun(0, 0, 0, 5), seqRun(10, 0, 2, 6))},
			rebalances: []logcheck.Window{{From: 100, To: 200}, {From: 5, To: 6}},
			want:       want{detail: map[string]map[string]int64{logcheck.CheckNonMonotonic: {logcheck.DetailExcusedByRebalance: 1}}}},
		{name: "the same offset twice in a row is not monotonic",
			logs: [][]oplog.Delivery{{d(0, 0, 0, 0, 0), d(1, 0, 0, 0, 0), d(2, 0, 1, 0, 1)}},
			want: want{counts: map[string]int64{logcheck.CheckNonMonotonic: 1}}},
		{name: "unexpected deliveries fill positions, ack failures and -1 are ignored",
			logs: [][]oplog.Delivery{cat(seqRun(0, 0, 0, 3), []oplog.Delivery{unexpected, d(4, 0, 4, 0, 4), ackFailed,
				d(11, -1, -1, 0, 50)})}},
		{name: "no offsets at all",
			logs: [][]oplog.Delivery{{d(1, -1, -1, 0, 0)}},
			want: want{verdict: map[string]string{logcheck.CheckOffsetTwoValues: checker.VerdictUnknown,
				logcheck.CheckValueTwoOffsets: checker.VerdictUnknown, logcheck.CheckPollSkip: checker.VerdictUnknown,
				logcheck.CheckNonMonotonic: checker.VerdictUnknown}}},
		{name: "truncated log is read to its last whole record",
			logs: [][]oplog.Delivery{seqRun(0, 0, 0, 5)}, cut: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeLogs(t, dir, tc.logs, tc.cut)
			res, err := logcheck.Check(dir, tc.rebalances)
			if err != nil {
				t.Fatal(err)
			}
			if res.Truncated != tc.cut {
				t.Errorf("Truncated = %v, want %v", res.Truncated, tc.cut)
			}
			checkResult(t, res, tc.want)
		})
	}
}

func checkResult(t *testing.T, res *logcheck.Result, w want) {
	t.Helper()
	for _, name := range logcheck.Names() {
		c := res.Checks[name]
		if c == nil {
			t.Fatalf("check %s missing", name)
		}
		verdict := checker.VerdictValid
		if w.counts[name] > 0 {
			verdict = checker.VerdictInvalid
		}
		if v, ok := w.verdict[name]; ok {
			verdict = v
		}
		if c.Count != w.counts[name] || c.Verdict != verdict {
			t.Errorf("%s: count %d verdict %s, want %d %s (examples %+v)", name, c.Count, c.Verdict, w.counts[name], verdict, c.Examples)
		}
		for k, n := range w.detail[name] {
			if c.Detail[k] != n {
				t.Errorf("%s: detail %s = %d, want %d (all %v)", name, k, c.Detail[k], n, c.Detail)
			}
		}
		if int64(len(c.Examples)) != min(c.Count, logcheck.MaxExamples) {
			t.Errorf("%s: %d examples for count %d", name, len(c.Examples), c.Count)
		}
	}
}

// TestSkipExample checks what a poll-skip example says.
func TestSkipExample(t *testing.T) {
	dir := t.TempDir()
	writeLogs(t, dir, [][]oplog.Delivery{cat(seqRun(0, 2, 0, 3), seqRun(0, 2, 9, 10)), {d(5, 2, 4, 2, 4)}}, false)
	res, err := logcheck.Check(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Checks[logcheck.CheckPollSkip]
	if c.Count != 1 || len(c.Examples) != 1 {
		t.Fatalf("poll skip %+v", c)
	}
	if e := c.Examples[0]; e.Partition != 2 || e.Offset != 3 || e.TimeNs != 9 {
		t.Errorf("example %+v: want partition 2, first missing offset 3, time 9", e)
	}
	if res.Counts.Deliveries != 5 || res.Counts.Offsets != 5 || res.Counts.Consumers != 2 {
		t.Errorf("counts %+v", res.Counts)
	}
}

// TestNoLogs: a run without consumers checks nothing.
func TestNoLogs(t *testing.T) {
	res, err := logcheck.Check(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Checks[logcheck.CheckPollSkip].Verdict != checker.VerdictUnknown {
		t.Errorf("verdict %s, want unknown", res.Checks[logcheck.CheckPollSkip].Verdict)
	}
}

// TestRebalanceWindows: each rebalance event makes a window from 1s
// before it to RebalanceGrace after; other events make none.
func TestRebalanceWindows(t *testing.T) {
	origin := time.Unix(100, 0)
	evs := []drivers.Event{
		{Time: origin.Add(5 * time.Second), Kind: drivers.EventRebalance},
		{Time: origin.Add(7 * time.Second), Kind: "reconnect"},
	}
	ws := logcheck.RebalanceWindows(evs, origin)
	want := logcheck.Window{From: int64(4 * time.Second), To: int64(5*time.Second + logcheck.RebalanceGrace)}
	if len(ws) != 1 || ws[0] != want {
		t.Errorf("windows %+v, want [%+v]", ws, want)
	}
}
