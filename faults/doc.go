// Package faults will hold the fault injectors (node kill, pause, restart;
// network partitions in namespaces; link faults through a proxy) and the
// nemesis that schedules and always heals them. It is empty in this build:
// the fault framework is a later issue. Until then the in-memory driver's
// injections (drop, duplicate, redeliver, reorder, stall) are driver
// options, and `brokerbench list` shows no fault kinds.
package faults
