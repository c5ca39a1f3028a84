package app

import (
	"context"
	"fmt"
	"strings"

	"showcaster/broadcast"
	"showcaster/encode"
	"showcaster/publish"
)

// Destinations sends the engine's program to several places at once
// (platforms over WHIP and RTMP(S), and a recording) through one
// broadcast.Hub: the engine's scene composes once, each distinct bitrate is
// encoded once, each audio codec once.
//
// It sits beside Engine rather than inside it until the studio's rooms are
// settled; it takes the program's sound from the engine (Engine.hubTap,
// beside the monitor's tap, which SetAudioTap replaces).
type Destinations struct {
	eng     *Engine
	hub     *broadcast.Hub
	onEvent func(name string, ev publish.Event)
}

// NewDestinations makes the hub over the engine's scene. onEvent (may be
// nil) hears every destination's state changes and reconnects.
func NewDestinations(e *Engine, onEvent func(name string, ev publish.Event)) *Destinations {
	if onEvent == nil {
		onEvent = func(string, publish.Event) {}
	}
	d := &Destinations{eng: e, onEvent: onEvent}
	proxy := &engineFeed{d: d}
	d.hub = broadcast.New(broadcast.Config{Scene: e.scene, FPS: e.cfg.FPS, BitrateKbps: e.cfg.BitrateKbps,
		Preset: e.cfg.Preset, Logf: e.cfg.Logf,
		// Destinations at the program's bitrate share the engine's encode
		// (the one the platform's WHIP session gets).
		External: e.h264,
		OnExternal: func(on bool) {
			e.mu.Lock()
			if on {
				e.outputs = append(append([]publish.Output(nil), e.outputs...), proxy)
			} else {
				e.outputs = without(e.outputs, proxy)
			}
			e.mu.Unlock()
		},
	})
	e.mu.Lock()
	e.hubTap = d.hub.WriteAudio
	e.mu.Unlock()
	return d
}

// engineFeed is an engine output that passes the engine's video packets
// to the destinations sharing its encode (their sound comes from the tap).
type engineFeed struct{ d *Destinations }

func (f *engineFeed) Name() string               { return "destinations" }
func (f *engineFeed) WriteVideo(p encode.Packet) { f.d.hub.WriteExternalVideo(p) }
func (f *engineFeed) WriteAudio(encode.Packet)   {}
func (f *engineFeed) Stats() publish.Stats       { return publish.Stats{State: publish.StateLive} }
func (f *engineFeed) Close() error               { return nil }

// Hub is the destinations' hub, for stats.
func (d *Destinations) Hub() *broadcast.Hub { return d.hub }

// AddWHIP publishes to a WHIP endpoint; it returns once live, or why not.
func (d *Destinations) AddWHIP(ctx context.Context, name, url, token string, maxKbps int) error {
	cfg := d.eng.cfg
	return d.hub.Add(ctx, broadcast.Dest{
		Name: name, Kind: "whip", Audio: encode.AudioOpus, MaxKbps: maxKbps,
		Open: func(w broadcast.Wiring) broadcast.Output {
			return publish.NewWHIP(publish.WHIPConfig{
				URL: url, Token: token,
				MinBitrate: min(cfg.MinKbps*1000, w.BitrateBps), MaxBitrate: w.BitrateBps, StartBitrate: w.BitrateBps,
				H264ProfileLevelID: w.ProfileLevelID,
				Clock:              cfg.Clock,
				OnKeyframeRequest:  w.ForceKeyframe,
				OnTargetBitrate:    w.SetBitrate,
				OnEvent:            func(ev publish.Event) { d.onEvent(name, ev) },
				Logf:               cfg.Logf,
				LoopbackOnly:       cfg.LoopbackOnly || IsLoopbackURL(url),
			})
		},
	})
}

// AddRTMP publishes to an RTMP(S) server. server is what the host pasted
// (the whole push URL, or the server when key is given apart).
func (d *Destinations) AddRTMP(ctx context.Context, name, server, key string, maxKbps int) error {
	target, err := publish.ParseRTMPTarget(server, key)
	if err != nil {
		return err
	}
	cfg := d.eng.cfg
	if err := target.CheckExpiry(cfg.Clock.Now()); err != nil {
		return fmt.Errorf("%s: %w", target, err)
	}
	return d.hub.Add(ctx, broadcast.Dest{
		Name: name, Kind: "rtmp", Audio: encode.AudioAAC, MaxKbps: maxKbps,
		Open: func(w broadcast.Wiring) broadcast.Output {
			return publish.NewRTMP(publish.RTMPConfig{
				Target:            target,
				Clock:             cfg.Clock,
				OnKeyframeRequest: w.ForceKeyframe,
				OnEvent:           func(ev publish.Event) { d.onEvent(name, ev) },
				Logf:              cfg.Logf,
			})
		},
	})
}

// AddRecording records the program (H.264 + Opus, Matroska) beside the
// destinations, from the program's encode.
func (d *Destinations) AddRecording(path string) error {
	cfg := d.eng.cfg
	var openErr error
	err := d.hub.Add(context.Background(), broadcast.Dest{
		Name: "record", Kind: "record", Audio: encode.AudioOpus,
		Open: func(w broadcast.Wiring) broadcast.Output {
			r, err := publish.NewRecorder(publish.RecorderConfig{Path: path, Width: cfg.Width, Height: cfg.Height,
				FPS: cfg.FPS, AudioChannels: 2, Clock: cfg.Clock, Logf: cfg.Logf})
			if err != nil {
				openErr = err
				return failedOutput{name: "record " + path, err: err}
			}
			return r
		},
	})
	if openErr != nil {
		return openErr
	}
	return err
}

// failedOutput stands for an output that could not be made; Start says why.
type failedOutput struct {
	name string
	err  error
}

func (f failedOutput) Name() string                { return f.name }
func (f failedOutput) WriteVideo(encode.Packet)    {}
func (f failedOutput) WriteAudio(encode.Packet)    {}
func (f failedOutput) Close() error                { return nil }
func (f failedOutput) Start(context.Context) error { return f.err }
func (f failedOutput) Stats() publish.Stats {
	return publish.Stats{State: publish.StateStopped, StopReason: publish.StopFailed, StopErr: f.err}
}

// Stats is every destination's report.
func (d *Destinations) Stats() []broadcast.DestStats { return d.hub.Stats() }

// DestinationStats is one destination's report in the terms of the engine's
// own (Stats, without the health judgement): what `showcaster live` prints
// and lends remote control for its destinations.
func DestinationStats(d broadcast.DestStats) Stats {
	return Stats{
		State: streamState(d.State), FPS: d.FPS, Kbps: d.Kbps,
		FramesSent: int64(d.FramesSent), FramesDropped: int64(d.FramesDropped + d.EncoderDrops),
		Drops: Drops{Encoder: int64(d.EncoderDrops), SendQueue: int64(d.Drops.QueueFull),
			NotLive: int64(d.Drops.NotLive), AwaitKeyframe: int64(d.Drops.AwaitKeyframe)},
		RTT: d.RTT, Loss: d.Loss, TargetKbps: float64(d.TargetBitrate) / 1000, Reconnects: d.ReconnectAttempts,
	}
}

// Remove stops one destination.
func (d *Destinations) Remove(name string) error { return d.hub.Remove(name) }

// Close stops every destination.
func (d *Destinations) Close() error { return d.hub.Close() }

// DestinationName makes a short unique name for a destination from its
// address: the host, numbered when two share one.
func DestinationName(kind, rawURL string, taken map[string]bool) string {
	host := rawURL
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	name := kind + " " + host
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s %s #%d", kind, host, n)
	}
	taken[name] = true
	return name
}

// RedactURL hides a URL's query, where stream keys and signatures travel, so it can be logged.
func RedactURL(u string) string {
	if i := strings.Index(u, "?"); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}
