package runner

import (
	"regexp"
	"sort"
	"sync"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// errorTally counts the distinct errors clients saw, with the time each
// was first and last seen. Errors are data in a run (a broker failure is
// what the run measures), so they are kept, not logged away. Safe for
// concurrent use; only the error path takes its lock.
type errorTally struct {
	mu   sync.Mutex
	byOp map[string]*ErrorCount
}

// ErrorCount is one distinct error message seen by the clients.
type ErrorCount = summary.ErrorCount

const maxDistinctErrors = 100

func (t *errorTally) add(at int64, op string, err error) {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	// Errors that differ only in numbers (offsets, sequence numbers,
	// ports) are one kind of error: count them together, show the first.
	k := op + "\x00" + digitsRE.ReplaceAllString(msg, "#")
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byOp == nil {
		t.byOp = map[string]*ErrorCount{}
	}
	e := t.byOp[k]
	if e == nil {
		if len(t.byOp) >= maxDistinctErrors {
			k, msg = op+"\x00(other errors)", "(other errors)"
			e = t.byOp[k]
		}
		if e == nil {
			e = &ErrorCount{Op: op, Message: msg, First: float64(at) / 1e9}
			t.byOp[k] = e
		}
	}
	e.Count++
	e.Last = float64(at) / 1e9
}

// list returns the errors, most frequent first.
func (t *errorTally) list() []ErrorCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]ErrorCount, 0, len(t.byOp))
	for _, e := range t.byOp {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Message < out[j].Message
	})
	return out
}

var digitsRE = regexp.MustCompile(`[0-9]+`)
