package e2e

import (
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

var latencyProbe = flag.Bool("latency.probe", false, "TestGlassToGlass also watches the show from a Go viewer and reports how regularly the sound's packets arrive (the spread an audio jitter buffer sizes itself to)")

// arrivalProbe is a viewer (pion, WHEP) that notes when each Opus packet
// arrives against the time its RTP timestamp says it was made. The spread of
// that difference is what a receiver's audio jitter buffer must absorb:
// NetEq sizes its target from it, in 20 ms steps.
type arrivalProbe struct {
	pc *webrtc.PeerConnection
	mu sync.Mutex
	// offsets: arrival − media time (ms), for each audio packet since mark.
	offsets []float64
	on      bool
}

func dialArrivalProbe(whepURL string) (*arrivalProbe, error) {
	p := &arrivalProbe{}
	pc, _, err := dialWHEP(whepURL, func(tr *webrtc.TrackRemote) {
		audio := tr.Kind() == webrtc.RTPCodecTypeAudio
		var base time.Time
		var first uint32
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if !audio {
				continue
			}
			now := time.Now()
			if base.IsZero() {
				base, first = now, pkt.Timestamp
			}
			media := time.Duration(int64(pkt.Timestamp-first)) * time.Second / 48000
			p.mu.Lock()
			if p.on {
				p.offsets = append(p.offsets, float64(now.Sub(base)-media)/1e6)
			}
			p.mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	p.pc = pc
	return p, nil
}

// start begins the window.
func (p *arrivalProbe) start() {
	p.mu.Lock()
	p.offsets, p.on = nil, true
	p.mu.Unlock()
}

// report says how late the window's packets came against the earliest
// (relative arrival delay): p50/p95/p99/max and the share 20 ms or later.
func (p *arrivalProbe) report() string {
	p.mu.Lock()
	d := slices.Clone(p.offsets)
	p.on = false
	p.mu.Unlock()
	if len(d) == 0 {
		return "no sound packets arrived at the Go viewer"
	}
	lo := slices.Min(d)
	late := 0
	for i := range d {
		d[i] -= lo
		if d[i] >= 20 {
			late++
		}
	}
	slices.Sort(d)
	return fmt.Sprintf("sound packets at a Go viewer (%d): lateness against the earliest p50 %.1f, p95 %.1f, p99 %.1f, max %.1f ms; %.1f%% 20 ms or later",
		len(d), percentile(d, 50), percentile(d, 95), percentile(d, 99), d[len(d)-1], 100*float64(late)/float64(len(d)))
}

func (p *arrivalProbe) close() { p.pc.Close() }
