//go:build windows

package guest

import (
	"io"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// The Windows build has no VP8 codec and no Opus decoder yet (Debian ships
// no MinGW builds of libvpx or libopus(file)), so co-hosting fails there
// with ErrNoGuestCodecs: the guest is not shown and the show goes on.

func newVP8Decoder(io.Reader, prop.Media) (codec.VideoDecoder, error) {
	return nil, ErrNoGuestCodecs
}

func newVP8Encoder(video.Reader, int, int, prop.Media) (codec.ReadCloser, error) {
	return nil, ErrNoGuestCodecs
}

// opusDecoder is the part of an Opus decoder the receiver uses.
type opusDecoder interface {
	Decode(data []byte, pcm []int16) (int, error)
}

func newOpusDecoder(int, int) (opusDecoder, error) { return nil, ErrNoGuestCodecs }
