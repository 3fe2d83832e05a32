package rmqtest

import (
	"slices"
	"time"
)

// scheduleTopic is the internal topic delayed messages wait in, one queue
// per delay level (queue n-1 for level n), as on a RocketMQ broker.
const scheduleTopic = "SCHEDULE_TOPIC_XXXX"

// defaultDelayLevels is RocketMQ's default messageDelayLevel table:
// 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h.
var defaultDelayLevels = []time.Duration{
	time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute,
	6 * time.Minute, 7 * time.Minute, 8 * time.Minute, 9 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
}

// DefaultDelayLevels returns RocketMQ's default delay table (levels 1 to
// 18: 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h), a fresh
// copy.
func DefaultDelayLevels() []time.Duration { return slices.Clone(defaultDelayLevels) }

// ScaledDelayLevels returns the default table scaled so that level 1 (1s)
// lasts level1: ScaledDelayLevels(200*time.Millisecond) gives 200ms, 1s,
// 2s, 6s, ... for tests.
func ScaledDelayLevels(level1 time.Duration) []time.Duration {
	out := DefaultDelayLevels()
	for i, d := range out {
		out[i] = time.Duration(float64(d) * float64(level1) / float64(time.Second))
	}
	return out
}

// scheduler moves due delayed messages from the schedule topic to their
// real queues. Its zero value is ready; its goroutine starts with the
// first delayed message and ends when the broker stops.
type scheduler struct {
	started bool
	wake    chan struct{} // buffered 1: a new delayed message arrived
	cursor  []int         // per level: index of the next message to move
}

// delayOf returns the delay of level (1-based) from the broker's table;
// levels past the table use its last entry, as RocketMQ does.
func (b *Broker) delayOf(level int) time.Duration {
	levels := b.cfg.DelayLevels
	return max(levels[min(level, len(levels))-1], 0)
}

// putDelayedLocked parks m in the schedule topic's queue for its level
// (REAL_TOPIC and REAL_QID keep its destination) until it is due.
func (b *Broker) putDelayedLocked(m *message, level int) {
	n := len(b.cfg.DelayLevels)
	level = min(level, n)
	m.properties = withRealPlace(m)
	m.topic, m.queueID = scheduleTopic, int32(level-1)
	m.visibleAt = time.Now().Add(b.delayOf(level)) // due time
	b.appendLocked(m, b.createTopicLocked(scheduleTopic, n))
	if len(b.sched.cursor) < n {
		b.sched.cursor = make([]int, n)
	}
	if !b.sched.started {
		b.sched.started = true
		b.sched.wake = make(chan struct{}, 1)
		b.goBackground(b.runScheduler)
	}
	select {
	case b.sched.wake <- struct{}{}:
	default:
	}
}

// runScheduler moves due messages, then sleeps until the next one is due
// or a new one arrives, until the broker stops.
func (b *Broker) runScheduler(stop <-chan struct{}) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		b.mu.Lock()
		next := b.moveDueLocked(time.Now())
		wake := b.sched.wake
		b.mu.Unlock()
		wait := time.Hour
		if !next.IsZero() {
			wait = time.Until(next)
		}
		t.Reset(wait)
		select {
		case <-wake:
		case <-t.C:
		case <-stop:
			return
		}
	}
}

// moveDueLocked moves every due message of each level to its real queue
// (a level's messages fall due in the order they were stored, since they
// share one delay) and returns when the next one falls due (zero: none
// waiting). A message whose real queue is gone is dropped.
func (b *Broker) moveDueLocked(now time.Time) time.Time {
	t := b.topics[scheduleTopic]
	if t == nil {
		return time.Time{}
	}
	var next time.Time
	for lvl, q := range t.queues {
		for b.sched.cursor[lvl] < len(q.msgs) {
			m := q.msgs[b.sched.cursor[lvl]]
			if m.visibleAt.After(now) {
				if next.IsZero() || m.visibleAt.Before(next) {
					next = m.visibleAt
				}
				break
			}
			b.moveToRealLocked(m, m.sysFlag, propDelay)
			b.sched.cursor[lvl]++
		}
	}
	return next
}

// goBackground runs f on a goroutine of the broker's server, which close
// waits for; f must return once stop is closed. It does nothing when the
// server is closed.
func (b *Broker) goBackground(f func(stop <-chan struct{})) {
	b.srv.mu.Lock()
	defer b.srv.mu.Unlock()
	if b.srv.closed {
		return
	}
	b.srv.wg.Add(1)
	go func() {
		defer b.srv.wg.Done()
		f(b.srv.stop)
	}()
}
