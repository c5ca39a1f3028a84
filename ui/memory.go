package ui

import (
	"os"
	"runtime/debug"
)

// windowGCPercent is the window's garbage-collector target: the heap may
// grow this many percent over what was live after the last collection.
// Go's default (100) lets the studio's heap — 30–40 MB live, most of it
// fonts and frame buffers that never die — double before it is collected,
// and the resident memory follows the peak. The idle window allocates
// well under 1 MB a second (audio chunks, the preview's conversion) and a
// collection of this heap costs 10–45 ms of CPU (GODEBUG=gctrace=1, on a
// loaded 2-core machine), so a quarter's headroom costs a collection every
// ten seconds or so: well under 1 % of a core, for some 20 MB less
// resident memory. On air the engine allocates about 2 MB a second more
// (gctrace of `showcaster live`): a collection every 3–4 s, still under
// 1.5 % of a core (docs/benchmarks.md, "What the idle window costs").
const windowGCPercent = 25

// tuneMemory sets the window's garbage-collector target, unless GOGC in
// the environment says otherwise.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(windowGCPercent)
	}
}

// releaseStartupGarbage returns to the system the memory start-up used and
// dropped (font files read and parsed, the first frames, the layout's
// measurements), which the runtime would otherwise hand back a little at a
// time over minutes. Called once, when the first preview frame is shown.
func releaseStartupGarbage() {
	go debug.FreeOSMemory()
}
