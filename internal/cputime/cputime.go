// Package cputime reads the CPU time this process has used, for benchmarks
// and load tests that report their own cost on a shared machine (the wall
// clock counts other programs' turns too).
package cputime

import "time"

// Self is the user plus system CPU time of this process so far; 0 where the
// system cannot say (Windows builds, where only wall-clock figures count).
func Self() time.Duration { return self() }
