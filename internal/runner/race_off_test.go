//go:build !race

package runner

// raceEnabled: the test binary runs with the race detector.
const raceEnabled = false
