package cputime

import (
	"runtime"
	"testing"
)

// TestSelfGrows burns a little CPU and expects the count to move (on unix;
// elsewhere it stays 0 by design).
func TestSelfGrows(t *testing.T) {
	before := Self()
	x := 0
	for i := 0; i < 200_000_000 && Self() == before; i++ {
		x += i
	}
	if runtime.GOOS != "windows" && Self() <= before {
		t.Fatalf("CPU time did not grow: %v (x=%d)", Self(), x)
	}
}
