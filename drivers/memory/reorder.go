package memory

import (
	"slices"
	"time"
)

// ReorderMaxHold is the longest a reorder injection holds a message back
// before appending it, however few records followed it.
const ReorderMaxHold = time.Second

// heldMsg is a reorder injection waiting to be appended to its partition.
type heldMsg struct {
	part      int32
	rec       record
	releaseAt int64     // append once the partition's end reaches this
	from      *producer // released when this producer closes
	timer     *time.Timer
}

// hold keeps r back from part until Inject.ReorderDistance more records
// were appended there, or ReorderMaxHold passed. t.mu is held.
func (t *topic) hold(part int32, r record, from *producer) {
	p := &t.parts[part]
	h := &heldMsg{part: part, rec: r, releaseAt: p.end + int64(t.d.opts.Inject.ReorderDistance), from: from}
	p.held = append(p.held, h)
	if t.d.closed.Load() { // Close already released everything held
		t.releaseOne(h)
		return
	}
	h.timer = time.AfterFunc(ReorderMaxHold, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.releaseOne(h)
	})
}

// releaseDue appends, in hold order, every held message of part whose
// distance is reached; each append may make another due. t.mu is held.
func (t *topic) releaseDue(part int32) {
	p := &t.parts[part]
	for {
		i := slices.IndexFunc(p.held, func(h *heldMsg) bool { return p.end >= h.releaseAt })
		if i < 0 {
			return
		}
		h := p.held[i]
		p.held = slices.Delete(p.held, i, i+1)
		h.stop()
		t.appendRecord(part, h.rec)
	}
}

// releaseOne appends h now if it is still held (by a timeout or a Close),
// counting it short when its distance was not reached. t.mu is held.
func (t *topic) releaseOne(h *heldMsg) {
	p := &t.parts[h.part]
	i := slices.Index(p.held, h)
	if i < 0 {
		return
	}
	p.held = slices.Delete(p.held, i, i+1)
	h.stop()
	if p.end < h.releaseAt {
		t.d.plan.reorderShort.Add(1)
	}
	t.appendRecord(h.part, h.rec)
	t.appended(h.part)
}

// releaseHeld appends now every held message that keep selects.
func (t *topic) releaseHeld(keep func(*heldMsg) bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var hs []*heldMsg
	for i := range t.parts {
		for _, h := range t.parts[i].held {
			if keep(h) {
				hs = append(hs, h)
			}
		}
	}
	for _, h := range hs {
		t.releaseOne(h)
	}
}

func (h *heldMsg) stop() {
	if h.timer != nil {
		h.timer.Stop()
	}
}
