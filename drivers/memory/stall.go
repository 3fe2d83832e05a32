package memory

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// window is a stall in ns of the driver's clock, [start, end).
type window struct{ start, end int64 }

// mergeStalls turns the options' stalls into sorted, disjoint windows on the
// driver's clock; origin is Env.Start on that clock.
func mergeStalls(stalls []Stall, origin int64) []window {
	ws := make([]window, 0, len(stalls))
	for _, s := range stalls {
		ws = append(ws, window{origin + int64(s.At), origin + int64(s.At+s.For)})
	}
	slices.SortFunc(ws, func(a, b window) int { return cmp.Compare(a.start, b.start) })
	out := ws[:0]
	for _, w := range ws {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

// stallEnd returns the end of the stall covering t, and whether one does.
func (d *Driver) stallEnd(t int64) (int64, bool) {
	for _, w := range d.stalls {
		if t < w.start {
			break
		}
		if t < w.end {
			return w.end, true
		}
	}
	return 0, false
}

// deferStall moves an ack time that falls inside a stall to the stall's end.
func (d *Driver) deferStall(t int64) int64 {
	if end, ok := d.stallEnd(t); ok {
		return end
	}
	return t
}

// waitStall blocks while the broker is stalled. It returns ctx.Err() if ctx
// ends first (the send's outcome is then unknown to the caller, though the
// broker never saw it).
func (d *Driver) waitStall(ctx context.Context) error {
	for {
		end, ok := d.stallEnd(d.now())
		if !ok {
			return nil
		}
		if err := d.sleepUntil(ctx, end); err != nil {
			return err
		}
	}
}

// sleepUntil blocks until the driver's clock reaches t or ctx ends.
func (d *Driver) sleepUntil(ctx context.Context, t int64) error {
	wait := time.Duration(t - d.now())
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
