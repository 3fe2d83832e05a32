package checker_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// truncHistory is a whole history with a few anomalies.
func truncHistory() *checkertest.History {
	return checkertest.Generate(7, checkertest.Config{Producers: 2, Consumers: 2, Messages: 30, Keys: 2,
		Partitions: 2, Window: 3, Scale: 1, PUnknown: 0.1, PDrop: 0.1, PRecovered: 0.5, PDuplicate: 0.1,
		PLate: 0.2, PAckFail: 0.1, DrainEnd: "quiet"})
}

// TestTruncatedFiles cuts the last record of a log at every byte: the log
// must be checked up to its last whole record, with Truncated set.
func TestTruncatedFiles(t *testing.T) {
	for _, producer := range []bool{true, false} {
		h := truncHistory()
		dir := t.TempDir()
		if err := h.WriteDir(dir); err != nil {
			t.Fatal(err)
		}
		path := oplog.DeliveryPath(dir, int(h.Consumers[0].ID))
		if producer {
			path = oplog.SendPath(dir, int(h.Producers[0].ID))
		}
		full, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The history as the cut leaves it: one record less, truncated.
		short := t.TempDir()
		if producer {
			p := &h.Producers[0]
			p.Sends = p.Sends[:len(p.Sends)-1]
			err = h.WriteDir(short)
			p.Truncated = true
		} else {
			c := &h.Consumers[0]
			c.Deliveries = c.Deliveries[:len(c.Deliveries)-1]
			err = h.WriteDir(short)
			c.Truncated = true
		}
		if err != nil {
			t.Fatal(err)
		}
		start := fileSize(t, path, short, dir)
		if len(full)-start < 3 {
			t.Fatalf("last record of %d bytes", len(full)-start)
		}
		ref := checkertest.Reference(h)
		if !ref.Truncated {
			t.Fatal("reference: not truncated")
		}
		for cut := start + 1; cut < len(full); cut++ {
			if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := checker.CheckDir(dir, checker.Options{DrainEnd: checker.DrainQuiet})
			if err != nil {
				t.Fatalf("cut at %d of %d: %v", cut, len(full), err)
			}
			for _, d := range diff(res, ref, checker.DefaultMaxExamples) {
				t.Errorf("producer log %v, cut at %d of %d: %s", producer, cut, len(full), d)
			}
		}
	}
}

// fileSize is the size of the file of dir at path, in other.
func fileSize(t *testing.T, path, other, dir string) int {
	t.Helper()
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(other, rel))
	if err != nil {
		t.Fatal(err)
	}
	return int(st.Size())
}

// TestCutHeader: a log shorter than its header is an empty, truncated log;
// a log cut at a record boundary is whole.
func TestCutHeader(t *testing.T) {
	h := hist("quiet", inOrder, []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31)})
	dir := t.TempDir()
	if err := h.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	res, err := checker.CheckDir(dir, checker.Options{DrainEnd: checker.DrainQuiet})
	if err != nil || res.Truncated || res.Checks["lost"].Verdict != checker.VerdictValid {
		t.Fatalf("whole logs: %v, %+v", err, res)
	}
	if err := os.WriteFile(oplog.DeliveryPath(dir, 0), []byte("BBO"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = checker.CheckDir(dir, checker.Options{DrainEnd: checker.DrainQuiet})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.Counts.Deliveries != 0 || res.Checks["unseen"].Count != 3 ||
		res.Checks["lost"].Verdict != checker.VerdictUnknown {
		t.Errorf("cut header: truncated %v, counts %+v, unseen %d, lost %s",
			res.Truncated, res.Counts, res.Checks["unseen"].Count, res.Checks["lost"].Verdict)
	}
}

// TestErrors: logs out of order, bad options, duplicate ids, foreign files.
func TestErrors(t *testing.T) {
	run := func(h *checkertest.History, opts checker.Options) error {
		c := checker.New()
		for i := range h.Producers {
			p := &h.Producers[i]
			c.AddProducer(p.ID, func() (checker.SendSource, error) { return p.Source(), nil })
		}
		for i := range h.Consumers {
			l := &h.Consumers[i]
			c.AddConsumer(l.ID, func() (checker.DeliverySource, error) { return l.Source(), nil })
		}
		_, err := c.Run(opts)
		return err
	}
	quiet := checker.Options{DrainEnd: checker.DrainQuiet}
	if err := run(hist("quiet", []oplog.Send{ok(0, 20, 1), ok(1, 10, 2)}), quiet); !errors.Is(err, checker.ErrOrder) {
		t.Errorf("Done backwards: %v", err)
	}
	if err := run(hist("quiet", []oplog.Send{ok(0, 10, 2), ok(1, 20, 1)}), quiet); !errors.Is(err, checker.ErrOrder) {
		t.Errorf("Next backwards: %v", err)
	}
	if err := run(hist("quiet", inOrder, []oplog.Delivery{dlv(0, 1, 21), dlv(0, 0, 11)}), quiet); !errors.Is(err, checker.ErrOrder) {
		t.Errorf("Time backwards: %v", err)
	}
	if err := run(hist("quiet", inOrder), checker.Options{DrainEnd: "soon"}); err == nil {
		t.Error("bad drain end: no error")
	}
	twice := hist("quiet", inOrder)
	twice.Producers = append(twice.Producers, twice.Producers[0])
	if err := run(twice, quiet); err == nil {
		t.Error("producer added twice: no error")
	}
	dir := t.TempDir()
	if err := hist("quiet", inOrder).WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oplog.DeliveryPath(dir, 3), []byte("not an op log at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := checker.CheckDir(dir, quiet); !errors.Is(err, oplog.ErrFormat) {
		t.Errorf("foreign file: %v", err)
	}
}

func TestParseID(t *testing.T) {
	for name, want := range map[string]int{"ops/producer-0007.ops": 7, "consumer-0000.ops": 0, "/x/producer-12345.ops": 12345} {
		if got, err := oplog.ParseID(name); err != nil || got != want {
			t.Errorf("ParseID(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	for _, name := range []string{"producer-.ops", "producer-x.ops", "other-0001.ops", "producer-0001.log", "producer--1.ops"} {
		if _, err := oplog.ParseID(name); err == nil {
			t.Errorf("ParseID(%q): no error", name)
		}
	}
}
