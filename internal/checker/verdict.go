package checker

import "fmt"

// result turns the tallies into checks with verdicts and notes.
func (r *run) result() *Result {
	res := &Result{Counts: r.counts, Truncated: r.truncated, Checks: make(map[string]*Check, numChecks), Delayed: r.delayed.result()}
	for i, name := range Names() {
		t := &r.tallies[i]
		c := &Check{Count: t.count, Detail: t.detail, Examples: t.examples, InWindows: t.inWindows}
		c.Verdict, c.Note = r.verdict(i, t)
		res.Checks[name] = c
	}
	return res
}

// verdict decides check i and explains it in one line.
func (r *run) verdict(i int, t *tally) (string, string) {
	noConsumers := r.opts.Consumers == 0
	switch i {
	case idxLost:
		return r.lostVerdict(t.count)
	case idxUnseen:
		if noConsumers {
			return VerdictUnknown, "no consumers: nothing could be delivered"
		}
		if t.count > 0 {
			return VerdictUnknown, fmt.Sprintf("acked messages not delivered yet: %s; they may still arrive", r.unsettled())
		}
		return VerdictValid, ""
	case idxRecovered:
		return VerdictValid, noteIf(t.count, "sends with an unknown outcome that were delivered (not an error)")
	case idxRedelivered:
		return VerdictValid, noteIf(t.count, "allowed: flagged by the broker or after a failed consumer ack")
	case idxUnexpected:
		if t.count > 0 && t.count == t.detail["unsent"] && r.crashed() {
			return VerdictUnknown, fmt.Sprintf("deliveries of messages without a send record, but %s: a send may have lost its record", r.unsettled())
		}
	}
	switch {
	case noConsumers:
		return VerdictUnknown, "no consumers"
	case t.count > 0:
		return VerdictInvalid, invalidNotes[i]
	}
	return VerdictValid, ""
}

// invalidNotes explain the invalid verdicts of the error checks.
var invalidNotes = [numChecks]string{
	idxAbortedRead: "messages delivered though their send definitely failed",
	idxUnexpected:  "deliveries that were not ours, corrupted, or of messages never sent",
	idxDuplicate:   "messages delivered again without a redelivery flag or a failed consumer ack",
	idxReorder:     "messages first delivered after a message of the same key/partition sent after their ack",
}

// lostVerdict decides the lost check.
func (r *run) lostVerdict(n int64) (string, string) {
	switch {
	case r.opts.Consumers == 0:
		return VerdictUnknown, "no consumers: nothing could be delivered (not counted)"
	case !r.clean():
		return VerdictUnknown, r.unsettled() + ": undelivered acked messages count as unseen"
	case n > 0:
		return VerdictInvalid, fmt.Sprintf("acked messages never delivered; the drain ended %s", r.opts.DrainEnd)
	}
	return VerdictValid, ""
}

// clean reports whether the history is whole and the drain settled.
func (r *run) clean() bool { return r.opts.DrainEnd.settled() && !r.truncated }

// crashed reports whether the run may have ended before every send was
// recorded.
func (r *run) crashed() bool { return r.truncated || r.opts.DrainEnd == DrainUnknown }

// unsettled says why the history is not clean.
func (r *run) unsettled() string {
	switch {
	case r.truncated:
		return "op logs truncated (crashed run?)"
	case r.opts.DrainEnd == DrainTimeout:
		return "the drain timed out"
	case r.opts.DrainEnd == DrainUnknown:
		return "the drain end is unknown (crashed run?)"
	}
	return "the history is complete"
}

// noteIf returns note when n > 0.
func noteIf(n int64, note string) string {
	if n > 0 {
		return note
	}
	return ""
}
