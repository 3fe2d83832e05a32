package rabbitmq_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	local "github.com/brokerbench/brokerbench/compose/rabbitmq"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// cluster is the package's real 3-node RabbitMQ cluster, started once by
// TestMain and shared by every test (tests use unique queue names); nil
// when RabbitMQ is not installed, and then unavailable says why.
var (
	cluster     *local.Cluster
	unavailable string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	t0 := time.Now()
	var err error
	opts := local.DefaultOptions()
	if s := os.Getenv("BROKERBENCH_RABBITMQ_SERVER"); s != "" { // another install, or a missing one
		opts.Server = s
	}
	cluster, err = local.Start(ctx, 3, opts, compose.Env{})
	switch {
	case errors.Is(err, local.ErrNotInstalled):
		unavailable = err.Error()
	case err != nil:
		fmt.Fprintln(os.Stderr, "starting the 3-node RabbitMQ cluster:", err)
		return 1
	default:
		fmt.Fprintf(os.Stderr, "3-node RabbitMQ cluster up in %v\n", time.Since(t0).Round(time.Millisecond))
	}
	code := m.Run()
	if cluster != nil {
		dir := cluster.Dir()
		if err := cluster.Close(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "closing the cluster:", err)
			code = 1
		}
		if left := local.ProcessesUnder(dir); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "processes left behind: %v\n", left)
			code = 1
		}
	}
	return code
}

// needCluster skips t when RabbitMQ is not installed, unless CI=true,
// where a missing broker fails the test.
func needCluster(t testing.TB) {
	t.Helper()
	if unavailable == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and RabbitMQ is missing: %s", unavailable)
	}
	t.Skipf("RabbitMQ not available (set CI=true to fail instead): %s", unavailable)
}

// open opens a driver on the shared cluster with the defaults changed by
// edit; it is closed when t ends.
func open(t testing.TB, edit func(o *rabbitmq.Options)) *rabbitmq.Driver {
	t.Helper()
	needCluster(t)
	o := rabbitmq.Factory.Options().(*rabbitmq.Options)
	o.ConfirmTimeout = 10 * time.Second
	if edit != nil {
		edit(o)
	}
	if errs := o.Validate(); len(errs) > 0 {
		t.Fatalf("options: %v", errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := rabbitmq.Factory.Open(ctx, o, drivers.Env{Start: time.Now(), Endpoints: cluster.Endpoints()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d.(*rabbitmq.Driver)
}
