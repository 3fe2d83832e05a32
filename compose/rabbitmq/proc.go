package rabbitmq

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a process this package started, reaped by its own goroutine.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait returned (the process is reaped)
	err    error         // Wait's error, valid after exited is closed
}

// startChild starts cmd in its own process group and reaps it in the
// background.
func startChild(cmd *exec.Cmd) (*child, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// pid is the child's process id.
func (c *child) pid() int { return c.cmd.Process.Pid }

// wait waits up to d for the child to exit and be reaped.
func (c *child) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.exited:
		return true
	case <-t.C:
		return false
	}
}

// stop sends sig, waits up to grace, then SIGKILLs and waits again.
func (c *child) stop(sig syscall.Signal, grace time.Duration) {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(sig)
	if c.wait(grace) {
		return
	}
	_ = c.cmd.Process.Kill()
	c.wait(10 * time.Second)
}

// procID names a process by pid and start time, so a recycled pid is not
// mistaken for it.
type procID struct {
	pid   int
	start uint64 // clock ticks after boot (/proc/PID/stat field 22)
}

// procStat returns a process's parent pid, state and start time from
// /proc/PID/stat; ok is false when the process is gone.
func procStat(pid int) (ppid int, state byte, start uint64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	i := bytes.LastIndexByte(b, ')') // the command name may hold spaces
	if i < 0 || i+2 >= len(b) {
		return 0, 0, 0, false
	}
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 20 {
		return 0, 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	start, _ = strconv.ParseUint(f[19], 10, 64)
	return ppid, f[0][0], start, true
}

// live reports whether id still names a running (not zombie) process.
func (id procID) live() bool {
	_, state, start, ok := procStat(id.pid)
	return ok && start == id.start && state != 'Z' && state != 'X'
}

// identify returns pid's procID; ok is false when it is gone.
func identify(pid int) (procID, bool) {
	_, state, start, ok := procStat(pid)
	if !ok || state == 'Z' {
		return procID{}, false
	}
	return procID{pid, start}, true
}

// descendants lists the live descendants of pid (children, their
// children, ...), read from /proc.
func descendants(pid int) []procID {
	ents, _ := os.ReadDir("/proc")
	kids := map[int][]procID{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state, start, ok := procStat(p)
		if ok && state != 'Z' {
			kids[ppid] = append(kids[ppid], procID{p, start})
		}
	}
	var out []procID
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, k := range kids[p] {
			out = append(out, k)
			queue = append(queue, k.pid)
		}
	}
	return out
}

// killAll SIGKILLs every process of ids that is still the same process.
func killAll(ids []procID) {
	for _, id := range ids {
		if id.live() {
			_ = syscall.Kill(id.pid, syscall.SIGKILL)
		}
	}
}

// ProcessesUnder lists the pids of live processes whose command line or
// environment mentions dir: what a cluster using dir left running (every
// process a cluster starts has HOME inside its directory, helpers
// included). Tests use it to prove Close leaves nothing behind.
func ProcessesUnder(dir string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	self := os.Getpid()
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil || p == self {
			continue
		}
		if !mentions(p, dir) {
			continue
		}
		if _, ok := identify(p); ok {
			out = append(out, p)
		}
	}
	return out
}

// mentions reports whether pid's command line or environment holds s.
func mentions(pid int, s string) bool {
	for _, f := range []string{"cmdline", "environ"} {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), f))
		if err == nil && bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
