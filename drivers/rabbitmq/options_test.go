package rabbitmq_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

func TestDefaultsValidate(t *testing.T) {
	o, ok := rabbitmq.Factory.Options().(*rabbitmq.Options)
	if !ok || rabbitmq.Factory.Name != "rabbitmq" {
		t.Fatalf("Factory: name %q, options %T", rabbitmq.Factory.Name, rabbitmq.Factory.Options())
	}
	if errs := o.Validate(); len(errs) != 0 {
		t.Fatalf("defaults do not validate: %v", errs)
	}
	if o.QueueType != "classic" || !o.Durable || !o.Persistent || o.Prefetch != 256 || o.Stream.Offset != "first" {
		t.Errorf("defaults %+v", o)
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	o := rabbitmq.DefaultOptions()
	o.URLs = []string{"amqp://guest:guest@127.0.0.1:5672/", "http://x/", "amqp://"}
	o.QueueType = "quorum"
	o.Durable = false
	o.Exchange = "amq.direct"
	o.Prefetch = 0
	o.ConfirmTimeout = 0
	o.Heartbeat = 10 * time.Millisecond
	o.Reconnect = rabbitmq.Backoff{MinBackoff: time.Second, MaxBackoff: time.Millisecond}
	o.NackReopenAfter = -1
	o.OnewayLinger = -time.Second
	o.Stream.Offset = "middle"
	var fields []string
	for _, e := range o.Validate() {
		fields = append(fields, e.Field)
	}
	want := []string{"urls[1]", "urls[2]", "durable", "exchange", "prefetch", "confirm_timeout", "heartbeat",
		"reconnect.max_backoff", "oneway_linger", "nack_reopen_after", "stream.offset"}
	for _, f := range want {
		if !slices.Contains(fields, f) {
			t.Errorf("no error for %s (got %v)", f, fields)
		}
	}
	o = rabbitmq.DefaultOptions()
	o.QueueType, o.SingleActiveConsumer = "stream", true
	if errs := o.Validate(); len(errs) != 1 || errs[0].Field != "single_active_consumer" {
		t.Errorf("stream with single active consumer: %v", errs)
	}
	o.QueueType = "lifo"
	if errs := o.Validate(); len(errs) != 1 || errs[0].Field != "queue_type" {
		t.Errorf("unknown queue type: %v", errs)
	}
}

func TestRedacted(t *testing.T) {
	o := rabbitmq.DefaultOptions()
	o.URLs = []string{"amqp://guest:s3cr%40t@127.0.0.1:5672/", "amqp://127.0.0.1:5673/", "amqp://user@h:1/v", "::bad"}
	r := o.Redacted().(*rabbitmq.Options)
	want := []string{"amqp://guest:REDACTED@127.0.0.1:5672/", "amqp://127.0.0.1:5673/", "amqp://user@h:1/v", "REDACTED"}
	if !slices.Equal(r.URLs, want) {
		t.Errorf("Redacted URLs %q, want %q", r.URLs, want)
	}
	if !strings.Contains(o.URLs[0], "s3cr") {
		t.Errorf("Redacted changed the original: %q", o.URLs[0])
	}
	if r.QueueType != o.QueueType || r.Prefetch != o.Prefetch {
		t.Errorf("Redacted lost other options: %+v", r)
	}
}
