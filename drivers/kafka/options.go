package kafka

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Options are the kafka driver's scenario options (driver.options). Start
// from DefaultOptions (or Factory.Options); Validate reports every problem
// with a dotted field name. Durations are time.Duration (YAML "500ms").
//
// Options may hold credentials (sasl.password); never write them out as
// they are: Redacted returns a copy fit for results and reports.
type Options struct {
	// Brokers are bootstrap addresses (host:port). Empty means the
	// endpoints of the cluster the harness started (drivers.Env.Endpoints);
	// Open fails when both are empty.
	Brokers []string `yaml:"brokers"`
	// Acks is what a sync or async send waits for: "all" (every in-sync
	// replica, the default), "leader" or "none". Oneway sends always use
	// acks none.
	Acks string `yaml:"acks"`
	// BatchSize is the most messages an async batch holds (per partition);
	// default 100. Sync and oneway sends are one message per request.
	BatchSize int `yaml:"batch_size"`
	// Linger is how long an async batch waits to fill before it is sent;
	// default 1ms.
	Linger time.Duration `yaml:"linger"`
	// Compression of produced batches: none (default), gzip, snappy, lz4,
	// zstd.
	Compression string `yaml:"compression"`
	// MetadataTTL bounds how long a producer uses cached cluster metadata,
	// so a leader change is noticed quickly; default 500ms (kafka-go's own
	// default is 6s).
	MetadataTTL time.Duration `yaml:"metadata_ttl"`
	// WriteTimeout bounds one produce attempt (request and response);
	// default 10s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// Retries is the most attempts per batch, the first included (kafka-go
	// MaxAttempts); 1 means no retry; default 10. Retries are not
	// idempotent: a retried batch that the broker had written is written
	// again (a duplicate at a new offset).
	Retries int `yaml:"retries"`
	// Topic configures topics that Setup creates.
	Topic TopicOptions `yaml:"topic"`
	// Consumer configures consumer-group readers.
	Consumer ConsumerOptions `yaml:"consumer"`
	// TLS configures encrypted connections.
	TLS TLSOptions `yaml:"tls"`
	// SASL configures authentication.
	SASL SASLOptions `yaml:"sasl"`
	// BrokerLabel replaces Info().Broker ("Apache Kafka", or "kfake" when
	// the cluster identifies itself as kfake), e.g. "Redpanda 24.1".
	BrokerLabel string `yaml:"broker_label"`
}

// TopicOptions configure the topics Setup creates.
type TopicOptions struct {
	// ReplicationFactor of new topics; 0 (the default) means
	// min(3, number of brokers).
	ReplicationFactor int `yaml:"replication_factor"`
	// Config is passed through as topic configuration, e.g.
	// {min.insync.replicas: "2"}.
	Config map[string]string `yaml:"config"`
}

// ConsumerOptions configure consumer-group readers.
type ConsumerOptions struct {
	// Group overrides drivers.ConsumerConfig.Group when set.
	Group string `yaml:"group"`
	// MinBytes a fetch waits for; default 1.
	MinBytes int `yaml:"min_bytes"`
	// MaxBytes a fetch returns; default 1 MiB.
	MaxBytes int `yaml:"max_bytes"`
	// MaxWait bounds how long a fetch waits for MinBytes; default 250ms.
	MaxWait time.Duration `yaml:"max_wait"`
	// Start is where a group without a committed offset begins: "first"
	// (the default) or "last".
	Start string `yaml:"start"`
	// CommitInterval 0 (the default) commits each Ack synchronously, so an
	// Ack that returned nil is committed. A positive interval batches
	// commits in the background: faster, but a rebalance may then
	// redeliver acked messages.
	CommitInterval time.Duration `yaml:"commit_interval"`
	// HeartbeatInterval of group members; default 1s.
	HeartbeatInterval time.Duration `yaml:"heartbeat_interval"`
	// SessionTimeout after which a silent member is dropped; default 10s.
	SessionTimeout time.Duration `yaml:"session_timeout"`
	// RebalanceTimeout: how long a rebalance waits for members; default 10s.
	RebalanceTimeout time.Duration `yaml:"rebalance_timeout"`
}

// TLSOptions configure TLS. Files are PEM.
type TLSOptions struct {
	Enabled            bool   `yaml:"enabled"`
	CAFile             string `yaml:"ca_file"`   // extra CA; system roots otherwise
	CertFile           string `yaml:"cert_file"` // client certificate, with KeyFile
	KeyFile            string `yaml:"key_file"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	ServerName         string `yaml:"server_name"` // default: the broker's host
}

// SASLOptions configure SASL authentication. Password is a secret: it is
// replaced by Redacted.
type SASLOptions struct {
	// Mechanism: "" (no SASL), "plain", "scram-sha-256", "scram-sha-512".
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	Password  string `yaml:"password" secret:"true"`
}

// Redaction replaces secrets in Redacted options.
const Redaction = "REDACTED"

// Option values.
var (
	acksValues        = []string{"all", "leader", "none"}
	compressionValues = []string{"none", "gzip", "snappy", "lz4", "zstd"}
	startValues       = []string{"first", "last"}
	mechanismValues   = []string{"", "plain", "scram-sha-256", "scram-sha-512"}
)

// DefaultOptions returns the defaults documented on each field.
func DefaultOptions() *Options {
	return &Options{
		Acks:         "all",
		BatchSize:    100,
		Linger:       time.Millisecond,
		Compression:  "none",
		MetadataTTL:  500 * time.Millisecond,
		WriteTimeout: 10 * time.Second,
		Retries:      10,
		Consumer: ConsumerOptions{
			MinBytes:          1,
			MaxBytes:          1 << 20,
			MaxWait:           250 * time.Millisecond,
			Start:             "first",
			HeartbeatInterval: time.Second,
			SessionTimeout:    10 * time.Second,
			RebalanceTimeout:  10 * time.Second,
		},
	}
}

var (
	_ drivers.Options  = (*Options)(nil)
	_ drivers.Redactor = (*Options)(nil)
)

// Redacted returns a deep copy of o with every secret (sasl.password, when
// set) replaced by "REDACTED". Call it before writing options into results
// or reports; the driver itself uses the original.
func (o *Options) Redacted() drivers.Options {
	c := *o
	c.Brokers = slices.Clone(o.Brokers)
	if o.Topic.Config != nil {
		c.Topic.Config = make(map[string]string, len(o.Topic.Config))
		for k, v := range o.Topic.Config {
			c.Topic.Config[k] = v
		}
	}
	if c.SASL.Password != "" {
		c.SASL.Password = Redaction
	}
	return &c
}

// Validate checks the options and returns every problem, with dotted field
// names below driver.options (e.g. "consumer.start", "sasl.password").
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	oneOf := func(field, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			bad(field, "must be one of %s, got %q", strings.Join(quoted(allowed), ", "), v)
		}
	}
	for i, b := range o.Brokers {
		if !strings.Contains(b, ":") {
			bad(fmt.Sprintf("brokers[%d]", i), "want host:port, got %q", b)
		}
	}
	oneOf("acks", o.Acks, acksValues)
	oneOf("compression", o.Compression, compressionValues)
	oneOf("consumer.start", o.Consumer.Start, startValues)
	positive := []struct {
		field string
		v     int64
	}{
		{"batch_size", int64(o.BatchSize)}, {"retries", int64(o.Retries)},
		{"metadata_ttl", int64(o.MetadataTTL)}, {"write_timeout", int64(o.WriteTimeout)},
		{"consumer.min_bytes", int64(o.Consumer.MinBytes)}, {"consumer.max_bytes", int64(o.Consumer.MaxBytes)},
		{"consumer.max_wait", int64(o.Consumer.MaxWait)},
		{"consumer.heartbeat_interval", int64(o.Consumer.HeartbeatInterval)},
		{"consumer.session_timeout", int64(o.Consumer.SessionTimeout)},
		{"consumer.rebalance_timeout", int64(o.Consumer.RebalanceTimeout)},
	}
	for _, p := range positive {
		if p.v <= 0 {
			bad(p.field, "must be > 0, got %v", p.v)
		}
	}
	if o.Linger < 0 {
		bad("linger", "must be >= 0, got %v", o.Linger)
	}
	if o.Consumer.CommitInterval < 0 {
		bad("consumer.commit_interval", "must be >= 0, got %v", o.Consumer.CommitInterval)
	}
	if o.Consumer.MinBytes > o.Consumer.MaxBytes {
		bad("consumer.min_bytes", "must be <= consumer.max_bytes (%d), got %d", o.Consumer.MaxBytes, o.Consumer.MinBytes)
	}
	if o.Topic.ReplicationFactor < 0 {
		bad("topic.replication_factor", "must be >= 0 (0: min(3, brokers)), got %d", o.Topic.ReplicationFactor)
	}
	return append(errs, o.validateSecurity()...)
}

func (o *Options) validateSecurity() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, msg string) { errs = append(errs, drivers.OptionError{Field: field, Msg: msg}) }
	if !slices.Contains(mechanismValues, o.SASL.Mechanism) {
		bad("sasl.mechanism", fmt.Sprintf("must be one of %s, got %q", strings.Join(quoted(mechanismValues), ", "), o.SASL.Mechanism))
	}
	if o.SASL.Mechanism != "" && o.SASL.Username == "" {
		bad("sasl.username", "required with sasl.mechanism")
	}
	if o.SASL.Mechanism == "" && (o.SASL.Username != "" || o.SASL.Password != "") {
		bad("sasl.mechanism", "required with sasl.username or sasl.password")
	}
	t := o.TLS
	if !t.Enabled && (t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.InsecureSkipVerify || t.ServerName != "") {
		bad("tls.enabled", "must be true when other tls options are set")
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		bad("tls.cert_file", "tls.cert_file and tls.key_file go together")
	}
	return errs
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
