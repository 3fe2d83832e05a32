package kafka

import (
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// dialTimeout bounds connecting (TCP, TLS, SASL) to one broker.
const dialTimeout = 5 * time.Second

// newTransport returns a transport for one producer (or the admin
// client) with the driver's metadata TTL and security settings. The
// caller closes its idle connections when done.
func (d *Driver) newTransport(clientID string) *kafka.Transport {
	return &kafka.Transport{
		DialTimeout: dialTimeout,
		MetadataTTL: d.opts.MetadataTTL,
		ClientID:    clientID,
		TLS:         d.tls,
		SASL:        d.sasl,
	}
}

// newDialer returns a dialer for one consumer.
func (d *Driver) newDialer(clientID string) *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:      clientID,
		Timeout:       dialTimeout,
		DualStack:     true,
		TLS:           d.tls,
		SASLMechanism: d.sasl,
	}
}

// requiredAcks maps the acks option.
func requiredAcks(acks string) kafka.RequiredAcks {
	switch acks {
	case "leader":
		return kafka.RequireOne
	case "none":
		return kafka.RequireNone
	}
	return kafka.RequireAll
}

// compressionCodec maps the compression option; 0 is none.
func compressionCodec(c string) kafka.Compression {
	switch c {
	case "gzip":
		return kafka.Gzip
	case "snappy":
		return kafka.Snappy
	case "lz4":
		return kafka.Lz4
	case "zstd":
		return kafka.Zstd
	}
	return 0
}

// newWriter returns the Writer of one producer mode:
//   - sync: one message per produce request (BatchSize 1, so no batch
//     timeout applies), acks from the options;
//   - async: kafka-go's asynchronous Writer, batching per partition up to
//     batch_size messages or linger, acks from the options;
//   - oneway: like sync but acks none.
//
// Every mode reports through complete (kafka-go's Completion, which gets
// each batch with partitions and offsets set) and records the partition
// its balancer chose into the message's pending state.
func (d *Driver) newWriter(mode drivers.Mode, rt kafka.RoundTripper, complete func([]kafka.Message, error)) *kafka.Writer {
	o := d.opts
	w := &kafka.Writer{
		Addr:            kafka.TCP(d.brokers...),
		Balancer:        &partitionRecorder{},
		MaxAttempts:     o.Retries,
		WriteBackoffMin: 100 * time.Millisecond,
		WriteBackoffMax: time.Second,
		BatchSize:       1,
		BatchTimeout:    time.Millisecond,
		ReadTimeout:     o.WriteTimeout,
		WriteTimeout:    o.WriteTimeout,
		RequiredAcks:    requiredAcks(o.Acks),
		Compression:     compressionCodec(o.Compression),
		Transport:       rt,
		Completion:      complete,
	}
	switch mode {
	case drivers.ModeAsync:
		w.Async = true
		w.BatchSize = o.BatchSize
		w.BatchTimeout = max(o.Linger, time.Microsecond) // 0 would mean kafka-go's 1s
	case drivers.ModeOneway:
		w.RequiredAcks = kafka.RequireNone
	}
	return w
}

// partitionRecorder is kafka-go's Hash balancer (FNV-1a of the key modulo
// the partition count, round-robin for nil keys) that also notes the
// chosen partition in the message's pending state, so that a failed
// batch, whose messages kafka-go leaves without a partition, can still
// be attributed. Safe for concurrent use.
type partitionRecorder struct{ h kafka.Hash }

// Balance picks the partition of msg.
func (b *partitionRecorder) Balance(msg kafka.Message, partitions ...int) int {
	p := b.h.Balance(msg, partitions...)
	if pm, ok := msg.WriterData.(*pending); ok {
		pm.partition = int32(p)
	}
	return p
}
