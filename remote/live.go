package remote

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"showcaster/app"
	"showcaster/internal/clock"
)

// LiveEngine is the part of app.Engine that `showcaster live` lends to
// remote control.
type LiveEngine interface {
	Stats() app.Stats
	Publishing() bool
	StartRecording(path string) error
	StopRecording() error
	Recording() string
	SetAudioMuted(id string, muted bool) error
}

// LiveConfig describes a `showcaster live` run to remote control.
type LiveConfig struct {
	Engine LiveEngine
	// Scenes are the run's scene names in order, Scene the one on air.
	Scenes []string
	Scene  string
	// SetScene puts a scene on air (the run rearranges its sources).
	SetScene func(name string) error
	// AudioInput is the mixer id of the run's sound ("" when there is none).
	AudioInput string
	// RecordDir is where StartRecord writes its files.
	RecordDir string
	// Stop ends the run: StopStream in `showcaster live` ends the show and
	// the process exits cleanly.
	Stop func()
	// Vendor answers CallVendorRequest (nil: every vendor request is unknown).
	Vendor func(ctx context.Context, request string, data map[string]any) (map[string]any, error)
	Clock  clock.Clock
}

// Live is the Studio of a `showcaster live` run.
type Live struct {
	cfg LiveConfig

	mu       sync.Mutex
	srv      *Server
	scene    string
	started  time.Time
	stopped  bool
	recPath  string
	recAt    time.Time
	micMuted bool
}

// NewLive makes the Studio for a run that is already publishing.
func NewLive(cfg LiveConfig) *Live {
	cfg.Clock = clock.OrReal(cfg.Clock)
	return &Live{cfg: cfg, scene: cfg.Scene, started: cfg.Clock.Now()}
}

// Bind sends the run's changes to srv's clients.
func (l *Live) Bind(srv *Server) {
	l.mu.Lock()
	l.srv = srv
	l.mu.Unlock()
}

func (l *Live) emit(ev Event) {
	l.mu.Lock()
	srv := l.srv
	l.mu.Unlock()
	if srv != nil {
		srv.Emit(ev)
	}
}

func (l *Live) StreamStatus() OutputStatus {
	st := l.cfg.Engine.Stats()
	l.mu.Lock()
	defer l.mu.Unlock()
	active := l.cfg.Engine.Publishing() && !l.stopped
	out := OutputStatus{Active: active, Reconnecting: st.State == app.StreamReconnecting,
		TotalFrames: st.FramesSent + st.FramesDropped, SkippedFrames: st.FramesDropped}
	if active {
		out.Duration = l.cfg.Clock.Now().Sub(l.started)
		out.Bytes = int64(st.Kbps * 1000 / 8 * out.Duration.Seconds())
		if st.TargetKbps > 0 && st.Kbps < st.TargetKbps {
			out.Congestion = min(1, (st.TargetKbps-st.Kbps)/st.TargetKbps)
		}
	}
	return out
}

// StartStream: the run went live when it started and ends at StopStream.
func (l *Live) StartStream(context.Context) error {
	if l.StreamStatus().Active {
		return ErrOutputRunning
	}
	return fmt.Errorf("the run has ended; start showcaster live again: %w", ErrNotReady)
}

func (l *Live) StopStream(context.Context) error {
	l.mu.Lock()
	if l.stopped || !l.cfg.Engine.Publishing() {
		l.mu.Unlock()
		return ErrOutputNotRunning
	}
	l.stopped = true
	l.mu.Unlock()
	l.emit(StreamStateChanged{Active: false, State: OutputStopping})
	if l.cfg.Stop != nil {
		l.cfg.Stop()
	}
	return nil
}

func (l *Live) RecordStatus() OutputStatus {
	path := l.cfg.Engine.Recording()
	l.mu.Lock()
	defer l.mu.Unlock()
	if path == "" {
		return OutputStatus{}
	}
	if l.recAt.IsZero() || l.recPath != path {
		// Recording since the run began (--record).
		l.recPath, l.recAt = path, l.started
	}
	return OutputStatus{Active: true, Duration: l.cfg.Clock.Now().Sub(l.recAt)}
}

func (l *Live) StartRecord(context.Context) error {
	if l.cfg.Engine.Recording() != "" {
		return ErrOutputRunning
	}
	now := l.cfg.Clock.Now()
	dir := l.cfg.RecordDir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, "showcaster-"+now.Format("2006-01-02-150405")+".mkv")
	if err := l.cfg.Engine.StartRecording(path); err != nil {
		return err
	}
	l.mu.Lock()
	l.recPath, l.recAt = path, now
	l.mu.Unlock()
	l.emit(RecordStateChanged{Active: true, State: OutputStarted})
	return nil
}

func (l *Live) StopRecord(context.Context) (string, error) {
	path := l.cfg.Engine.Recording()
	if path == "" {
		return "", ErrOutputNotRunning
	}
	if err := l.cfg.Engine.StopRecording(); err != nil {
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	l.emit(RecordStateChanged{Active: false, State: OutputStopped, Path: path})
	return path, nil
}

func (l *Live) Scenes() ([]string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.cfg.Scenes), l.scene
}

func (l *Live) SetScene(_ context.Context, name string) error {
	if !slices.Contains(l.cfg.Scenes, name) {
		return fmt.Errorf("scene %q: %w", name, ErrNotFound)
	}
	if l.cfg.SetScene != nil {
		if err := l.cfg.SetScene(name); err != nil {
			return err
		}
	}
	l.mu.Lock()
	l.scene = name
	l.mu.Unlock()
	l.emit(CurrentProgramSceneChanged{Name: name})
	return nil
}

// The run's inputs as OBS names them.
const (
	liveVideoInput = "Program picture"
	liveAudioInput = "Program sound"
)

func (l *Live) Inputs() []Input {
	ins := []Input{{Name: liveVideoInput, Kind: "showcaster_video"}}
	if l.cfg.AudioInput != "" {
		l.mu.Lock()
		ins = append(ins, Input{Name: liveAudioInput, Kind: "showcaster_audio", Audio: true, Muted: l.micMuted})
		l.mu.Unlock()
	}
	return ins
}

func (l *Live) SetInputMuted(name string, muted bool) error {
	if name != liveAudioInput || l.cfg.AudioInput == "" {
		return fmt.Errorf("input %q: %w", name, ErrNotFound)
	}
	if err := l.cfg.Engine.SetAudioMuted(l.cfg.AudioInput, muted); err != nil {
		return err
	}
	l.mu.Lock()
	l.micMuted = muted
	l.mu.Unlock()
	l.emit(InputMuteStateChanged{Name: name, Muted: muted})
	return nil
}

func (l *Live) Stats() Stats {
	st := l.cfg.Engine.Stats()
	return Stats{ActiveFPS: st.FPS, OutputSkipped: st.FramesDropped, OutputTotal: st.FramesSent + st.FramesDropped}
}

func (l *Live) Vendor(ctx context.Context, request string, data map[string]any) (map[string]any, error) {
	if l.cfg.Vendor == nil {
		return nil, fmt.Errorf("%w: %s (showcaster live has no product list; use the studio window)", ErrUnknownRequest, request)
	}
	return l.cfg.Vendor(ctx, request, data)
}

// Ended tells clients the run's stream has stopped and the studio is
// exiting; call it after the engine stopped publishing.
func (l *Live) Ended() {
	l.emit(StreamStateChanged{Active: false, State: OutputStopped})
	l.emit(ExitStarted{})
}
