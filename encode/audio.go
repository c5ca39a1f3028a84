package encode

import (
	"fmt"

	"showcaster/capture"
)

// AudioCodec names an audio encoding.
type AudioCodec int

const (
	AudioOpus AudioCodec = iota + 1 // WebRTC (WHIP)
	AudioAAC                        // AAC-LC, for RTMP and FLV/MP4
)

func (c AudioCodec) String() string {
	switch c {
	case AudioOpus:
		return "opus"
	case AudioAAC:
		return "aac"
	default:
		return "unknown"
	}
}

// AudioEncoder turns 48 kHz PCM chunks of any length into packets. Opus and
// AAC both implement it, so the engine keeps one code path for every
// destination and encodes each codec once however many outputs use it.
type AudioEncoder interface {
	Codec() AudioCodec
	Encode(capture.AudioChunk) ([]Packet, error)
	Close() error
}

var (
	_ AudioEncoder = (*Opus)(nil)
	_ AudioEncoder = (*AAC)(nil)
)

// Codec reports AudioOpus.
func (o *Opus) Codec() AudioCodec { return AudioOpus }

// toChannels returns in (interleaved, from channels) as ch channels: a
// stereo chunk is mixed down for a mono encoder, a mono one duplicated for a
// stereo encoder.
func toChannels(in []int16, from, ch int) ([]int16, error) {
	switch {
	case from == ch || from == 0:
		return in, nil
	case from == 2 && ch == 1:
		mono := make([]int16, len(in)/2)
		for i := range mono {
			mono[i] = int16((int32(in[2*i]) + int32(in[2*i+1])) / 2)
		}
		return mono, nil
	case from == 1 && ch == 2:
		st := make([]int16, 2*len(in))
		for i, s := range in {
			st[2*i], st[2*i+1] = s, s
		}
		return st, nil
	default:
		return nil, fmt.Errorf("%w: %d-channel audio into a %d-channel encoder", ErrBadConfig, from, ch)
	}
}
