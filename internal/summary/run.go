package summary

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
)

// RunInfo is run.json: written when a run starts, so even a run that dies
// at once says what it was.
type RunInfo struct {
	Schema      string        `json:"schema"`
	Scenario    string        `json:"scenario"`
	RunID       string        `json:"run_id"`
	Started     string        `json:"started"`
	OriginUnixN int64         `json:"origin_unix_ns"` // wall time of the run origin (t = 0)
	Command     []string      `json:"command"`
	Driver      drivers.Info  `json:"driver"`
	Cluster     *compose.Info `json:"cluster,omitempty"`
	Environment Environment   `json:"environment"`
	WarmupEnd   float64       `json:"warmup_end_s"`
	SendEnd     float64       `json:"send_end_s"`
	// Broadcast: the driver's consumers each get every message
	// (drivers.Broadcaster); `brokerbench check` then checks each as a
	// subscriber of its own, even without summary.json.
	Broadcast bool `json:"broadcast,omitempty"`
}

// WriteRun stores dir/run.json.
func WriteRun(dir string, r *RunInfo) error { return writeJSON(filepath.Join(dir, RunFile), r) }

// ReadRun loads dir/run.json.
func ReadRun(dir string) (*RunInfo, error) {
	var r RunInfo
	return &r, readJSON(filepath.Join(dir, RunFile), &r)
}

// HarnessVersion is the module version of this build ("devel" when built
// from a work tree).
func HarnessVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// CurrentEnvironment describes this machine and build.
func CurrentEnvironment() Environment {
	h, _ := os.Hostname()
	return Environment{
		Harness:  HarnessVersion(),
		Go:       runtime.Version(),
		OS:       runtime.GOOS,
		Arch:     runtime.GOARCH,
		CPUs:     runtime.NumCPU(),
		Hostname: h,
	}
}
