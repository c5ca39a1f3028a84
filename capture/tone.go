package capture

import (
	"fmt"
	"math"
	"sync"
	"time"

	"showcaster/internal/clock"
)

// ToneConfig sets up the built-in sine tone.
type ToneConfig struct {
	FreqHz   float64 // 0 means 440 Hz
	Channels int     // 1 or 2; 0 means 2
	// Amplitude is the peak level from 0 to 1; 0 means 0.25 (−12 dBFS), loud
	// enough for a level meter, quiet enough not to startle anyone.
	Amplitude float64
	Clock     clock.Clock
}

// ToneID is the device id of the tone in device lists.
const ToneID = "builtin:tone"

// ChunkDuration is the length of the chunks the built-in sources and the
// mixer deliver: 20 ms, as the Opus packets (encode.OpusFrame) are.
const ChunkDuration = 20 * time.Millisecond

// SoundCatchUp is how far behind a built-in sound source (and the mixer)
// may fall and still deliver every chunk it owes; beyond it, they skip ahead.
const SoundCatchUp = 200 * time.Millisecond

// ChunkFrames is the number of sample frames in a ChunkDuration at SampleRate.
const ChunkFrames = SampleRate / 50

type tone struct {
	mu       sync.Mutex
	cfg      ToneConfig
	pace     *pacer
	phase    float64
	step     float64
	channels int
}

// NewTone returns the always-available sine tone in ChunkDuration chunks at 48 kHz,
// paced on cfg.Clock. An invalid config falls back to the defaults.
func NewTone(cfg ToneConfig) AudioSource {
	if cfg.FreqHz <= 0 || cfg.FreqHz >= SampleRate/2 {
		cfg.FreqHz = 440
	}
	if cfg.Channels != 1 && cfg.Channels != 2 {
		cfg.Channels = 2
	}
	if cfg.Amplitude <= 0 || cfg.Amplitude > 1 {
		cfg.Amplitude = 0.25
	}
	return &tone{
		cfg:      cfg,
		pace:     newSoundPacer(cfg.Clock, ChunkDuration, SoundCatchUp),
		step:     2 * math.Pi * cfg.FreqHz / SampleRate,
		channels: cfg.Channels,
	}
}

func (t *tone) Info() DeviceInfo {
	return DeviceInfo{
		ID:      ToneID,
		Kind:    KindAudio,
		Label:   fmt.Sprintf("Test tone %g Hz", t.cfg.FreqHz),
		Formats: []string{fmt.Sprintf("48000 Hz s16 %dch", t.channels)},
	}
}

func (t *tone) Read() (AudioChunk, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, err := t.pace.wait()
	if err != nil {
		return AudioChunk{}, err
	}
	out := make([]int16, ChunkFrames*t.channels)
	amp := t.cfg.Amplitude * math.MaxInt16
	for i := range ChunkFrames {
		s := int16(math.Round(amp * math.Sin(t.phase)))
		for c := range t.channels {
			out[i*t.channels+c] = s
		}
		t.phase += t.step
	}
	// Keep the phase small so float error does not grow over a long show.
	t.phase = math.Mod(t.phase, 2*math.Pi)
	return AudioChunk{Samples: out, Channels: t.channels, Time: at}, nil
}

func (t *tone) Close() error {
	t.pace.close()
	return nil
}
