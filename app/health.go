package app

import (
	"errors"
	"sort"
	"time"

	"showcaster/publish"
)

// streamState turns an output's state into the studio's.
func streamState(s publish.State) StreamState {
	switch s {
	case publish.StateConnecting:
		return StreamConnecting
	case publish.StateLive:
		return StreamLive
	case publish.StateReconnecting:
		return StreamReconnecting
	case publish.StateStopped:
		return StreamStopped
	}
	return StreamIdle
}

// Why the stream is not healthy (errors.Is on Stats.Reason).
var (
	ErrHealthConnecting   = errors.New("connecting to the platform")
	ErrHealthReconnecting = errors.New("the connection is lost")
	ErrHealthLoss         = errors.New("packets are lost")
	ErrHealthOverloaded   = errors.New("the computer cannot keep the frame rate")
	ErrHealthSlowNetwork  = errors.New("the round trip to the platform is long")
	ErrHealthLowBandwidth = errors.New("the network allows only the lowest bitrate")
)

const (
	// healthSpan is how far back the judgement looks: health is what the
	// viewers got over these seconds, not one moment's numbers.
	healthSpan = 10 * time.Second
	// healthWarmUp is how long after going live the rate counters (frames
	// and bits a second, measured over a second) are not yet a rate.
	healthWarmUp = 2 * time.Second
)

// healthSample is one look at the stream while it is live.
type healthSample struct {
	at               time.Time
	fps, kbps, loss  float64
	target           float64
	rtt              time.Duration
	sendQueueDropped int64
}

// healthWindow keeps the last healthSpan of a live stream's samples. The
// engine adds one each time it reports Stats.
type healthWindow struct {
	liveSince time.Time // zero when not live
	samples   []healthSample
}

func (w *healthWindow) add(st Stats) {
	if st.State != StreamLive {
		// Connecting again after a drop ramps again: start afresh.
		w.liveSince, w.samples = time.Time{}, w.samples[:0]
		return
	}
	if w.liveSince.IsZero() {
		w.liveSince = st.At
	}
	w.samples = append(w.samples, healthSample{at: st.At, fps: st.FPS, kbps: st.Kbps, loss: st.Loss,
		target: st.TargetKbps, rtt: st.RTT, sendQueueDropped: st.Drops.SendQueue})
	drop := 0
	for drop < len(w.samples) && st.At.Sub(w.samples[drop].at) > healthSpan {
		drop++
	}
	w.samples = append(w.samples[:0], w.samples[drop:]...)
}

// view is what the window says of the viewers' side.
type healthView struct {
	n          int           // samples in the window
	loss       float64       // mean fraction lost
	rtt        time.Duration // median, of the samples that have one
	settled    int           // samples past the warm-up with a frame rate
	fps        float64       // mean over the settled samples
	full       bool          // settled samples cover the whole span
	atFloor    bool          // every sample's target was at the floor
	queueDrops int64         // frames the send queue dropped within the window
}

func (w *healthWindow) view(minKbps float64) healthView {
	v := healthView{n: len(w.samples), atFloor: len(w.samples) > 0}
	if v.n == 0 {
		return v
	}
	var rtts []time.Duration
	settledFrom := w.liveSince.Add(healthWarmUp)
	var firstSettled time.Time
	for _, s := range w.samples {
		v.loss += s.loss
		if s.rtt > 0 {
			rtts = append(rtts, s.rtt)
		}
		if !s.at.Before(settledFrom) {
			if firstSettled.IsZero() {
				firstSettled = s.at
			}
			if s.fps > 0 { // 0: no rate measured yet
				v.settled++
				v.fps += s.fps
			}
		}
		if s.target <= 0 || s.target > minKbps*1.1 {
			v.atFloor = false
		}
	}
	v.loss /= float64(v.n)
	if len(rtts) > 0 {
		sort.Slice(rtts, func(i, j int) bool { return rtts[i] < rtts[j] })
		v.rtt = rtts[len(rtts)/2]
	}
	if v.settled > 0 {
		v.fps /= float64(v.settled)
	}
	if !firstSettled.IsZero() {
		last := w.samples[len(w.samples)-1]
		v.full = last.at.Sub(firstSettled) >= healthSpan-2*time.Second && firstSettled.Sub(w.liveSince) >= healthWarmUp
	}
	v.queueDrops = w.samples[len(w.samples)-1].sendQueueDropped - w.samples[0].sendQueueDropped
	return v
}

// judgeHealth turns what the viewers got over the window into a colour and
// a sentence that says what to do. A momentary number is no alarm: the
// congestion controller starts low and ramps, and it stays at its floor
// while the scene needs no more; the picture is soft only if it is held at
// the floor for the whole window while the network shows it is full
// (packets lost, a long round trip, frames the send queue had to drop).
func judgeHealth(st Stats, w healthView, fps int, minKbps float64) (Health, error) {
	switch {
	case st.State == StreamIdle || st.State == StreamStopped:
		return HealthUnknown, nil
	case st.State == StreamReconnecting:
		return HealthBad, Say(ErrHealthReconnecting, "Connection lost: reconnecting (attempt %d). Viewers see a frozen picture; check the network.", st.Reconnects)
	case st.State == StreamConnecting:
		return HealthWarn, Say(ErrHealthConnecting, "Connecting to the platform…")
	case w.n == 0:
		return HealthGood, nil
	case w.loss > 0.10:
		return HealthBad, Say(ErrHealthLoss, "%.0f%% of packets are lost: the network cannot carry the stream. Move closer to the router or use a cable.", w.loss*100)
	case w.settled > 0 && w.fps < float64(fps)*0.5:
		return HealthBad, Say(ErrHealthOverloaded, "Only %.0f of %d frames a second go out: the computer is overloaded. Close other programs or lower the canvas size.", w.fps, fps)
	case w.loss > 0.02:
		return HealthWarn, Say(ErrHealthLoss, "%.1f%% of packets are lost: the picture may stutter. Close other uploads on this network.", w.loss*100)
	case w.rtt > 400*time.Millisecond:
		return HealthWarn, Say(ErrHealthSlowNetwork, "Round trip to the platform is %d ms: comments and replies will lag.", w.rtt.Milliseconds())
	case w.full && w.atFloor && (w.loss >= 0.01 || w.rtt >= 200*time.Millisecond || w.queueDrops > 0):
		return HealthWarn, Say(ErrHealthLowBandwidth, "The network allows only %.0f kbps: the picture is soft. Close other uploads or lower the canvas size.", st.TargetKbps)
	case w.settled > 0 && w.fps < float64(fps)*0.85:
		return HealthWarn, Say(ErrHealthOverloaded, "%.0f of %d frames a second go out: the computer is busy.", w.fps, fps)
	}
	return HealthGood, nil
}
