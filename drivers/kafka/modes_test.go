package kafka_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/logcheck"
)

// TestModesKeyedKfake sends keyed 124-byte messages in every mode to a
// 4-partition topic of a 3-broker in-process kfake cluster (a
// Kafka-protocol stand-in, not Apache Kafka), consumes them with a group
// of two readers and asserts the checkers' verdicts: nothing lost,
// duplicated, reordered or unexpected, every message delivered, no log
// anomaly.
func TestModesKeyedKfake(t *testing.T) {
	c := startKfake(t, 3)
	for _, tc := range []struct {
		mode drivers.Mode
		n    int
	}{{drivers.ModeSync, 1500}, {drivers.ModeAsync, 5000}, {drivers.ModeOneway, 1500}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			d := openDriver(t, c.Endpoints(), nil)
			r := newTestRun(t, d, fmt.Sprintf("modes-%s-%d", tc.mode, time.Now().UnixNano()), 4, 2)
			r.produce(tc.mode, tc.n, 0, nil)
			res, lres := r.check(r.drain(20 * time.Second))
			for _, e := range first(r.sendErrs, 5) {
				t.Errorf("send error: %v", e)
			}
			for _, name := range []string{checker.CheckLost, checker.CheckUnseen, checker.CheckDuplicate,
				checker.CheckReorder, checker.CheckUnexpected, checker.CheckAbortedRead} {
				expect(r, name, res.Checks[name], 0)
			}
			if res.Counts.Delivered != int64(tc.n) {
				t.Errorf("delivered %d of %d", res.Counts.Delivered, tc.n)
			}
			if tc.mode == drivers.ModeOneway {
				expect(r, checker.CheckRecovered, res.Checks[checker.CheckRecovered], int64(tc.n))
			} else if res.Counts.Acked != int64(tc.n) {
				t.Errorf("acked %d of %d", res.Counts.Acked, tc.n)
			}
			for _, name := range logcheck.Names() {
				expect(r, "log "+name, lres.Checks[name], 0)
			}
		})
	}
}

func first[T any](s []T, n int) []T { return s[:min(len(s), n)] }
