package rocketmqtest

import (
	"context"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers/memory"
	"github.com/brokerbench/brokerbench/drivers/rocketmq"
)

func startCluster(t *testing.T, nodes int, o *Options) *Cluster {
	t.Helper()
	cl, err := Factory.Start(context.Background(), nodes, o, compose.Env{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close(context.Background()) })
	return cl.(*Cluster)
}

// TestClusterNodesAndFaults: node names, stand-in label, endpoints; a
// kill closes the broker's port and its open connections, start brings it
// back on the same address, pause keeps a connection open but unanswered.
func TestClusterNodesAndFaults(t *testing.T) {
	ctx := context.Background()
	c := startCluster(t, 3, DefaultOptions())
	info := c.Info()
	if info.Backend != "rocketmq-test" || !strings.Contains(info.StandIn, "NOT Apache RocketMQ") || info.EndpointsOnly {
		t.Errorf("info %+v", info)
	}
	var names []string
	for _, n := range c.Nodes() {
		names = append(names, n.Name)
		if n.PID != 0 || n.Addr == "" {
			t.Errorf("node %+v", n)
		}
	}
	if want := []string{"broker-a", "broker-b", "broker-c"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("nodes %v, want %v", names, want)
	}
	if eps := c.Endpoints(); len(eps) != 1 || !dialOK(eps[0]) {
		t.Fatalf("endpoints %v: want the name server's address, listening", eps)
	}
	addr := c.Nodes()[1].Addr
	open, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	if err := c.Kill(ctx, "broker-b"); err != nil {
		t.Fatal(err)
	}
	if c.Running("broker-b") || dialOK(addr) {
		t.Fatal("killed broker still listens")
	}
	if !closedByPeer(open) {
		t.Fatal("a connection to the killed broker stayed open")
	}
	if err := c.Kill(ctx, "broker-b"); err != nil {
		t.Fatalf("killing a dead broker: %v", err)
	}
	if err := c.Start(ctx, "broker-b"); err != nil {
		t.Fatal(err)
	}
	if !c.Running("broker-b") || !dialOK(addr) || c.Nodes()[1].Addr != addr {
		t.Fatalf("restarted broker not listening on %s", addr)
	}
	if err := c.Stop(ctx, "broker-c"); err != nil || c.Running("broker-c") {
		t.Fatalf("stop: %v, running %v", err, c.Running("broker-c"))
	}
	if err := c.Pause(ctx, "broker-a"); err != nil {
		t.Fatal(err)
	}
	if !c.Running("broker-a") {
		t.Fatal("a paused broker is still running")
	}
	if err := c.Resume(ctx, "broker-a"); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, "broker-z"); err == nil || !strings.Contains(err.Error(), `no node "broker-z"`) {
		t.Errorf("unknown node: %v", err)
	}
	_ = c.Close(ctx)
	_ = c.Close(ctx)
	if err := c.Start(ctx, "broker-a"); err == nil || !strings.Contains(err.Error(), "cluster closed") {
		t.Errorf("start after close: %v", err)
	}
}

func dialOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// closedByPeer reports whether c reads EOF or a reset within 5 s.
func closedByPeer(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && (errors.Is(err, io.EOF) || !(errors.As(err, &ne) && ne.Timeout()))
}

func TestDriverOptions(t *testing.T) {
	c := startCluster(t, 2, DefaultOptions())
	o := rocketmq.DefaultOptions()
	got, err := c.DriverOptions("rocketmq", o)
	if err != nil {
		t.Fatal(err)
	}
	g := got.(*rocketmq.Options)
	if want := []string{c.Nodes()[0].Addr, c.Nodes()[1].Addr}; !reflect.DeepEqual(g.BrokerAddrs, want) || g.StandIn != StandIn {
		t.Errorf("filled options: broker_addrs %v (want %v), stand_in %q", g.BrokerAddrs, want, g.StandIn)
	}
	if o.BrokerAddrs != nil || o.StandIn != "" {
		t.Errorf("the scenario's options were changed: %+v", o)
	}
	mine := rocketmq.DefaultOptions()
	mine.BrokerAddrs, mine.StandIn = []string{"10.0.0.1:10911"}, "mine"
	if got, _ := c.DriverOptions("rocketmq", mine); !reflect.DeepEqual(got.(*rocketmq.Options).BrokerAddrs, mine.BrokerAddrs) || got.(*rocketmq.Options).StandIn != "mine" {
		t.Errorf("explicit broker_addrs/stand_in overridden: %+v", got)
	}
	other := rocketmq.DefaultOptions()
	other.NameServers = []string{"10.0.0.1:9876"}
	if got, _ := c.DriverOptions("rocketmq", other); got != other {
		t.Errorf("a driver using its own name servers got changed options")
	}
	mem := memory.Factory.Options()
	if got, err := c.DriverOptions("memory", mem); err != nil || got != mem {
		t.Errorf("memory driver options: %v, %v", got, err)
	}
	if _, err := c.DriverOptions("rocketmq", mem); err == nil {
		t.Error("rocketmq driver with foreign options accepted")
	}
}

func TestStartRejects(t *testing.T) {
	for _, n := range []int{0, 27} {
		if _, err := Start(n, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "want 1..26") {
			t.Errorf("%d nodes: %v", n, err)
		}
	}
	bad := DefaultOptions()
	bad.Queues = 0
	if _, err := Start(1, bad); err == nil || !strings.Contains(err.Error(), "queues") {
		t.Errorf("queues 0: %v", err)
	}
	if _, err := Factory.Start(context.Background(), 1, memory.Factory.Options(), compose.Env{}); err == nil {
		t.Error("foreign options accepted")
	}
}

func TestSeedTopics(t *testing.T) {
	o := DefaultOptions()
	o.Topics, o.Queues = []string{"seed1", "seed2"}, 3
	c := startCluster(t, 2, o)
	for i := range 2 {
		for _, topic := range o.Topics {
			if got := c.c.Broker(i).Stored(topic); len(got) != 3 {
				t.Errorf("broker %d topic %s: %d queues, want 3", i, topic, len(got))
			}
		}
		if got := c.c.Broker(i).Stored("other"); got != nil {
			t.Errorf("broker %d has a topic nobody created: %v", i, got)
		}
	}
}
