package kfake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// The control protocol between a processes-mode cluster and its core
// process: one request per line on the core's stdin, "<id> <command>
// <args...>", one reply per line on its stdout, "<id> ok [<result>]" or
// "<id> err <message>". Commands:
//
//	leader <topic> <partition>      → ok <node id>
//	move <topic> <partition> <node> → ok
//	down <node>                     → ok   (crash the node, see emulator)
//	up <node>                       → ok   (bring it back)
//	ping                            → ok
//
// The core exits when its stdin closes (the parent died or closed it).

// serveControl answers requests from in until it ends (EOF: the parent is
// gone) or ctx is done. Requests run one at a time.
func serveControl(ctx context.Context, em *emulator, in io.Reader, out io.Writer) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			id, rest, _ := strings.Cut(line, " ")
			res, err := runCommand(ctx, em, strings.Fields(rest))
			reply := id + " ok " + res
			if err != nil {
				reply = id + " err " + strings.ReplaceAll(err.Error(), "\n", " ")
			}
			if _, err := fmt.Fprintln(out, strings.TrimRight(reply, " ")); err != nil {
				return err
			}
		}
	}
}

// runCommand runs one control command.
func runCommand(ctx context.Context, em *emulator, f []string) (string, error) {
	arg := func(i int) (int32, error) {
		n, err := strconv.ParseInt(f[i], 10, 32)
		return int32(n), err
	}
	switch {
	case len(f) == 1 && f[0] == "ping":
		return "", nil
	case len(f) == 3 && f[0] == "leader":
		p, err := arg(2)
		if err != nil {
			return "", err
		}
		n, err := em.leader(f[1], p)
		return strconv.Itoa(int(n)), err
	case len(f) == 4 && f[0] == "move":
		p, err1 := arg(2)
		n, err2 := arg(3)
		if err := errors.Join(err1, err2); err != nil {
			return "", err
		}
		return "", em.move(f[1], p, n)
	case len(f) == 2 && (f[0] == "down" || f[0] == "up"):
		n, err := arg(1)
		if err != nil {
			return "", err
		}
		if f[0] == "down" {
			return "", em.nodeDown(ctx, n)
		}
		return "", em.nodeUp(ctx, n)
	}
	return "", fmt.Errorf("unknown command %q", strings.Join(f, " "))
}

// controlClient sends requests to a core process and matches replies by
// id, so a caller that gives up (ctx) does not desynchronise later ones.
// Safe for concurrent use.
type controlClient struct {
	mu      sync.Mutex
	w       io.Writer
	next    int
	pending map[int]chan string
	dead    error
}

func newControlClient(w io.Writer) *controlClient {
	return &controlClient{w: w, pending: map[int]chan string{}}
}

// setWriter sets where requests go (the core's stdin).
func (c *controlClient) setWriter(w io.Writer) {
	c.mu.Lock()
	c.w = w
	c.mu.Unlock()
}

// call sends cmd and returns the reply's result.
func (c *controlClient) call(ctx context.Context, cmd string) (string, error) {
	c.mu.Lock()
	if c.dead != nil || c.w == nil {
		err := c.dead
		c.mu.Unlock()
		if err == nil {
			err = errors.New("kfake core: not started")
		}
		return "", err
	}
	c.next++
	id := c.next
	ch := make(chan string, 1)
	c.pending[id] = ch
	_, err := fmt.Fprintf(c.w, "%d %s\n", id, cmd)
	c.mu.Unlock()
	if err != nil {
		c.drop(id)
		return "", fmt.Errorf("kfake core: sending %q: %w", cmd, err)
	}
	select {
	case <-ctx.Done():
		c.drop(id)
		return "", fmt.Errorf("kfake core: %q: %w", cmd, ctx.Err())
	case reply, ok := <-ch:
		if !ok {
			return "", fmt.Errorf("kfake core: %q: %w", cmd, c.err())
		}
		status, res, _ := strings.Cut(reply, " ")
		if status != "ok" {
			return "", fmt.Errorf("kfake core: %s: %s", cmd, res)
		}
		return res, nil
	}
}

func (c *controlClient) drop(id int) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *controlClient) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead
}

// onLine delivers one reply line from the core.
func (c *controlClient) onLine(line string) {
	idStr, rest, _ := strings.Cut(line, " ")
	id, err := strconv.Atoi(idStr)
	if err != nil {
		return
	}
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- rest
	}
}

// fail ends the client: the core's output ended.
func (c *controlClient) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead == nil {
		c.dead = err
	}
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
}
