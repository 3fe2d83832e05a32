package rocketmq

import "github.com/brokerbench/brokerbench/drivers"

// Dead-letter topics: a message that failed MaxReconsumeTimes+1
// deliveries is moved by the broker to dlqTopicPrefix + group.
const dlqTopicPrefix = "%DLQ%"

// retryPicker decides which deliveries a consumer answers
// ConsumeRetryLater on purpose (RetryOptions.RetryFraction). Read-only
// after construction; safe for concurrent use.
type retryPicker struct {
	seed     uint64
	fraction float64
	exhaust  bool
}

func newRetryPicker(seed int64, o RetryOptions) retryPicker {
	return retryPicker{seed: uint64(seed), fraction: o.RetryFraction, exhaust: o.RetryExhaust}
}

// pick reports whether the delivery of the message with this body and
// reconsume count is to be answered ConsumeRetryLater: only first
// deliveries (reconsume 0) unless exhaust is set, and only messages whose
// identity hash falls below the fraction. The identity of a harness
// message is its producer, key and sequence number (envelope bytes 8..24:
// not the run nonce, so one seed picks the same messages in every run);
// any other body is hashed whole.
func (r retryPicker) pick(body []byte, reconsume int32) bool {
	if r.fraction <= 0 || (reconsume > 0 && !r.exhaust) {
		return false
	}
	if r.fraction >= 1 {
		return true
	}
	id := body
	if len(body) >= drivers.EnvelopeSize && body[0] == 'b' && body[1] == 'b' {
		id = body[8:24]
	}
	return float64(identityHash(r.seed, id)>>11)/(1<<53) < r.fraction
}

// identityHash is FNV-1a over the seed's 8 bytes and id, then the
// splitmix64 finalizer so that every bit depends on every input byte.
func identityHash(seed uint64, id []byte) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := range 8 {
		h ^= (seed >> (8 * i)) & 0xff
		h *= prime
	}
	for _, c := range id {
		h ^= uint64(c)
		h *= prime
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}
