// Package broadcast sends one program to several destinations at once: one
// capture and one composition (the scene), one H.264 encode per distinct
// encoding and one audio encode per codec, shared by every destination that
// wants the same. Each distinct encoding reads the scene through its own
// sink, so an encoder that falls behind drops its own frames; each
// destination has its own queue, so a slow one drops its own packets. None
// of them slows the others.
package broadcast

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/publish"
	"showcaster/scene"
)

// Output is a destination's transport: WHIP, RTMP or a recorder.
type Output interface {
	publish.Output
}

// Starter is an Output that connects before it carries media.
type Starter interface {
	Start(ctx context.Context) error
}

// Wiring is what an output may ask of the encoder it is fed from.
type Wiring struct {
	// ForceKeyframe asks the encoder for an IDR (a new session, a loss).
	ForceKeyframe func()
	// SetBitrate is congestion control's target. It is applied only while
	// the destination has its encoder to itself: a shared encoder keeps
	// its rate, and a slow destination drops frames instead of softening
	// everyone's picture.
	SetBitrate func(bps int)
	// ProfileLevelID of the H.264 stream, for SDP.
	ProfileLevelID string
	// BitrateBps is the encoder's configured bitrate.
	BitrateBps int
}

// Dest describes one destination.
type Dest struct {
	Name string // shown to the host; unique among the destinations on air
	Kind string // "whip", "rtmp", "record"…, for stats
	// Audio is the codec the transport carries (Opus for WHIP and the
	// recorder, AAC for RTMP).
	Audio encode.AudioCodec
	// MaxKbps caps the video bitrate (0: the program's). Destinations with
	// the same effective bitrate share an encoder.
	MaxKbps int
	// Open makes the output, wired to its encoder.
	Open func(Wiring) Output
}

// Config sets up a hub.
type Config struct {
	Scene       *scene.Scene
	FPS         int
	BitrateKbps int    // the program's video bitrate
	Preset      string // x264 preset
	Logf        func(format string, args ...any)

	// External is an encoder that already runs at BitrateKbps (the engine's
	// own, feeding the platform): destinations at that bitrate take its
	// packets, through WriteExternalVideo, instead of a second encode.
	External *encode.H264
	// OnExternal is told when the first destination starts taking the
	// external encoder's packets (true) and when the last one stops (false).
	OnExternal func(on bool)
}

// Hub is the set of destinations of one show.
type Hub struct {
	cfg Config

	mu       sync.Mutex
	closed   bool
	dests    []*dest
	encoders map[int]*videoEncoder // by bitrate in kbps
	audio    map[encode.AudioCodec]encode.AudioEncoder
	audioMu  sync.Mutex // serializes WriteAudio

	// videoOrigin is the scene-clock time of video PTS 0 (Frame.Time -
	// Frame.PTS of the first frame encoded), in UnixNano; 0 until then.
	videoOrigin atomic.Int64
	// audioTime, per codec, puts audio packets on the video timeline:
	// an audio encoder counts its samples from its own start, which is not
	// when the scene began. Guarded by audioMu.
	audioTime map[encode.AudioCodec]*encode.AudioTimeline
}

type dest struct {
	Dest
	out Output
	enc *videoEncoder
	err error // why Start failed
}

// videoEncoder is one H.264 encode and the outputs it feeds.
type videoEncoder struct {
	kbps     int
	external bool // Config.External: no sink, no goroutine of its own
	h264     *encode.H264
	sink     *scene.Sink
	outs     atomic.Pointer[[]*dest]
	done     chan struct{}
	encoded  atomic.Uint64
}

// New makes a hub over a running scene.
func New(cfg Config) *Hub {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	return &Hub{cfg: cfg, encoders: map[int]*videoEncoder{}, audio: map[encode.AudioCodec]encode.AudioEncoder{},
		audioTime: map[encode.AudioCodec]*encode.AudioTimeline{}}
}

func (h *Hub) effectiveKbps(d Dest) int {
	k := h.cfg.BitrateKbps
	if d.MaxKbps > 0 && d.MaxKbps < k {
		k = d.MaxKbps
	}
	return k
}

// Add opens a destination, starts it (Start's error is returned, and the
// destination is not kept), and feeds it from the encoder of its bitrate.
func (h *Hub) Add(ctx context.Context, d Dest) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return ErrClosed
	}
	for _, x := range h.dests {
		if x.Name == d.Name {
			h.mu.Unlock()
			return fmt.Errorf("%s: %w", d.Name, ErrDuplicate)
		}
	}
	enc, err := h.encoderLocked(h.effectiveKbps(d))
	if err != nil {
		h.mu.Unlock()
		return err
	}
	if err := h.audioLocked(d.Audio); err != nil {
		h.mu.Unlock()
		return err
	}
	x := &dest{Dest: d, enc: enc}
	x.out = d.Open(Wiring{
		ForceKeyframe: enc.h264.ForceKeyframe,
		SetBitrate: func(bps int) {
			if outs := enc.outs.Load(); outs != nil && len(*outs) == 1 {
				enc.h264.SetBitrate(bps)
			}
		},
		ProfileLevelID: enc.h264.ProfileLevelID(),
		BitrateBps:     enc.kbps * 1000,
	})
	h.dests = append(h.dests, x)
	h.mu.Unlock()

	if s, ok := x.out.(Starter); ok {
		if err := s.Start(ctx); err != nil {
			x.out.Close()
			h.mu.Lock()
			h.dests = removeDest(h.dests, x)
			h.releaseLocked(enc)
			h.mu.Unlock()
			return err
		}
	}
	h.mu.Lock()
	enc.attach(x)
	h.mu.Unlock()
	enc.h264.ForceKeyframe()
	return nil
}

func removeDest(ds []*dest, x *dest) []*dest {
	var keep []*dest
	for _, d := range ds {
		if d != x {
			keep = append(keep, d)
		}
	}
	return keep
}

func (e *videoEncoder) attach(x *dest) {
	var outs []*dest
	if p := e.outs.Load(); p != nil {
		outs = append(outs, *p...)
	}
	outs = append(outs, x)
	e.outs.Store(&outs)
}

func (e *videoEncoder) detach(x *dest) {
	if p := e.outs.Load(); p != nil {
		outs := removeDest(*p, x)
		e.outs.Store(&outs)
	}
}

// encoderLocked finds or makes the encoder of a bitrate.
func (h *Hub) encoderLocked(kbps int) (*videoEncoder, error) {
	if e := h.encoders[kbps]; e != nil {
		return e, nil
	}
	if h.cfg.External != nil && kbps == h.cfg.BitrateKbps {
		e := &videoEncoder{kbps: kbps, h264: h.cfg.External, external: true}
		h.encoders[kbps] = e
		if h.cfg.OnExternal != nil {
			h.cfg.OnExternal(true)
		}
		return e, nil
	}
	sc := h.cfg.Scene.Config()
	enc, err := encode.NewH264(encode.H264Config{Width: sc.Width, Height: sc.Height, FPS: h.cfg.FPS,
		BitrateBps: kbps * 1000, Preset: h.cfg.Preset})
	if err != nil {
		return nil, err
	}
	e := &videoEncoder{kbps: kbps, h264: enc, done: make(chan struct{}),
		sink: h.cfg.Scene.AddSink(fmt.Sprintf("broadcast-%dk", kbps), 2)}
	h.encoders[kbps] = e
	go e.run(h, h.cfg.Logf)
	return e, nil
}

// releaseLocked closes an encoder no destination uses any more.
func (h *Hub) releaseLocked(e *videoEncoder) {
	for _, d := range h.dests {
		if d.enc == e {
			return
		}
	}
	delete(h.encoders, e.kbps)
	if e.external {
		if h.cfg.OnExternal != nil {
			h.cfg.OnExternal(false)
		}
		return
	}
	e.sink.Close()
	<-e.done
	e.h264.Close()
}

func (h *Hub) audioLocked(c encode.AudioCodec) error {
	if h.audio[c] != nil {
		return nil
	}
	var enc encode.AudioEncoder
	var err error
	switch c {
	case encode.AudioAAC:
		enc, err = encode.NewAAC(encode.AACConfig{})
	default:
		enc, err = encode.NewOpus(encode.OpusConfig{})
	}
	if err != nil {
		return err
	}
	h.audioMu.Lock()
	h.audio[c] = enc
	h.audioMu.Unlock()
	return nil
}

// run encodes the frames of this encoder's sink and hands each packet to
// its outputs, whose writes never block.
func (e *videoEncoder) run(h *Hub, logf func(string, ...any)) {
	defer close(e.done)
	for f := range e.sink.Frames() {
		p := e.outs.Load()
		if p == nil || len(*p) == 0 {
			f.Release()
			continue
		}
		if h.videoOrigin.Load() == 0 && !f.Time.IsZero() {
			h.videoOrigin.CompareAndSwap(0, f.Time.Add(-f.PTS).UnixNano())
		}
		pkt, err := e.h264.Encode(f.Image, f.PTS, f.CaptureTime)
		f.Release()
		if err != nil {
			logf("broadcast: video encoder %d kbps: %v", e.kbps, err)
			continue
		}
		if pkt.Skipped() { // openh264 holding its bitrate: nothing to send
			continue
		}
		e.encoded.Add(1)
		for _, d := range *p {
			d.out.WriteVideo(pkt)
		}
	}
}

// WriteExternalVideo hands a packet of Config.External to the destinations
// that take it. It never blocks.
func (h *Hub) WriteExternalVideo(pkt encode.Packet) {
	h.mu.Lock()
	e := h.encoders[h.cfg.BitrateKbps]
	h.mu.Unlock()
	if e == nil || !e.external {
		return
	}
	p := e.outs.Load()
	if p == nil || len(*p) == 0 {
		return
	}
	if h.videoOrigin.Load() == 0 && !pkt.CaptureTime.IsZero() {
		// The picture's capture time less its PTS: sound captured at the
		// same moment then gets the same timestamp.
		h.videoOrigin.CompareAndSwap(0, pkt.CaptureTime.Add(-pkt.PTS).UnixNano())
	}
	e.encoded.Add(1)
	for _, d := range *p {
		d.out.WriteVideo(pkt)
	}
}

// WriteAudio encodes a chunk of the program's sound once per codec in use
// and hands the packets to the destinations of that codec. Wire it to the
// mixer's output; it does not block on any destination.
func (h *Hub) WriteAudio(chunk capture.AudioChunk) {
	h.mu.Lock()
	type group struct {
		enc  encode.AudioEncoder
		outs []Output
	}
	groups := map[encode.AudioCodec]*group{}
	for _, d := range h.dests {
		if d.enc == nil {
			continue
		}
		g := groups[d.Audio]
		if g == nil {
			g = &group{enc: h.audio[d.Audio]}
			groups[d.Audio] = g
		}
		g.outs = append(g.outs, d.out)
	}
	h.mu.Unlock()
	h.audioMu.Lock()
	defer h.audioMu.Unlock()
	for c, g := range groups {
		if g.enc == nil {
			continue
		}
		pkts, err := g.enc.Encode(chunk)
		if err != nil {
			h.cfg.Logf("broadcast: %s encoder: %v", c, err)
			continue
		}
		h.alignAudio(c, pkts)
		for _, p := range pkts {
			for _, o := range g.outs {
				o.WriteAudio(p)
			}
		}
	}
}

// alignAudio moves packets onto the video timeline (encode.AudioTimeline),
// once the first frame has fixed where video PTS 0 is.
func (h *Hub) alignAudio(c encode.AudioCodec, pkts []encode.Packet) {
	origin := h.videoOrigin.Load()
	if origin == 0 {
		return
	}
	tl := h.audioTime[c]
	if tl == nil {
		tl = &encode.AudioTimeline{}
		h.audioTime[c] = tl
	}
	tl.Place(time.Unix(0, origin), pkts)
}

// DestStats is one destination's report.
type DestStats struct {
	Name string
	Kind string
	// EncoderKbps is the bitrate of the encode this destination shares.
	EncoderKbps int
	// EncoderDrops counts frames its encoder could not take in time.
	EncoderDrops uint64
	publish.Stats
}

// Stats reports every destination, in the order they were added.
func (h *Hub) Stats() []DestStats {
	h.mu.Lock()
	ds := append([]*dest(nil), h.dests...)
	h.mu.Unlock()
	out := make([]DestStats, 0, len(ds))
	for _, d := range ds {
		var drops uint64
		if d.enc.sink != nil {
			drops = d.enc.sink.Dropped()
		}
		out = append(out, DestStats{Name: d.Name, Kind: d.Kind, EncoderKbps: d.enc.kbps,
			EncoderDrops: drops, Stats: d.out.Stats()})
	}
	return out
}

// Encoders is how many H.264 encodes run now.
func (h *Hub) Encoders() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.encoders)
}

// OwnEncoders is how many H.264 encodes the hub runs itself (not counting
// the external one).
func (h *Hub) OwnEncoders() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.encoders {
		if !e.external {
			n++
		}
	}
	return n
}

// Remove stops one destination; the others go on.
func (h *Hub) Remove(name string) error {
	h.mu.Lock()
	var x *dest
	for _, d := range h.dests {
		if d.Name == name {
			x = d
		}
	}
	if x == nil {
		h.mu.Unlock()
		return fmt.Errorf("%s: %w", name, ErrNoSuch)
	}
	x.enc.detach(x)
	h.dests = removeDest(h.dests, x)
	h.mu.Unlock()
	err := x.out.Close()
	h.mu.Lock()
	h.releaseLocked(x.enc)
	h.mu.Unlock()
	return err
}

// Close stops every destination and frees the encoders.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	names := make([]string, 0, len(h.dests))
	for _, d := range h.dests {
		names = append(names, d.Name)
	}
	h.mu.Unlock()
	var errs []error
	for _, n := range names {
		if err := h.Remove(n); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n, err))
		}
	}
	h.audioMu.Lock()
	for _, a := range h.audio {
		a.Close()
	}
	h.audio = map[encode.AudioCodec]encode.AudioEncoder{}
	h.audioMu.Unlock()
	if len(errs) > 0 {
		return fmt.Errorf("%v", errs)
	}
	return nil
}
