package checkertest

import (
	"math/rand/v2"
	"slices"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Config shapes a generated history. Probabilities are per message.
type Config struct {
	Producers int // producers, with ids that may skip numbers
	Consumers int // 0: nothing is delivered
	Messages  int // sends per producer
	Keys      int // 0: unkeyed messages
	// Partitions: 0 means partitions are unknown (-1 everywhere).
	Partitions int
	// AckNoPartition: acks report partition -1 while deliveries know it.
	AckNoPartition bool
	Window         int   // sends in flight per producer (1: sync)
	Oneway         bool  // every outcome unknown
	Scale          int64 // ns per time step; 1 makes many equal times

	PFail, PUnknown      float64 // send outcomes (else OK)
	PDrop                float64 // an OK message is never delivered
	PAborted, PRecovered float64 // a failed / unknown send is delivered anyway
	PDuplicate           float64 // an extra, unflagged delivery
	PRedeliver           float64 // an extra, flagged delivery
	PAckFail             float64 // an ack failure, then an unflagged redelivery
	PLate                float64 // a delivery delayed a lot (reorders)
	PLostFirst           float64 // the first delivery never reaches the harness: the message comes late, flagged redelivered
	PUnexpected          float64 // foreign deliveries
	PUnsent              float64 // deliveries naming messages never sent

	DrainEnd string // "complete", "quiet", "timeout" (late deliveries cut), "" (crash)
	Truncate bool   // one log is cut inside a record
}

// RandomConfig draws a small config; every anomaly is possible.
func RandomConfig(rng *rand.Rand) Config {
	p := func(max float64) float64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		return rng.Float64() * max
	}
	c := Config{
		Producers: 1 + rng.IntN(3), Consumers: rng.IntN(4), Messages: rng.IntN(40),
		Window: 1 + rng.IntN(6), Oneway: rng.IntN(12) == 0, Scale: []int64{1, 1, 1000}[rng.IntN(3)],
		PFail: p(0.15), PUnknown: p(0.15), PDrop: p(0.15), PAborted: p(0.5), PRecovered: p(0.8),
		PDuplicate: p(0.1), PRedeliver: p(0.1), PAckFail: p(0.1), PLate: p(0.2), PLostFirst: p(0.1),
		PUnexpected: p(0.05), PUnsent: p(0.05),
		DrainEnd: []string{"complete", "quiet", "quiet", "timeout", ""}[rng.IntN(5)],
		Truncate: rng.IntN(8) == 0,
	}
	if rng.IntN(10) == 0 {
		c.Consumers = 0
	} else if c.Consumers == 0 {
		c.Consumers = 1
	}
	if rng.IntN(2) == 0 {
		c.Keys = 1 + rng.IntN(4)
	}
	c.Partitions = rng.IntN(4)
	c.AckNoPartition = rng.IntN(6) == 0
	return c
}

// message is a generated send with what the broker did with it.
type message struct {
	producer   uint32
	send       oplog.Send
	realPart   int32 // partition the broker put it in; -1 unknown
	realOffset int64 // offset there; -1 unknown
	written    bool
	writeAt    int64
}

// generator builds one history.
type generator struct {
	cfg     Config
	rng     *rand.Rand
	h       *History
	offsets map[int32]int64
	msgs    []message
}

// Generate builds the history of cfg from seed; the same (seed, cfg) gives
// the same history.
func Generate(seed uint64, cfg Config) *History {
	g := &generator{cfg: cfg, rng: rand.New(rand.NewPCG(seed, 0x636865636b)),
		h: &History{DrainEnd: cfg.DrainEnd}, offsets: map[int32]int64{}}
	if g.cfg.Scale <= 0 {
		g.cfg.Scale = 1
	}
	id := uint32(0)
	for range cfg.Producers {
		id += 1 + uint32(g.rng.IntN(2))
		g.h.Producers = append(g.h.Producers, ProducerLog{ID: id, Sends: g.produce(id)})
	}
	for i := range cfg.Consumers {
		g.h.Consumers = append(g.h.Consumers, ConsumerLog{ID: uint32(i)})
	}
	if cfg.Consumers > 0 {
		g.deliverAll()
	}
	g.drain()
	if cfg.Truncate {
		g.truncate()
	}
	return g.h
}

// GenerateRandom draws a config from seed and generates its history.
func GenerateRandom(seed uint64) (*History, Config) {
	cfg := RandomConfig(rand.New(rand.NewPCG(seed, 0x636667)))
	return Generate(seed, cfg), cfg
}

// step returns a random number of time steps in [0, n) in ns.
func (g *generator) step(n int) int64 { return int64(g.rng.IntN(n)) * g.cfg.Scale }

func (g *generator) chance(p float64) bool { return p > 0 && g.rng.Float64() < p }

// sortByTime orders a consumer's records by time, keeping equal times in
// the order they were made.
func sortByTime(ds []oplog.Delivery) {
	slices.SortStableFunc(ds, func(a, b oplog.Delivery) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
}
