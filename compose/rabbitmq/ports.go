package rabbitmq

import (
	"fmt"
	"net"
)

// CLI calls listen on a fixed range for their own Erlang distribution
// (RABBITMQ_CTL_DIST_PORT_MIN..MAX, 35672..35682 by default): never hand
// those ports to a node.
const ctlPortMin, ctlPortMax = 35672, 35682

// portPlan is the ports of a cluster.
type portPlan struct {
	epmd int
	amqp []int // by node index
	dist []int
}

// planPorts fixes the ports from base, or picks free loopback ports when
// base is 0.
func planPorts(base, nodes int) (portPlan, error) {
	p := portPlan{amqp: make([]int, nodes), dist: make([]int, nodes)}
	if base != 0 {
		if nodes > 100 {
			return p, fmt.Errorf("base_port supports at most 100 nodes, got %d", nodes)
		}
		p.epmd = base + 200
		for i := range nodes {
			p.amqp[i], p.dist[i] = base+i, base+100+i
		}
		return p, nil
	}
	free, err := freePorts(1 + 2*nodes)
	if err != nil {
		return p, err
	}
	p.epmd = free[0]
	for i := range nodes {
		p.amqp[i], p.dist[i] = free[1+2*i], free[2+2*i]
	}
	return p, nil
}

// nsPorts is the ports of a cluster in namespaces: every node uses the
// defaults on its own address.
func nsPorts(nodes int) portPlan {
	p := portPlan{epmd: nsEpmdPort, amqp: make([]int, nodes), dist: make([]int, nodes)}
	for i := range nodes {
		p.amqp[i], p.dist[i] = nsAMQPPort, nsDistPort
	}
	return p
}

// freePorts asks the kernel for n distinct free ports on 127.0.0.1. The
// ports are released before they are used, so another process may take one
// in between; a node then fails to start with a clear error.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []int
	for len(out) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("picking a free port: %w", err)
		}
		ls = append(ls, l) // held open until all are picked: no duplicates
		if port := l.Addr().(*net.TCPAddr).Port; port < ctlPortMin || port > ctlPortMax {
			out = append(out, port)
		}
	}
	return out, nil
}
