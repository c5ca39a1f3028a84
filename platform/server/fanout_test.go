package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"showcaster/internal/clock"
	"showcaster/internal/cputime"
)

// lightAPI is a receive-only stack without interceptors, so the benchmark's
// own viewers cost as little CPU as possible next to the relay they measure.
func lightAPI(b testing.TB) *webrtc.API {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		b.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration { return cputime.Self() }

// FanoutResult is one fan-out measurement.
type FanoutResult struct {
	Viewers, At30fps    int
	MinFPS, MeanFPS     float64
	CPUPerViewerPercent float64 // of one core, relay and in-process viewers together
	CPUTotalPercent     float64
	PacketsPerViewerSec float64
}

// fanout publishes 30 fps video (perFrame packets of 1100 bytes a frame) plus
// Opus to one show, attaches n WHEP viewers in this process, and measures
// their frame rates and the process's CPU over d.
func fanout(tb testing.TB, n, perFrame int, d time.Duration) FanoutResult {
	tb.Helper()
	p := startPlatform(tb, tb.TempDir(), clock.NewFake(epoch))
	p.srv.logf = func(string, ...any) {}
	s, in := p.liveShow("fan-out")
	api := lightAPI(tb)
	pub := publish(tb, api, in.WHIPURL, in.Token, 'A', 30, perFrame)
	defer pub.close()
	viewers := make([]*testViewer, n)
	for i := range viewers {
		viewers[i] = watch(tb, api, p.srv.URL()+"/whep/"+s.ID, p.newViewer(s.ID, "").hc)
		defer viewers[i].pc.Close()
	}
	time.Sleep(2 * time.Second) // connect and settle
	start := make([]int64, n)
	for i, v := range viewers {
		start[i] = v.frames.Load()
	}
	cpu0, t0 := cpuTime(), time.Now()
	time.Sleep(d)
	cpu, wall := cpuTime()-cpu0, time.Since(t0)
	r := FanoutResult{Viewers: n, MinFPS: 1e9}
	var pkts int64
	for i, v := range viewers {
		fps := float64(v.frames.Load()-start[i]) / wall.Seconds()
		if fps >= 28.5 {
			r.At30fps++
		}
		r.MinFPS = min(r.MinFPS, fps)
		r.MeanFPS += fps / float64(n)
		pkts += v.packets.Load()
	}
	r.CPUTotalPercent = 100 * cpu.Seconds() / wall.Seconds()
	r.CPUPerViewerPercent = r.CPUTotalPercent / float64(n)
	r.PacketsPerViewerSec = float64(pkts) / float64(n) / (wall.Seconds() + 2)
	return r
}

func BenchmarkRelayFanout(b *testing.B) {
	for _, n := range []int{10, 25, 50, 75, 100} {
		b.Run(fmt.Sprintf("viewers=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r := fanout(b, n, 6, 5*time.Second)
				b.ReportMetric(float64(r.At30fps), "viewers@30fps")
				b.ReportMetric(r.MinFPS, "min-fps")
				b.ReportMetric(r.CPUPerViewerPercent, "%cpu/viewer")
				b.ReportMetric(r.CPUTotalPercent, "%cpu-total")
				b.Logf("%d viewers: %d at 30 fps, fps min %.1f mean %.1f, CPU %.0f%% total, %.2f%% per viewer",
					n, r.At30fps, r.MinFPS, r.MeanFPS, r.CPUTotalPercent, r.CPUPerViewerPercent)
			}
		})
	}
}
