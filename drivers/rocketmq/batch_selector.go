package rocketmq

import (
	"sync"

	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// batchSelector is the queue selector of ordered batch producers. Client
// v2.1.2 wraps a batch in a new message without the sharding key, so the
// hash selector would send a keyed batch to a random queue. The batcher
// therefore marks each keyed batch: it sets the first message's Queue
// (which the client copies to the batch) to a fresh hint and maps the
// hint to that first message; Select hashes the mapped message's key as
// the hash selector does for a single message. Everything else goes to
// the hash selector unchanged. Safe for concurrent use.
type batchSelector struct {
	hash  producer.QueueSelector
	hints sync.Map // *primitive.MessageQueue hint -> *primitive.Message with the key
}

var _ producer.QueueSelector = (*batchSelector)(nil)

func newBatchSelector() *batchSelector {
	return &batchSelector{hash: producer.NewHashQueueSelector()}
}

// hint marks msgs (one key, at least two messages) and returns the mark
// for forget, after the send call returned (the client selects the queue
// inside it).
func (s *batchSelector) hint(msgs []*primitive.Message) *primitive.MessageQueue {
	h := &primitive.MessageQueue{Topic: msgs[0].Topic, QueueId: -1}
	msgs[0].Queue = h
	s.hints.Store(h, msgs[0])
	return h
}

// forget drops a hint.
func (s *batchSelector) forget(h *primitive.MessageQueue) { s.hints.Delete(h) }

// Select picks the queue of a marked batch by its key, and of anything
// else as the hash selector does.
func (s *batchSelector) Select(msg *primitive.Message, mqs []*primitive.MessageQueue, last string) *primitive.MessageQueue {
	if msg.Batch && msg.Queue != nil {
		if first, ok := s.hints.Load(msg.Queue); ok {
			return s.hash.Select(first.(*primitive.Message), mqs, last)
		}
	}
	return s.hash.Select(msg, mqs, last)
}
