package rocketmq

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/scenarios"
)

func TestOptionsValidate(t *testing.T) {
	if errs := DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults: %v", errs)
	}
	o := DefaultOptions()
	o.Group, o.AccessKey, o.SendTimeout, o.Retries = "", "ak", 0, -1
	o.Consumer.Model, o.Consumer.Order, o.Consumer.Settle = "x", "y", -1
	o.NameServers = []string{""}
	var fields []string
	for _, e := range o.Validate() {
		fields = append(fields, e.Field)
	}
	want := "name_servers[0] group secret_key send_timeout retries consumer.model consumer.order consumer.settle"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("fields = %q, want %q", got, want)
	}
}

func TestOptionsRedacted(t *testing.T) {
	o := DefaultOptions()
	o.AccessKey, o.SecretKey = "ak-secret", "sk-secret"
	r := o.Redacted().(*Options)
	if r.AccessKey != Redaction || r.SecretKey != Redaction {
		t.Errorf("Redacted keeps secrets: %+v", r)
	}
	if o.AccessKey != "ak-secret" {
		t.Error("Redacted changed the original")
	}
}

func TestOpenNeedsNameServer(t *testing.T) {
	if _, err := New(DefaultOptions(), drivers.Env{}); err == nil {
		t.Error("Open without name servers succeeded")
	}
	d, err := New(DefaultOptions(), drivers.Env{Endpoints: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Info().Nodes; len(got) != 1 || got[0] != "127.0.0.1:1" {
		t.Errorf("nodes = %v", got)
	}
}

func TestKindOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(o *Options)
		field string
		msg   string
	}{
		{"level 0", func(o *Options) { o.DelayLevel = 0 }, "delay_level", "1..18 (1=1s 2=5s"},
		{"level 19", func(o *Options) { o.DelayLevel = 19 }, "delay_level", "5=1m 6=2m 7=3m 8=4m 9=5m 10=6m 11=7m 12=8m 13=9m 14=10m 15=20m 16=30m 17=1h 18=2h), got 19"},
		{"level past short table", func(o *Options) { o.DelayLevels, o.DelayLevel = []time.Duration{time.Second}, 2 }, "delay_level", "1..1 (1=1s)"},
		{"empty table", func(o *Options) { o.DelayLevels = nil }, "delay_levels", "must list"},
		{"negative delay", func(o *Options) { o.DelayLevels = []time.Duration{time.Second, -1} }, "delay_levels[1]", ">= 0"},
		{"commit > 1", func(o *Options) { o.Transaction.Commit = 1.5 }, "transaction.commit", "[0,1]"},
		{"rollback < 0", func(o *Options) { o.Transaction.Rollback = -0.1 }, "transaction.rollback", "[0,1]"},
		{"unknown NaN", func(o *Options) { o.Transaction.Unknown = math.NaN() }, "transaction.unknown", "[0,1]"},
		{"check_commit > 1", func(o *Options) { o.Transaction.CheckCommit = 2 }, "transaction.check_commit", "[0,1]"},
		{"sum", func(o *Options) { o.Transaction.Commit = 0.5 }, "transaction", "sum to 1"},
		{"check_wait", func(o *Options) { o.Transaction.CheckWait = -time.Second }, "transaction.check_wait", ">= 0"},
	} {
		o := DefaultOptions()
		tc.edit(o)
		errs := o.Validate()
		if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
			t.Errorf("%s: %v, want one error on %s containing %q", tc.name, errs, tc.field, tc.msg)
		}
	}
	o := DefaultOptions()
	o.Transaction = TransactionOptions{Commit: 0.7, Rollback: 0.2, Unknown: 0.1, CheckCommit: 0}
	if errs := o.Validate(); len(errs) != 0 {
		t.Errorf("0.7 + 0.2 + 0.1 (float rounding): %v", errs)
	}
}

func TestRedactedClonesDelayLevels(t *testing.T) {
	o := DefaultOptions()
	r := o.Redacted().(*Options)
	r.DelayLevels[0] = time.Hour
	if o.DelayLevels[0] != time.Second {
		t.Error("Redacted shares the delay table with the original")
	}
}

// TestKindOptionsFromScenario decodes the kind options through the
// scenario loader: durations in delay_levels replace the default table.
func TestKindOptionsFromScenario(t *testing.T) {
	const src = `name: kinds
driver:
  name: rocketmq
  options:
    name_servers: [127.0.0.1:9876]
    delay_level: 2
    delay_levels: [200ms, 1s]
    transaction: {commit: 0.6, rollback: 0.3, unknown: 0.1, check_commit: 0.25, check_wait: 5s}
destinations:
  - name: t
workload:
  rate: 10
  duration: 1s
`
	sc, err := scenarios.Load("kinds.yaml", []byte(src), oneDriver{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := sc.Driver.Options.(*Options)
	want := TransactionOptions{Commit: 0.6, Rollback: 0.3, Unknown: 0.1, CheckCommit: 0.25, CheckWait: 5 * time.Second}
	if o.DelayLevel != 2 || !slices.Equal(o.DelayLevels, []time.Duration{200 * time.Millisecond, time.Second}) || o.Transaction != want {
		t.Errorf("decoded %d %v %+v", o.DelayLevel, o.DelayLevels, o.Transaction)
	}
	bad := strings.Replace(src, "delay_level: 2", "delay_level: 3", 1)
	if _, err := scenarios.Load("bad.yaml", []byte(bad), oneDriver{}, nil); err == nil || !strings.Contains(err.Error(), "driver.options.delay_level") {
		t.Errorf("delay_level 3 of a 2-level table: %v", err)
	}
}
