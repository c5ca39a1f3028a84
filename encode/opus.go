package encode

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"

	"showcaster/capture"
)

// OpusFrame is the duration of one Opus packet: 20 ms, WebRTC's usual frame
// and one mixer chunk (capture.ChunkDuration).
const OpusFrame = 20 * time.Millisecond

const opusFrameSamples = capture.SampleRate * int(OpusFrame) / int(time.Second) // per channel

// DefaultAudioBitrate is the Opus bitrate when OpusConfig leaves it unset.
const DefaultAudioBitrate = 96_000

// OpusConfig configures an Opus encoder at 48 kHz.
type OpusConfig struct {
	Channels   int // 1 or 2; default 2 (the mixer's output)
	BitrateBps int // default 96 kbps
}

// Opus encodes 48 kHz PCM into OpusFrame Opus packets. Chunks of any length are
// accepted: samples are queued until a whole frame is there. Not safe for
// concurrent Encode calls.
type Opus struct {
	cfg OpusConfig

	mu      sync.Mutex
	enc     codec.ReadCloser
	closed  bool
	fifo    []int16 // interleaved samples not yet encoded
	fifoAt  time.Time
	next    *wave.Int16Interleaved
	encoded int64 // samples per channel encoded so far, for PTS
}

// NewOpus starts an Opus encoder.
func NewOpus(cfg OpusConfig) (*Opus, error) {
	if cfg.Channels == 0 {
		cfg.Channels = 2
	}
	if cfg.BitrateBps == 0 {
		cfg.BitrateBps = DefaultAudioBitrate
	}
	if cfg.Channels != 1 && cfg.Channels != 2 {
		return nil, fmt.Errorf("%w: %d audio channels (use 1 or 2)", ErrBadConfig, cfg.Channels)
	}
	if cfg.BitrateBps < 6000 || cfg.BitrateBps > 510_000 {
		return nil, fmt.Errorf("%w: Opus bitrate %d bps is outside 6–510 kbps", ErrBadConfig, cfg.BitrateBps)
	}
	params, err := opus.NewParams()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpus, err)
	}
	params.BitRate = cfg.BitrateBps
	params.Latency = opus.Latency20ms

	o := &Opus{cfg: cfg}
	// The encoder pulls exactly one frame per Read from this reader, so
	// feeding it synchronously never leaves it waiting for more input.
	reader := audio.ReaderFunc(func() (wave.Audio, func(), error) {
		if o.next == nil {
			return nil, func() {}, io.EOF
		}
		a := o.next
		o.next = nil
		return a, func() {}, nil
	})
	enc, err := params.BuildAudioEncoder(reader, prop.Media{
		Audio: prop.Audio{SampleRate: capture.SampleRate, ChannelCount: cfg.Channels},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpus, err)
	}
	o.enc = enc
	return o, nil
}

// Config returns the settings the encoder runs with, defaults filled in.
func (o *Opus) Config() OpusConfig { return o.cfg }

// Encode queues a chunk and returns the packets for every whole frame now
// available (usually one per mixer chunk). A chunk with another channel
// count than the encoder's is mixed down or duplicated.
func (o *Opus) Encode(chunk capture.AudioChunk) ([]Packet, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, ErrClosed
	}
	ch := o.cfg.Channels
	in, err := toChannels(chunk.Samples, chunk.Channels, ch)
	if err != nil {
		return nil, err
	}
	if len(o.fifo) == 0 {
		o.fifoAt = chunk.Time
	}
	o.fifo = append(o.fifo, in...)

	frame := opusFrameSamples * ch
	var out []Packet
	for len(o.fifo) >= frame {
		buf := make([]int16, frame)
		copy(buf, o.fifo)
		o.next = &wave.Int16Interleaved{
			Data: buf,
			Size: wave.ChunkInfo{Len: opusFrameSamples, Channels: ch, SamplingRate: capture.SampleRate},
		}
		data, release, err := o.enc.Read()
		o.next = nil
		if err != nil {
			return out, fmt.Errorf("%w: %v", ErrOpus, err)
		}
		release()
		pts := time.Duration(o.encoded) * time.Second / capture.SampleRate
		out = append(out, Packet{Data: data, PTS: pts, Duration: OpusFrame, Keyframe: true, CaptureTime: o.fifoAt})
		o.encoded += int64(opusFrameSamples)
		o.fifo = o.fifo[:copy(o.fifo, o.fifo[frame:])]
		if !o.fifoAt.IsZero() {
			o.fifoAt = o.fifoAt.Add(OpusFrame)
		}
	}
	return out, nil
}

// Close frees the encoder; Encode then returns ErrClosed.
func (o *Opus) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	o.closed = true
	return o.enc.Close()
}
