//go:build race

package rmqtest

const raceEnabled = true
