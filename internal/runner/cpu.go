package runner

import (
	"runtime"
	"syscall"
	"time"
)

// cpuUsage measures the process's CPU time over the run, to tell when the
// harness (with any embedded broker) ran close to the machine's limit.
type cpuUsage struct {
	wall0 time.Time
	cpu0  time.Duration
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (u *cpuUsage) start() { u.wall0, u.cpu0 = time.Now(), processCPU() }

// utilization is CPU time / (wall time × cores) since start, 0..1.
func (u *cpuUsage) utilization() float64 {
	wall := time.Since(u.wall0)
	if wall <= 0 {
		return 0
	}
	return float64(processCPU()-u.cpu0) / (float64(wall) * float64(runtime.NumCPU()))
}
