package faults

import (
	"bufio"
	"context"
	"slices"

	"encoding/json"
	"errors"
	"fmt"
	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// JournalFile is the name of the journal in a run directory. Every change
// the harness makes to the machine is appended to it before or as it is
// made (cluster processes started, nodes paused), so that `brokerbench
// heal` can undo what a crashed harness left behind.
const JournalFile = "journal.jsonl"

// Journal entry ops.
const (
	OpProcess    = "process"     // a cluster process was started: PID, Node, Match
	OpFaultStart = "fault-start" // a fault took effect: Index, Kind, Node, PID
	OpFaultHeal  = "fault-heal"  // it was healed: Index
	OpChange     = "change"      // the cluster is about to change the machine: Change
	OpUndone     = "undone"      // the cluster undid a change: Change
	OpClosed     = "closed"      // the run healed everything and stopped its cluster
	OpHealed     = "healed"      // `brokerbench heal` cleaned up after a crash
)

// Entry is one journal line.
type Entry struct {
	Op    string    `json:"op"`
	Time  time.Time `json:"time"`
	PID   int       `json:"pid,omitempty"`
	Node  string    `json:"node,omitempty"`
	Kind  string    `json:"kind,omitempty"`
	Index int       `json:"index,omitempty"`
	// Match is a string the process's command line contains (its data
	// directory inside the run directory): heal acts on a pid only when it
	// still matches, so a recycled pid is never touched.
	Match string `json:"match,omitempty"`
	// Change is a machine change (namespace, link, iptables rule) of
	// OpChange and OpUndone entries.
	Change *compose.Change `json:"change,omitempty"`
}

var _ compose.Journal = (*Journal)(nil)

// Made journals a change the cluster is about to make.
func (j *Journal) Made(c compose.Change) error { return j.Append(Entry{Op: OpChange, Change: &c}) }

// Undone journals a change the cluster undid.
func (j *Journal) Undone(c compose.Change) error { return j.Append(Entry{Op: OpUndone, Change: &c}) }

// Journal appends entries to a run's journal; each entry is written and
// synced at once. Safe for concurrent use. A nil *Journal ignores writes.
type Journal struct {
	mu sync.Mutex
	f  *os.File
}

// OpenJournal opens (creating) dir/journal.jsonl for appending.
func OpenJournal(dir string) (*Journal, error) {
	f, err := os.OpenFile(filepath.Join(dir, JournalFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	return &Journal{f: f}, nil
}

// Append writes e (stamping its time) and syncs the file.
func (j *Journal) Append(e Entry) error {
	if j == nil {
		return nil
	}
	e.Time = time.Now().UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return err
	}
	return j.f.Sync()
}

// Close closes the journal file.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	return j.f.Close()
}

// ReadJournal reads dir/journal.jsonl; a torn last line is ignored. A run
// without a journal has nothing to heal (nil, nil).
func ReadJournal(dir string) ([]Entry, error) {
	f, err := os.Open(filepath.Join(dir, JournalFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// Heal undoes what the journal of dir says is left: it resumes paused
// nodes and kills cluster processes still running, acting only on pids
// whose command line still contains the journaled match; then it undoes
// the machine changes not yet undone (iptables rules, links, network
// namespaces: newest first; see compose/netns.Undo). It returns one line
// per action taken, and appends an OpHealed entry. A run whose journal
// ends closed needs nothing.
func Heal(dir string) ([]string, error) {
	entries, err := ReadJournal(dir)
	if err != nil {
		return nil, err
	}
	procs, paused, closed := replay(entries)
	if closed {
		return nil, nil
	}
	changes := pendingChanges(entries)
	var did []string
	for pid, node := range paused {
		if m, ok := procs[pid]; ok && alive(pid, m) {
			if err := syscall.Kill(pid, syscall.SIGCONT); err == nil {
				did = append(did, fmt.Sprintf("resumed paused node %s (pid %d)", node, pid))
			}
		}
	}
	for pid, m := range procs {
		if alive(pid, m) {
			if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
				did = append(did, fmt.Sprintf("killed left-over cluster process %d", pid))
			}
		}
	}
	var errs []error
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if err := netns.Undo(context.Background(), c); err != nil {
			errs = append(errs, err)
			continue
		}
		did = append(did, "undid "+describeChange(c))
	}
	j, err := OpenJournal(dir)
	if err != nil {
		return did, errors.Join(append(errs, err)...)
	}
	defer j.Close()
	if len(errs) > 0 {
		return did, errors.Join(errs...) // not healed: a second heal tries again
	}
	return did, j.Append(Entry{Op: OpHealed})
}

// pendingChanges returns the journaled machine changes not undone, in the
// order they were made.
func pendingChanges(entries []Entry) []compose.Change {
	var out []compose.Change
	for _, e := range entries {
		if e.Change == nil {
			continue
		}
		switch e.Op {
		case OpChange:
			out = append(out, *e.Change)
		case OpUndone:
			for i := len(out) - 1; i >= 0; i-- {
				if sameChange(out[i], *e.Change) {
					out = slices.Delete(out, i, i+1)
					break
				}
			}
		}
	}
	return out
}

func sameChange(a, b compose.Change) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.NS == b.NS && slices.Equal(a.Args, b.Args)
}

func describeChange(c compose.Change) string {
	if c.Kind == compose.ChangeRule {
		return fmt.Sprintf("iptables rule in %s: %s", c.NS, strings.Join(c.Args, " "))
	}
	return c.Kind + " " + c.Name
}

// replay folds the journal: the processes started (pid → match), the
// nodes paused and not healed (pid → node), and whether the run closed.
func replay(entries []Entry) (procs map[int]string, paused map[int]string, closed bool) {
	procs, paused = map[int]string{}, map[int]string{}
	pausedByIndex := map[int][]int{} // a group fault pauses several nodes
	for _, e := range entries {
		switch e.Op {
		case OpProcess:
			procs[e.PID] = e.Match
		case OpFaultStart:
			if e.Kind == "pause" && e.PID > 0 {
				paused[e.PID] = e.Node
				pausedByIndex[e.Index] = append(pausedByIndex[e.Index], e.PID)
			}
		case OpFaultHeal:
			for _, pid := range pausedByIndex[e.Index] {
				delete(paused, pid)
			}
			delete(pausedByIndex, e.Index)
		case OpClosed, OpHealed:
			closed = true
		}
	}
	return procs, paused, closed
}

// alive reports whether pid runs and its command line contains match.
func alive(pid int, match string) bool {
	if pid <= 0 || match == "" {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && zombie(string(st)) {
		return false
	}
	return strings.Contains(strings.ReplaceAll(string(b), "\x00", " "), match)
}

// zombie reports whether a /proc/PID/stat line says the process is a
// zombie (already dead, waiting to be reaped).
func zombie(stat string) bool {
	i := strings.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
