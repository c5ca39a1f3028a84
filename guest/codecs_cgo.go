//go:build !windows

package guest

import (
	"io"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"gopkg.in/hraban/opus.v2"
)

// The guests' codecs: VP8 through the system libvpx, Opus decoding through
// the system libopus. The Windows build has neither yet (Debian ships no
// MinGW builds of them), see codecs_windows.go.

func newVP8Decoder(r io.Reader, p prop.Media) (codec.VideoDecoder, error) {
	return vpx.NewDecoder(r, p)
}

func newVP8Encoder(r video.Reader, bitrate, keyInterval int, p prop.Media) (codec.ReadCloser, error) {
	params, err := vpx.NewVP8Params()
	if err != nil {
		return nil, err
	}
	params.BitRate = bitrate
	params.KeyFrameInterval = keyInterval
	return params.BuildVideoEncoder(r, p)
}

// opusDecoder is the part of an Opus decoder the receiver uses.
type opusDecoder interface {
	Decode(data []byte, pcm []int16) (int, error)
}

func newOpusDecoder(rate, channels int) (opusDecoder, error) {
	return opus.NewDecoder(rate, channels)
}
