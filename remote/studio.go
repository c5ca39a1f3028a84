// Package remote is an obs-websocket v5 compatible remote control for the
// studio, so that panels made for OBS (Bitfocus Companion, Touch Portal,
// Streamer.bot, obs-websocket-js scripts) drive a show. Like the window, it
// is an adapter over the studio: it sees only the small Studio interface
// below and never the media packages.
package remote

import (
	"context"
	"time"
)

// Studio is what remote control needs from the studio window or from
// `showcaster live`. Methods are called from the connection goroutines and
// must be safe for concurrent use. State changes (whoever made them) are
// reported back through Server.Emit.
type Studio interface {
	// StreamStatus is the program output: live on the platform or not.
	StreamStatus() OutputStatus
	// StartStream goes live (ErrOutputRunning if already live).
	StartStream(ctx context.Context) error
	// StopStream ends the show (ErrOutputNotRunning if not live).
	StopStream(ctx context.Context) error
	RecordStatus() OutputStatus
	StartRecord(ctx context.Context) error
	// StopRecord returns the recorded file's path.
	StopRecord(ctx context.Context) (path string, err error)
	// Scenes lists the scenes in the studio's order and names the one on air.
	Scenes() (names []string, current string)
	// SetScene puts a scene on air (ErrNotFound for an unknown name).
	SetScene(ctx context.Context, name string) error
	Inputs() []Input
	// SetInputMuted mutes or unmutes an audio input (ErrNotFound).
	SetInputMuted(name string, muted bool) error
	Stats() Stats
	// Vendor answers CallVendorRequest for vendor "showcaster":
	// ExplainNextProduct, PostBulletin {text}, StartLottery {…}.
	// ErrUnknownRequest for a request it does not know.
	Vendor(ctx context.Context, request string, data map[string]any) (map[string]any, error)
}

// OutputStatus is the state of the stream or of the recording.
type OutputStatus struct {
	Active       bool
	Reconnecting bool
	// Duration is how long it has been running.
	Duration      time.Duration
	Bytes         int64
	SkippedFrames int64
	TotalFrames   int64
	// Congestion is 0 (none) to 1 (the output cannot keep up).
	Congestion float64
}

// Input is an audio or video source as OBS lists inputs.
type Input struct {
	Name string
	// Kind is an OBS-like input kind, e.g. "camera", "microphone", "screen".
	Kind  string
	Audio bool
	Muted bool
}

// Stats are the studio's engine figures, in OBS's GetStats terms.
type Stats struct {
	CPUUsage           float64 // percent of one core
	MemoryMB           float64
	ActiveFPS          float64
	AverageFrameTimeMs float64
	RenderSkipped      int64
	RenderTotal        int64
	OutputSkipped      int64
	OutputTotal        int64
}

// Event is a change remote control tells its clients about.
type Event interface{ isEvent() }

// OutputState follows obs-websocket's output states.
type OutputState int

const (
	OutputUnknown OutputState = iota
	OutputStarting
	OutputStarted
	OutputStopping
	OutputStopped
	OutputReconnecting
	OutputReconnected
)

func (s OutputState) String() string {
	switch s {
	case OutputStarting:
		return "OBS_WEBSOCKET_OUTPUT_STARTING"
	case OutputStarted:
		return "OBS_WEBSOCKET_OUTPUT_STARTED"
	case OutputStopping:
		return "OBS_WEBSOCKET_OUTPUT_STOPPING"
	case OutputStopped:
		return "OBS_WEBSOCKET_OUTPUT_STOPPED"
	case OutputReconnecting:
		return "OBS_WEBSOCKET_OUTPUT_RECONNECTING"
	case OutputReconnected:
		return "OBS_WEBSOCKET_OUTPUT_RECONNECTED"
	default:
		return "OBS_WEBSOCKET_OUTPUT_UNKNOWN"
	}
}

// StreamStateChanged: the show went live, or ended.
type StreamStateChanged struct {
	Active bool
	State  OutputState
}

// RecordStateChanged: the recording started or stopped (Path once stopped).
type RecordStateChanged struct {
	Active bool
	State  OutputState
	Path   string
}

// CurrentProgramSceneChanged: another scene is on air.
type CurrentProgramSceneChanged struct{ Name string }

// SceneListChanged: a scene was added, renamed, moved or deleted; Names are
// the scenes in the studio's order.
type SceneListChanged struct{ Names []string }

// InputMuteStateChanged: an input was muted or unmuted.
type InputMuteStateChanged struct {
	Name  string
	Muted bool
}

// ExitStarted: the studio is shutting down.
type ExitStarted struct{}

func (StreamStateChanged) isEvent()         {}
func (RecordStateChanged) isEvent()         {}
func (CurrentProgramSceneChanged) isEvent() {}
func (SceneListChanged) isEvent()           {}
func (InputMuteStateChanged) isEvent()      {}
func (ExitStarted) isEvent()                {}
