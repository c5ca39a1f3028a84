package app

import (
	"fmt"
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

// judgeHealth turns numbers into a colour and a sentence that says what to do.
func judgeHealth(st Stats, fps int, minKbps float64) (Health, string) {
	switch {
	case st.State == StreamIdle || st.State == StreamStopped:
		return HealthUnknown, ""
	case st.State == StreamReconnecting:
		return HealthBad, fmt.Sprintf("Connection lost: reconnecting (attempt %d). Viewers see a frozen picture; check the network.", st.Reconnects)
	case st.State == StreamConnecting:
		return HealthWarn, "Connecting to the platform…"
	case st.Loss > 0.10:
		return HealthBad, fmt.Sprintf("%.0f%% of packets are lost: the network cannot carry the stream. Move closer to the router or use a cable.", st.Loss*100)
	case st.FPS > 0 && st.FPS < float64(fps)*0.5:
		return HealthBad, fmt.Sprintf("Only %.0f of %d frames a second go out: the computer is overloaded. Close other programs or lower the canvas size.", st.FPS, fps)
	case st.Loss > 0.02:
		return HealthWarn, fmt.Sprintf("%.1f%% of packets are lost: the picture may stutter. Close other uploads on this network.", st.Loss*100)
	case st.RTT > 400*time.Millisecond:
		return HealthWarn, fmt.Sprintf("Round trip to the platform is %d ms: comments and replies will lag.", st.RTT.Milliseconds())
	case st.TargetKbps > 0 && st.TargetKbps <= minKbps*1.1:
		return HealthWarn, fmt.Sprintf("The network allows only %.0f kbps: the picture is soft. Close other uploads or lower the canvas size.", st.TargetKbps)
	case st.FPS > 0 && st.FPS < float64(fps)*0.85:
		return HealthWarn, fmt.Sprintf("%.0f of %d frames a second go out: the computer is busy.", st.FPS, fps)
	}
	return HealthGood, ""
}
