package rabbitmq

import (
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"
)

// watchdogScript keeps a list of pids and SIGKILLs them when its stdin
// reaches EOF without a "quit" first: the Go process that started the
// cluster died without closing it. Then it deletes the network
// namespaces it was told of (which takes their links and rules along).
const watchdogScript = `pids=""; nss=""
while read -r cmd arg; do
  case "$cmd" in
    add) pids="$pids $arg" ;;
    del) n=""; for p in $pids; do [ "$p" = "$arg" ] || n="$n $p"; done; pids="$n" ;;
    netns) nss="$nss $arg" ;;
    quit) exit 0 ;;
  esac
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done
for ns in $nss; do
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
done
`

// watchdog is the cluster's dead-man switch. Safe for concurrent use.
type watchdog struct {
	mu    sync.Mutex
	in    io.WriteCloser
	proc  *child
	close bool
}

// startWatchdog starts the watchdog; dir appears in its command line.
func startWatchdog(dir string, env []string) (*watchdog, error) {
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "brokerbench-rabbitmq-watchdog", dir)
	cmd.Env = env
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	ch, err := startChild(cmd)
	if err != nil {
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	return &watchdog{in: in, proc: ch}, nil
}

func (w *watchdog) send(cmd string, pid int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.close {
		fmt.Fprintf(w.in, "%s %d\n", cmd, pid)
	}
}

// undo asks the watchdog to remove a network namespace (what = "netns")
// if this process dies.
func (w *watchdog) undo(what, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.close {
		fmt.Fprintf(w.in, "%s %s\n", what, name)
	}
}

// add asks the watchdog to kill pid if this process dies.
func (w *watchdog) add(pid int) { w.send("add", pid) }

// del forgets pid (it was reaped).
func (w *watchdog) del(pid int) { w.send("del", pid) }

// quit stops the watchdog without killing anything, and reaps it.
func (w *watchdog) quit() {
	w.mu.Lock()
	if !w.close {
		fmt.Fprintln(w.in, "quit 0")
		w.in.Close()
		w.close = true
	}
	w.mu.Unlock()
	w.proc.stop(0, 5*time.Second)
}
