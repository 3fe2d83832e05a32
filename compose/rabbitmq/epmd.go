package rabbitmq

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// startEpmd starts the cluster's own epmd in the foreground on 127.0.0.1
// (with netns: one in each node's namespace, on all its addresses) and
// waits until it accepts connections.
func (c *Cluster) startEpmd() error {
	port := strconv.Itoa(c.ports.epmd)
	if c.net == nil {
		ch, err := c.runEpmd([]string{c.tools.epmd, "-port", port, "-address", "127.0.0.1"}, "127.0.0.1:"+port)
		c.epmd = ch
		return err
	}
	for _, n := range c.nodes {
		ch, err := c.runEpmd(c.inNodeNS(n.erl, []string{c.tools.epmd, "-port", port}), n.ip+":"+port)
		if ch != nil {
			c.epmds = append(c.epmds, ch)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n.name, err)
		}
	}
	return nil
}

// runEpmd starts one epmd and waits until addr accepts connections.
func (c *Cluster) runEpmd(argv []string, addr string) (*child, error) {
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = c.baseEnv()
	cmd.Dir = c.dir
	ch, err := startChild(cmd)
	if err != nil {
		return nil, fmt.Errorf("starting epmd: %w", err)
	}
	c.dog.add(ch.pid())
	return ch, waitListening(ch, addr, port)
}

// waitListening waits up to 10s for addr to accept connections.
func waitListening(ch *child, addr, port string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-ch.exited:
			return fmt.Errorf("epmd on port %s exited at once (%v): is the port taken?", port, ch.err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("epmd on port %s not listening after 10s: %w", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
