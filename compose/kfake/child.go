package kfake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyTimeout bounds how long a serve process may take to print its
// ready line.
const readyTimeout = 20 * time.Second

// child is one `brokerbench serve` process started by this process. It is
// reaped by its own goroutine (exited closes then); its stderr goes to a
// log file. Methods are safe for concurrent use.
type child struct {
	cmd    *exec.Cmd
	stdin  *os.File // write end of its stdin; closing it asks it to exit
	exited chan struct{}
	err    error // the Wait result, valid once exited is closed
}

// startChild starts `self args...`, appends its stderr to logPath, waits
// for its first stdout line to start with ready and returns the rest of
// that line. Later stdout lines go to onLine (may be nil), and onEnd (may
// be nil) is called once stdout ends. The child gets SIGKILL if this
// process dies (Pdeathsig) and runs in its own process group, so a
// terminal's Ctrl-C reaches only this process, which closes it.
func startChild(ctx context.Context, self string, args []string, logPath, ready string,
	onLine func(string), onEnd func(error)) (*child, string, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, "", err
	}
	defer logf.Close()
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, "", err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, "", err
	}
	cmd := exec.Command(self, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	err = spawn(cmd)
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, "", fmt.Errorf("starting %s %s: %w", self, strings.Join(args, " "), err)
	}
	c := &child{cmd: cmd, stdin: inW, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	first := make(chan string, 1)
	go readLines(outR, first, onLine, onEnd)
	line, err := c.awaitReady(ctx, first)
	if err == nil && !strings.HasPrefix(line, ready+" ") {
		err = fmt.Errorf("unexpected first line %q", line)
	}
	if err != nil {
		c.kill()
		return nil, "", fmt.Errorf("%s %s (log %s): %w", self, strings.Join(args, " "), logPath, err)
	}
	return c, strings.TrimPrefix(line, ready+" "), nil
}

// spawner is a goroutine locked to its OS thread for good, which starts
// every child: Pdeathsig fires when the thread that forked the child
// exits, and Go ends threads whose goroutine exits while locked (as
// network-namespace code does), so children are forked from a thread
// that lives as long as the process.
var (
	spawnOnce sync.Once
	spawnCh   chan func()
)

// spawn starts cmd on the spawner thread.
func spawn(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnCh = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread must not end
			for f := range spawnCh {
				f()
			}
		}()
	})
	errc := make(chan error, 1)
	spawnCh <- func() { errc <- cmd.Start() }
	return <-errc
}

// readLines sends the first line to first, the others to onLine.
func readLines(r io.ReadCloser, first chan<- string, onLine func(string), onEnd func(error)) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	got := false
	for sc.Scan() {
		switch {
		case !got:
			got = true
			first <- sc.Text()
		case onLine != nil:
			onLine(sc.Text())
		}
	}
	if !got {
		close(first)
	}
	if onEnd != nil {
		err := sc.Err()
		if err == nil {
			err = io.EOF
		}
		onEnd(err)
	}
}

func (c *child) awaitReady(ctx context.Context, first <-chan string) (string, error) {
	t := time.NewTimer(readyTimeout)
	defer t.Stop()
	select {
	case line, ok := <-first:
		if !ok {
			<-c.exited
			return "", fmt.Errorf("exited before it was ready: %v", c.err)
		}
		return line, nil
	case <-t.C:
		return "", fmt.Errorf("not ready after %v", readyTimeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// reaped reports whether the child has exited and was reaped.
func (c *child) reaped() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// pid is the child's process id.
func (c *child) pid() int { return c.cmd.Process.Pid }

// signal sends sig unless the child was reaped.
func (c *child) signal(sig syscall.Signal) error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// wait waits until the child is reaped, or ctx ends.
func (c *child) wait(ctx context.Context) error {
	select {
	case <-c.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// kill SIGKILLs the child and waits until it is reaped.
func (c *child) kill() {
	_ = c.signal(syscall.SIGKILL)
	<-c.exited
	_ = c.stdin.Close()
}

// stop asks the child to exit (its stdin closed, SIGCONT in case it is
// stopped, SIGTERM), waits up to grace, then kills it. It returns once the
// child is reaped.
func (c *child) stop(grace time.Duration) {
	_ = c.stdin.Close()
	_ = c.signal(syscall.SIGCONT)
	_ = c.signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.exited:
	case <-t.C:
		c.kill()
	}
}
