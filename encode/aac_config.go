package encode

import (
	"fmt"
	"time"

	"showcaster/capture"
)

// The parts of the AAC encoder that do not depend on the library: aac.go
// encodes through vo-aacenc (every platform); aac_unavailable.go stands in
// for it in a build with -tags noaac, so that RTMP
// destinations fail with a sentence and WHIP destinations work.

// AACFrameSamples is the length of one AAC-LC frame, per channel.
const AACFrameSamples = 1024

// AACFrame is the duration of one AAC frame at the engine's 48 kHz.
const AACFrame = time.Duration(AACFrameSamples) * time.Second / capture.SampleRate

// DefaultAACBitrate is the AAC bitrate when AACConfig leaves it unset: the
// 128 kbps stereo that the streaming platforms ask for.
const DefaultAACBitrate = 128_000

// AACConfig configures an AAC-LC encoder at 48 kHz.
type AACConfig struct {
	Channels   int // 1 or 2; default 2
	BitrateBps int // default 128 kbps
}

func (cfg AACConfig) withDefaults() (AACConfig, error) {
	if cfg.Channels == 0 {
		cfg.Channels = 2
	}
	if cfg.BitrateBps == 0 {
		cfg.BitrateBps = DefaultAACBitrate
	}
	if cfg.Channels != 1 && cfg.Channels != 2 {
		return cfg, fmt.Errorf("%w: %d audio channels (use 1 or 2)", ErrBadConfig, cfg.Channels)
	}
	if cfg.BitrateBps < 16_000 || cfg.BitrateBps > 320_000 {
		return cfg, fmt.Errorf("%w: AAC bitrate %d bps is outside 16–320 kbps", ErrBadConfig, cfg.BitrateBps)
	}
	return cfg, nil
}

// Codec reports AudioAAC.
func (a *AAC) Codec() AudioCodec { return AudioAAC }

// Settings returns the settings the encoder runs with, defaults filled in.
func (a *AAC) Settings() AACConfig { return a.cfg }

// Config is the AudioSpecificConfig (ISO 14496-3 1.6.2.1) of the stream:
// what FLV's AAC sequence header and MP4's esds carry.
func (a *AAC) Config() []byte { return AACAudioSpecificConfig(capture.SampleRate, a.cfg.Channels) }

// AACAudioSpecificConfig builds the two-byte AudioSpecificConfig of an
// AAC-LC stream: object type 2, the sampling-frequency index, the channel
// configuration, 1024-sample frames.
func AACAudioSpecificConfig(rate, channels int) []byte {
	idx := 15
	for i, r := range []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350} {
		if r == rate {
			idx = i
		}
	}
	const objectType = 2 // AAC LC
	v := objectType<<11 | idx<<7 | channels<<3
	return []byte{byte(v >> 8), byte(v)}
}
