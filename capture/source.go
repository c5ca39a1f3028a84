// Package capture holds the studio's sources: camera, microphone, screen, a
// still image, and the always-available test pattern and tone.
package capture

import (
	"image"
	"time"
)

// Kind says what a source produces.
type Kind int

const (
	KindUnknown Kind = iota
	KindVideo
	KindAudio
)

func (k Kind) String() string {
	switch k {
	case KindVideo:
		return "video"
	case KindAudio:
		return "audio"
	default:
		return "unknown"
	}
}

// VideoFrame is one picture in I420 (image.YCbCr with 4:2:0 subsampling and
// tight strides: YStride == width, CStride == width/2).
type VideoFrame struct {
	Image *image.YCbCr
	// Time is the wall-clock capture time.
	Time time.Time
}

// AudioChunk is interleaved signed 16-bit PCM at 48 kHz.
type AudioChunk struct {
	Samples  []int16
	Channels int
	Time     time.Time
}

// SampleRate is the engine's one audio rate.
const SampleRate = 48000

// VideoSource delivers frames. Read blocks until the next frame is ready (a
// camera paces itself; the test pattern paces on its clock) and returns an
// error once the source is closed or lost. A frame handed out is never written
// again by the source, so readers may keep it.
type VideoSource interface {
	Info() DeviceInfo
	Read() (VideoFrame, error)
	Close() error
}

// AudioSource delivers PCM chunks (ChunkDuration each for the built-in sources).
type AudioSource interface {
	Info() DeviceInfo
	Read() (AudioChunk, error)
	Close() error
}

// DeviceInfo describes a source for device lists and logs.
type DeviceInfo struct {
	ID      string   `json:"id"`
	Kind    Kind     `json:"-"`
	Label   string   `json:"label"`
	Formats []string `json:"formats,omitempty"`
}
