package memory

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sync/atomic"
)

// Kind is one injected misbehaviour (see Inject).
type Kind uint8

// The injection kinds. KindNone is a message treated normally.
const (
	KindNone Kind = iota
	KindDrop
	KindDuplicate
	KindRedeliver
	KindReorder
	KindCorrupt
	KindEarly
)

var kindNames = [...]string{"none", "drop", "duplicate", "redeliver", "reorder", "corrupt", "early"}

// String returns the option spelling of k ("drop", "duplicate", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Planned is one arrival index chosen for an injection.
type Planned struct {
	Index int64 // broker-wide 0-based arrival index
	Kind  Kind
}

// InjectCounts is how many injections actually happened so far. Drop,
// Duplicate, Redeliver, Reorder, Corrupt and Early count messages accepted
// at a planned arrival index (Early only delayed ones) (a redeliver-marked message gets its extra delivery once per
// consumer group that acks it). ReorderShort counts the held messages (of
// Reorder) released by ReorderMaxHold or a Close before ReorderDistance
// records followed them: they may show less reordering, or none.
type InjectCounts struct {
	Drop, Duplicate, Redeliver, Reorder, Corrupt, Early int64
	ReorderShort                                        int64
}

// plan is the fixed choice of arrival indices, plus the counters of what
// happened. Safe for concurrent use: kinds is read-only after newPlan.
type plan struct {
	from, to int64
	kinds    map[int64]Kind
	list     []Planned // sorted by index

	drop, dup, redeliver, reorder, corrupt, early, reorderShort atomic.Int64
}

// planSeedStream separates the plan's random stream from the jitter's.
const planSeedStream = 0x6262_706c_616e // "bbplan"

// newPlan draws in.total() distinct indices from [From, To) with a partial
// Fisher-Yates shuffle over a sparse map (O(total) time and memory), then
// gives the first Drop of them KindDrop, the next Duplicate KindDuplicate,
// and so on.
func newPlan(in Inject) *plan {
	p := &plan{from: in.From, to: in.To, kinds: make(map[int64]Kind, in.total())}
	k := int64(in.total())
	n := in.To - in.From
	if k == 0 || n <= 0 {
		return p
	}
	r := rand.New(rand.NewPCG(uint64(in.Seed), planSeedStream))
	moved := make(map[int64]int64, k) // virtual array a[i] = i unless moved
	at := func(i int64) int64 {
		if v, ok := moved[i]; ok {
			return v
		}
		return i
	}
	kinds := []struct {
		kind Kind
		n    int
	}{{KindDrop, in.Drop}, {KindDuplicate, in.Duplicate}, {KindRedeliver, in.Redeliver}, {KindReorder, in.Reorder}, {KindCorrupt, in.Corrupt}, {KindEarly, in.Early}}
	var i int64
	for _, c := range kinds {
		for range c.n {
			j := i + r.Int64N(n-i)
			vi, vj := at(i), at(j)
			moved[j] = vi
			idx := in.From + vj
			p.kinds[idx] = c.kind
			p.list = append(p.list, Planned{Index: idx, Kind: c.kind})
			i++
		}
	}
	slices.SortFunc(p.list, func(a, b Planned) int { return cmp.Compare(a.Index, b.Index) })
	return p
}

// kind returns the injection planned for arrival index idx. It is cheap
// outside the window.
func (p *plan) kind(idx int64) Kind {
	if idx < p.from || idx >= p.to || len(p.kinds) == 0 {
		return KindNone
	}
	return p.kinds[idx]
}

// count records that an injection of kind k happened.
func (p *plan) count(k Kind) {
	switch k {
	case KindDrop:
		p.drop.Add(1)
	case KindDuplicate:
		p.dup.Add(1)
	case KindRedeliver:
		p.redeliver.Add(1)
	case KindReorder:
		p.reorder.Add(1)
	case KindCorrupt:
		p.corrupt.Add(1)
	case KindEarly:
		p.early.Add(1)
	}
}

func (p *plan) counts() InjectCounts {
	return InjectCounts{
		Drop: p.drop.Load(), Duplicate: p.dup.Load(), Redeliver: p.redeliver.Load(),
		Reorder: p.reorder.Load(), Corrupt: p.corrupt.Load(), Early: p.early.Load(), ReorderShort: p.reorderShort.Load(),
	}
}
