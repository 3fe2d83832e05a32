package checker

import "math"

// Broadcasting checks (Options.Broadcast). Every consumer is a subscriber
// that should get every message, so each is checked alone, one after
// another: the send logs' outcomes are loaded once, and for each consumer
// the delivered and ack-failed bits are cleared, its log is merged with
// the ack events (a fresh order state), and the missing messages are
// scanned. Memory is that of one non-broadcasting check plus the combined
// tallies (at most Options.MaxExamples examples per check).

// broadcast checks each of consumers as its own subscriber and combines
// the results. r has its outcomes loaded and no delivery seen yet.
func (r *run) broadcast(consumers []consumerSpec) (*Result, error) {
	loaded, sends := r.truncated, r.counts
	r.opts.Consumers = 1 // each subscriber is one consumer
	all := newCombined(r.opts)
	for i, c := range consumers {
		if i > 0 {
			r.resetDeliveries(loaded, sends)
		}
		if err := r.pass([]consumerSpec{c}); err != nil {
			return nil, err
		}
		all.add(c.id, r)
	}
	return all.result(), nil
}

// resetDeliveries forgets what the previous subscriber's pass found,
// keeping the loaded send outcomes: truncated and sends are the state
// right after loading.
func (r *run) resetDeliveries(truncated bool, sends Counts) {
	for _, p := range r.producers {
		p.resetDeliveries()
	}
	r.counts, r.truncated = sends, truncated
	r.tallies = [numChecks]tally{}
	r.delayed = delayedTally{}
}

// resetDeliveries clears the delivered and ack-failed bits of every
// message of p and its delivered range.
func (p *producer) resetDeliveries() {
	const keep = nibOutcome | nibOutcome<<4
	for _, page := range p.nib.pages {
		for j := range page {
			page[j] &= keep
		}
	}
	p.minDel, p.maxDel, p.missing = math.MaxUint64, 0, 0
}
