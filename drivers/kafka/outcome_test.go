package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"github.com/segmentio/kafka-go/protocol/produce"

	"github.com/brokerbench/brokerbench/drivers"
)

func TestClassify(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	cases := []struct {
		name  string
		err   error
		maybe bool
		fail  bool
	}{
		{"not leader", kafka.NotLeaderForPartition, false, true},
		{"not leader after an unknown attempt", kafka.NotLeaderForPartition, true, false},
		{"unknown topic", fmt.Errorf("x: %w", kafka.UnknownTopicOrPartition), false, true},
		{"not enough replicas", kafka.NotEnoughReplicas, false, true},
		{"not enough replicas after append", kafka.NotEnoughReplicasAfterAppend, false, false},
		{"request timed out", kafka.RequestTimedOut, false, false},
		{"unknown server error", kafka.Unknown, false, false},
		{"refused dial", fmt.Errorf("kafka.(*Client).Produce: %w", dial), false, true},
		{"no leader in metadata", protocol.NewErrNoLeader("t", 0), false, true},
		{"connection reset", fmt.Errorf("p: %w", syscall.ECONNRESET), false, false},
		{"unexpected EOF", io.ErrUnexpectedEOF, false, false},
		{"deadline", context.DeadlineExceeded, false, false},
	}
	for _, tc := range cases {
		err := classify(tc.err, tc.maybe)
		if err == nil || drivers.IsFail(err) != tc.fail {
			t.Errorf("%s: classify = %v (fail %v), want fail %v", tc.name, err, drivers.IsFail(err), tc.fail)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: %v does not wrap %v", tc.name, err, tc.err)
		}
	}
	if classify(nil, true) != nil {
		t.Error("classify(nil) != nil")
	}
}

// fakeRT answers every request with a fixed response or error.
type fakeRT struct {
	resp kafka.Response
	err  error
}

func (f fakeRT) RoundTrip(context.Context, net.Addr, kafka.Request) (kafka.Response, error) {
	return f.resp, f.err
}

func produceReq(topic string, p int32) *produce.Request {
	return &produce.Request{Acks: -1, Topics: []produce.RequestTopic{{Topic: topic,
		Partitions: []produce.RequestPartition{{Partition: p}}}}}
}

func produceResp(topic string, p int32, code kafka.Error) *produce.Response {
	return &produce.Response{Topics: []produce.ResponseTopic{{Topic: topic,
		Partitions: []produce.ResponsePartition{{Partition: p, ErrorCode: int16(code)}}}}}
}

// TestAttemptTracker: which attempt results mark a partition's batch as
// possibly written, and that take clears the mark.
func TestAttemptTracker(t *testing.T) {
	tp := topicPartition{"t", 1}
	cases := []struct {
		name string
		rt   fakeRT
		mark bool
	}{
		{"ok", fakeRT{resp: produceResp("t", 1, 0)}, false},
		{"definite code", fakeRT{resp: produceResp("t", 1, kafka.NotLeaderForPartition)}, false},
		{"ambiguous code", fakeRT{resp: produceResp("t", 1, kafka.RequestTimedOut)}, true},
		{"lost connection", fakeRT{err: io.ErrUnexpectedEOF}, true},
		{"refused", fakeRT{err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, false},
		{"no leader", fakeRT{err: protocol.NewErrNoLeader("t", 1)}, false},
	}
	for _, tc := range cases {
		tr := newAttemptTracker(tc.rt)
		_, _ = tr.RoundTrip(context.Background(), nil, produceReq("t", 1))
		if got := tr.take(tp); got != tc.mark {
			t.Errorf("%s: marked %v, want %v", tc.name, got, tc.mark)
		}
		if tr.take(tp) {
			t.Errorf("%s: mark not cleared by take", tc.name)
		}
		if tr.take(topicPartition{"t", 2}) {
			t.Errorf("%s: another partition marked", tc.name)
		}
	}
}
