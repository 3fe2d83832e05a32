package rabbitmq

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Queue types (Options.QueueType).
const (
	QueueClassic = "classic"
	QueueQuorum  = "quorum"
	QueueStream  = "stream"
)

// Stream start offsets (Options.Stream.Offset).
const (
	OffsetFirst = "first"
	OffsetLast  = "last"
	OffsetNext  = "next"
)

// Options are the rabbitmq driver's scenario options (driver.options).
// Start from DefaultOptions (or Factory.Options). Durations are
// time.Duration (YAML "500ms", "5s").
type Options struct {
	// URLs are the AMQP URLs of the cluster's nodes
	// (amqp://user:pass@host:port/vhost). Empty means drivers.Env.Endpoints.
	// Producer and consumer i start at URLs[i mod len] and move to the next
	// URL on every reconnect.
	URLs []string `yaml:"urls"`
	// QueueType is classic (default), quorum or stream (x-queue-type).
	QueueType string `yaml:"queue_type"`
	// Durable queues (and exchange) survive a broker restart. Default true;
	// quorum and stream queues must be durable.
	Durable bool `yaml:"durable"`
	// Persistent messages (delivery mode 2) are written to disk. Default
	// true.
	Persistent bool `yaml:"persistent"`
	// Exchange "" (default) publishes through the default exchange straight
	// to the queue. Otherwise a direct exchange of this name is declared and
	// every queue bound to it with its own name as routing key; the message
	// key still chooses the queue (see the package doc).
	Exchange string `yaml:"exchange"`
	// Prefetch is the consumer's unacked-message limit (basic.qos), 1..65535,
	// default 256.
	Prefetch int `yaml:"prefetch"`
	// SingleActiveConsumer declares queues with x-single-active-consumer:
	// of several consumers only one gets messages at a time.
	SingleActiveConsumer bool `yaml:"single_active_consumer"`
	// ConfirmTimeout bounds the wait for a publisher confirm (default 30s);
	// when the oldest unconfirmed publish is older, the connection is
	// dropped and every outstanding publish reported unknown.
	ConfirmTimeout time.Duration `yaml:"confirm_timeout"`
	// Heartbeat is the AMQP heartbeat interval (default 10s, at least 1s);
	// amqp091-go declares a silent connection dead after 1.5 intervals (a
	// paused node, say).
	Heartbeat time.Duration `yaml:"heartbeat"`
	// DialTimeout bounds a TCP connect plus AMQP handshake, and opening a
	// channel (default 5s).
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// Reconnect is the back-off between reconnection attempts.
	Reconnect Backoff `yaml:"reconnect"`
	// NackReopenAfter: after this many consecutive nacks a publisher closes
	// its channel and opens a new one after a back-off (default 10; 0
	// never).
	NackReopenAfter int `yaml:"nack_reopen_after"`
	// OnewayLinger is how long a oneway producer that published waits
	// before closing its channel (default 500ms; 0 closes at once). RabbitMQ
	// drops what a channel still buffers for a quorum queue when the channel
	// closes: without the wait, about 1% of the last 250 oneway messages to
	// a quorum queue were lost here; with 200ms, none.
	OnewayLinger time.Duration `yaml:"oneway_linger"`
	// Stream configures stream consumers.
	Stream StreamOptions `yaml:"stream"`
}

// Backoff is an exponential back-off: the first wait is MinBackoff, each
// further failure doubles it up to MaxBackoff; a success resets it.
type Backoff struct {
	MinBackoff time.Duration `yaml:"min_backoff"` // default 100ms
	MaxBackoff time.Duration `yaml:"max_backoff"` // default 5s
}

// StreamOptions configure how stream queues are read.
type StreamOptions struct {
	// Offset is where a new consumer starts: first (default), last (the
	// last chunk) or next (only new messages). A reconnecting consumer
	// resumes after the last offset it delivered.
	Offset string `yaml:"offset"`
}

// DefaultOptions returns the defaults: classic durable queues, persistent
// messages, the default exchange, prefetch 256, confirm timeout 30s,
// heartbeat 10s, dial timeout 5s, back-off 100ms..5s, reopen after 10
// nacks, oneway linger 500ms, streams from the first offset.
func DefaultOptions() *Options {
	return &Options{
		QueueType: QueueClassic, Durable: true, Persistent: true, Prefetch: 256,
		ConfirmTimeout: 30 * time.Second, Heartbeat: 10 * time.Second, DialTimeout: 5 * time.Second,
		Reconnect:       Backoff{MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second},
		NackReopenAfter: 10, OnewayLinger: 500 * time.Millisecond, Stream: StreamOptions{Offset: OffsetFirst},
	}
}

var _ drivers.Options = (*Options)(nil)

// Validate checks the options and returns every problem with its dotted
// field name below driver.options (e.g. "urls[1]", "reconnect.max_backoff").
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for i, u := range o.URLs {
		if err := checkURL(u); err != nil {
			bad(fmt.Sprintf("urls[%d]", i), "%v", err)
		}
	}
	if !slices.Contains([]string{QueueClassic, QueueQuorum, QueueStream}, o.QueueType) {
		bad("queue_type", "must be classic, quorum or stream, got %q", o.QueueType)
	}
	if !o.Durable && (o.QueueType == QueueQuorum || o.QueueType == QueueStream) {
		bad("durable", "%s queues must be durable", o.QueueType)
	}
	if strings.HasPrefix(o.Exchange, "amq.") || len(o.Exchange) > 255 {
		bad("exchange", "must not start with \"amq.\" (reserved) nor exceed 255 bytes, got %q", o.Exchange)
	}
	if o.Prefetch < 1 || o.Prefetch > 65535 {
		bad("prefetch", "must be in [1, 65535], got %d", o.Prefetch)
	}
	if o.SingleActiveConsumer && o.QueueType == QueueStream {
		bad("single_active_consumer", "is not supported on stream queues over AMQP 0.9.1")
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"confirm_timeout", o.ConfirmTimeout}, {"heartbeat", o.Heartbeat}, {"dial_timeout", o.DialTimeout},
		{"reconnect.min_backoff", o.Reconnect.MinBackoff}, {"reconnect.max_backoff", o.Reconnect.MaxBackoff}} {
		if d.v <= 0 {
			bad(d.field, "must be > 0, got %v", d.v)
		}
	}
	if o.Heartbeat > 0 && o.Heartbeat < time.Second {
		bad("heartbeat", "must be at least 1s, got %v", o.Heartbeat)
	}
	if o.Reconnect.MaxBackoff < o.Reconnect.MinBackoff {
		bad("reconnect.max_backoff", "must be >= reconnect.min_backoff (%v), got %v", o.Reconnect.MinBackoff, o.Reconnect.MaxBackoff)
	}
	if o.OnewayLinger < 0 {
		bad("oneway_linger", "must be >= 0, got %v", o.OnewayLinger)
	}
	if o.NackReopenAfter < 0 {
		bad("nack_reopen_after", "must be >= 0 (0: never), got %d", o.NackReopenAfter)
	}
	if !slices.Contains([]string{OffsetFirst, OffsetLast, OffsetNext}, o.Stream.Offset) {
		bad("stream.offset", "must be first, last or next, got %q", o.Stream.Offset)
	}
	return errs
}

// checkURL accepts amqp:// and amqps:// URLs with a host.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %v", redactErr(err))
	}
	if u.Scheme != "amqp" && u.Scheme != "amqps" {
		return fmt.Errorf("scheme must be amqp or amqps, got %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host in %s", redactURL(s))
	}
	return nil
}

// Redacted returns a copy of the options with every password in URLs
// replaced by "REDACTED", for writing into results. An unparseable URL is
// replaced whole.
func (o *Options) Redacted() drivers.Options {
	c := *o
	c.URLs = make([]string, len(o.URLs))
	for i, u := range o.URLs {
		c.URLs[i] = redactURL(u)
	}
	return &c
}

// redactURL hides the password of an AMQP URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "REDACTED"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	return u.String()
}

// redactErr drops the URL (and its password) from a url.Parse error.
func redactErr(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
