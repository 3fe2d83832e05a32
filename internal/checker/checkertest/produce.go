package checkertest

import (
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// produce simulates one producer with a window of sends in flight and
// returns its send log in completion order. A send starts at or after the
// last event; an ack at the same time as a send is observed first, so Next
// never counts a message sent at its ack's time.
func (g *generator) produce(id uint32) []oplog.Send {
	var flight []message
	var out []oplog.Send
	t := g.step(5)
	next, n := uint64(0), uint64(g.cfg.Messages)
	for next < n || len(flight) > 0 {
		sendAt := t + g.step(3)
		first := -1 // in flight with the earliest Done
		for i := range flight {
			if first < 0 || flight[i].send.Done < flight[first].send.Done {
				first = i
			}
		}
		if next < n && len(flight) < g.cfg.Window && (first < 0 || flight[first].send.Done > sendAt) {
			t = sendAt
			flight = append(flight, g.newMessage(id, next, t))
			next++
			continue
		}
		m := flight[first]
		flight = append(flight[:first], flight[first+1:]...)
		t = max(t, m.send.Done)
		m.send.Next = next
		g.complete(&m)
		out = append(out, m.send)
		g.msgs = append(g.msgs, m)
	}
	return out
}

// newMessage starts the send of seq at time t.
func (g *generator) newMessage(id uint32, seq uint64, t int64) message {
	s := oplog.Send{Seq: seq, Intended: t - g.step(3), Sent: t, Done: t + g.cfg.Scale*(1+int64(g.rng.IntN(20)))}
	if seq < 2 {
		s.Flags |= oplog.FlagWarmup
	}
	m := message{producer: id, realPart: -1, realOffset: -1}
	if g.cfg.Keys > 0 {
		s.Flags |= oplog.FlagKeyed
		s.Key = uint32(g.rng.IntN(g.cfg.Keys))
	}
	if parts := g.cfg.Partitions; parts > 0 {
		m.realPart = int32(g.rng.IntN(parts))
		if g.cfg.Keys > 0 {
			m.realPart = int32(s.Key) % int32(parts)
		}
	}
	switch r := g.rng.Float64(); {
	case g.cfg.Oneway:
		s.Outcome = oplog.Unknown
	case r < g.cfg.PFail:
		s.Outcome = oplog.Failed
	case r < g.cfg.PFail+g.cfg.PUnknown:
		s.Outcome = oplog.Unknown
	default:
		s.Outcome = oplog.OK
	}
	m.send = s
	return m
}

// complete decides what the broker did with a finished send and fills in
// what its ack reports.
func (g *generator) complete(m *message) {
	s := &m.send
	switch s.Outcome {
	case oplog.OK:
		m.written = !g.chance(g.cfg.PDrop)
	case oplog.Failed:
		m.written = g.chance(g.cfg.PAborted)
	default:
		m.written = g.chance(g.cfg.PRecovered)
	}
	s.Partition, s.Offset = -1, -1
	if m.written {
		m.writeAt = s.Sent + int64(g.rng.Int64N(s.Done-s.Sent+1))
		if m.realPart >= 0 {
			m.realOffset = g.offsets[m.realPart]
			g.offsets[m.realPart]++
		}
	}
	if s.Outcome == oplog.OK {
		s.Offset = m.realOffset
		if !g.cfg.AckNoPartition {
			s.Partition = m.realPart
		}
	}
}
