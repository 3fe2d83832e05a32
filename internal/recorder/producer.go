package recorder

import (
	"sync/atomic"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Producer is the recording handle of one producer. NextSeq is called by
// the producer's own goroutine only; Complete may be called from any
// goroutine (async callbacks).
type Producer struct {
	id   int
	r    *Recorder
	sh   *shard
	log  *oplog.SendWriter
	next atomic.Uint64 // next unassigned sequence number

	sent, acked, failed, unknown atomic.Int64
	mSent, mAcked                atomic.Int64
	err                          error // first op-log write error, under sh.mu
}

func (r *Recorder) openProducer(id int) error {
	f, err := r.create(oplog.SendPath(r.cfg.Dir, id))
	if err != nil {
		return err
	}
	w, err := oplog.NewSendWriter(f)
	if err != nil {
		return err
	}
	sh := r.shards[id%len(r.shards)]
	p := &Producer{id: id, r: r, sh: sh, log: w}
	sh.prods = append(sh.prods, p)
	r.prods = append(r.prods, p)
	return nil
}

// ID returns the producer id.
func (p *Producer) ID() int { return p.id }

// NextSeq assigns the next sequence number. The message must be sent after
// this call (the order checker relies on it) and completed exactly once.
func (p *Producer) NextSeq(intended int64) uint64 {
	seq := p.next.Load()
	p.r.reserve(p.id, seq)
	p.next.Store(seq + 1)
	p.sent.Add(1)
	if intended >= p.r.WarmupEnd() {
		p.mSent.Add(1)
	}
	return seq
}

// Complete records the outcome of one send. The caller fills every field of
// s but Done and Next, which Complete stamps under the shard lock so that
// Done is nondecreasing in the op log and Next is read after the outcome
// was observed. latency says whether to record publish latencies (acked
// sends; oneway send calls).
func (p *Producer) Complete(s *oplog.Send, latency bool) {
	sh := p.sh
	sh.mu.Lock()
	s.Done = p.r.Now()
	s.Next = p.next.Load()
	if s.Intended < p.r.WarmupEnd() {
		s.Flags |= oplog.FlagWarmup
	}
	if latency {
		resp, svc := s.Done-s.Intended, s.Done-s.Sent
		if record(sh.iv[0], resp) {
			sh.clamped++
		}
		record(sh.iv[1], svc)
		if s.Flags&oplog.FlagWarmup == 0 {
			record(sh.cum[0], resp)
			record(sh.cum[1], svc)
		}
	}
	if err := p.log.Write(s); err != nil && p.err == nil {
		p.err = err
	}
	sh.mu.Unlock()
	switch s.Outcome {
	case oplog.OK:
		p.acked.Add(1)
		if s.Flags&oplog.FlagWarmup == 0 {
			p.mAcked.Add(1)
		}
		p.r.acked(uint32(p.id), s.Seq)
	case oplog.Failed:
		p.failed.Add(1)
	default:
		p.unknown.Add(1)
	}
}

// Err returns the first op-log write error of this producer, if any.
func (p *Producer) Err() error {
	p.sh.mu.Lock()
	defer p.sh.mu.Unlock()
	return p.err
}

// Measured returns how many messages this producer sent and had acked
// after warm-up.
func (p *Producer) Measured() (sent, acked int64) { return p.mSent.Load(), p.mAcked.Load() }
