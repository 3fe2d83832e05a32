package checker

// Indexes of the tallies, in Names order.
const (
	idxLost = iota
	idxUnseen
	idxRecovered
	idxAbortedRead
	idxUnexpected
	idxDuplicate
	idxRedelivered
	idxReorder
	numChecks
)

// tally accumulates one check during a run.
type tally struct {
	count     int64
	detail    map[string]int64
	examples  []Example
	inWindows []int64 // per Options.Windows
}

// run is the state of one Checker.Run.
type run struct {
	opts      Options
	producers []*producer
	byID      producerIndex
	counts    Counts
	truncated bool
	order     orderTracker
	tallies   [numChecks]tally
	delayed   delayedTally
}

// Run checks the history and returns the result. Errors are for sources
// that cannot be opened or read and for logs that break the record order
// (ErrOrder); anomalies of the broker are never errors. With
// Options.Broadcast every consumer is checked as a subscriber of its own
// (see broadcast.go).
func (c *Checker) Run(opts Options) (*Result, error) {
	opts, err := opts.normalize(len(c.consumers))
	if err != nil {
		return nil, err
	}
	r, err := c.load(opts)
	if err != nil {
		return nil, err
	}
	if opts.Broadcast && len(c.consumers) > 0 {
		return r.broadcast(c.consumers)
	}
	if err := r.pass(c.consumers); err != nil {
		return nil, err
	}
	return r.result(), nil
}

// load makes the run state and reads every send log once (first pass).
func (c *Checker) load(opts Options) (*run, error) {
	r := &run{opts: opts}
	for i, ps := range c.producers {
		r.producers = append(r.producers, newProducer(ps.id, i, ps.open))
	}
	var err error
	if r.byID, err = newProducerIndex(r.producers); err != nil {
		return nil, err
	}
	for _, p := range r.producers {
		if err := r.loadOutcomes(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// pass checks the deliveries of consumers against the loaded sends: the
// merged second pass, the scan for missing messages and their examples.
func (r *run) pass(consumers []consumerSpec) error {
	r.order = newOrderTracker()
	if err := r.merge(consumers); err != nil {
		return err
	}
	r.order = orderTracker{} // free the in-flight state before the scan
	r.scanMissing()
	return r.missingExamples()
}

// hit counts one anomaly of check i that happened at time at, under
// detail key k unless k is "", and reports whether an example of it is
// still wanted.
func (r *run) hit(i int, k string, at int64) bool {
	t := &r.tallies[i]
	t.count++
	r.window(t, at)
	if k != "" {
		if t.detail == nil {
			t.detail = map[string]int64{}
		}
		t.detail[k]++
	}
	return len(t.examples) < r.opts.MaxExamples
}

// example keeps e as an example of check i.
func (r *run) example(i int, e Example) {
	r.tallies[i].examples = append(r.tallies[i].examples, e)
}

// window counts an anomaly at time at in every window that contains it.
func (r *run) window(t *tally, at int64) {
	for w, win := range r.opts.Windows {
		if at >= win.Start && at < win.End {
			if t.inWindows == nil {
				t.inWindows = make([]int64, len(r.opts.Windows))
			}
			t.inWindows[w]++
		}
	}
}
