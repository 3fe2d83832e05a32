package checkertest

import (
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// deliverAll lets the broker deliver every written message, with the
// configured extra deliveries and stray records, then sorts each
// consumer's log by time.
func (g *generator) deliverAll() {
	var maxT int64
	for i := range g.msgs {
		m := &g.msgs[i]
		maxT = max(maxT, m.send.Done)
		if m.written {
			g.deliverOne(m)
		}
	}
	for i := range g.msgs {
		m := &g.msgs[i]
		if g.chance(g.cfg.PUnexpected) {
			g.emit(g.anyConsumer(), oplog.Delivery{Kind: oplog.KindUnexpected,
				Time: g.rng.Int64N(maxT + 50*g.cfg.Scale + 1), Partition: m.realPart, Offset: g.rng.Int64N(100)})
		}
		if g.chance(g.cfg.PUnsent) {
			d := g.delivery(m, g.rng.Int64N(maxT+50*g.cfg.Scale+1), false)
			d.Seq = uint64(g.cfg.Messages + g.rng.IntN(5))
			if g.rng.IntN(3) == 0 {
				d.Producer = 999
			}
			g.emit(g.anyConsumer(), d)
		}
	}
	for i := range g.h.Consumers {
		sortByTime(g.h.Consumers[i].Deliveries)
	}
}

// deliverOne delivers m once, maybe late, plus its extra deliveries.
func (g *generator) deliverOne(m *message) {
	c := g.anyConsumer()
	if g.rng.IntN(5) > 0 {
		unit := int(m.realPart) + 1
		if m.send.Flags&oplog.FlagKeyed != 0 {
			unit = int(m.send.Key)
		}
		c = unit % len(g.h.Consumers)
	}
	t := m.writeAt + g.step(4)
	if g.chance(g.cfg.PLate) {
		t += g.cfg.Scale + g.step(40)
	}
	lostFirst := g.chance(g.cfg.PLostFirst)
	if lostFirst {
		t += g.cfg.Scale + g.step(40)
	}
	g.emit(c, g.delivery(m, t, lostFirst))
	if g.chance(g.cfg.PDuplicate) {
		g.emit(g.anyConsumer(), g.delivery(m, t+g.step(30), false))
	}
	if g.chance(g.cfg.PRedeliver) {
		g.emit(g.anyConsumer(), g.delivery(m, t+g.step(30), true))
	}
	if g.chance(g.cfg.PAckFail) {
		at := t + g.step(5)
		af := g.delivery(m, at, false)
		af.Kind = oplog.KindAckFailed
		g.emit(c, af)
		g.emit(g.anyConsumer(), g.delivery(m, at+g.step(10), false))
	}
}

// delivery is a delivery of m at time t.
func (g *generator) delivery(m *message, t int64, redelivered bool) oplog.Delivery {
	return oplog.Delivery{Kind: oplog.KindDelivery, Redelivered: redelivered,
		Producer: m.producer, Seq: m.send.Seq, Key: m.send.Key, Keyed: m.send.Flags&oplog.FlagKeyed != 0,
		Partition: m.realPart, Offset: m.realOffset, Time: t, Intended: m.send.Intended}
}

func (g *generator) anyConsumer() int { return g.rng.IntN(len(g.h.Consumers)) }

func (g *generator) emit(c int, d oplog.Delivery) {
	g.h.Consumers[c].Deliveries = append(g.h.Consumers[c].Deliveries, d)
}

// drain cuts the logs as the drain end says: a timeout loses the late
// deliveries; a crash (unknown end) loses everything after a moment.
func (g *generator) drain() {
	if g.cfg.DrainEnd != "timeout" && g.cfg.DrainEnd != "" {
		return
	}
	var maxT int64
	for _, c := range g.h.Consumers {
		if n := len(c.Deliveries); n > 0 {
			maxT = max(maxT, c.Deliveries[n-1].Time)
		}
	}
	cutoff := maxT - g.rng.Int64N(maxT/4+1)
	for i := range g.h.Consumers {
		c := &g.h.Consumers[i]
		for len(c.Deliveries) > 0 && c.Deliveries[len(c.Deliveries)-1].Time > cutoff {
			c.Deliveries = c.Deliveries[:len(c.Deliveries)-1]
		}
	}
	if g.cfg.DrainEnd == "" {
		for i := range g.h.Producers {
			p := &g.h.Producers[i]
			for len(p.Sends) > 0 && p.Sends[len(p.Sends)-1].Done > cutoff {
				p.Sends = p.Sends[:len(p.Sends)-1]
			}
		}
	}
}

// truncate cuts one log, dropping up to 3 records before the cut.
func (g *generator) truncate() {
	n := len(g.h.Producers) + len(g.h.Consumers)
	if n == 0 {
		return
	}
	i := g.rng.IntN(n)
	drop := g.rng.IntN(4)
	if i < len(g.h.Producers) {
		p := &g.h.Producers[i]
		p.Sends = p.Sends[:max(0, len(p.Sends)-drop)]
		p.Truncated = true
		return
	}
	c := &g.h.Consumers[i-len(g.h.Producers)]
	c.Deliveries = c.Deliveries[:max(0, len(c.Deliveries)-drop)]
	c.Truncated = true
}
