package kafka

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// GroupEvent is one consumer-group event seen by one consumer, the
// structured form of what Events reports (GroupEvents lists them).
type GroupEvent struct {
	// Time is when the consumer saw it (wall and monotonic clock, so
	// Time.Sub(drivers.Env.Start) is ns since the run's origin).
	Time     time.Time `json:"time"`
	Kind     string    `json:"kind"`     // one of the Group* kinds
	Group    string    `json:"group"`    // consumer group
	Consumer int       `json:"consumer"` // drivers.ConsumerConfig.ID
	// Generation is the group generation (GroupJoined), 0 otherwise.
	Generation int    `json:"generation,omitempty"`
	Member     string `json:"member,omitempty"` // member id (GroupJoined)
	// Detail: the assignment "p0@12 p3@-2" (GroupAssigned: offsets where
	// reading starts, -2 first, -1 last), or an error (GroupError).
	Detail string `json:"detail,omitempty"`
}

// Group event kinds, in the order a rebalance produces them for one
// consumer. Every one of them is a step of a rebalance.
const (
	GroupOpened        = "opened"         // the consumer was created and starts joining
	GroupGenerationEnd = "generation_end" // its generation ended (heartbeat stopped): a rebalance began
	GroupJoined        = "joined"         // it joined a new generation
	GroupAssigned      = "assigned"       // it got its partitions and starts reading them
	GroupError         = "error"          // a group operation failed (join, sync, offsets, coordinator)
	GroupClosed        = "closed"         // the consumer left the group
)

// String describes the event in one line, e.g. "consumer 1 (group g):
// joined generation 3 as member m".
func (e GroupEvent) String() string {
	s := fmt.Sprintf("consumer %d (group %s): %s", e.Consumer, e.Group, e.Kind)
	if e.Generation > 0 {
		s += fmt.Sprintf(" generation %d as member %s", e.Generation, e.Member)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// event is e as a drivers.Event: every group event is a rebalance step,
// so its kind is drivers.EventRebalance (the log checker's rebalance
// windows start from these) and the detail says which step.
func (e GroupEvent) event() drivers.Event {
	return drivers.Event{Time: e.Time, Kind: drivers.EventRebalance, Detail: e.String()}
}

// maxEvents bounds the events a driver keeps; later ones are counted in
// Dropped only.
const maxEvents = 100_000

// eventLog collects events from every consumer of a driver. Safe for
// concurrent use.
type eventLog struct {
	mu      sync.Mutex
	events  []GroupEvent
	dropped int
}

func (l *eventLog) add(e GroupEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) >= maxEvents {
		l.dropped++
		return
	}
	l.events = append(l.events, e)
}

// list returns a copy sorted by time.
func (l *eventLog) list() []GroupEvent {
	l.mu.Lock()
	out := slices.Clone(l.events)
	l.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// readerLogger turns kafka-go's reader and consumer-group log lines into
// events, and tells gen when a generation ends or an assignment starts.
// It matches kafka-go v0.4.51's format strings, which its test pins;
// other lines are ignored.
func (l *eventLog) readerLogger(group string, consumer int, gen *generation) kafka.Logger {
	return kafka.LoggerFunc(func(format string, args ...any) {
		e := GroupEvent{Time: time.Now(), Group: group, Consumer: consumer}
		switch {
		case strings.HasPrefix(format, "Joined group %s as member %s in generation %d") && len(args) == 3:
			e.Kind, e.Member = GroupJoined, fmt.Sprint(args[1])
			e.Generation, _ = args[2].(int)
			if g, ok := args[2].(int32); ok {
				e.Generation = int(g)
			}
		case strings.HasPrefix(format, "subscribed to topics and partitions:") && len(args) == 1:
			e.Kind, e.Detail = GroupAssigned, describeAssignment(args[0])
			gen.assigned()
		case strings.HasPrefix(format, "stopped heartbeat for group"):
			e.Kind = GroupGenerationEnd
			gen.ended()
		case strings.HasPrefix(format, "Failed to ") || strings.HasPrefix(format, "Unable to establish connection"):
			e.Kind, e.Detail = GroupError, fmt.Sprintf(format, args...)
		default:
			return
		}
		l.add(e)
	})
}

// describeAssignment formats kafka-go's map[topicPartition]int64 (an
// unexported key type, read through reflect) as "p0@12 p3@-2", sorted by
// partition.
func describeAssignment(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return fmt.Sprintf("%+v", v)
	}
	type po struct{ p, off int64 }
	var ps []po
	for it := rv.MapRange(); it.Next(); {
		k := it.Key()
		if k.Kind() != reflect.Struct || !it.Value().CanInt() {
			return fmt.Sprintf("%+v", v)
		}
		f := k.FieldByName("partition")
		if !f.IsValid() || !f.CanInt() {
			return fmt.Sprintf("%+v", v)
		}
		ps = append(ps, po{f.Int(), it.Value().Int()})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].p < ps[j].p })
	parts := make([]string, len(ps))
	for i, x := range ps {
		parts[i] = fmt.Sprintf("p%d@%d", x.p, x.off)
	}
	return strings.Join(parts, " ")
}
