package runner

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// linkTolerance is how far a measured p50 rise may be from the injected
// delay. The toxic itself is exact to ~1 ms (it sleeps until 50 ms after
// it read each chunk; timers here wake every 0.5–1 ms) and the
// histograms to 0.1 %; the rest is the machine: broker, proxy and
// clients share 2 noisy cores with other work, which moves a quiet
// window's median by a ms or two, and the during window's first and last
// 1 s intervals mix in undelayed samples, which moves its median's rank
// but barely its value (the delayed samples lie within a few ms of each
// other). ±5 ms is the "within a few ms" and still tells 50 ms
// from 0 and from 100 ms.
const linkTolerance = 5 * time.Millisecond

// linkAttempts bounds the runs per direction. A burst of load from other
// processes lasting seconds (seen here: a before window with p50 13.7 ms
// and p99 542 ms) moves a window's median by more than linkTolerance, so
// a disturbed measurement is run again; a real error (the delay counted
// twice, the wrong direction, windows mixed up) fails every attempt.
const linkAttempts = 3

// linkQuietBaseline is the before-fault e2e p50 above which the machine
// is too loaded to measure a few ms: on a quiet 2-core machine it is 1–2
// ms; under a load average of 17 (other test suites running) it was
// 50–210 ms. An attempt whose baseline is above it proves nothing either
// way; if every attempt is like that the test skips, except in CI
// (CI=true), where the machine is the test's own and it fails.
const linkQuietBaseline = 10 * time.Millisecond

// TestRabbitMQLinkLatencyAccuracy runs the bundled link-latency scenario,
// shortened (3 s warm-up, then a 5 s before window, 7 s of fault, 3 s
// after), against a real 1-node RabbitMQ behind the harness's proxy,
// and checks that the injected 50 ms shows in the per-fault medians:
// downstream only (the bundled setting), the delivery is delayed once,
// so the end-to-end p50 rises by 50 ms, and so does the publish p50
// (its confirm comes back downstream) — not by 100 ms; in both
// directions each rises by 100 ms (the publish is delayed on its way in
// too). After the heal the medians are down again, and nothing is lost.
func TestRabbitMQLinkLatencyAccuracy(t *testing.T) {
	requireRabbitMQ(t)
	for _, c := range []struct {
		direction string
		e2e, pub  time.Duration // expected rise of the p50s
	}{
		{"downstream", 50 * time.Millisecond, 50 * time.Millisecond},
		{"both", 100 * time.Millisecond, 100 * time.Millisecond},
	} {
		t.Run(c.direction, func(t *testing.T) {
			var misses []string
			measured := false
			for attempt := 1; attempt <= linkAttempts; attempt++ {
				f := runLinkLatency(t, c.direction)
				t.Logf("attempt %d: %s", attempt, windowsText(f))
				if base := time.Duration(f.Before.P50E2ENs); base > linkQuietBaseline {
					misses = append(misses, fmt.Sprintf("attempt %d: baseline e2e p50 %s > %s (machine too loaded)", attempt, base, linkQuietBaseline))
					continue
				}
				measured = true
				errs := append(riseErrors("e2e", f.Before.P50E2ENs, f.During.P50E2ENs, f.After.P50E2ENs, c.e2e),
					riseErrors("publish", f.Before.P50PublishNs, f.During.P50PublishNs, f.After.P50PublishNs, c.pub)...)
				if len(errs) == 0 {
					return
				}
				misses = append(misses, fmt.Sprintf("attempt %d: %v", attempt, errs))
			}
			if !measured && os.Getenv("CI") != "true" {
				t.Skipf("no quiet attempt, accuracy not measured: %v", misses)
			}
			t.Errorf("%d attempts, none accurate:\n%v", linkAttempts, misses)
		})
	}
}

// runLinkLatency runs the shortened scenario with the fault in direction,
// checks what must hold on every attempt (passed, the fault recorded and
// healed, proxied, nothing left running) and returns the fault's stats.
func runLinkLatency(t *testing.T, direction string) summary.FaultStats {
	t.Helper()
	reg := registry.Default()
	src, _ := scenarios.BundledSource("rabbitmq-link-latency")
	sc := load(t, reg, string(src), "workload.duration=15s", "workload.warmup=3s",
		"faults.0.at=8s", "faults.0.for=7s", "faults.0.direction="+direction)
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("link latency: %s", failed(s))
	}
	if len(s.Faults) != 1 {
		t.Fatalf("faults %+v", s.Faults)
	}
	f := s.Faults[0]
	if f.Node != "rabbit1" || f.Error != "" || f.HealError != "" || f.End-f.Start < 6.5 {
		t.Fatalf("fault record %+v", f.Record)
	}
	if s.Cluster == nil || !s.Cluster.Proxied {
		t.Fatalf("cluster not proxied: %+v", s.Cluster)
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered < s.Counts.Acked { // lost 0: an expectation (Passed)
		t.Fatalf("counts %+v", s.Counts)
	}
	assertCleanEnd(t, res.Dir)
	return f
}

// riseErrors says what is wrong unless the during-fault p50 minus the
// before-fault p50 is want within linkTolerance, and the after-fault p50
// is back below half the rise (healed; the after window is short and
// not a baseline).
func riseErrors(what string, before, during, after int64, want time.Duration) []string {
	var out []string
	rise := time.Duration(during - before)
	if rise < want-linkTolerance || rise > want+linkTolerance {
		out = append(out, fmt.Sprintf("%s p50 before %s, during %s: rise %s, want %s ± %s", what,
			time.Duration(before), time.Duration(during), rise, want, linkTolerance))
	}
	if back := time.Duration(after - before); back > want/2 {
		out = append(out, fmt.Sprintf("%s p50 after the heal %s, before %s: still delayed", what,
			time.Duration(after), time.Duration(before)))
	}
	return out
}

// windowsText is the fault's p50s (and e2e p99s) for the test log.
func windowsText(f summary.FaultStats) string {
	d := func(ns int64) time.Duration { return time.Duration(ns).Round(10 * time.Microsecond) }
	return fmt.Sprintf("e2e p50 before %s during %s after %s (rise %s); publish p50 before %s during %s after %s (rise %s); e2e p99 before %s during %s",
		d(f.Before.P50E2ENs), d(f.During.P50E2ENs), d(f.After.P50E2ENs), d(f.During.P50E2ENs-f.Before.P50E2ENs),
		d(f.Before.P50PublishNs), d(f.During.P50PublishNs), d(f.After.P50PublishNs), d(f.During.P50PublishNs-f.Before.P50PublishNs),
		d(f.Before.P99E2ENs), d(f.During.P99E2ENs))
}
