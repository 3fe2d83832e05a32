package rocketmq

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"sync/atomic"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// TransactionOptions set the outcomes of transactional messages
// (drivers.KindTransactional). Each message's outcome is drawn from these
// fractions by a hash of its identity and the run seed (see decide).
type TransactionOptions struct {
	// Commit, Rollback and Unknown are the fractions of messages whose
	// local transaction ends in commit, rollback, or unknown (left to the
	// broker's check-back); each in [0,1], summing to 1. Default 0.8, 0.1,
	// 0.1.
	Commit   float64 `yaml:"commit"`
	Rollback float64 `yaml:"rollback"`
	Unknown  float64 `yaml:"unknown"`
	// CheckCommit is the fraction of unknown messages whose check-back is
	// answered with commit (the rest: rollback); in [0,1], default 0.5.
	CheckCommit float64 `yaml:"check_commit"`
}

// DefaultTransactionOptions returns the defaults documented on each field.
func DefaultTransactionOptions() TransactionOptions {
	return TransactionOptions{Commit: 0.8, Rollback: 0.1, Unknown: 0.1, CheckCommit: 0.5}
}

// txGroupSuffix makes the producer group of transactional producers
// (Options.Group + "-tx"): a broker sends its check-backs to any producer
// of the half message's group, and a plain producer of client v2.1.2 that
// got one would block on it forever.
const txGroupSuffix = "-tx"

// validate checks the fractions; field names are below "transaction.".
func (t TransactionOptions) validate() []drivers.OptionError {
	var errs []drivers.OptionError
	for _, f := range []struct {
		name string
		v    float64
	}{{"commit", t.Commit}, {"rollback", t.Rollback}, {"unknown", t.Unknown}, {"check_commit", t.CheckCommit}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			errs = append(errs, drivers.OptionError{Field: "transaction." + f.name, Msg: fmt.Sprintf("must be a fraction in [0,1], got %v", f.v)})
		}
	}
	if sum := t.Commit + t.Rollback + t.Unknown; len(errs) == 0 && math.Abs(sum-1) > 1e-9 {
		errs = append(errs, drivers.OptionError{Field: "transaction",
			Msg: fmt.Sprintf("commit + rollback + unknown must sum to 1, got %v + %v + %v = %v", t.Commit, t.Rollback, t.Unknown, sum)})
	}
	return errs
}

// txDecision is what happens to one transactional message: the state its
// local transaction returns, and what a check-back is answered.
type txDecision struct {
	local primitive.LocalTransactionState // commit, rollback or unknown
	check primitive.LocalTransactionState // commit or rollback
}

// final is the message's eventual fate: its local state, or for unknown
// the check-back answer.
func (x txDecision) final() primitive.LocalTransactionState {
	if x.local == primitive.UnknowState {
		return x.check
	}
	return x.local
}

// decide derives a message's decision from its body alone, so a
// check-back arriving much later (or on another producer of the group)
// finds the same one: a hash of the run seed and the message identity
// (the envelope's producer and sequence number; the whole body when it is
// no envelope) picks the local state by the commit/rollback/unknown
// fractions, and a second hash the check-back answer by check_commit.
func (d *Driver) decide(body []byte) txDecision {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(d.seed))
	_, _ = h.Write(b[:])
	if env, err := drivers.DecodeEnvelope(body); err == nil {
		binary.LittleEndian.PutUint64(b[:], uint64(env.Producer))
		_, _ = h.Write(b[:])
		binary.LittleEndian.PutUint64(b[:], env.Seq)
		_, _ = h.Write(b[:])
	} else {
		_, _ = h.Write(body)
	}
	x := mix64(h.Sum64())
	t := d.opts.Transaction
	local := pick(unit(x), []float64{t.Commit, t.Rollback, t.Unknown},
		[]primitive.LocalTransactionState{primitive.CommitMessageState, primitive.RollbackMessageState, primitive.UnknowState})
	check := pick(unit(mix64(x)), []float64{t.CheckCommit, 1 - t.CheckCommit},
		[]primitive.LocalTransactionState{primitive.CommitMessageState, primitive.RollbackMessageState})
	return txDecision{local: local, check: check}
}

// pick returns the state whose cumulative fraction interval holds u in
// [0,1); the last state with a non-zero fraction takes any rounding rest.
func pick(u float64, fracs []float64, states []primitive.LocalTransactionState) primitive.LocalTransactionState {
	last := len(fracs) - 1
	for last > 0 && fracs[last] == 0 {
		last--
	}
	cum := 0.0
	for i := range last {
		cum += fracs[i]
		if u < cum {
			return states[i]
		}
	}
	return states[last]
}

// mix64 is the splitmix64 finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// unit maps x to [0,1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// txCounters count transaction events for Driver.Counters; safe for
// concurrent use.
type txCounters struct {
	used                               atomic.Bool // a transactional producer was opened
	commit, rollback, unknown          atomic.Int64
	checkbackCommit, checkbackRollback atomic.Int64
}

// add puts the counters into out once a transactional producer was
// opened: tx_commit, tx_rollback, tx_unknown (local transaction states
// returned) and tx_checkback_commit, tx_checkback_rollback (check-back
// answers given).
func (c *txCounters) add(out map[string]int64) {
	if !c.used.Load() {
		return
	}
	out["tx_commit"] = c.commit.Load()
	out["tx_rollback"] = c.rollback.Load()
	out["tx_unknown"] = c.unknown.Load()
	out["tx_checkback_commit"] = c.checkbackCommit.Load()
	out["tx_checkback_rollback"] = c.checkbackRollback.Load()
}

// txListener is the client's TransactionListener for one driver: it
// returns and counts each message's decided local state, and answers
// check-backs with the decided final state. The client calls it from the
// sending goroutine (ExecuteLocalTransaction) and from its check-back
// goroutine (CheckLocalTransaction).
type txListener struct{ d *Driver }

// ExecuteLocalTransaction returns the message's decided local state.
func (l txListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	s := l.d.decide(m.Body).local
	switch s {
	case primitive.CommitMessageState:
		l.d.tx.commit.Add(1)
	case primitive.RollbackMessageState:
		l.d.tx.rollback.Add(1)
	default:
		l.d.tx.unknown.Add(1)
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
	return s
}
