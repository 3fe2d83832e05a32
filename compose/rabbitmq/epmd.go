package rabbitmq

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"time"
)

// startEpmd starts the cluster's own epmd in the foreground on 127.0.0.1
// and waits until it accepts connections.
func (c *Cluster) startEpmd() error {
	port := strconv.Itoa(c.ports.epmd)
	cmd := exec.Command(c.tools.epmd, "-port", port, "-address", "127.0.0.1")
	cmd.Env = c.baseEnv()
	cmd.Dir = c.dir
	ch, err := startChild(cmd)
	if err != nil {
		return fmt.Errorf("starting epmd: %w", err)
	}
	c.epmd = ch
	c.dog.add(ch.pid())
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
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
