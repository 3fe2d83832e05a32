package kfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/kfake"
	"github.com/brokerbench/brokerbench/drivers"
	dkafka "github.com/brokerbench/brokerbench/drivers/kafka"
)

func TestOptionsValidate(t *testing.T) {
	if errs := kfake.DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults: %v", errs)
	}
	o := &kfake.Options{BasePort: -1, DefaultPartitions: 0, SeedTopics: []string{"ok", "not ok", ""}}
	var got []string
	for _, e := range o.Validate() {
		got = append(got, e.Field)
	}
	want := "base_port,default_partitions,seed_topics[1],seed_topics[2]"
	if strings.Join(got, ",") != want {
		t.Errorf("fields %v, want %s", got, want)
	}
}

// TestFactoryInProcess starts a cluster through the factory with seed
// topics and checks its stand-in label and what the in-process mode
// cannot do.
func TestFactoryInProcess(t *testing.T) {
	ctx := context.Background()
	o := kfake.DefaultOptions()
	o.SeedTopics = []string{"seeded"}
	o.DefaultPartitions = 2
	c, err := kfake.Factory.Start(ctx, 3, o, compose.Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	info := c.Info()
	if info.Backend != "kfake" || info.StandIn != kfake.StandIn || len(info.Nodes) != 3 || info.Nodes[0].PID != 0 {
		t.Errorf("Info() = %+v", info)
	}
	if info.Version != "" && !strings.Contains(info.Version, "kfake") { // test binaries carry no module list
		t.Errorf("version %q", info.Version)
	}
	if kfake.StandIn != dkafka.KfakeStandIn {
		t.Errorf("the driver's label %q differs from the cluster's %q", dkafka.KfakeStandIn, kfake.StandIn)
	}
	lf := c.(compose.LeaderFinder)
	for _, r := range []string{"seeded/0", "seeded/1"} {
		if _, err := lf.Leader(ctx, r); err != nil {
			t.Errorf("Leader(%s): %v", r, err)
		}
	}
	for _, r := range []string{"seeded/2", "seeded", "seeded/x", "/1"} {
		if _, err := lf.Leader(ctx, r); err == nil {
			t.Errorf("Leader(%q) succeeded", r)
		}
	}
	nc := c.(compose.NodeController)
	if err := nc.Pause(ctx, "kfake-0"); !errors.Is(err, compose.ErrUnsupported) {
		t.Errorf("in-process Pause: %v, want ErrUnsupported", err)
	}
	for _, n := range []string{"kfake-3", "kfake--1", "node-0", "kfake-"} {
		if err := nc.Kill(ctx, n); err == nil {
			t.Errorf("Kill(%q) succeeded", n)
		}
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := lf.Leader(ctx, "seeded/0"); err == nil {
		t.Error("Leader after Close succeeded")
	}
}

func TestFactoryErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := kfake.Factory.Start(ctx, 0, nil, compose.Env{}); err == nil {
		t.Error("0 nodes started")
	}
	var other drivers.Options = &dkafka.Options{}
	if _, err := kfake.Factory.Start(ctx, 1, other, compose.Env{}); err == nil {
		t.Error("foreign options accepted")
	}
}

func TestServeErrors(t *testing.T) {
	var out, errb strings.Builder
	ctx := context.Background()
	for _, args := range [][]string{
		nil, {"rabbit"}, {"kfake", "--brokers", "2", "--ports", "1"}, {"kfake", "--brokers", "0"},
		{"kfake", "--brokers", "2", "--advertise", "a:1"}, {"kfake-node", "--listen", "127.0.0.1:0"},
	} {
		if err := kfake.Serve(ctx, args, strings.NewReader(""), &out, &errb); err == nil {
			t.Errorf("Serve(%q) succeeded", args)
		}
	}
}

// TestServeControl runs `serve kfake --control` in-process: it prints its
// ready line, answers the protocol and exits when its input ends.
func TestServeControl(t *testing.T) {
	in := strings.NewReader("1 ping\n2 leader nope 0\n3 down 7\n4 bogus\n5 down 0\n6 up 0\n")
	var out strings.Builder
	var errb strings.Builder
	err := kfake.Serve(context.Background(), []string{"kfake", "--brokers", "2", "--seed-topics", "t", "--control"}, in, &out, &errb)
	if err != nil {
		t.Fatal(err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], kfake.ReadyCore+" 127.0.0.1:") {
		t.Fatalf("output %q", out.String())
	}
	for i, want := range []string{"1 ok", "2 err", "3 err", "4 err", "5 ok", "6 ok"} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("reply %d: %q, want %q...", i+1, lines[i+1], want)
		}
	}
}
