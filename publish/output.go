// Package publish takes encoded packets to their destinations: a WHIP
// server (RFC 9725) over WebRTC, an RTMP(S) server, and a file recorder. Outputs know nothing of
// cameras or overlays; they carry what the encoders give them.
package publish

import (
	"fmt"
	"time"

	"showcaster/encode"
)

// Output is a destination for encoded packets. Writes never block the caller
// for long: each output has a small bounded queue, and what does not fit is
// dropped and counted in Stats.
type Output interface {
	Name() string
	WriteVideo(encode.Packet)
	WriteAudio(encode.Packet)
	Stats() Stats
	Close() error
}

// State is where an output is in its life.
type State int

const (
	StateUnknown State = iota
	StateConnecting
	StateLive
	StateReconnecting
	StateStopped
)

func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateLive:
		return "live"
	case StateReconnecting:
		return "reconnecting"
	case StateStopped:
		return "stopped"
	default:
		return "unknown"
	}
}

// StopReason says why an output stopped for good.
type StopReason int

const (
	// StopNone: the output has not stopped.
	StopNone StopReason = iota
	// StopClosed: Close was called (the show ended).
	StopClosed
	// StopRefused: the server refused the key or token. It is not retried:
	// only a new key from the platform helps.
	StopRefused
	// StopFailed: the output could not publish at all (bad address, expired
	// key, the first connection failed).
	StopFailed
)

func (r StopReason) String() string {
	switch r {
	case StopClosed:
		return "closed"
	case StopRefused:
		return "refused"
	case StopFailed:
		return "failed"
	default:
		return ""
	}
}

// Stats is a snapshot of an output. Rates are over the last full second.
type Stats struct {
	State State
	FPS   float64 // video frames sent per second
	Kbps  float64 // payload (audio + video) sent, kilobits per second

	FramesSent    uint64 // video frames handed to the transport
	FramesDropped uint64 // video frames dropped in this output, for any reason
	Drops         Drops
	AudioSent     uint64
	AudioDropped  uint64
	Bytes         uint64 // payload bytes sent, audio + video

	RTT  time.Duration // from the receiver's RTCP reports; 0 until one arrives
	Loss float64       // fraction lost (0–1) in the last receiver report

	TargetBitrate     int // bps the congestion controller allows the video encoder
	ReconnectAttempts int // total attempts since Start
	// ConnectTime is how long the current session took to connect (POST to
	// media flowing); LiveSince is when it went live.
	ConnectTime time.Duration
	LiveSince   time.Time

	// StopReason and StopErr say why the output stopped (State is then
	// StateStopped); StopErr reads as advice to the host.
	StopReason StopReason
	StopErr    error
}

// Drops breaks FramesDropped down by cause, so the UI can tell a congested
// link from a reconnect.
type Drops struct {
	QueueFull     uint64 // the output could not keep up
	NotLive       uint64 // connecting or reconnecting
	AwaitKeyframe uint64 // after a loss, P-frames up to the next keyframe are useless
}

// EventKind says what an Event reports.
type EventKind int

const (
	EventUnknown EventKind = iota
	// EventState: the output moved to Event.State.
	EventState
	// EventReconnectScheduled: attempt Event.Attempt will start after
	// Event.Delay; Event.Err is why the previous session or attempt ended.
	EventReconnectScheduled
	// EventReconnectFailed: attempt Event.Attempt failed with Event.Err.
	EventReconnectFailed
)

func (k EventKind) String() string {
	switch k {
	case EventState:
		return "state"
	case EventReconnectScheduled:
		return "reconnect-scheduled"
	case EventReconnectFailed:
		return "reconnect-failed"
	default:
		return "unknown"
	}
}

// Event is a change an output reports through its OnEvent callback.
type Event struct {
	Kind    EventKind
	Time    time.Time
	State   State
	Attempt int
	Delay   time.Duration
	Err     error
}

func (e Event) String() string {
	switch e.Kind {
	case EventState:
		return "state " + e.State.String()
	case EventReconnectScheduled:
		return fmt.Sprintf("reconnect attempt %d in %v (after: %v)", e.Attempt, e.Delay.Round(time.Millisecond), e.Err)
	case EventReconnectFailed:
		return fmt.Sprintf("reconnect attempt %d failed: %v", e.Attempt, e.Err)
	default:
		return "unknown event"
	}
}
