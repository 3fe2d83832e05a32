package kafka_test

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
)

func TestDefaultOptionsValidate(t *testing.T) {
	if errs := kafka.DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults do not validate: %v", errs)
	}
	if o, ok := kafka.Factory.Options().(*kafka.Options); !ok || o.Acks != "all" || o.MetadataTTL != 500*time.Millisecond {
		t.Fatalf("Factory.Options() = %#v", kafka.Factory.Options())
	}
}

func TestOptionsValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *kafka.Options)
		fields []string
	}{
		{"acks", func(o *kafka.Options) { o.Acks = "some" }, []string{"acks"}},
		{"compression", func(o *kafka.Options) { o.Compression = "brotli" }, []string{"compression"}},
		{"broker without port", func(o *kafka.Options) { o.Brokers = []string{"a:1", "b"} }, []string{"brokers[1]"}},
		{"zero retries", func(o *kafka.Options) { o.Retries = 0 }, []string{"retries"}},
		{"zero batch", func(o *kafka.Options) { o.BatchSize = 0 }, []string{"batch_size"}},
		{"negative linger", func(o *kafka.Options) { o.Linger = -1 }, []string{"linger"}},
		{"consumer", func(o *kafka.Options) {
			o.Consumer.Start = "middle"
			o.Consumer.MinBytes = 10
			o.Consumer.MaxBytes = 5
			o.Consumer.CommitInterval = -time.Second
		}, []string{"consumer.start", "consumer.commit_interval", "consumer.min_bytes"}},
		{"replication", func(o *kafka.Options) { o.Topic.ReplicationFactor = -1 }, []string{"topic.replication_factor"}},
		{"sasl without user", func(o *kafka.Options) { o.SASL.Mechanism = "plain" }, []string{"sasl.username"}},
		{"sasl bad mechanism", func(o *kafka.Options) { o.SASL = kafka.SASLOptions{Mechanism: "gssapi", Username: "u"} },
			[]string{"sasl.mechanism"}},
		{"password without mechanism", func(o *kafka.Options) { o.SASL.Password = "p" }, []string{"sasl.mechanism"}},
		{"tls files while disabled", func(o *kafka.Options) { o.TLS.CAFile = "ca.pem" }, []string{"tls.enabled"}},
		{"cert without key", func(o *kafka.Options) { o.TLS = kafka.TLSOptions{Enabled: true, CertFile: "c.pem"} },
			[]string{"tls.cert_file"}},
	}
	for _, tc := range cases {
		o := kafka.DefaultOptions()
		tc.mutate(o)
		got := fields(o.Validate())
		if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s: fields %v, want %v", tc.name, got, tc.fields)
		}
	}
}

func fields(errs []drivers.OptionError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

// TestRedacted: the password is replaced in a deep copy; the original
// keeps it.
func TestRedacted(t *testing.T) {
	o := kafka.DefaultOptions()
	o.SASL = kafka.SASLOptions{Mechanism: "scram-sha-512", Username: "bench", Password: "s3cret"}
	o.Topic.Config = map[string]string{"min.insync.replicas": "2"}
	o.Brokers = []string{"a:9092"}
	r, ok := o.Redacted().(*kafka.Options)
	if !ok {
		t.Fatalf("Redacted returned %T", o.Redacted())
	}
	if r.SASL.Password != kafka.Redaction || r.SASL.Username != "bench" {
		t.Errorf("redacted SASL %+v", r.SASL)
	}
	r.Topic.Config["x"] = "y"
	r.Brokers[0] = "b:1"
	if o.SASL.Password != "s3cret" || len(o.Topic.Config) != 1 || o.Brokers[0] != "a:9092" {
		t.Errorf("Redacted changed the original: %+v", o)
	}
	if kafka.DefaultOptions().Redacted().(*kafka.Options).SASL.Password != "" {
		t.Error("an empty password became REDACTED")
	}
}
