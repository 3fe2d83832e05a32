package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if intended):\n%s", name, got)
	}
}

func fixture() *Run {
	key := uint32(3)
	checks := map[string]*checker.Check{}
	for _, n := range checker.Names() {
		checks[n] = &checker.Check{Verdict: checker.VerdictValid}
	}
	checks["lost"] = &checker.Check{Verdict: checker.VerdictInvalid, Count: 2,
		Detail:   map[string]int64{"prefix": 0, "middle": 2, "postfix": 0},
		Examples: []checker.Example{{TimeNs: 1_500_000_000, Producer: 0, Seq: 17, Key: &key, Partition: 1, Offset: 9, Detail: "acked, never delivered"}}}
	s := &summary.Summary{
		Schema: summary.Schema, Scenario: "demo", RunID: "20261121T000000Z",
		Driver:     drivers.Info{Driver: "memory", Broker: "in-memory test broker", StandIn: "in-process test double"},
		Workload:   summary.Workload{Mode: "sync", Kind: "delayed", Rate: "1000", Producers: 1, Consumers: 1, Window: 64, MessageSize: 124, Partitions: 2, Warmup: 1, Duration: 2},
		Drain:      summary.Drain{End: checker.DrainQuiet, Seconds: 1.01},
		Counts:     checker.Counts{Sent: 3000, Acked: 3000, Delivered: 2998, Deliveries: 2998},
		Throughput: summary.Throughput{MeasuredSeconds: 2, SendRate: 1000, AckRate: 1000, DeliveryRate: 999, TargetRate: 1000},
		Latency: summary.Latency{
			PublishResponse: recorder.Percentiles{Count: 2000, P50: 41_000, P90: 60_000, P99: 120_000, P999: 900_000_000, P9999: 990_000_000, Max: 1_000_000_000},
			PublishService:  recorder.Percentiles{Count: 2000, P50: 40_000, P90: 55_000, P99: 110_000, P999: 300_000, P9999: 990_000_000, Max: 1_000_000_000},
		},
		Checks:       checks,
		Expectations: []summary.Expectation{{Expect: "lost == 0", Where: "demo.yaml:9", Value: 2, Known: true}},
		Harness:      summary.Harness{CPUUtilization: 0.12, Warnings: []string{"the broker is a stand-in"}},
		Errors:       []summary.ErrorCount{{Op: "send", Message: "stalled", Count: 1, First: 1.5, Last: 1.5}},
		Delayed: &checker.Delayed{Delivered: 2998, Early: 1, EarliestByMs: 0.75,
			LatenessMs: checker.Lateness{Count: 2997, P50: 0.5, P90: 1, P99: 2.25, P999: 900, Max: 1000},
			Examples:   []checker.Example{{TimeNs: 1_250_000_000, Producer: 0, Seq: 5, Partition: 0, Offset: 3, Detail: "delivered 750µs before its intended send time + delay 1s"}}},
		DriverCounters: map[string]int64{"inject_early": 1, "delayed_messages": 3000},
	}
	pts := []summary.SeriesPoint{
		{T: 1, Seconds: 1, Phase: "warmup", Sent: 1000, Acked: 1000, Deliveries: 1000, Publish: summary.LatencyPt{Count: 1000, P99: 100_000, P999: 120_000, Max: 130_000}},
		{T: 2, Seconds: 1, Phase: "measure", Sent: 1000, Acked: 1000, Deliveries: 998, InFlight: 1, Publish: summary.LatencyPt{Count: 1000, P99: 900_000_000, P999: 990_000_000, Max: 1_000_000_000}},
	}
	return &Run{Dir: "results/demo/20261121T000000Z", Summary: s, Series: pts}
}

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	golden(t, "text.golden", b.Bytes())
}

// broadcastSubscribers: two broadcasting consumers; consumer 1 lost two
// messages, consumer 0 got one twice.
func broadcastSubscribers() []checker.Subscriber {
	sub := func(id uint32, delivered, deliveries, lost, dup int64) checker.Subscriber {
		s := checker.Subscriber{Consumer: id, Delivered: delivered, Deliveries: deliveries, Checks: map[string]checker.SubscriberCheck{}}
		for _, n := range checker.Names() {
			s.Checks[n] = checker.SubscriberCheck{Verdict: checker.VerdictValid}
		}
		if lost > 0 {
			s.Checks[checker.CheckLost] = checker.SubscriberCheck{Verdict: checker.VerdictInvalid, Count: lost}
		}
		if dup > 0 {
			s.Checks[checker.CheckDuplicate] = checker.SubscriberCheck{Verdict: checker.VerdictInvalid, Count: dup}
		}
		return s
	}
	return []checker.Subscriber{sub(0, 3000, 3001, 0, 1), sub(1, 2998, 2998, 2, 0)}
}

// TestTextBroadcastGolden: a broadcasting run names the consumer in its
// examples and adds the per-subscriber table; a group run has neither.
func TestTextBroadcastGolden(t *testing.T) {
	r := fixture()
	s := r.Summary
	one := uint32(1)
	s.Workload.Consumers, s.Workload.Broadcast, s.Subscribers = 2, true, broadcastSubscribers()
	s.Counts.Delivered, s.Counts.Deliveries = 5998, 5999
	s.Checks["lost"].Examples[0].Consumer = &one
	s.Checks["duplicate"] = &checker.Check{Verdict: checker.VerdictInvalid, Count: 1, Note: "consumer 0: messages delivered again"}
	var b bytes.Buffer
	if err := Text(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "text-broadcast.golden", b.Bytes())
	for _, want := range []string{"consumer 1: producer 0 seq 17", "per subscriber", "broadcasting: each gets every message"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("broadcast text lacks %q", want)
		}
	}
	b.Reset()
	if err := Text(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("subscriber")) || bytes.Contains(b.Bytes(), []byte("broadcasting")) {
		t.Error("a group run's text mentions subscribers")
	}
}

// TestTextFaultsGolden: the per-fault blocks (windows with p50 and p99
// of publish and e2e latency, recovery, anomalies) of the faulty fixture,
// measured by faultstats from its latency.hlog.
func TestTextFaultsGolden(t *testing.T) {
	b, dir := faultyText(t)
	golden(t, "text-faults.golden", []byte(normalise(b.String(), dir)))
}

func TestTextIncompleteRun(t *testing.T) {
	r := fixture()
	r.Summary = nil
	r.Info = &summary.RunInfo{Scenario: "demo", Driver: drivers.Info{Driver: "memory", Broker: "in-memory test broker"}}
	var b bytes.Buffer
	if err := Text(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "text-incomplete.golden", b.Bytes())
}

func TestSeriesRowsSamplesLongRuns(t *testing.T) {
	pts := make([]summary.SeriesPoint, 3600)
	pts[1234].Publish.P999 = 5e9 // the one stall must be shown
	rows := seriesRows(pts)
	if len(rows) > maxSeriesRows+10 {
		t.Fatalf("%d rows for a 1 h run", len(rows))
	}
	found := false
	for _, i := range rows {
		found = found || i == 1234
	}
	if !found {
		t.Fatal("the worst second was sampled away")
	}
}

// TestTextFaults: the text report's per-fault block shows the windows,
// the recovery, the anomalies and the keys whose sends failed or went
// unknown while the fault was active (computed from the op log).
func TestTextFaults(t *testing.T) {
	b, _ := faultyText(t)
	for _, want := range []string{
		"  #0 kill leader-of events/0 at 6s for 3s  → node broker-2\n",
		"      anomalies while active: lost 2\n      keys with failed/unknown sends while active: 3 (k0, k1, k2)\n",
		"      keys with failed/unknown sends while active: 10 (k20, k21, k22, k23, k24, k25, k26, k27, … 2 more)\n",
	} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}

// faultyText renders the text report of the faulty fixture; it returns
// the report and the fixture's run directory.
func faultyText(t *testing.T) (*bytes.Buffer, string) {
	t.Helper()
	dir := writeFixture(t, filepath.Join(t.TempDir(), "run"), faultyRun())
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Text(&b, r); err != nil {
		t.Fatal(err)
	}
	return &b, dir
}
