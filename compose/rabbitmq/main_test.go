package rabbitmq_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/rabbitmq"
)

// shared is the package's 3-node cluster, started once by TestMain; nil
// when RabbitMQ is not installed (then unavailable says why).
var (
	shared      *rabbitmq.Cluster
	unavailable string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "bb-compose-rabbitmq-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	t0 := time.Now()
	opts := rabbitmq.DefaultOptions()
	opts.KeepDirs = true                                        // checked after Close; dir is removed below
	if s := os.Getenv("BROKERBENCH_RABBITMQ_SERVER"); s != "" { // another install, or a missing one
		opts.Server = s
	}
	shared, err = rabbitmq.Start(ctx, 3, opts, compose.Env{Dir: dir})
	switch {
	case errors.Is(err, rabbitmq.ErrNotInstalled):
		unavailable = err.Error()
	case err != nil:
		fmt.Fprintln(os.Stderr, "starting the shared 3-node cluster:", err)
		return 1
	default:
		fmt.Fprintf(os.Stderr, "shared 3-node cluster up in %v\n", time.Since(t0).Round(time.Millisecond))
	}
	code := m.Run()
	if shared != nil {
		cdir := shared.Dir()
		t1 := time.Now()
		if err := shared.Close(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "closing the shared cluster:", err)
			code = 1
		}
		fmt.Fprintf(os.Stderr, "shared cluster closed in %v\n", time.Since(t1).Round(time.Millisecond))
		if left := rabbitmq.ProcessesUnder(cdir); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "processes left behind by the shared cluster: %v\n", left)
			code = 1
		}
		if _, err := os.Stat(filepath.Join(cdir, "rabbit1", "rabbitmq.conf")); err != nil {
			fmt.Fprintln(os.Stderr, "keep_dirs: the cluster directory is gone after Close:", err)
			code = 1
		}
	}
	return code
}

// needRabbit skips t when RabbitMQ is not installed, unless CI=true, where
// a missing broker fails the test.
func needRabbit(t *testing.T) {
	t.Helper()
	if unavailable == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and RabbitMQ is missing: %s", unavailable)
	}
	t.Skipf("RabbitMQ not available (set CI=true to fail instead): %s", unavailable)
}
