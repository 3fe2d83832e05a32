package checker

import (
	"fmt"
	"slices"
	"strings"
)

// combined accumulates the per-subscriber results of a broadcasting check
// into one Result: counts summed, verdicts the worst, examples the
// earliest over all subscribers (naming their consumer).
type combined struct {
	opts      Options
	counts    Counts
	truncated bool
	tallies   [numChecks]tally
	worst     [numChecks]verdictOf // per check
	delayed   delayedTally
	subs      []Subscriber
}

// verdictOf is the worst verdict of a check so far, the note of the first
// subscriber that had it and every consumer that had it.
type verdictOf struct {
	verdict   string
	note      string
	consumers []uint32
}

func newCombined(opts Options) *combined { return &combined{opts: opts} }

// verdictRank orders verdicts from best to worst.
var verdictRank = map[string]int{VerdictValid: 0, VerdictUnknown: 1, VerdictInvalid: 2}

// add takes the finished pass of consumer id from r.
func (c *combined) add(id uint32, r *run) {
	res := r.result()
	sub := Subscriber{Consumer: id, Delivered: r.counts.Delivered, Deliveries: r.counts.Deliveries,
		Truncated: r.truncated, Checks: make(map[string]SubscriberCheck, numChecks)}
	if len(c.subs) == 0 {
		c.counts = r.counts
	} else {
		c.counts.Delivered += r.counts.Delivered
		c.counts.Deliveries += r.counts.Deliveries
	}
	c.truncated = c.truncated || r.truncated
	for i, name := range Names() {
		ch := res.Checks[name]
		sub.Checks[name] = SubscriberCheck{Verdict: ch.Verdict, Count: ch.Count}
		c.worst[i].see(id, ch.Verdict, ch.Note)
		c.addTally(&c.tallies[i], &r.tallies[i], id)
	}
	c.addDelayed(&r.delayed, id)
	sub.Early = r.delayed.early.count
	c.subs = append(c.subs, sub)
}

// see counts a subscriber's verdict v with note.
func (w *verdictOf) see(id uint32, v, note string) {
	switch {
	case w.verdict == "" || verdictRank[v] > verdictRank[w.verdict]:
		*w = verdictOf{verdict: v, note: note, consumers: []uint32{id}}
	case v == w.verdict:
		w.consumers = append(w.consumers, id)
		if w.note == "" {
			w.note = note
		}
	}
}

// text is the combined note: for a verdict other than valid it names the
// consumers that had it.
func (w *verdictOf) text() string {
	if w.verdict == VerdictValid || w.note == "" {
		return w.note
	}
	ids := make([]string, len(w.consumers))
	for i, id := range w.consumers {
		ids[i] = fmt.Sprint(id)
	}
	who := "consumer "
	if len(ids) > 1 {
		who = "consumers "
	}
	return who + strings.Join(ids, ", ") + ": " + w.note
}

// addTally adds the tally t of consumer id to into.
func (c *combined) addTally(into, t *tally, id uint32) {
	into.count += t.count
	for k, n := range t.detail {
		if into.detail == nil {
			into.detail = map[string]int64{}
		}
		into.detail[k] += n
	}
	if t.inWindows != nil {
		if into.inWindows == nil {
			into.inWindows = make([]int64, len(t.inWindows))
		}
		for w, n := range t.inWindows {
			into.inWindows[w] += n
		}
	}
	into.examples = c.earliest(into.examples, t.examples, id)
}

// earliest adds the examples of consumer id to have, naming the consumer,
// and keeps the MaxExamples earliest (stable: at equal times the consumer
// added first).
func (c *combined) earliest(have, more []Example, id uint32) []Example {
	for _, e := range more {
		e.Consumer = &id
		have = append(have, e)
	}
	slices.SortStableFunc(have, func(a, b Example) int {
		return int(min(max(a.TimeNs-b.TimeNs, -1), 1))
	})
	return have[:min(len(have), c.opts.MaxExamples)]
}

// addDelayed adds the delayed-message tally of consumer id.
func (c *combined) addDelayed(t *delayedTally, id uint32) {
	d := &c.delayed
	d.delivered += t.delivered
	d.earliestBy = max(d.earliestBy, t.earliestBy)
	c.addTally(&d.early, &t.early, id)
	if t.lateness == nil {
		return
	}
	if d.lateness == nil {
		d.lateness = t.lateness
		return
	}
	d.lateness.Merge(t.lateness) // same range and precision: nothing is dropped
}

// result is the combined Result.
func (c *combined) result() *Result {
	res := &Result{Counts: c.counts, Truncated: c.truncated, Checks: make(map[string]*Check, numChecks),
		Delayed: c.delayed.result(), Subscribers: c.subs}
	for i, name := range Names() {
		t := &c.tallies[i]
		res.Checks[name] = &Check{Verdict: c.worst[i].verdict, Note: c.worst[i].text(), Count: t.count,
			Detail: t.detail, Examples: t.examples, InWindows: t.inWindows}
	}
	return res
}
