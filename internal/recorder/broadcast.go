package recorder

import "github.com/brokerbench/brokerbench/internal/progress"

// SetBroadcast makes the recorder track every consumer's deliveries on
// its own (broadcasting consumers, each of which should get every
// message): Complete then waits until each consumer has got every acked
// message. Call it before the first message is sent and before any
// consumer records; it is not safe for concurrent use with the handles.
// It costs one more tracker (2 bits per message) per consumer.
func (r *Recorder) SetBroadcast() {
	r.subs = make([]*progress.Tracker, len(r.cons))
	for i := range r.subs {
		r.subs[i] = progress.New(r.cfg.Producers)
	}
}

// Complete reports whether every acked message has been delivered: to
// some consumer, or after SetBroadcast (with at least one consumer) to
// every consumer. Safe for concurrent use.
func (r *Recorder) Complete() bool {
	if len(r.subs) == 0 {
		return r.tracker.Complete()
	}
	for _, t := range r.subs {
		if !t.Complete() {
			return false
		}
	}
	return true
}

// reserve makes room for seq of producer p in every tracker.
func (r *Recorder) reserve(p int, seq uint64) {
	r.tracker.Reserve(p, seq)
	for _, t := range r.subs {
		t.Reserve(p, seq)
	}
}

// acked records an OK outcome in every tracker.
func (r *Recorder) acked(p uint32, seq uint64) {
	r.tracker.Acked(p, seq)
	for _, t := range r.subs {
		t.Acked(p, seq)
	}
}

// delivered records a delivery to consumer c and reports whether it was
// the first of the message to any consumer.
func (r *Recorder) delivered(c int, p uint32, seq uint64) bool {
	if c < len(r.subs) {
		r.subs[c].Delivered(p, seq)
	}
	return r.tracker.Delivered(p, seq)
}
