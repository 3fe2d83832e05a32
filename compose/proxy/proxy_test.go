package proxy

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/scenarios"
)

// echoServer echoes every connection until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func startProxy(t *testing.T) (*Proxy, string) {
	t.Helper()
	up := echoServer(t)
	p, err := Start(compose.Info{Backend: "echo", EndpointsOnly: true, Nodes: []compose.Node{{Name: "n1", Addr: up}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	addr, ok := p.Addr("n1")
	if !ok || addr == up || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("proxy address %q (upstream %s)", addr, up)
	}
	return p, addr
}

// roundTrip sends a line and waits (at most timeout) for its echo.
func roundTrip(c net.Conn, timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	_ = c.SetDeadline(t0.Add(timeout))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return 0, err
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// median of n round trips.
func medianRTT(t *testing.T, c net.Conn, n int) time.Duration {
	t.Helper()
	var d []time.Duration
	for i := 0; i < n; i++ {
		rtt, err := roundTrip(c, 5*time.Second)
		if err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
		d = append(d, rtt)
	}
	for i := range d { // insertion sort: n is small
		for j := i; j > 0 && d[j] < d[j-1]; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
	return d[len(d)/2]
}

func TestLatencyAndHeal(t *testing.T) {
	p, addr := startProxy(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	base := medianRTT(t, c, 5)
	// Another fault's toxic, which healing fault-0 must leave alone.
	if err := p.Apply("other", []string{"n1"}, scenarios.FaultSpec{Kind: scenarios.FaultSlicer, Direction: "upstream"}); err != nil {
		t.Fatal(err)
	}
	f := scenarios.FaultSpec{Kind: scenarios.FaultLatency, Latency: 50 * time.Millisecond, Direction: "downstream"}
	if err := p.Apply("fault-0", []string{"n1"}, f); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply("fault-0", []string{"n1"}, f); err == nil {
		t.Error("applying the same id twice was accepted")
	}
	slow := medianRTT(t, c, 5)
	if slow-base < 45*time.Millisecond || slow-base > 500*time.Millisecond {
		t.Errorf("50 ms downstream latency: round trip %s, baseline %s", slow, base)
	}
	if err := p.Heal("fault-0"); err != nil {
		t.Fatal(err)
	}
	if got := p.Toxics("n1"); len(got) != 1 || got[0] != "brokerbench-other-upstream" {
		t.Errorf("toxics after healing fault-0: %v", got)
	}
	if healed := medianRTT(t, c, 5); healed > base+30*time.Millisecond {
		t.Errorf("after heal: round trip %s, baseline %s", healed, base)
	}
	// Both directions: the latency is paid on the way in and out.
	f.Direction = ""
	if err := p.Apply("fault-1", []string{"n1"}, f); err != nil {
		t.Fatal(err)
	}
	if both := medianRTT(t, c, 3); both-base < 95*time.Millisecond {
		t.Errorf("50 ms both ways: round trip %s, baseline %s", both, base)
	}
	if err := p.Apply("bad", []string{"n1", "n9"}, f); err == nil || !strings.Contains(err.Error(), `no proxy for node "n9"`) {
		t.Errorf("unknown node: %v", err)
	}
	if got := p.Toxics("n1"); len(got) != 3 {
		t.Errorf("a failed Apply left toxics behind: %v", got)
	}
}

func TestResetPeer(t *testing.T) {
	p, addr := startProxy(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := roundTrip(c, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply("fault-0", []string{"n1"}, scenarios.FaultSpec{Kind: scenarios.FaultResetPeer}); err != nil {
		t.Fatal(err)
	}
	_, err = roundTrip(c, 5*time.Second)
	if err == nil {
		t.Fatal("a round trip went through reset-peer")
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("reset-peer: %v (want a connection reset)", err)
	}
	if err := p.Heal("fault-0"); err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := roundTrip(c2, 5*time.Second); err != nil {
		t.Errorf("after heal: %v", err)
	}
}

func TestTimeoutBlackholes(t *testing.T) {
	p, addr := startProxy(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := p.Apply("fault-0", []string{"n1"}, scenarios.FaultSpec{Kind: scenarios.FaultTimeout}); err != nil {
		t.Fatal(err)
	}
	_, err = roundTrip(c, 500*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("timeout fault: %v (want the read to hang until its deadline)", err)
	}
	if err := p.Heal("fault-0"); err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := roundTrip(c2, 5*time.Second); err != nil {
		t.Errorf("after heal: %v", err)
	}
}

func TestStartRefusesAdvertisingClusters(t *testing.T) {
	_, err := Start(compose.Info{Backend: "kfake", Nodes: []compose.Node{{Name: "k", Addr: "127.0.0.1:1"}}})
	if err == nil || !strings.Contains(err.Error(), "the kfake cluster cannot be proxied") {
		t.Fatalf("kfake: %v", err)
	}
}

func TestRewrite(t *testing.T) {
	addr := map[string]string{"127.0.0.1:5672": "127.0.0.1:40001", "127.0.0.1:5673": "127.0.0.1:40002"}
	got, err := Rewrite([]string{"127.0.0.1:5673", "amqp://guest:guest@127.0.0.1:5672/vh?heartbeat=5"}, addr)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "127.0.0.1:40002" || got[1] != "amqp://guest:guest@127.0.0.1:40001/vh?heartbeat=5" {
		t.Fatalf("rewritten %v", got)
	}
	if _, err := Rewrite([]string{"amqp://u:secret@10.0.0.1:5672/"}, addr); err == nil ||
		strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "10.0.0.1:5672") {
		t.Errorf("unknown URL host: %v", err)
	}
	if _, err := Rewrite([]string{"localhost:5672"}, addr); err == nil {
		t.Error("an address that is no node's was rewritten")
	}
}
