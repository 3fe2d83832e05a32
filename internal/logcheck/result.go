package logcheck

import (
	"sort"

	"github.com/brokerbench/brokerbench/internal/checker"
)

// Check names, in display order (see Names).
const (
	CheckOffsetTwoValues = "offset_two_values"
	CheckValueTwoOffsets = "value_two_offsets"
	CheckPollSkip        = "poll_skip"
	CheckNonMonotonic    = "non_monotonic"
)

// Detail keys.
const (
	DetailSamePartition      = "same_partition"
	DetailOtherPartition     = "other_partition"
	DetailInRebalance        = "in_rebalance"
	DetailOutsideRebalance   = "outside_rebalance"
	DetailExcusedByRebalance = "excused_by_rebalance"
)

// MaxExamples is the number of examples kept per check.
const MaxExamples = checker.DefaultMaxExamples

// Names returns the check names in display order; the slice is new on
// every call.
func Names() []string {
	return []string{CheckOffsetTwoValues, CheckValueTwoOffsets, CheckPollSkip, CheckNonMonotonic}
}

// Window is a closed interval [From, To] in ns since the run's origin
// (the op logs' clock), e.g. a consumer-group rebalance.
type Window struct {
	From int64 `json:"from_ns"`
	To   int64 `json:"to_ns"`
}

// Result is what Check found; it is shaped like checker.Result.
type Result struct {
	Counts Counts `json:"counts"`
	// Checks holds every name of Names, always.
	Checks map[string]*checker.Check `json:"checks"`
	// Truncated: some op log ended inside a record (a crashed run); it
	// was checked up to its last whole record.
	Truncated bool `json:"truncated,omitempty"`
}

// Counts are totals over the run.
type Counts struct {
	Consumers  int   `json:"consumers"`  // delivery logs read
	Deliveries int64 `json:"deliveries"` // records with a partition and an offset
	Offsets    int64 `json:"offsets"`    // distinct (partition, offset) delivered
}

// tally accumulates one check.
type tally struct {
	count    int64
	detail   map[string]int64
	examples []checker.Example
}

// hit counts one anomaly under detail key k (none when "") and reports
// whether an example of it is still wanted.
func (t *tally) hit(k string) bool {
	t.count++
	t.note(k)
	return len(t.examples) < MaxExamples
}

// note counts k in the detail only.
func (t *tally) note(k string) {
	if k == "" {
		return
	}
	if t.detail == nil {
		t.detail = map[string]int64{}
	}
	t.detail[k]++
}

// check turns the tally into a checker.Check. With no delivery carrying
// an offset the verdict is unknown: the history cannot tell.
func (t *tally) check(deliveries int64, truncated bool) *checker.Check {
	c := &checker.Check{Verdict: checker.VerdictValid, Count: t.count, Detail: t.detail}
	sort.SliceStable(t.examples, func(i, j int) bool { return t.examples[i].TimeNs < t.examples[j].TimeNs })
	c.Examples = t.examples
	switch {
	case t.count > 0:
		c.Verdict = checker.VerdictInvalid
	case deliveries == 0:
		c.Verdict, c.Note = checker.VerdictUnknown, "no delivery carried a partition and an offset"
	case truncated:
		c.Note = "some op log was truncated; checked up to its last whole record"
	}
	return c
}
