package runner

import (
	"math/rand/v2"

	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// keyPicker chooses the key of each message of one producer. Not safe for
// concurrent use (one per producer).
type keyPicker struct {
	count  int
	random bool
	rng    *rand.Rand
	n      int
	bytes  [][]byte // shared, read-only
}

// keyBytes returns the broker key of every key id: "k0", "k1", ...
// (summary.KeyName).
func keyBytes(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(summary.KeyName(uint32(i)))
	}
	return out
}

func newKeyPicker(k scenarios.Keys, seed int64, producer int, bytes [][]byte) *keyPicker {
	return &keyPicker{
		count:  k.Count,
		random: k.Pick == scenarios.PickRandom,
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(producer)+1)),
		bytes:  bytes,
		n:      producer, // round-robin starts at a different key per producer
	}
}

// next returns the key id and bytes, or ok=false for unkeyed workloads.
func (k *keyPicker) next() (id uint32, key []byte, ok bool) {
	if k.count == 0 {
		return 0, nil, false
	}
	var i int
	if k.random {
		i = k.rng.IntN(k.count)
	} else {
		i = k.n % k.count
		k.n++
	}
	return uint32(i), k.bytes[i], true
}
