// Package pacer computes when each message of an open-loop workload is due.
//
// The schedule is absolute: message n of producer i (of P producers sharing a
// total rate R) is due at start + (n*P + i) / R. Producers are thus staggered
// evenly and a producer that falls behind (a stalled broker, a full window)
// does not move its schedule: the messages it owes are sent at once when it
// can, and their response time (measured from the due time) shows the stall.
// Timers on these machines wake every 0.5–1 ms, so Wait sleeps only until the
// next due time and callers send every message already due before waiting
// again.
package pacer

import "time"

// Pacer is the schedule of one producer. Not safe for concurrent use.
type Pacer struct {
	start    int64   // ns since the run origin when message 0 of producer 0 is due
	period   float64 // ns between two messages of this producer
	offset   float64 // ns offset of this producer
	closed   bool    // closed loop: no schedule
	maxSleep time.Duration
}

// New returns the pacer of producer index of producers sharing ratePerSec,
// starting at start (ns since the run origin). ratePerSec <= 0 means closed
// loop: every message is due immediately.
func New(start int64, ratePerSec float64, index, producers int) *Pacer {
	if ratePerSec <= 0 {
		return &Pacer{start: start, closed: true}
	}
	if producers < 1 {
		producers = 1
	}
	total := 1e9 / ratePerSec // ns between messages of the whole workload
	return &Pacer{
		start:    start,
		period:   total * float64(producers),
		offset:   total * float64(index),
		maxSleep: 50 * time.Millisecond,
	}
}

// Closed reports whether the pacer is closed loop (no schedule).
func (p *Pacer) Closed() bool { return p.closed }

// Due returns when message n is due, in ns since the run origin. For a
// closed-loop pacer it returns the start.
func (p *Pacer) Due(n uint64) int64 {
	if p.closed {
		return p.start
	}
	return p.start + int64(p.offset+float64(n)*p.period)
}

// Wait blocks until now() >= due, sleeping in steps of at most 50 ms so that
// done is noticed. It returns the last clock reading (>= due), so the caller
// needs no second clock read to stamp the send, and false when done is
// closed first. now returns ns since the run origin.
func (p *Pacer) Wait(due int64, now func() int64, done <-chan struct{}) (int64, bool) {
	for {
		t := now()
		d := time.Duration(due - t)
		if d <= 0 {
			return t, true
		}
		if d > p.maxSleep {
			d = p.maxSleep
		}
		timer := time.NewTimer(d)
		select {
		case <-done:
			timer.Stop()
			return t, false
		case <-timer.C:
		}
	}
}
