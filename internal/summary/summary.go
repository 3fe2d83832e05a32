// Package summary defines the files a run leaves in its results directory
// (summary.json, series.jsonl, run.json) and reads them back. The schema is
// documented in docs/results.md; bump Schema on any incompatible change.
package summary

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
)

// Schema is the version string of summary.json.
const Schema = "brokerbench.summary/v1"

// File names inside a run directory.
const (
	SummaryFile  = "summary.json"
	SeriesFile   = "series.jsonl"
	HistLogFile  = "latency.hlog"
	ScenarioFile = "scenario.yaml"
	RunFile      = "run.json"
	EventsFile   = "events.jsonl"
)

// Summary is summary.json. Latencies are ns (the _ns suffix of every key;
// the delayed section's are ms, _ms), rates msg/s, durations s.
type Summary struct {
	Schema      string       `json:"schema"`
	Scenario    string       `json:"scenario"`
	RunID       string       `json:"run_id"`
	Started     string       `json:"started"` // RFC 3339, UTC
	Ended       string       `json:"ended"`
	Complete    bool         `json:"complete"` // false: interrupted or failed midway
	Interrupted bool         `json:"interrupted,omitempty"`
	Error       string       `json:"error,omitempty"`
	Driver      drivers.Info `json:"driver"`
	// Cluster is the cluster the harness started (nil: none).
	Cluster     *compose.Info             `json:"cluster,omitempty"`
	Environment Environment               `json:"environment"`
	Workload    Workload                  `json:"workload"`
	Drain       Drain                     `json:"drain"`
	Counts      checker.Counts            `json:"counts"`
	Throughput  Throughput                `json:"throughput"`
	Latency     Latency                   `json:"latency"`
	Checks      map[string]*checker.Check `json:"checks"`
	// ChecksTruncated: some op log ended inside a record (crashed run).
	ChecksTruncated bool `json:"checks_truncated,omitempty"`
	// Subscribers are the per-consumer checks of a broadcasting run
	// (Workload.Broadcast); Counts and Checks then combine them.
	Subscribers  []checker.Subscriber `json:"subscribers,omitempty"`
	Expectations []Expectation        `json:"expectations"`
	Passed       bool                 `json:"passed"`
	Harness      Harness              `json:"harness"`
	// Phases are the workload's phases as they ran (only for scenarios
	// with workload.phases).
	Phases []PhaseStats `json:"phases,omitempty"`
	// Faults are the scheduled faults with what each did to the clients.
	Faults []FaultStats `json:"faults,omitempty"`
	// Events are what the driver saw happen (reconnects, rebalances), at
	// most 1000; EventsDropped counts the rest (all are in events.jsonl).
	Events        []drivers.Event `json:"events,omitempty"`
	EventsDropped int             `json:"events_dropped,omitempty"`
	// Errors are the distinct errors the clients saw, most frequent first.
	Errors []ErrorCount `json:"errors"`
	// Delayed measures the deliveries of delayed messages (kind delayed)
	// against their intended send time plus delay; nil when there were
	// none. Recomputed from the op logs by `brokerbench check`.
	Delayed *checker.Delayed `json:"delayed,omitempty"`
	// DriverCounters are what the driver counted (drivers.Counters), read
	// once after every producer and consumer closed; nil when the driver
	// does not count anything.
	DriverCounters map[string]int64 `json:"driver_counters,omitempty"`
}

// ErrorCount is one distinct error message seen by the clients.
type ErrorCount struct {
	Op      string  `json:"op"` // "send", "ack"
	Message string  `json:"message"`
	Count   int64   `json:"count"`
	First   float64 `json:"first_s"` // s since the run origin
	Last    float64 `json:"last_s"`
}

// Environment says where the run ran.
type Environment struct {
	Harness  string `json:"harness_version"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	CPUs     int    `json:"cpus"`
	Hostname string `json:"hostname"`
}

// Workload repeats the settings that make runs comparable.
type Workload struct {
	Mode string `json:"mode"`
	// Kind is the workload's message kind; omitted when plain.
	Kind        string  `json:"kind,omitempty"`
	Rate        string  `json:"rate"` // msg/s or "max"
	Producers   int     `json:"producers"`
	Consumers   int     `json:"consumers"`
	Window      int     `json:"window"`
	MessageSize int     `json:"message_size"`
	Keys        int     `json:"keys"`
	Partitions  int     `json:"partitions"`
	Warmup      float64 `json:"warmup_s"`
	Duration    float64 `json:"duration_s"`
	// Broadcast: the driver's consumers each got every message
	// (drivers.Broadcaster), so each was checked as a subscriber of its
	// own (see Subscribers); omitted for a consumer group.
	Broadcast bool `json:"broadcast,omitempty"`
}

// Drain tells how the wait for outstanding deliveries ended.
type Drain struct {
	End     checker.DrainEnd `json:"end"` // complete | quiet | timeout | "" (not reached)
	Seconds float64          `json:"seconds"`
}

// Throughput over the measured part (after warm-up), msg/s.
type Throughput struct {
	MeasuredSeconds float64 `json:"measured_s"`
	SendRate        float64 `json:"send_rate"`
	AckRate         float64 `json:"ack_rate"`
	DeliveryRate    float64 `json:"delivery_rate"`
	TargetRate      float64 `json:"target_rate,omitempty"` // 0 for "max"
}

// Latency holds the measured-part latency summaries, ns.
type Latency struct {
	// PublishResponse: intended send time -> ack (includes waiting behind
	// a stalled broker or a full window).
	PublishResponse recorder.Percentiles `json:"publish_response"`
	// PublishService: actual send call -> ack.
	PublishService recorder.Percentiles `json:"publish_service"`
	// EndToEnd: intended send time -> delivery.
	EndToEnd recorder.Percentiles `json:"end_to_end"`
}

// Expectation is one evaluated threshold.
type Expectation struct {
	Expect string  `json:"expect"` // e.g. "lost == 0"
	Where  string  `json:"where"`
	Value  float64 `json:"value"`
	Known  bool    `json:"known"` // false: the value could not be measured (counts as not holding)
	Holds  bool    `json:"holds"`
	Note   string  `json:"note,omitempty"`
}

// Harness reports on the harness itself.
type Harness struct {
	Clamped int64 `json:"clamped_latencies"` // values above the histogram range, recorded as its max
	// CPUUtilization is the process's CPU time / (wall time × cores) over
	// the run; close to 1 means the harness (and an embedded broker) may be
	// the bottleneck.
	CPUUtilization float64  `json:"cpu_utilization"`
	Warnings       []string `json:"warnings,omitempty"`
}

// Write stores s as dir/summary.json (atomically: temp file + rename).
func Write(dir string, s *Summary) error {
	return writeJSON(filepath.Join(dir, SummaryFile), s)
}

// Read loads dir/summary.json.
func Read(dir string) (*Summary, error) {
	var s Summary
	if err := readJSON(filepath.Join(dir, SummaryFile), &s); err != nil {
		return nil, err
	}
	if s.Schema != Schema {
		return nil, fmt.Errorf("%s: schema %q, this build reads %q", SummaryFile, s.Schema, Schema)
	}
	return &s, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}
