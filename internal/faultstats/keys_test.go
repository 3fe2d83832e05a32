package faultstats

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// writeSends writes one producer's send log into dir.
func writeSends(t *testing.T, dir string, id int, sends []oplog.Send) {
	t.Helper()
	p := oplog.SendPath(dir, id)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := oplog.NewSendWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sends {
		if err := w.Write(&sends[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestKeysAffected: failed and unknown keyed sends whose outcome came
// while a fault was active count once per key and fault; acked sends,
// unkeyed sends and sends outside the window do not.
func TestKeysAffected(t *testing.T) {
	dir := t.TempDir()
	const s = int64(1e9)
	keyed := func(key uint32, out oplog.Outcome, done int64) oplog.Send {
		return oplog.Send{Key: key, Flags: oplog.FlagKeyed, Outcome: out, Partition: -1, Offset: -1, Sent: done - 1, Done: done}
	}
	writeSends(t, dir, 0, []oplog.Send{
		keyed(1, oplog.Failed, 1*s),          // before fault 0
		keyed(3, oplog.Failed, 2*s),          // fault 0
		keyed(3, oplog.Unknown, 3*s),         // fault 0, same key
		keyed(12, oplog.Unknown, 3*s),        // fault 0
		keyed(5, oplog.OK, 3*s),              // acked: not affected
		{Outcome: oplog.Failed, Done: 3 * s}, // unkeyed
		keyed(7, oplog.Failed, 4*s),          // at fault 0's end: outside
		keyed(9, oplog.Failed, 6*s),          // fault 1 (never healed: runs to sendEnd)
	})
	var many []oplog.Send
	for k := range uint32(20) {
		many = append(many, keyed(100+k, oplog.Failed, 7*s))
	}
	writeSends(t, dir, 1, many)
	recs := []faults.Record{{Index: 0, Kind: "kill", Start: 2, End: 4}, {Index: 1, Kind: "kill", Start: 5}, {Index: 2, Kind: "kill", Start: 8, End: 9}}
	st, err := Compute(dir, Input{Records: recs, SendEnd: 10})
	if err != nil {
		t.Fatal(err)
	}
	if st[0].KeysAffected != 2 || !reflect.DeepEqual(st[0].KeysAffectedFirst, []string{"k3", "k12"}) {
		t.Errorf("fault 0: %d keys %v, want 2 [k3 k12]", st[0].KeysAffected, st[0].KeysAffectedFirst)
	}
	want := []string{"k9"}
	for k := range uint32(summary.MaxKeysListed - 1) {
		want = append(want, summary.KeyName(100+k))
	}
	if st[1].KeysAffected != 21 || !reflect.DeepEqual(st[1].KeysAffectedFirst, want) {
		t.Errorf("fault 1: %d keys %v, want 21 %v", st[1].KeysAffected, st[1].KeysAffectedFirst, want)
	}
	if st[2].KeysAffected != 0 || st[2].KeysAffectedFirst != nil {
		t.Errorf("fault 2: %d keys %v, want none", st[2].KeysAffected, st[2].KeysAffectedFirst)
	}
}
