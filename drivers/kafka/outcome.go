package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"syscall"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"github.com/segmentio/kafka-go/protocol/produce"

	"github.com/brokerbench/brokerbench/drivers"
)

// definiteCodes are produce error codes with which a broker rejects a
// batch before appending it to the log: the batch was not written.
// Every other code (REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
// KAFKA_STORAGE_ERROR, UNKNOWN_SERVER_ERROR, ...) leaves the outcome
// unknown.
var definiteCodes = map[kafka.Error]bool{
	kafka.InvalidMessage:                     true,
	kafka.UnknownTopicOrPartition:            true,
	kafka.InvalidMessageSize:                 true,
	kafka.LeaderNotAvailable:                 true,
	kafka.NotLeaderForPartition:              true,
	kafka.MessageSizeTooLarge:                true,
	kafka.InvalidTopic:                       true,
	kafka.RecordListTooLarge:                 true,
	kafka.NotEnoughReplicas:                  true,
	kafka.InvalidRequiredAcks:                true,
	kafka.TopicAuthorizationFailed:           true,
	kafka.ClusterAuthorizationFailed:         true,
	kafka.InvalidTimestamp:                   true,
	kafka.UnsupportedVersion:                 true,
	kafka.UnsupportedForMessageFormat:        true,
	kafka.OutOfOrderSequenceNumber:           true,
	kafka.InvalidProducerEpoch:               true,
	kafka.InvalidProducerIDMapping:           true,
	kafka.TransactionalIDAuthorizationFailed: true,
	kafka.UnsupportedCompressionType:         true,
	kafka.InvalidRecord:                      true,
}

// notSent reports whether err says a request never left the client: no
// route to a leader in the cached metadata, or no connection could be
// opened.
func notSent(err error) bool {
	if errors.Is(err, protocol.ErrNoTopic) || errors.Is(err, protocol.ErrNoPartition) ||
		errors.Is(err, protocol.ErrNoLeader) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// definite reports whether err, the last error of a batch, says the batch
// was not written by that attempt.
func definite(err error) bool {
	var ke kafka.Error
	if errors.As(err, &ke) {
		return definiteCodes[ke]
	}
	return notSent(err)
}

// classify turns the final error of a batch into a send outcome: a
// definite failure (drivers.Fail) only when the last attempt was refused
// before writing and no earlier attempt may have written the batch
// (maybeWritten); otherwise an error with an unknown outcome.
func classify(err error, maybeWritten bool) error {
	if err == nil {
		return nil
	}
	if !maybeWritten && definite(err) {
		return drivers.Fail(fmt.Errorf("kafka: %w", err))
	}
	return fmt.Errorf("kafka (outcome unknown): %w", err)
}

// topicPartition names one partition.
type topicPartition struct {
	topic     string
	partition int32
}

// attemptTracker wraps a producer's transport and remembers, per
// partition, whether an attempt of the batch being written may have
// reached the log (a lost connection, a timeout, an ambiguous error code).
// kafka-go writes one batch per partition at a time and calls the
// Writer's Completion in the same goroutine right after the last attempt,
// so taking (and clearing) the mark in Completion attributes it to the
// right batch. Safe for concurrent use.
type attemptTracker struct {
	rt    kafka.RoundTripper
	marks atomic.Int64 // len(maybe), read without the lock on the fast path
	mu    sync.Mutex
	maybe map[topicPartition]bool
}

var _ kafka.RoundTripper = (*attemptTracker)(nil)

func newAttemptTracker(rt kafka.RoundTripper) *attemptTracker {
	return &attemptTracker{rt: rt, maybe: make(map[topicPartition]bool)}
}

// RoundTrip forwards the request and observes produce outcomes.
func (t *attemptTracker) RoundTrip(ctx context.Context, addr net.Addr, req kafka.Request) (kafka.Response, error) {
	resp, err := t.rt.RoundTrip(ctx, addr, req)
	if pr, ok := req.(*produce.Request); ok && pr.Acks != 0 {
		t.observe(pr, resp, err)
	}
	return resp, err
}

func (t *attemptTracker) observe(req *produce.Request, resp kafka.Response, err error) {
	var marks []topicPartition
	if err != nil {
		if notSent(err) {
			return
		}
		for _, rt := range req.Topics {
			for _, rp := range rt.Partitions {
				marks = append(marks, topicPartition{rt.Topic, rp.Partition})
			}
		}
	} else if r, ok := resp.(*produce.Response); ok {
		for _, rt := range r.Topics {
			for _, rp := range rt.Partitions {
				if c := kafka.Error(rp.ErrorCode); c != 0 && !definiteCodes[c] {
					marks = append(marks, topicPartition{rt.Topic, rp.Partition})
				}
			}
		}
	}
	if len(marks) == 0 {
		return
	}
	t.mu.Lock()
	for _, m := range marks {
		t.maybe[m] = true
	}
	t.marks.Store(int64(len(t.maybe)))
	t.mu.Unlock()
}

// take reports whether some attempt of the batch just completed on tp may
// have been written, and clears the mark for the next batch.
func (t *attemptTracker) take(tp topicPartition) bool {
	if t.marks.Load() == 0 {
		return false // a mark is stored before the Completion that takes it runs
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.maybe[tp]
	if m {
		delete(t.maybe, tp)
		t.marks.Store(int64(len(t.maybe)))
	}
	return m
}
