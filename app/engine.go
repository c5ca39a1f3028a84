package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"
	"time"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/clock"
	"showcaster/publish"
	"showcaster/scene"
)

// EngineConfig sets up the program pipeline. Zero fields take the defaults:
// 1280×720 at 30 fps, 2500 kbps between 300 and 2500 kbps, x264 veryfast.
type EngineConfig struct {
	Width, Height, FPS int
	// BitrateKbps is the video bitrate to start at; MinKbps and MaxKbps bound
	// what congestion control may choose.
	BitrateKbps, MinKbps, MaxKbps int
	// Preset is the x264 preset (default "veryfast").
	Preset string
	// LoopbackOnly restricts WebRTC to loopback candidates: for the embedded
	// local platform and tests.
	LoopbackOnly bool
	Clock        clock.Clock
	Logf         func(format string, args ...any)
	// Emit receives Stats once a second, Reconnecting, OutputStopped and
	// AudioLevel events. It must not block.
	Emit func(Event)
}

func (c EngineConfig) withDefaults() EngineConfig {
	if c.Width == 0 || c.Height == 0 {
		c.Width, c.Height = 1280, 720
	}
	if c.FPS == 0 {
		c.FPS = 30
	}
	if c.MaxKbps == 0 {
		c.MaxKbps = max(c.BitrateKbps, encode.DefaultVideoBitrate/1000)
	}
	if c.BitrateKbps == 0 {
		c.BitrateKbps = c.MaxKbps
	}
	if c.MinKbps == 0 {
		c.MinKbps = min(300, c.BitrateKbps)
	}
	c.BitrateKbps = max(c.MinKbps, min(c.BitrateKbps, c.MaxKbps))
	c.Clock = clock.OrReal(c.Clock)
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	if c.Emit == nil {
		c.Emit = func(Event) {}
	}
	return c
}

// Engine is the program pipeline without a window: sources → scene →
// encoders → outputs. It renders from Start until Close; it encodes only
// while an output is attached, so an idle studio costs only the preview.
type Engine struct {
	cfg   EngineConfig
	scene *scene.Scene
	mixer *scene.Mixer
	h264  *encode.H264
	opus  *encode.Opus

	mu      sync.Mutex
	outputs []publish.Output
	whip    *publish.WHIP
	rec     *publish.Recorder
	video   []capture.VideoSource // owned: closed when replaced or on Close
	audio   map[string]capture.AudioSource
	layout  scene.Layout
	tap     func(capture.AudioChunk) // the microphone monitor, when on
	// hubTap feeds the program's sound to Destinations' hub; apart from
	// tap, so that turning the monitor on or off leaves the hub its sound.
	hubTap func(capture.AudioChunk)
	// origin is the program clock's zero, fixed at Start: video frames and
	// audio packets are both stamped from it, so a recording or a stream
	// attached at any moment has its sound in step with its picture.
	origin time.Time
	// audioTime puts the Opus encoder's packets on the program clock; it is
	// used by encodeAudio only.
	audioTime encode.AudioTimeline
	// health is the last seconds of the stream, for judging its health.
	health healthWindow
	// publishing counts toward Stats.Reconnects across the WHIP sessions of one Publish.
	reconnects int

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

// NewEngine builds the scene, the mixer and the encoders.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	cfg = cfg.withDefaults()
	sc, err := scene.New(scene.Config{Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS, Clock: cfg.Clock})
	if err != nil {
		return nil, err
	}
	h, err := encode.NewH264(encode.H264Config{
		Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS,
		BitrateBps: cfg.BitrateKbps * 1000, Preset: cfg.Preset,
	})
	if err != nil {
		sc.Close()
		return nil, err
	}
	// The encoder opens to learn its profile and level (for the SDP), then
	// waits, freed, for the first output.
	h.Suspend()
	o, err := encode.NewOpus(encode.OpusConfig{Channels: 2})
	if err != nil {
		h.Close()
		sc.Close()
		return nil, err
	}
	e := &Engine{
		cfg:   cfg,
		scene: sc,
		h264:  h,
		opus:  o,
		audio: map[string]capture.AudioSource{},
	}
	e.mixer = scene.NewMixer(scene.MixerConfig{Clock: cfg.Clock, OnSourceError: e.audioFailed})
	return e, nil
}

// audioFailed reports a source that stopped on its own; one the engine
// closed itself (replaced, or on Close) is no news.
func (e *Engine) audioFailed(id string, err error) {
	e.mu.Lock()
	_, current := e.audio[id]
	closed := e.closed
	e.mu.Unlock()
	if current && !closed {
		e.cfg.Emit(Notice{Err: fmt.Errorf("audio source %s stopped: %w", id, err)})
	}
}

// Scene is the program compositor, for overlays.
func (e *Engine) Scene() *scene.Scene { return e.scene }

// Config is the engine's settings with defaults filled in.
func (e *Engine) Config() EngineConfig { return e.cfg }

// SetVideo puts sources on the canvas in a layout; main fills it, second is
// the picture-in-picture or the right half (nil for none). The engine owns
// the sources from here on and closes those it no longer shows.
func (e *Engine) SetVideo(l scene.Layout, main, second capture.VideoSource) {
	e.SetVideoFade(l, main, second, 0)
}

// SetVideoFade is SetVideo with a cross-fade of length fade from the
// arrangement on air (a scene switch); 0 cuts. A source the new arrangement
// no longer uses is closed at once: the fade shows its last frame.
func (e *Engine) SetVideoFade(l scene.Layout, main, second capture.VideoSource, fade time.Duration) {
	e.mu.Lock()
	old := e.video
	e.video = nil
	for _, s := range []capture.VideoSource{main, second} {
		if s != nil {
			e.video = append(e.video, s)
		}
	}
	e.layout = l
	e.mu.Unlock()
	e.scene.SetItemsFade(scene.LayoutItems(l, e.cfg.Width, e.cfg.Height, main, second), fade)
	for _, s := range old {
		if s != main && s != second {
			s.Close()
		}
	}
}

// Video is the current layout and sources.
func (e *Engine) Video() (scene.Layout, []capture.VideoSource) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.layout, append([]capture.VideoSource(nil), e.video...)
}

// SetAudio replaces the audio source with this id (nil removes it).
func (e *Engine) SetAudio(id string, src capture.AudioSource) error {
	e.mu.Lock()
	old := e.audio[id]
	if src == nil {
		delete(e.audio, id)
	} else {
		e.audio[id] = src
	}
	e.mu.Unlock()
	if old != nil {
		e.mixer.Remove(id)
		old.Close()
	}
	if src != nil {
		return e.mixer.Add(id, src, 1)
	}
	return nil
}

// SetAudioTap hands every chunk of the program's sound to f (nil stops):
// the microphone monitor. f must not block.
func (e *Engine) SetAudioTap(f func(capture.AudioChunk)) {
	e.mu.Lock()
	e.tap = f
	e.mu.Unlock()
}

// SetAudioMuted mutes or unmutes one audio source.
func (e *Engine) SetAudioMuted(id string, muted bool) error { return e.mixer.SetMute(id, muted) }

// Preview is the latest program picture scaled to fit maxW×maxH.
func (e *Engine) Preview(maxW, maxH int) *image.RGBA { return e.scene.Preview(maxW, maxH) }

// Start runs the frame clock, the mix, the encoders and the stats.
func (e *Engine) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	e.mu.Lock()
	e.cancel = cancel
	origin := e.cfg.Clock.Now()
	e.origin = origin
	e.mu.Unlock()
	sink := e.scene.AddSink("encoder", 2)
	e.wg.Add(5)
	go func() { defer e.wg.Done(); e.scene.RunFrom(ctx, origin) }()
	go func() { defer e.wg.Done(); e.mixer.Run(ctx) }()
	go func() { defer e.wg.Done(); e.encodeVideo(sink) }()
	go func() { defer e.wg.Done(); e.encodeAudio(ctx) }()
	go func() { defer e.wg.Done(); e.reportStats(ctx) }()
}

func (e *Engine) snapshotOutputs() []publish.Output {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outputs
}

func (e *Engine) encodeVideo(sink *scene.Sink) {
	for f := range sink.Frames() {
		outs := e.snapshotOutputs()
		if len(outs) == 0 {
			// Nothing to encode for: free x264's buffers until an output
			// comes (an idle studio then costs only its preview).
			e.h264.Suspend()
			f.Release()
			continue
		}
		pkt, err := e.h264.Encode(f.Image, f.PTS, f.CaptureTime)
		f.Release()
		if err != nil {
			e.cfg.Logf("video encoder: %v", err)
			continue
		}
		if pkt.Skipped() { // openh264 holding its bitrate: nothing to send
			continue
		}
		for _, o := range outs {
			o.WriteVideo(pkt)
		}
	}
}

func (e *Engine) encodeAudio(ctx context.Context) {
	e.mu.Lock()
	origin := e.origin
	e.mu.Unlock()
	levelEvery := int(100 * time.Millisecond / capture.ChunkDuration) // the meter moves at 10 Hz
	n := 0
	for {
		var chunk capture.AudioChunk
		select {
		case <-ctx.Done():
			return
		case chunk = <-e.mixer.Chunks():
		}
		if n++; n%levelEvery == 0 {
			e.cfg.Emit(AudioLevel{Peak: e.mixer.Level()})
		}
		e.mu.Lock()
		tap, hubTap := e.tap, e.hubTap
		e.mu.Unlock()
		if tap != nil {
			tap(chunk)
		}
		if hubTap != nil {
			hubTap(chunk)
		}
		outs := e.snapshotOutputs()
		if len(outs) == 0 {
			continue
		}
		pkts, err := e.opus.Encode(chunk)
		if err != nil {
			e.cfg.Logf("audio encoder: %v", err)
			continue
		}
		// The encoder counts only the samples it was given, and it is fed
		// only while an output is attached; the picture's PTS count from
		// the engine's start. Put the sound on the picture's clock.
		e.audioTime.Place(origin, pkts)
		for _, p := range pkts {
			for _, o := range outs {
				o.WriteAudio(p)
			}
		}
	}
}

// Publish starts a WHIP output and returns once the first session is live,
// or with the reason it could not connect. Later drops reconnect by
// themselves while the scene keeps running.
func (e *Engine) Publish(ctx context.Context, whipURL, token string) error {
	e.mu.Lock()
	if e.whip != nil {
		e.mu.Unlock()
		return ErrAlreadyPublishing
	}
	e.mu.Unlock()
	w := publish.NewWHIP(publish.WHIPConfig{
		URL: whipURL, Token: token,
		MinBitrate: e.cfg.MinKbps * 1000, MaxBitrate: e.cfg.MaxKbps * 1000, StartBitrate: e.cfg.BitrateKbps * 1000,
		H264ProfileLevelID: e.h264.ProfileLevelID(),
		Clock:              e.cfg.Clock,
		OnKeyframeRequest:  e.h264.ForceKeyframe,
		OnTargetBitrate:    e.h264.SetBitrate,
		OnEvent:            e.onOutputEvent,
		Logf:               e.cfg.Logf,
		LoopbackOnly:       e.cfg.LoopbackOnly,
	})
	if err := w.Start(ctx); err != nil {
		w.Close()
		return err
	}
	e.mu.Lock()
	e.whip = w
	e.reconnects = 0
	e.outputs = append(append([]publish.Output(nil), e.outputs...), w)
	e.mu.Unlock()
	e.h264.ForceKeyframe()
	return nil
}

func (e *Engine) onOutputEvent(ev publish.Event) {
	switch ev.Kind {
	case publish.EventReconnectScheduled:
		e.mu.Lock()
		e.reconnects = ev.Attempt
		e.mu.Unlock()
		e.cfg.Emit(Reconnecting{Attempt: ev.Attempt, Delay: ev.Delay, Err: ev.Err})
	case publish.EventReconnectFailed:
		e.cfg.Logf("reconnect attempt %d failed: %v", ev.Attempt, ev.Err)
	}
}

// StartRecording writes the program (H.264 + Opus) into a Matroska file
// beside any WHIP output; it goes on through reconnects.
func (e *Engine) StartRecording(path string) error {
	e.mu.Lock()
	busy := e.rec != nil
	e.mu.Unlock()
	if busy {
		return ErrAlreadyRecording
	}
	r, err := publish.NewRecorder(publish.RecorderConfig{Path: path, Width: e.cfg.Width, Height: e.cfg.Height,
		FPS: e.cfg.FPS, AudioChannels: 2, Clock: e.cfg.Clock, Logf: e.cfg.Logf})
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.rec = r
	e.outputs = append(append([]publish.Output(nil), e.outputs...), r)
	e.mu.Unlock()
	// The file starts at a keyframe: ask for one rather than wait up to 2 s.
	e.h264.ForceKeyframe()
	return nil
}

// Recording is the file being recorded ("" when not recording).
func (e *Engine) Recording() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rec == nil {
		return ""
	}
	return strings.TrimPrefix(e.rec.Name(), "record ")
}

// StopRecording finishes the file.
func (e *Engine) StopRecording() error {
	e.mu.Lock()
	r := e.rec
	e.rec = nil
	e.outputs = without(e.outputs, r)
	e.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Close()
}

func without(outs []publish.Output, drop publish.Output) []publish.Output {
	var keep []publish.Output
	for _, o := range outs {
		if o != drop {
			keep = append(keep, o)
		}
	}
	return keep
}

// Publishing reports whether a WHIP output is attached.
func (e *Engine) Publishing() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.whip != nil
}

// StopPublishing ends the WHIP session (DELETE) and detaches it.
func (e *Engine) StopPublishing() error {
	e.mu.Lock()
	w := e.whip
	e.whip = nil
	if w == nil {
		e.mu.Unlock()
		return nil
	}
	e.outputs = without(e.outputs, w)
	e.mu.Unlock()
	err := w.Close()
	e.cfg.Emit(OutputStopped{Err: err})
	return err
}

// Stats is the stream report now.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	w, reconnects := e.whip, e.reconnects
	e.mu.Unlock()
	ss := e.scene.Stats()
	st := Stats{At: e.cfg.Clock.Now(), State: StreamIdle}
	var sceneDrops uint64
	for _, k := range ss.Sinks {
		sceneDrops += k.Dropped
	}
	st.Drops.Encoder = int64(sceneDrops)
	if w != nil {
		ws := w.Stats()
		st.State = streamState(ws.State)
		st.FPS = ws.FPS
		st.Kbps = ws.Kbps
		st.FramesSent = int64(ws.FramesSent)
		st.Drops.SendQueue = int64(ws.Drops.QueueFull)
		st.Drops.NotLive = int64(ws.Drops.NotLive)
		st.Drops.AwaitKeyframe = int64(ws.Drops.AwaitKeyframe)
		st.RTT = ws.RTT
		st.Loss = ws.Loss
		st.TargetKbps = float64(ws.TargetBitrate) / 1000
		st.Reconnects = max(reconnects, ws.ReconnectAttempts)
	}
	st.FramesDropped = st.Drops.Encoder + st.Drops.SendQueue + st.Drops.NotLive + st.Drops.AwaitKeyframe
	e.mu.Lock()
	e.health.add(st)
	view := e.health.view(float64(e.cfg.MinKbps))
	e.mu.Unlock()
	st.Health, st.Reason = judgeHealth(st, view, e.cfg.FPS, float64(e.cfg.MinKbps))
	return st
}

func (e *Engine) reportStats(ctx context.Context) {
	t := e.cfg.Clock.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			e.cfg.Emit(e.Stats())
		}
	}
}

// Close stops publishing, the clock and the encoders, and closes the sources.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	cancel := e.cancel
	e.mu.Unlock()
	err := errors.Join(e.StopPublishing(), e.StopRecording())
	e.mu.Lock()
	outs := e.outputs
	e.outputs = nil
	e.mu.Unlock()
	for _, o := range outs {
		err = errors.Join(err, o.Close())
	}
	if cancel != nil {
		cancel()
	}
	e.scene.Close()
	e.wg.Wait()
	e.h264.Close()
	e.opus.Close()
	e.mu.Lock()
	video, audio := e.video, e.audio
	e.video, e.audio = nil, map[string]capture.AudioSource{}
	e.mu.Unlock()
	for _, s := range video {
		s.Close()
	}
	for _, s := range audio {
		s.Close()
	}
	return err
}
