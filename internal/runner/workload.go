package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/pacer"
	"github.com/brokerbench/brokerbench/scenarios"
)

// interruptGrace bounds the wait for outstanding sends and deliveries after
// an interrupt (Ctrl-C): long enough to keep the run meaningful, short
// enough that the user is not kept waiting.
const interruptGrace = 2 * time.Second

// phaseSpan is when one workload phase ran, in ns since the origin.
type phaseSpan struct {
	phase      scenarios.Phase
	start, end int64
	producers  []int // recorder ids
}

// workload runs the phases one after the other, then the drain.
func (r *run) workload(ctx context.Context) error {
	w := &r.sc.Workload
	start := r.rec.Now()
	r.warmupEnd = start + int64(w.Warmup)
	r.rec.SetWarmupEnd(r.warmupEnd)
	series, err := newSeriesLoop(r.rec, r.dir, r.warmupEnd, r.opts.Status)
	if err != nil {
		return err
	}
	r.series = series
	seriesStop, seriesDone := make(chan struct{}), make(chan struct{})
	go series.run(seriesStop, seriesDone)
	defer func() { close(seriesStop); <-seriesDone }()

	stopWatch := r.watchInterrupt(ctx)
	defer stopWatch()
	stopFaults, err := r.startNemesis(ctx, start)
	if err != nil {
		return err
	}
	err = r.runPhases(ctx, start)
	r.sendEnd = r.rec.Now()
	series.sendEnded(r.sendEnd)
	stopFaults() // heal before the drain, so restarted nodes can deliver
	if err != nil {
		return err
	}
	if w.Consumers > 0 {
		r.drain(ctx)
	}
	return nil
}

// runPhases runs each phase's producers for its duration (the first phase
// also for the warm-up), starting each phase when the previous one has
// finished.
func (r *run) runPhases(ctx context.Context, start int64) error {
	for i, ph := range r.sc.Workload.EffectivePhases() {
		if r.stopped() {
			return nil
		}
		from := start
		if i > 0 {
			from = r.rec.Now()
		}
		end := from + int64(ph.Duration)
		if i == 0 {
			end += int64(r.sc.Workload.Warmup)
		}
		loops, err := r.openProducers(ctx, i, ph)
		if err != nil {
			return err
		}
		r.series.setStage(ph.Name)
		sendCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		r.sendPhase(sendCtx, cancel, loops, ph, from, end)
		cancel()
		span := phaseSpan{phase: ph, start: from, end: r.rec.Now()} // before Close's own waits
		err = closeProducers(loops)
		for _, l := range loops {
			span.producers = append(span.producers, l.id)
		}
		r.phases = append(r.phases, span)
		if err != nil {
			return err
		}
	}
	return nil
}

// stopped reports whether sending was stopped early (interrupt, failure).
func (r *run) stopped() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

// watchInterrupt stops sending when ctx is cancelled (Ctrl-C).
func (r *run) watchInterrupt(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			r.interrupted.Store(true)
			r.stopSending()
		case <-done:
		}
	}()
	return func() { close(done) }
}

// sendPhase runs loops to the end of their schedule, then gives
// outstanding sends SendTimeout to complete before cancelling them.
func (r *run) sendPhase(sendCtx context.Context, cancel context.CancelFunc, loops []*producerLoop,
	ph scenarios.Phase, start, end int64) {
	var wg sync.WaitGroup
	for j, l := range loops {
		l.ctx = sendCtx
		l.pacer = newPacer(ph.Rate, start, j, len(loops))
		l.sendEnd = end
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.safely(fmt.Sprintf("producer %d", l.id), func() error { l.run(); return nil }); err != nil {
				r.setFailure(err)
			}
		}()
	}
	// Give-up timer: SendTimeout after the schedule ends (or after an
	// interrupt), sends still blocked are cancelled: their outcome is unknown.
	giveUp := make(chan time.Time, 1)
	go func() {
		grace := r.sc.Workload.SendTimeout
		select {
		case <-time.After(time.Duration(end - r.rec.Now())):
		case <-r.stop: // interrupted or failed: do not keep the user waiting
			grace = min(grace, interruptGrace)
		}
		giveUp <- time.Now().Add(grace)
		time.AfterFunc(grace, cancel)
	}()
	wg.Wait()
	deadline := <-giveUp
	for _, l := range loops {
		r.abandoned += l.awaitInFlight(deadline)
	}
}

func (r *run) setFailure(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failure == nil {
		r.failure = err
	}
}

func closeProducers(loops []*producerLoop) error {
	var first error
	for _, l := range loops {
		if err := l.prod.Close(); err != nil && first == nil {
			first = fmt.Errorf("closing producer %d: %w", l.id, err)
		}
	}
	return first
}

// drain waits for outstanding deliveries: until every acked message was
// delivered (complete; broadcasting: to every consumer), no delivery came
// for DrainQuiet (quiet), or
// DrainTimeout passed (timeout).
func (r *run) drain(ctx context.Context) {
	w := &r.sc.Workload
	timeout, quiet := w.DrainTimeout, w.DrainQuiet
	if r.interrupted.Load() && timeout > interruptGrace {
		timeout = interruptGrace
	}
	// settle: after the last acked message arrived, wait a little longer for
	// late duplicates and redeliveries before calling the drain complete.
	settle := min(quiet, 250*time.Millisecond)
	start := time.Now()
	last, lastChange := r.rec.Counters().Deliveries, start
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	done := ctx.Done()
	for {
		now := time.Now()
		if d := r.rec.Counters().Deliveries; d != last {
			last, lastChange = d, now
		}
		switch {
		case r.rec.Complete() && now.Sub(lastChange) >= settle:
			r.drainEnd = checker.DrainComplete
		case now.Sub(lastChange) >= quiet:
			r.drainEnd = checker.DrainQuiet
		case now.Sub(start) >= timeout:
			r.drainEnd = checker.DrainTimeout
		}
		if r.drainEnd != "" {
			r.drainSecs = now.Sub(start).Seconds()
			return
		}
		select {
		case <-t.C:
		case <-done:
			done = nil // interrupted while draining: finish soon
			r.interrupted.Store(true)
			timeout = min(timeout, time.Since(start)+interruptGrace)
		}
	}
}

// newPacer returns the pacer of the index-th of n producers: the rate
// split evenly across them, or closed loop for rate "max".
func newPacer(rate scenarios.Rate, start int64, index, n int) *pacer.Pacer {
	perSec := rate.PerSecond
	if rate.Max {
		perSec = 0
	}
	return pacer.New(start, perSec, index, n)
}

// startNemesis runs the expanded fault schedule (repeats, nemesis draws)
// from start; the returned function stops it and heals whatever is active.
func (r *run) startNemesis(ctx context.Context, start int64) (func(), error) {
	if len(r.sc.Faults) == 0 {
		return func() {}, nil
	}
	n, err := faults.NewSchedule(r.cluster, r.sc.FaultSchedule(), r.sc.Workload.Seed, r.rec.Now, r.dir)
	if err != nil {
		return nil, err
	}
	r.nemesis = n
	n.SetJournal(r.journal, r.clusterDir())
	if r.proxy != nil {
		n.SetLinks(r.proxy)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		n.Run(ctx, start, stop)
	}()
	return func() {
		close(stop)
		<-done
		r.healAll()
	}, nil
}

// healAll heals every active fault, with a fresh context: it runs after
// Ctrl-C and panics too.
func (r *run) healAll() {
	if r.nemesis == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), healTimeout)
	defer cancel()
	r.nemesis.HealAll(ctx)
}

// healTimeout bounds healing at the end of a run.
const healTimeout = 2 * time.Minute
