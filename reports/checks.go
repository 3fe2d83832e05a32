package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// WriteChecks writes the checkers' verdicts with a few examples each.
func WriteChecks(w io.Writer, s *summary.Summary) {
	ew := asErrWriter(w)
	ew.printf("\nchecks\n")
	if s.ChecksTruncated {
		ew.printf("  (an op log ended inside a record: checked up to its last whole record)\n")
	}
	if s.Workload.Broadcast {
		ew.printf("  (broadcasting consumers: each is checked as a subscriber of its own; counts are summed\n" +
			"   over them, e.g. lost 2 = two (consumer, message) pairs, and verdicts are the worst)\n")
	}
	for _, name := range checkNames() {
		c, ok := s.Checks[name]
		if !ok {
			continue
		}
		ew.printf("  %-13s %-8s %8d", name, c.Verdict, c.Count)
		if d := detailText(c.Detail); d != "" {
			ew.printf("  (%s)", d)
		}
		if c.Note != "" {
			ew.printf("  — %s", c.Note)
		}
		ew.printf("\n")
		for _, ex := range c.Examples {
			ew.printf("      at %8.3fs  %s\n", float64(ex.TimeNs)/1e9, exampleText(ex))
		}
	}
	writeSubscribers(ew, s)
}

func detailText(d map[string]int64) string {
	if len(d) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, d[k])
	}
	return strings.Join(parts, ", ")
}

func exampleText(ex checker.Example) string {
	var b strings.Builder
	if ex.Consumer != nil {
		fmt.Fprintf(&b, "consumer %d: ", *ex.Consumer)
	}
	fmt.Fprintf(&b, "producer %d seq %d", ex.Producer, ex.Seq)
	if ex.Key != nil {
		fmt.Fprintf(&b, " key k%d", *ex.Key)
	}
	if ex.Partition >= 0 {
		fmt.Fprintf(&b, " partition %d", ex.Partition)
	}
	if ex.Offset >= 0 {
		fmt.Fprintf(&b, " offset %d", ex.Offset)
	}
	if ex.Detail != "" {
		b.WriteString(": " + ex.Detail)
	}
	return b.String()
}

// WriteExpectations writes each expectation with its value and whether it
// holds.
func WriteExpectations(w io.Writer, s *summary.Summary) {
	ew := asErrWriter(w)
	ew.printf("\nexpectations\n")
	if len(s.Expectations) == 0 {
		ew.printf("  (none)\n")
	}
	for _, e := range s.Expectations {
		mark := "ok  "
		if !e.Holds {
			mark = "FAIL"
		}
		val := fmt.Sprintf("%g", e.Value)
		if !e.Known {
			val = "unknown (" + e.Note + ")"
		}
		ew.printf("  %s %-28s value %s   [%s]\n", mark, e.Expect, val, e.Where)
	}
}

func asErrWriter(w io.Writer) *errWriter {
	if ew, ok := w.(*errWriter); ok {
		return ew
	}
	return &errWriter{w: w}
}

// checkNames are the queue checks then the log checks, in display order.
func checkNames() []string { return append(checker.Names(), logcheck.Names()...) }
