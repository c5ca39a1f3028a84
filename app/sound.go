package app

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"

	"showcaster/internal/clock"
)

// ErrNoSoundDevice: the system has no usable audio output, so chimes are off.
var ErrNoSoundDevice = errors.New("no sound output device: chimes are turned off (plug in speakers or headphones and restart to hear them)")

// Chime is which sound to play.
type Chime int

const (
	ChimeUnknown Chime = iota
	ChimeOrder         // a viewer bought something
	ChimePrivate       // a private message for the studio
)

func (c Chime) String() string {
	switch c {
	case ChimeOrder:
		return "order"
	case ChimePrivate:
		return "private"
	default:
		return "unknown"
	}
}

// ChimerConfig configures NewChimer; the zero value is usable.
type ChimerConfig struct {
	// SampleRate of the output; 0 means 48000.
	SampleRate int
	// MinGap is the shortest time between two chimes of one kind; 0 means
	// 400 ms. During a flash sale orders arrive by the dozen a second, and a
	// chime per order would be a drone rather than a signal.
	MinGap time.Duration
	// OpenTimeout bounds the wait for the audio system; 0 means 2 s.
	OpenTimeout time.Duration
	Clock       clock.Clock
	Logf        func(string, ...any)
}

// Chimer plays short synthesized notification sounds. Play never blocks the
// caller on the audio device.
type Chimer struct {
	cfg ChimerConfig
	ctx *oto.Context
	pcm map[Chime][]byte

	mu      sync.Mutex
	last    map[Chime]time.Time
	playing []*oto.Player // players stop when unreachable, so they are held until done
	monitor *micMonitor   // the microphone monitor while it is on
}

// NewChimer opens the audio output. It returns an error wrapping
// ErrNoSoundDevice when there is none; the studio then runs without chimes.
// The audio library allows one output per process, so a second NewChimer fails.
func NewChimer(cfg ChimerConfig) (*Chimer, error) {
	if cfg.SampleRate == 0 {
		cfg.SampleRate = 48000
	}
	if cfg.MinGap == 0 {
		cfg.MinGap = 400 * time.Millisecond
	}
	if cfg.OpenTimeout == 0 {
		cfg.OpenTimeout = 2 * time.Second
	}
	cfg.Clock = clock.OrReal(cfg.Clock)
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:      cfg.SampleRate,
		ChannelCount:    2,
		Format:          oto.FormatFloat32LE,
		BufferSize:      40 * time.Millisecond,
		ApplicationName: "Showcaster",
	})
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoSoundDevice, err)
	}
	select {
	case <-ready:
	case <-cfg.Clock.After(cfg.OpenTimeout):
		return nil, fmt.Errorf("%w (the audio system did not answer within %v)", ErrNoSoundDevice, cfg.OpenTimeout)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoSoundDevice, err)
	}
	c := &Chimer{
		cfg:  cfg,
		ctx:  ctx,
		last: map[Chime]time.Time{},
		pcm: map[Chime][]byte{
			ChimeOrder:   ChimePCM(ChimeOrder, cfg.SampleRate),
			ChimePrivate: ChimePCM(ChimePrivate, cfg.SampleRate),
		},
	}
	return c, nil
}

// Play starts the chime at volume 0..1 and returns at once. A chime of the
// same kind within MinGap of the last one is skipped; it reports whether the
// sound was started.
func (c *Chimer) Play(kind Chime, volume float64) bool {
	if c == nil || volume <= 0 {
		return false
	}
	pcm, ok := c.pcm[kind]
	if !ok {
		return false
	}
	now := c.cfg.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.last[kind]; ok && now.Sub(t) < c.cfg.MinGap {
		return false
	}
	c.last[kind] = now
	// Drop finished players so the list stays as short as the sounds in flight.
	live := c.playing[:0]
	for _, p := range c.playing {
		if p.IsPlaying() {
			live = append(live, p)
		} else {
			p.Close()
		}
	}
	c.playing = live
	p := c.ctx.NewPlayer(bytes.NewReader(pcm))
	p.SetVolume(math.Min(volume, 1))
	p.Play()
	c.playing = append(c.playing, p)
	return true
}

// Close stops the sounds in flight. The audio output itself stays open for
// the life of the process, as the audio library requires.
func (c *Chimer) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.playing {
		p.Close()
	}
	c.playing = nil
	if c.monitor != nil {
		c.monitor.player.Close()
		c.monitor = nil
	}
	return nil
}

// note is one partial of a chime: a sine that starts at `at` and decays.
type note struct {
	freq  float64
	at    time.Duration
	decay time.Duration // time constant of the exponential decay
	gain  float64
}

// chimeNotes: an order is a bright rising two-note "ding-ding" (E6 then A6,
// like a till); a private message is a softer falling pair (A5 then E5) so a
// host can tell them apart without looking.
func chimeNotes(kind Chime) (notes []note, length time.Duration) {
	switch kind {
	case ChimeOrder:
		return []note{
			{freq: 1318.5, at: 0, decay: 90 * time.Millisecond, gain: 0.45},
			{freq: 2637.0, at: 0, decay: 40 * time.Millisecond, gain: 0.10},
			{freq: 1760.0, at: 110 * time.Millisecond, decay: 160 * time.Millisecond, gain: 0.45},
			{freq: 3520.0, at: 110 * time.Millisecond, decay: 60 * time.Millisecond, gain: 0.10},
		}, 700 * time.Millisecond
	case ChimePrivate:
		return []note{
			{freq: 880.0, at: 0, decay: 120 * time.Millisecond, gain: 0.40},
			{freq: 659.3, at: 160 * time.Millisecond, decay: 200 * time.Millisecond, gain: 0.40},
		}, 900 * time.Millisecond
	default:
		return nil, 0
	}
}

// ChimePCM synthesizes the chime as interleaved stereo float32 little-endian
// samples at sampleRate, peak below 1 and silent at both ends (no clicks).
func ChimePCM(kind Chime, sampleRate int) []byte {
	notes, length := chimeNotes(kind)
	n := int(int64(length) * int64(sampleRate) / int64(time.Second))
	out := make([]byte, 0, n*8)
	attack := float64(sampleRate) * 0.004 // 4 ms fade-in per note against clicks
	release := float64(sampleRate) * 0.030
	var buf [4]byte
	for i := 0; i < n; i++ {
		var v float64
		for _, nt := range notes {
			start := int(int64(nt.at) * int64(sampleRate) / int64(time.Second))
			if i < start {
				continue
			}
			k := float64(i - start)
			env := math.Exp(-k / (nt.decay.Seconds() * float64(sampleRate)))
			if k < attack {
				env *= k / attack
			}
			v += nt.gain * env * math.Sin(2*math.Pi*nt.freq*k/float64(sampleRate))
		}
		if tail := float64(n - i); tail < release {
			v *= tail / release
		}
		binary.LittleEndian.PutUint32(buf[:], math.Float32bits(float32(v)))
		out = append(out, buf[:]...) // left
		out = append(out, buf[:]...) // right
	}
	return out
}
