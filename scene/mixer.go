package scene

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// MixerConfig sets up the audio mix. Zero fields take the defaults.
type MixerConfig struct {
	Clock clock.Clock
	// Depth is the output queue in chunks (default 200 ms of them: a
	// consumer that stalls that long, an encoder on a busy machine, loses
	// nothing).
	Depth int
	// MaxBuffer bounds what a source may have waiting (default 100 ms); a
	// source running fast loses its oldest audio rather than drifting late.
	MaxBuffer time.Duration
	// OnSourceError, when set, hears about a source that failed.
	OnSourceError func(id string, err error)
}

// Mixer mixes audio sources into 48 kHz stereo chunks (capture.ChunkDuration) on its own clock.
// A source with nothing ready contributes silence; the mixer never waits.
type Mixer struct {
	cfg     MixerConfig
	out     chan capture.AudioChunk
	chunks  atomic.Uint64
	dropped atomic.Uint64
	skipped atomic.Uint64 // chunks not made: the mixer was more than SoundCatchUp late
	peak    atomic.Uint32 // math.Float32bits of the last chunk's peak

	mu      sync.Mutex
	inputs  []*mixInput
	running bool
	done    bool
}

type mixInput struct {
	id  string
	src capture.AudioSource

	mu  sync.Mutex
	buf []int16 // stereo interleaved, waiting to be mixed
	// headAt is when buf[0] was captured (the source's chunk times, carried
	// sample by sample); zero when the source gives no times.
	headAt    time.Time
	gain      float64
	mute      bool
	stop      bool
	err       error
	underruns uint64
	overflows uint64
	peak      float64
	// The standing queue: the least a source had waiting after a mix, over
	// the last trimEvery mixes; what it never needed is dropped.
	low     int
	mixes   int
	trimmed uint64 // samples dropped as standing queue
}

// A source that delivered ahead of the mix (opened before the mixer
// started, or after a stall) would otherwise keep that lead as delay for the
// rest of the show: every mix takes one chunk and the source adds one. Over
// each trimEvery mixes the mixer notes the least a source had left over;
// beyond trimKeep of it, the sound is older than it needs to be, and the
// excess is dropped once (a skip of that much, like a jitter buffer's).
const (
	trimEvery    = int(time.Second / capture.ChunkDuration)             // mixes: one second
	trimKeepTime = 20 * time.Millisecond                                // kept against a source's jitter
	trimKeep     = int(trimKeepTime*capture.SampleRate/time.Second) * 2 // as stereo samples
)

// NewMixer makes a mixer; Run starts its clock.
func NewMixer(cfg MixerConfig) *Mixer {
	cfg.Clock = clock.OrReal(cfg.Clock)
	if cfg.Depth <= 0 {
		cfg.Depth = int(200 * time.Millisecond / capture.ChunkDuration)
	}
	if cfg.MaxBuffer <= 0 {
		cfg.MaxBuffer = 100 * time.Millisecond
	}
	return &Mixer{cfg: cfg, out: make(chan capture.AudioChunk, cfg.Depth)}
}

// Add mixes in a source at gain (1 is unity) under id, starting its reader
// goroutine. The mixer does not close sources: their owner does.
func (m *Mixer) Add(id string, src capture.AudioSource, gain float64) error {
	if id == "" || src == nil {
		return fmt.Errorf("audio source %q: %w", id, ErrAudioSource)
	}
	in := &mixInput{id: id, src: src, gain: gain}
	m.mu.Lock()
	for _, o := range m.inputs {
		if o.id == id {
			m.mu.Unlock()
			return fmt.Errorf("audio source %q is already mixed: %w", id, ErrAudioSource)
		}
	}
	m.inputs = append(m.inputs, in)
	m.mu.Unlock()
	go in.run(m.cfg.MaxBuffer, m.cfg.OnSourceError)
	return nil
}

// Remove takes a source out of the mix.
func (m *Mixer) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, in := range m.inputs {
		if in.id == id {
			in.mu.Lock()
			in.stop = true
			in.mu.Unlock()
			m.inputs = append(m.inputs[:i], m.inputs[i+1:]...)
			return
		}
	}
}

func (m *Mixer) input(id string) (*mixInput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range m.inputs {
		if in.id == id {
			return in, nil
		}
	}
	return nil, fmt.Errorf("audio source %q is not in the mix: %w", id, ErrAudioSource)
}

// SetGain changes a source's gain (1 is unity, 0 silent).
func (m *Mixer) SetGain(id string, gain float64) error {
	in, err := m.input(id)
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.gain = max(gain, 0)
	in.mu.Unlock()
	return nil
}

// SetMute mutes or unmutes a source, keeping its gain.
func (m *Mixer) SetMute(id string, mute bool) error {
	in, err := m.input(id)
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.mute = mute
	in.mu.Unlock()
	return nil
}

func (in *mixInput) run(maxBuf time.Duration, onErr func(string, error)) {
	limit := int(maxBuf.Seconds()*capture.SampleRate) * 2
	for {
		c, err := in.src.Read()
		in.mu.Lock()
		if in.stop {
			in.mu.Unlock()
			return
		}
		if err != nil {
			in.err = err
			in.mu.Unlock()
			if onErr != nil {
				onErr(in.id, err)
			}
			return
		}
		in.noteTime(c.Time)
		in.buf = appendStereo(in.buf, c)
		if over := len(in.buf) - limit; over > 0 {
			over = (over + 1) &^ 1
			in.buf = append(in.buf[:0], in.buf[over:]...)
			in.advance(over)
			in.overflows++
		}
		in.mu.Unlock()
	}
}

// headJump is how far a source's chunk time may stray from where the sound
// waiting before it ends before the waiting sound is re-timed by it: a
// source that skipped ahead (a stall, an idle studio's clock) must not leave
// the mix stamped with times from before the skip.
const headJump = 20 * time.Millisecond

// noteTime keeps headAt in step with a chunk about to be appended, captured
// at t: the head's time when nothing waits, and re-timed from t when t is
// not where the waiting sound ends.
func (in *mixInput) noteTime(t time.Time) {
	if t.IsZero() {
		return
	}
	waiting := time.Duration(len(in.buf)/2) * time.Second / capture.SampleRate
	if len(in.buf) == 0 || in.headAt.IsZero() {
		in.headAt = t.Add(-waiting)
		return
	}
	if d := t.Sub(in.headAt.Add(waiting)); d > headJump || d < -headJump {
		in.headAt = t.Add(-waiting)
	}
}

// advance moves headAt past n interleaved stereo samples taken from buf.
func (in *mixInput) advance(n int) {
	if !in.headAt.IsZero() {
		in.headAt = in.headAt.Add(time.Duration(n/2) * time.Second / capture.SampleRate)
	}
}

// appendStereo converts a chunk to stereo: mono is doubled, channels past
// the second are dropped.
func appendStereo(dst []int16, c capture.AudioChunk) []int16 {
	ch := c.Channels
	switch {
	case ch == 2:
		return append(dst, c.Samples...)
	case ch <= 1:
		for _, s := range c.Samples {
			dst = append(dst, s, s)
		}
	default:
		for i := 0; i+ch <= len(c.Samples); i += ch {
			dst = append(dst, c.Samples[i], c.Samples[i+1])
		}
	}
	return dst
}

// Chunks delivers the mix; it is closed when Run returns.
func (m *Mixer) Chunks() <-chan capture.AudioChunk { return m.out }

// Level is the peak of the last mixed chunk, 0..1, for a level meter.
func (m *Mixer) Level() float64 { return float64(math.Float32frombits(m.peak.Load())) }

// SourceLevel is the peak a source contributed to the last chunk (after gain).
func (m *Mixer) SourceLevel(id string) float64 {
	in, err := m.input(id)
	if err != nil {
		return 0
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.peak
}

// Run mixes on the clock until ctx ends, then closes Chunks and returns nil.
func (m *Mixer) Run(ctx context.Context) error {
	m.mu.Lock()
	if m.done {
		m.mu.Unlock()
		return ErrClosed
	}
	if m.running {
		m.mu.Unlock()
		return ErrRunning
	}
	m.running = true
	m.mu.Unlock()
	// Chunks are counted from the start, not from the ticks: a ticker
	// drops the ticks its reader missed, and a mixer that made one chunk a
	// tick would fall behind real time on a busy machine, the viewers'
	// sound arriving ever later until the timeline jumped. A late tick
	// makes every chunk due since, up to capture.SoundCatchUp.
	t := m.cfg.Clock.NewTicker(capture.ChunkDuration)
	defer t.Stop()
	start := m.cfg.Clock.Now()
	maxBehind := int64(capture.SoundCatchUp / capture.ChunkDuration)
	var made int64
	for {
		select {
		case <-ctx.Done():
			m.mu.Lock()
			m.running, m.done = false, true
			m.mu.Unlock()
			close(m.out)
			return nil
		case <-t.C():
			// The tick's own time is stale when its reader was late.
			due := int64(m.cfg.Clock.Now().Sub(start) / capture.ChunkDuration)
			if behind := due - made; behind > maxBehind {
				m.skipped.Add(uint64(behind - maxBehind))
				made = due - maxBehind
			}
			for made < due {
				made++
				m.emit(m.Mix(start.Add(time.Duration(made) * capture.ChunkDuration)))
			}
		}
	}
}

// Mix takes one chunk's worth from every source and mixes it for the slot
// at; Run calls it on each tick (tests may call it directly). The chunk's
// Time is when its sound was captured (the first source with sound says),
// or at when no source had any.
func (m *Mixer) Mix(at time.Time) capture.AudioChunk {
	const n = capture.ChunkFrames * 2
	var acc [n]int32
	m.mu.Lock()
	inputs := append([]*mixInput(nil), m.inputs...)
	m.mu.Unlock()
	// The chunk's time is when its sound was captured: the first source
	// with sound and a capture time says (the microphone, which is mixed
	// first). Receivers keep lip sync by it; the slot's time, later by
	// what waited in the mixer, would have the sound lag the picture.
	var captured time.Time
	for _, in := range inputs {
		in.mu.Lock()
		take := min(len(in.buf), n)
		if take < n {
			in.underruns++
		}
		if captured.IsZero() && take > 0 {
			captured = in.headAt
		}
		g := int64(math.Round(in.gain * 65536))
		if in.mute {
			g = 0
		}
		var pk int64
		for i, s := range in.buf[:take] {
			v := int64(s) * g >> 16
			acc[i] += int32(v)
			pk = max(pk, v, -v)
		}
		in.peak = min(float64(pk)/math.MaxInt16, 1)
		in.buf = append(in.buf[:0], in.buf[take:]...)
		in.advance(take)
		if in.mixes == 0 || len(in.buf) < in.low {
			in.low = len(in.buf)
		}
		if in.mixes++; in.mixes == trimEvery {
			if over := (in.low - trimKeep) &^ 1; over > 0 {
				in.buf = append(in.buf[:0], in.buf[over:]...)
				in.advance(over)
				in.trimmed += uint64(over / 2)
			}
			in.mixes = 0
		}
		in.mu.Unlock()
	}
	out := make([]int16, n)
	var pk int32
	for i, v := range acc {
		v = max(min(v, math.MaxInt16), -math.MaxInt16)
		out[i] = int16(v)
		pk = max(pk, v, -v)
	}
	m.peak.Store(math.Float32bits(float32(pk) / math.MaxInt16))
	m.chunks.Add(1)
	if captured.IsZero() {
		captured = at
	}
	return capture.AudioChunk{Samples: out, Channels: 2, Time: captured}
}

// emit queues a chunk, dropping the oldest when the consumer is behind.
func (m *Mixer) emit(c capture.AudioChunk) {
	select {
	case m.out <- c:
		return
	default:
	}
	select {
	case <-m.out:
		m.dropped.Add(1)
	default:
	}
	select {
	case m.out <- c:
	default:
		m.dropped.Add(1)
	}
}

// MixerStats counts the mix.
type MixerStats struct {
	Chunks, Dropped uint64
	// Skipped chunks were never made: the mixer was held up for longer
	// than capture.SoundCatchUp.
	Skipped uint64
	Sources []MixSourceStats
}

// MixSourceStats counts one source: underruns are chunks where it had less
// than a chunk ready (filled with silence), overflows are times its backlog
// was cut.
type MixSourceStats struct {
	ID                   string
	Underruns, Overflows uint64
	// Trimmed is the sound dropped as a standing queue (see trimEvery);
	// Waiting is what the source has ready now.
	Trimmed, Waiting time.Duration
	Err              error
}

func (m *Mixer) Stats() MixerStats {
	st := MixerStats{Chunks: m.chunks.Load(), Dropped: m.dropped.Load(), Skipped: m.skipped.Load()}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range m.inputs {
		in.mu.Lock()
		st.Sources = append(st.Sources, MixSourceStats{ID: in.id, Underruns: in.underruns, Overflows: in.overflows,
			Trimmed: frames(int64(in.trimmed)), Waiting: frames(int64(len(in.buf) / 2)), Err: in.err})
		in.mu.Unlock()
	}
	return st
}

// frames is the duration of n sample frames at the capture rate.
func frames(n int64) time.Duration { return time.Duration(n) * time.Second / capture.SampleRate }
