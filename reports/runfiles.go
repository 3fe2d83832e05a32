package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// faultRecords returns the run's faults: from summary.json, else (a run
// that died before writing it) the last event of each fault in
// faults.jsonl. A missing log is no error.
func faultRecords(r *Run) ([]faults.Record, error) {
	if r.Summary != nil {
		out := make([]faults.Record, len(r.Summary.Faults))
		for i, f := range r.Summary.Faults {
			out[i] = f.Record
		}
		return out, nil
	}
	f, err := os.Open(filepath.Join(r.Dir, faults.File))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byIndex := map[int]int{}
	var out []faults.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec faults.Record
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			break // a torn last line
		}
		if i, ok := byIndex[rec.Index]; ok {
			out[i] = rec
			continue
		}
		byIndex[rec.Index] = len(out)
		out = append(out, rec)
	}
	return out, sc.Err()
}

// faultSpan is the active interval of rec in s, as the fault statistics
// count it: an unhealed fault lasts until sending ended, an instantaneous
// one 1 s; ok is false for a fault that never started.
func faultSpan(rec faults.Record, sendEnd float64) (from, to float64, ok bool) {
	if rec.Start == 0 && rec.Error != "" {
		return 0, 0, false
	}
	to = rec.End
	switch {
	case to == 0:
		to = max(sendEnd, rec.Start)
	case to == rec.Start:
		to = rec.Start + 1
	}
	return rec.Start, to, true
}

// faultLabel names a fault by its kind and the node it acted on: "kill
// broker-2".
func faultLabel(rec faults.Record) string {
	target := rec.Node
	if target == "" {
		target = rec.Target
	}
	if target == "" {
		return rec.Kind
	}
	return rec.Kind + " " + target
}

// clusterOf is the cluster the harness started (summary, else run.json);
// nil when there was none.
func clusterOf(r *Run) *compose.Info {
	if r.Summary != nil && r.Summary.Cluster != nil {
		return r.Summary.Cluster
	}
	if r.Info != nil {
		return r.Info.Cluster
	}
	return nil
}

// scenarioText is the effective scenario of the run ("" when missing).
func scenarioText(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, summary.ScenarioFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return string(b), err
}
