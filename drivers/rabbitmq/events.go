package rabbitmq

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Event is one connection-level happening a driver saw: an error, a
// reconnect, a run of nacks (Kind is one of the Event* kinds, Node the
// host:port involved, Detail who and what the broker or client said).
// Events are data for the run's timeline, not Go errors.
type Event = drivers.Event

// Event kinds.
const (
	EventConnected      = "connected"          // a connection was opened (Detail: who; reconnects say "reconnect")
	EventDialFailed     = "dial-failed"        // a connection attempt failed
	EventConnectionLost = "connection-lost"    // an open connection closed unexpectedly
	EventChannelLost    = "channel-lost"       // a channel was closed by the broker (the connection lived on)
	EventChannelOpened  = "channel-opened"     // a producer or consumer opened a new channel after losing one
	EventUnconfirmed    = "unconfirmed"        // publishes left without a confirm by a lost connection (Detail: how many)
	EventNacks          = "nacks"              // a run of consecutive nacks started (Detail: first tag)
	EventNacksEnded     = "nacks-ended"        // a run of nacks ended with an ack (Detail: how many)
	EventNackReopen     = "nack-reopen"        // a publisher closed its channel after too many nacks
	EventConfirmTimeout = "confirm-timeout"    // a confirm did not come in time; the connection was dropped
	EventBlocked        = "blocked"            // the broker blocked publishing (resource alarm)
	EventUnblocked      = "unblocked"          // the broker unblocked publishing
	EventCancelled      = "consumer-cancelled" // the broker cancelled a consumer (queue deleted, ...); it consumes again
	EventDropped        = "events-dropped"     // the log was full; Detail says how many were not kept
)

// MaxEvents bounds the events a driver keeps; later ones are counted in
// one final EventDropped event.
const MaxEvents = 100_000

// EventLogger is drivers.EventSource: the harness reads the events after
// a run (rabbitmq.Driver implements it).
type EventLogger = drivers.EventSource

// eventLog is a bounded, concurrency-safe event list.
type eventLog struct {
	mu      sync.Mutex
	events  []Event
	dropped int
}

// add records an event now.
func (l *eventLog) add(kind, node, format string, args ...any) {
	e := Event{Time: time.Now(), Kind: kind, Node: node, Detail: fmt.Sprintf(format, args...)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) >= MaxEvents {
		l.dropped++
		return
	}
	l.events = append(l.events, e)
}

// list returns a sorted copy, with an EventDropped entry when needed.
func (l *eventLog) list() []Event {
	l.mu.Lock()
	out := append([]Event(nil), l.events...)
	dropped := l.dropped
	l.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	if dropped > 0 {
		out = append(out, Event{Time: time.Now(), Kind: EventDropped, Detail: fmt.Sprintf("%d events not kept", dropped)})
	}
	return out
}
