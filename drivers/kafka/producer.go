package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// defaultWindow is the async in-flight bound when ProducerConfig.Window
// is not set.
const defaultWindow = 1024

// producer sends through one kafka-go Writer per mode it is used in, all
// sharing one transport (connections and metadata).
type producer struct {
	d       *Driver
	cfg     drivers.ProducerConfig
	tracker *attemptTracker
	closeTr func()
	// free holds the async pendings not in flight: taking one is a window
	// slot (SendAsync blocks while none is free), complete returns it. It
	// also spares an allocation per async message.
	free chan *pending
	// bufs recycles copies of sync and oneway payloads (see message).
	bufs sync.Pool

	mu      sync.Mutex                      // serialises creating writers
	writers [3]atomic.Pointer[kafka.Writer] // by mode - 1, created on first use
	closed  atomic.Bool
}

var _ drivers.Producer = (*producer)(nil)

// pending is one message's state between the Writer and its outcome; it
// travels as kafka.Message.WriterData.
type pending struct {
	partition int32                    // chosen by the balancer
	async     bool                     // from p.free, returned there by complete
	done      func(drivers.Ack, error) // async only
	buf       *[]byte                  // pooled copy, sync and oneway
	ack       drivers.Ack
	err       error
}

func newProducer(d *Driver, cfg drivers.ProducerConfig) *producer {
	tr := d.newTransport(fmt.Sprintf("brokerbench-producer-%d", cfg.ID))
	window := cfg.Window
	if window <= 0 {
		window = defaultWindow
	}
	p := &producer{
		d: d, cfg: cfg,
		tracker: newAttemptTracker(tr),
		closeTr: tr.CloseIdleConnections,
		free:    make(chan *pending, window),
	}
	for range window {
		p.free <- &pending{async: true}
	}
	return p
}

// writer returns the Writer of mode, creating it on first use.
func (p *producer) writer(mode drivers.Mode) *kafka.Writer {
	if w := p.writers[mode-1].Load(); w != nil {
		return w
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if w := p.writers[mode-1].Load(); w != nil {
		return w
	}
	w := p.d.newWriter(mode, p.tracker, p.complete)
	p.writers[mode-1].Store(w)
	return w
}

// message builds the kafka message of a sync or oneway send, with key and
// payload copied into a pooled buffer since Send may return (a cancelled
// ctx) before the Writer is done with the bytes. SendAsync builds its
// own, without the copy.
func (p *producer) message(m *drivers.Message, pm *pending) kafka.Message {
	topic := m.Topic
	if topic == "" {
		topic = p.cfg.Topic
	}
	// Offset -1 stays when no response names one (acks none). Time is set
	// since a zero time is sent as timestamp 0, which a real broker's
	// time-based retention would delete at once.
	msg := kafka.Message{Topic: topic, WriterData: pm, Offset: -1, Time: time.Now()}
	bp, _ := p.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b := append(append((*bp)[:0], m.Key...), m.Payload...)
	*bp = b
	pm.buf = bp
	if m.Key != nil {
		msg.Key = b[:len(m.Key):len(m.Key)]
	}
	msg.Value = b[len(m.Key):]
	return msg
}

func (p *producer) release(pm *pending) {
	if pm.buf != nil {
		p.bufs.Put(pm.buf)
		pm.buf = nil
	}
}

// Send writes m in a request of its own and waits for the ack.
func (p *producer) Send(ctx context.Context, m *drivers.Message) (drivers.Ack, error) {
	pm := &pending{}
	err := p.writer(drivers.ModeSync).WriteMessages(ctx, p.message(m, pm))
	return p.result(ctx, pm, err)
}

// SendOneway writes m with acks none and returns once the request was
// written to the connection; the outcome is never known.
func (p *producer) SendOneway(ctx context.Context, m *drivers.Message) error {
	pm := &pending{}
	err := p.writer(drivers.ModeOneway).WriteMessages(ctx, p.message(m, pm))
	_, err = p.result(ctx, pm, err)
	return err
}

// result maps what a synchronous WriteMessages returned. nil and
// kafka.WriteErrors mean the Writer called complete, which filled pm
// before WriteMessages returned; a ctx error means it returned early (the
// batch may still be written: unknown); any other error came before the
// message joined a batch (closed writer, unknown topic, no metadata,
// too large): not written.
func (p *producer) result(ctx context.Context, pm *pending, err error) (drivers.Ack, error) {
	var werrs kafka.WriteErrors
	switch {
	case err == nil || errors.As(err, &werrs):
		return pm.ack, pm.err
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return drivers.NoAck, fmt.Errorf("kafka (outcome unknown): %w", err)
	}
	p.release(pm)
	return drivers.NoAck, drivers.Fail(fmt.Errorf("kafka: %w", err))
}

// SendAsync hands m to the async Writer, which batches per partition and
// calls complete once the batch's produce request is answered. It blocks
// while the window (ProducerConfig.Window) is full.
func (p *producer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	var pm *pending
	select {
	case pm = <-p.free: // fast path: a free slot, no select over ctx
	default:
		select {
		case pm = <-p.free:
		case <-ctx.Done():
			done(drivers.NoAck, drivers.Fail(fmt.Errorf("kafka: not sent: %w", ctx.Err())))
			return
		}
	}
	pm.done = done
	topic := m.Topic
	if topic == "" {
		topic = p.cfg.Topic
	}
	msg := kafka.Message{Topic: topic, Key: m.Key, Value: m.Payload, WriterData: pm, Offset: -1, Time: time.Now()}
	if err := p.writer(drivers.ModeAsync).WriteMessages(ctx, msg); err != nil {
		pm.done = nil
		p.free <- pm
		done(drivers.NoAck, drivers.Fail(fmt.Errorf("kafka: %w", err)))
	}
}

// complete is every Writer's Completion: all msgs were one batch of one
// partition, in order, and err is the result of its last attempt.
func (p *producer) complete(msgs []kafka.Message, err error) {
	if len(msgs) == 0 {
		return
	}
	first, _ := msgs[0].WriterData.(*pending)
	if first == nil {
		return
	}
	maybe := p.tracker.take(topicPartition{msgs[0].Topic, first.partition})
	outcome := classify(err, maybe)
	for i := range msgs {
		pm, _ := msgs[i].WriterData.(*pending)
		if pm == nil {
			continue
		}
		pm.ack, pm.err = drivers.Ack{Partition: pm.partition, Offset: -1}, outcome
		if err == nil && msgs[i].Offset >= 0 {
			pm.ack.Offset = msgs[i].Offset
		}
		p.release(pm)
		if pm.async {
			done := pm.done
			pm.done = nil
			done(pm.ack, pm.err)
			p.free <- pm
		}
	}
}

// Close flushes every Writer (pending async sends get their done before
// Close returns) and closes the producer's connections.
func (p *producer) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for i := range p.writers {
		if w := p.writers[i].Load(); w != nil {
			errs = append(errs, w.Close())
		}
	}
	p.closeTr()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kafka: closing producer %d: %w", p.cfg.ID, err)
	}
	return nil
}
