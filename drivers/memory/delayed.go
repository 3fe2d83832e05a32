package memory

import (
	"fmt"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// kinds are the message kinds the memory driver supports besides plain.
var kinds = []drivers.Kind{drivers.KindDelayed}

// checkKind refuses a producer kind the driver lacks, and a delayed
// producer without a delay.
func (d *Driver) checkKind(k drivers.Kind) error {
	switch k.Normal() {
	case drivers.KindPlain:
		return nil
	case drivers.KindDelayed:
		if d.opts.Delay <= 0 {
			return fmt.Errorf("memory: message kind delayed needs driver.options.delay > 0 (e.g. 1s)")
		}
		return nil
	}
	return fmt.Errorf("memory: message kind %q not supported (allowed: plain, delayed)", k)
}

// scheduled is a delayed message waiting for its time, with the
// injection to apply when it is placed in its partition.
type scheduled struct {
	due  int64 // driver clock
	part int32
	rec  record
	kind Kind
	from *producer
}

// schedule keeps r back until Delay from now, then places it in part
// (applying injection k then). One delay for all messages, stamped under
// t.mu, keeps t.sched in due order. t.mu is held.
func (t *topic) schedule(part int32, r record, k Kind, from *producer) {
	due := t.d.now() + int64(t.d.opts.Delay)
	t.sched = append(t.sched, scheduled{due: due, part: part, rec: r, kind: k, from: from})
	t.d.delayed.Add(1)
	if len(t.sched) == 1 {
		t.armSchedule(due)
	}
}

// armSchedule makes releaseScheduled run at due. An extra run (a timer
// that fired while it was re-armed) finds nothing due and is harmless.
// t.mu is held.
func (t *topic) armSchedule(due int64) {
	wait := time.Duration(due - t.d.now())
	if t.schedTimer == nil {
		t.schedTimer = time.AfterFunc(wait, t.releaseScheduled)
		return
	}
	t.schedTimer.Reset(wait)
}

// releaseScheduled places every scheduled message that is due, in order,
// and re-arms the timer for the next one. Scheduled messages outlive a
// Driver.Close: they are placed at their time (never lost, never early).
func (t *topic) releaseScheduled() {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.d.now()
	n := 0
	for n < len(t.sched) && t.sched[n].due <= now {
		s := t.sched[n]
		t.place(s.part, s.rec, s.kind, s.from)
		n++
	}
	clear(t.sched[:n])
	t.sched = t.sched[n:]
	if len(t.sched) > 0 {
		t.armSchedule(t.sched[0].due)
	}
}
