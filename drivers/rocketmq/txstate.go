package rocketmq

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// txState is a driver's transaction bookkeeping: counters for
// Driver.Counters and the unknown transactions awaiting their check-back.
// Safe for concurrent use; its zero value is ready.
type txState struct {
	used                               atomic.Bool // a transactional producer was opened
	commit, rollback, unknown          atomic.Int64
	checkbackCommit, checkbackRollback atomic.Int64
	uncheckedAtClose                   atomic.Int64

	mu      sync.Mutex
	owner   map[string]*TxProducer // UNIQ_KEY of an unknown message -> its producer
	waiting map[*TxProducer]int    // unknown messages per producer
	changed chan struct{}          // closed and replaced when one is checked
}

// add puts the counters into out once a transactional producer was
// opened: tx_commit, tx_rollback, tx_unknown (local transaction states
// returned), tx_checkback_commit, tx_checkback_rollback (check-back
// answers given) and tx_unchecked_at_close (unknown messages whose
// producer closed before their check-back came).
func (s *txState) add(out map[string]int64) {
	if !s.used.Load() {
		return
	}
	out["tx_commit"] = s.commit.Load()
	out["tx_rollback"] = s.rollback.Load()
	out["tx_unknown"] = s.unknown.Load()
	out["tx_checkback_commit"] = s.checkbackCommit.Load()
	out["tx_checkback_rollback"] = s.checkbackRollback.Load()
	out["tx_unchecked_at_close"] = s.uncheckedAtClose.Load()
}

// await records that p left the message with key unknown.
func (s *txState) await(key string, p *TxProducer) {
	if key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owner == nil {
		s.owner, s.waiting, s.changed = map[string]*TxProducer{}, map[*TxProducer]int{}, make(chan struct{})
	}
	if _, dup := s.owner[key]; !dup {
		s.owner[key] = p
		s.waiting[p]++
	}
}

// checked records the check-back of the message with key (any producer of
// the driver may get it).
func (s *txState) checked(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.owner[key]
	if !ok {
		return
	}
	delete(s.owner, key)
	if s.waiting[p]--; s.waiting[p] == 0 {
		delete(s.waiting, p)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitChecked waits up to limit until every unknown message of p was
// checked back, then forgets p's remaining ones and counts them in
// tx_unchecked_at_close. It reports whether p had any unknown message.
func (s *txState) waitChecked(p *TxProducer, limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	s.mu.Lock()
	had := s.waiting[p] > 0
	s.mu.Unlock()
	for {
		s.mu.Lock()
		n, changed := s.waiting[p], s.changed
		if n == 0 || limit <= 0 {
			s.forgetLocked(p)
			s.mu.Unlock()
			return had
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			limit = 0
		}
	}
}

// forgetLocked drops p's remaining unknown messages, counting them.
func (s *txState) forgetLocked(p *TxProducer) {
	if s.waiting[p] == 0 {
		return
	}
	s.uncheckedAtClose.Add(int64(s.waiting[p]))
	delete(s.waiting, p)
	for k, o := range s.owner {
		if o == p {
			delete(s.owner, k)
		}
	}
}

// txListener is the client's TransactionListener of one TxProducer: it
// returns and counts each message's decided local state, and answers
// check-backs with the decided final state. The client calls it from the
// sending goroutine (ExecuteLocalTransaction) and from its check-back
// goroutine (CheckLocalTransaction).
type txListener struct {
	d *Driver
	p *TxProducer
}

// ExecuteLocalTransaction returns the message's decided local state; an
// unknown one is awaited by the producer's Close.
func (l txListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	s := l.d.decide(m.Body).local
	switch s {
	case primitive.CommitMessageState:
		l.d.tx.commit.Add(1)
	case primitive.RollbackMessageState:
		l.d.tx.rollback.Add(1)
	default:
		l.d.tx.unknown.Add(1)
		l.d.tx.await(m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex), l.p)
	}
	return s
}

// CheckLocalTransaction answers a check-back with the message's final
// state: the check-back answer for an unknown one, and the local state
// again for one whose END_TRANSACTION the broker never got.
func (l txListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	s := l.d.decide(m.Body).final()
	if s == primitive.CommitMessageState {
		l.d.tx.checkbackCommit.Add(1)
	} else {
		l.d.tx.checkbackRollback.Add(1)
	}
	key := m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex)
	if key == "" {
		key = m.TransactionId
	}
	l.d.tx.checked(key)
	return s
}
