package ui

import (
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"fyne.io/fyne/v2"
)

// startProfile writes a CPU profile of the whole run to the file named by
// SHOWCASTER_CPUPROFILE, for finding what the window costs
// (scripts/bench-window.sh; go tool pprof -top bin/showcaster FILE). While
// it runs, an interrupt or a terminate signal closes the window as its
// close button does, so the profile is complete. SHOWCASTER_MEMPROFILE=file
// beside it writes the heap in use at the end. The returned stop ends the
// profile; it does nothing when no profile was asked for.
func startProfile(a fyne.App, logf func(string, ...any)) (stop func()) {
	path := os.Getenv("SHOWCASTER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	heap := os.Getenv("SHOWCASTER_MEMPROFILE") // the heap in use at the end, beside it
	f, err := os.Create(path)
	if err != nil {
		logf("CPU profile: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		logf("CPU profile: %v", err)
		f.Close()
		return func() {}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sig; ok {
			fyne.Do(a.Quit)
		}
	}()
	return func() {
		signal.Stop(sig)
		close(sig)
		pprof.StopCPUProfile()
		f.Close()
		if heap == "" {
			return
		}
		if h, err := os.Create(heap); err == nil {
			if err := pprof.WriteHeapProfile(h); err != nil {
				logf("heap profile: %v", err)
			}
			h.Close()
		}
	}
}
