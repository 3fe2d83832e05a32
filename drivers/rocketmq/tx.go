package rocketmq

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"time"

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
	// CheckWait bounds how long a transactional producer's Close waits for
	// the check-back of every message it left unknown: a broker checks
	// back only while a producer of the group is connected, first after
	// its transactionTimeOut (RocketMQ: 6s) and then every
	// transactionCheckInterval (60s), so closing at once would leave them
	// unresolved. Default 90s; 0 closes at once. Messages still unchecked
	// are counted in tx_unchecked_at_close.
	CheckWait time.Duration `yaml:"check_wait"`
}

// DefaultTransactionOptions returns the defaults documented on each field.
func DefaultTransactionOptions() TransactionOptions {
	return TransactionOptions{Commit: 0.8, Rollback: 0.1, Unknown: 0.1, CheckCommit: 0.5, CheckWait: 90 * time.Second}
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
	if t.CheckWait < 0 {
		errs = append(errs, drivers.OptionError{Field: "transaction.check_wait", Msg: fmt.Sprintf("must be >= 0, got %v", t.CheckWait)})
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
