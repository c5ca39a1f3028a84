package guest

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/clock"
	"showcaster/scene"
)

// Tee hands every chunk its source delivers to the one reader of the Tee
// itself (the program's mixer) and to each tap (the guests' mix-minus
// mixers). A slow tap loses its oldest chunks; it never holds up the program.
type Tee struct {
	src capture.AudioSource

	mu   sync.Mutex
	taps map[*tap]struct{}
}

// NewTee wraps src.
func NewTee(src capture.AudioSource) *Tee { return &Tee{src: src, taps: map[*tap]struct{}{}} }

func (t *Tee) Info() capture.DeviceInfo { return t.src.Info() }

func (t *Tee) Read() (capture.AudioChunk, error) {
	c, err := t.src.Read()
	if err != nil {
		return c, err
	}
	t.mu.Lock()
	for tp := range t.taps {
		tp.offer(c)
	}
	t.mu.Unlock()
	return c, nil
}

// Close closes the source and ends the taps.
func (t *Tee) Close() error {
	t.mu.Lock()
	for tp := range t.taps {
		tp.end()
	}
	t.taps = map[*tap]struct{}{}
	t.mu.Unlock()
	return t.src.Close()
}

// Tap is a copy of the source's sound from now on; Close it to stop.
func (t *Tee) Tap() capture.AudioSource {
	tp := &tap{t: t, ch: make(chan capture.AudioChunk, 10), done: make(chan struct{})}
	t.mu.Lock()
	t.taps[tp] = struct{}{}
	t.mu.Unlock()
	return tp
}

type tap struct {
	t    *Tee
	ch   chan capture.AudioChunk
	once sync.Once
	done chan struct{}
}

func (p *tap) offer(c capture.AudioChunk) {
	select {
	case p.ch <- c:
	default:
		select {
		case <-p.ch:
		default:
		}
		select {
		case p.ch <- c:
		default:
		}
	}
}

func (p *tap) end() { p.once.Do(func() { close(p.done) }) }

func (p *tap) Info() capture.DeviceInfo { return p.t.src.Info() }

func (p *tap) Read() (capture.AudioChunk, error) {
	select {
	case c := <-p.ch:
		return c, nil
	case <-p.done:
		return capture.AudioChunk{}, ErrClosed
	}
}

func (p *tap) Close() error {
	p.t.mu.Lock()
	delete(p.t.taps, p)
	p.t.mu.Unlock()
	p.end()
	return nil
}

// ReturnConfig describes a guest's return feed.
type ReturnConfig struct {
	// WHIPURL is /whip/{show}/guests/{gid}/return; Token the studio token.
	WHIPURL, Token string
	Clock          clock.Clock
	HTTP           *http.Client
	API            *webrtc.API
	Logf           func(format string, args ...any)
}

// Return sends one guest the sound of the program without their own voice
// (mix-minus): its own mixer over taps of every other source, Opus, over WHIP
// to the platform, which the guest's page plays. It reconnects by itself.
type Return struct {
	cfg    ReturnConfig
	clk    clock.Clock
	mixer  *scene.Mixer
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	sources map[string]capture.AudioSource
}

// StartReturn starts the return feed with no sources (silence) yet.
func StartReturn(cfg ReturnConfig) (*Return, error) {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.API == nil {
		api, err := defaultAPI()
		if err != nil {
			return nil, err
		}
		cfg.API = api
	}
	clk := clock.OrReal(cfg.Clock)
	r := &Return{cfg: cfg, clk: clk, mixer: scene.NewMixer(scene.MixerConfig{Clock: clk}), done: make(chan struct{}),
		sources: map[string]capture.AudioSource{}}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	go func() { _ = r.mixer.Run(r.ctx) }()
	go r.run()
	return r, nil
}

// SetSource adds (or with nil removes) one source of the mix-minus.
func (r *Return) SetSource(id string, src capture.AudioSource) error {
	r.mu.Lock()
	old := r.sources[id]
	if src == nil {
		delete(r.sources, id)
	} else {
		r.sources[id] = src
	}
	r.mu.Unlock()
	if old != nil {
		r.mixer.Remove(id)
		old.Close()
	}
	if src != nil {
		return r.mixer.Add(id, src, 1)
	}
	return nil
}

// SetMuted mutes one source in this guest's return (the host muting a guest mutes them everywhere).
func (r *Return) SetMuted(id string, muted bool) error { return r.mixer.SetMute(id, muted) }

// Close stops the feed and closes its sources.
func (r *Return) Close() error {
	r.cancel()
	<-r.done
	r.mu.Lock()
	srcs := r.sources
	r.sources = map[string]capture.AudioSource{}
	r.mu.Unlock()
	for _, s := range srcs {
		s.Close()
	}
	return nil
}

func (r *Return) run() {
	defer close(r.done)
	enc, err := encode.NewOpus(encode.OpusConfig{Channels: 2, BitrateBps: 64_000})
	if err != nil {
		r.cfg.Logf("guest return: %v", err)
		return
	}
	defer enc.Close()
	reconnect(r.ctx, r.clk, func() error { return r.session(enc) }, func(err error) { r.cfg.Logf("guest return: %v", err) })
}

func (r *Return) session(enc *encode.Opus) error {
	pc, err := r.cfg.API.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	defer pc.Close()
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
		"audio", "showcaster-return")
	if err != nil {
		return err
	}
	if _, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
		return err
	}
	ended := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateDisconnected:
			once.Do(func() { close(ended) })
		}
	})
	resource, err := signal(r.ctx, r.cfg.HTTP, pc, r.cfg.WHIPURL, r.cfg.Token)
	if err != nil {
		return fmt.Errorf("publish the mix-minus: %w", err)
	}
	defer release(r.cfg.HTTP, resource, r.cfg.Token)
	for {
		select {
		case <-r.ctx.Done():
			return nil
		case <-ended:
			return nil
		case c, ok := <-r.mixer.Chunks():
			if !ok {
				return nil
			}
			pkts, err := enc.Encode(c)
			if err != nil {
				return err
			}
			for _, p := range pkts {
				_ = track.WriteSample(media.Sample{Data: p.Data, Duration: p.Duration})
			}
		}
	}
}
