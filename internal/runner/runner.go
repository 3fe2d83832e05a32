// Package runner executes one scenario: it opens the driver, starts the
// consumers and paced producers, writes the per-second series while the run
// goes on, drains outstanding deliveries, runs the checkers over the op logs
// and writes summary.json. Everything lands in the run directory as it is
// measured, so a run that fails midway keeps what it measured.
package runner

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/proxy"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// Options configure Run.
type Options struct {
	// ResultsDir is the base directory; the run goes to
	// ResultsDir/<scenario>/<UTC time>/. Default "results".
	ResultsDir string
	// Status receives the one-line live status every second; nil: none.
	Status io.Writer
	// Logger for harness messages; nil: discard.
	Logger *slog.Logger
	// Command is recorded in run.json.
	Command []string
	// Registry resolves the scenario's driver (and, when it implements
	// scenarios.ClusterRegistry, its cluster backend).
	Registry scenarios.Registry
	// Self is the brokerbench binary, for cluster backends that run nodes
	// as `brokerbench serve` processes; default os.Executable().
	Self string
}

// Result is where a run went and what it found.
type Result struct {
	Dir     string
	Summary *summary.Summary
}

// run is the state of one execution.
type run struct {
	sc       *scenarios.Scenario
	opts     Options
	log      *slog.Logger
	dir, id  string
	started  time.Time
	nonce    uint32
	rec      *recorder.Recorder
	drv      drivers.Driver
	info     drivers.Info
	bcast    bool // the driver's consumers each get every message (drivers.Broadcaster)
	cluster  compose.Cluster
	proxy    *proxy.Proxy // cluster.proxy: the links link faults act on
	cinfo    *compose.Info
	nemesis  *faults.Nemesis
	journal  *faults.Journal
	cons     []drivers.Consumer
	phases   []phaseSpan // the phases that ran
	series   *seriesLoop
	errs     errorTally
	usage    cpuUsage
	stop     chan struct{} // closed: stop sending early
	stopOnce sync.Once

	warmupEnd, sendEnd int64
	drainEnd           checker.DrainEnd
	drainSecs          float64
	abandoned          int
	interrupted        atomic.Bool
	mu                 sync.Mutex // guards failure
	failure            error
}

// Run executes sc. It returns an error only when no run directory could be
// made; a run that fails later still returns its Result (with
// Summary.Complete false and Summary.Error set) together with the error.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	if opts.ResultsDir == "" {
		opts.ResultsDir = "results"
	}
	r := &run{sc: sc, opts: opts, log: opts.Logger, stop: make(chan struct{}), nonce: rand.Uint32()}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r.started = time.Now()
	dir, id, err := makeRunDir(opts.ResultsDir, sc.Name, r.started)
	if err != nil {
		return nil, err
	}
	r.dir, r.id = dir, id
	if err := r.writeScenario(); err != nil {
		return &Result{Dir: dir}, err
	}
	r.usage.start()
	if err := r.safely("run", func() error { return r.execute(ctx) }); err != nil {
		r.setFailure(err)
	}
	if ctx.Err() != nil {
		r.interrupted.Store(true)
	}
	s, err := r.finish()
	r.mu.Lock()
	if r.failure != nil {
		err = r.failure
	}
	r.mu.Unlock()
	return &Result{Dir: dir, Summary: s}, err
}

// safely runs f, turning a panic into an error (with its stack), so the
// run still writes its summary and closes its files.
func (r *run) safely(what string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: panic: %v\n%s", what, p, debug.Stack())
			r.stopSending()
		}
	}()
	return f()
}

func (r *run) stopSending() { r.stopOnce.Do(func() { close(r.stop) }) }

// writeScenario stores the effective scenario, with the credentials of
// driver and cluster options redacted.
func (r *run) writeScenario() error {
	sc := *r.sc
	if red, ok := sc.Driver.Options.(drivers.Redactor); ok {
		sc.Driver.Options = red.Redacted()
	}
	if red, ok := sc.Cluster.Options.(drivers.Redactor); ok {
		sc.Cluster.Options = red.Redacted()
	}
	b, err := scenarios.Marshal(&sc)
	if err != nil {
		return fmt.Errorf("writing effective scenario: %w", err)
	}
	return os.WriteFile(filepath.Join(r.dir, summary.ScenarioFile), b, 0o644)
}

// execute opens everything, runs the workload and drains. Errors here are
// setup or I/O errors; broker failures during the run are data.
func (r *run) execute(ctx context.Context) error {
	w := &r.sc.Workload
	fac, ok := r.opts.Registry.Driver(r.sc.Driver.Name)
	if !ok {
		return fmt.Errorf("unknown driver %q", r.sc.Driver.Name)
	}
	// The cluster starts first (seconds, for real brokers): the run's time
	// origin comes after it, so the time axis of every result begins
	// when the clients begin, not during the cluster's start-up.
	if err := r.startCluster(ctx); err != nil {
		return err
	}
	origin := time.Now()
	rec, err := recorder.New(recorder.Config{
		Dir: r.dir, Producers: w.Producers * len(w.EffectivePhases()), Consumers: w.Consumers, Origin: origin,
	})
	if err != nil {
		return err
	}
	r.rec = rec
	env := drivers.Env{Start: origin, Seed: w.Seed, Logger: r.log}
	if r.cluster != nil {
		env.Endpoints = r.cluster.Endpoints()
	}
	if r.proxy != nil {
		if env.Endpoints, err = r.proxy.Endpoints(env.Endpoints); err != nil {
			return fmt.Errorf("cluster.proxy: %w", err)
		}
	}
	dopts := r.sc.Driver.Options
	if dc, ok := r.cluster.(compose.DriverConfigurer); ok {
		if dopts, err = dc.DriverOptions(r.sc.Driver.Name, dopts); err != nil {
			return fmt.Errorf("cluster %s: driver options: %w", r.sc.Cluster.Backend, err)
		}
	}
	if r.drv, err = fac.Open(ctx, dopts, env); err != nil {
		return fmt.Errorf("opening driver %s: %w", fac.Name, err)
	}
	r.info = r.drv.Info()
	if b, ok := r.drv.(drivers.Broadcaster); ok && b.Broadcasting() {
		r.bcast = true
		r.rec.SetBroadcast() // before any consumer or producer records
	}
	if r.cinfo != nil && r.cinfo.StandIn != "" && r.info.StandIn == "" {
		// The driver may be real, but the broker it talks to is not.
		r.info.StandIn = r.cinfo.StandIn
	}
	if err := r.writeRunInfo(); err != nil {
		return err
	}
	if err := r.drv.Setup(ctx, r.destinations()); err != nil {
		return fmt.Errorf("setting up destinations: %w", err)
	}
	if err := r.openConsumers(ctx); err != nil {
		return err
	}
	return r.workload(ctx)
}

func (r *run) destinations() []drivers.Destination {
	out := make([]drivers.Destination, len(r.sc.Destinations))
	for i, d := range r.sc.Destinations {
		out[i] = drivers.Destination{Name: d.Name, Partitions: d.Partitions}
	}
	return out
}

func (r *run) writeRunInfo() error {
	return summary.WriteRun(r.dir, &summary.RunInfo{
		Schema: summary.Schema, Scenario: r.sc.Name, RunID: r.id,
		Started: r.started.UTC().Format(time.RFC3339Nano), OriginUnixN: r.rec.Origin().UnixNano(),
		Command: r.opts.Command, Driver: r.info, Cluster: r.cinfo, Environment: summary.CurrentEnvironment(),
		Broadcast: r.bcast,
	})
}

// clusterDir is where the cluster keeps its data and logs; the journal
// matches its processes by it.
func (r *run) clusterDir() string { return filepath.Join(r.dir, "cluster") }

// startCluster starts the scenario's cluster, if it names one, and
// journals its processes; with cluster.proxy it puts a proxy in front of
// every node (clusters whose clients use only their endpoints).
func (r *run) startCluster(ctx context.Context) error {
	c := r.sc.Cluster
	if c.Backend == "" {
		return nil
	}
	reg, ok := r.opts.Registry.(scenarios.ClusterRegistry)
	var f compose.Factory
	if ok {
		f, ok = reg.Cluster(c.Backend)
	}
	if !ok {
		return fmt.Errorf("unknown cluster backend %q", c.Backend)
	}
	self := r.opts.Self
	if self == "" {
		self, _ = os.Executable()
	}
	env := compose.Env{Dir: r.clusterDir(), Logger: r.log, Self: self}
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return fmt.Errorf("creating the cluster directory: %w", err)
	}
	j, err := faults.OpenJournal(r.dir)
	if err != nil {
		return err
	}
	r.journal = j
	env.Journal = j
	cl, err := f.Start(ctx, c.Nodes, c.Options, env)
	if err != nil {
		return fmt.Errorf("starting the %s cluster: %w", c.Backend, err)
	}
	r.cluster = cl
	faults.JournalProcesses(j, cl, env.Dir)
	info := cl.Info()
	r.cinfo = &info
	if c.Proxy {
		// Closed in finish, before the cluster.
		if r.proxy, err = proxy.Start(info); err != nil {
			return err
		}
		r.cinfo.Proxied = true
	}
	return nil
}

func (r *run) openConsumers(ctx context.Context) error {
	w := &r.sc.Workload
	for i := 0; i < w.Consumers; i++ {
		h := deliveryHandler(r.rec.Consumer(i), r.rec.Now, &r.errs, r.nonce)
		cfg := drivers.ConsumerConfig{ID: i, Topic: w.Destination, Group: "brokerbench-" + r.sc.Name}
		c, err := r.drv.NewConsumer(ctx, cfg, h)
		if err != nil {
			return fmt.Errorf("opening consumer %d: %w", i, err)
		}
		r.cons = append(r.cons, c)
	}
	return nil
}

// openProducers opens the producers of phase index: producer ids
// index*P .. index*P+P-1, so every phase has its own op logs.
func (r *run) openProducers(ctx context.Context, index int, ph scenarios.Phase) ([]*producerLoop, error) {
	w := &r.sc.Workload
	keys := keyBytes(w.Keys.Count)
	var loops []*producerLoop
	for j := 0; j < w.Producers; j++ {
		id := index*w.Producers + j
		cfg := drivers.ProducerConfig{ID: id, Topic: w.Destination, Mode: ph.Mode, Window: ph.Window, Kind: ph.Kind.Normal()}
		p, err := r.drv.NewProducer(ctx, cfg)
		if err != nil {
			for _, l := range loops {
				l.prod.Close()
			}
			return nil, fmt.Errorf("opening producer %d: %w", id, err)
		}
		l := &producerLoop{
			id: id, rec: r.rec.Producer(id), prod: p, keys: newKeyPicker(w.Keys, w.Seed, id, keys),
			mode: ph.Mode, topic: w.Destination, size: w.MessageSize, now: r.rec.Now,
			stop: r.stop, errs: &r.errs, nonce: r.nonce,
		}
		l.init(ph.Window)
		loops = append(loops, l)
	}
	return loops, nil
}
