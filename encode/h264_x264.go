//go:build !openh264 && !windows && !darwin

package encode

import (
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/x264"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// H264Library names the H.264 library this build encodes with.
const H264Library = "x264"

var errH264Library = ErrX264

// x264AssumedFPS is the frame rate x264 runs its rate control on when the
// caller leaves i_fps_num at zero, which mediadevices' wrapper always does
// (x264's validate_parameters falls back to 25/1). With zerolatency the input
// is constant-frame-rate (b_vfr_input=0), so x264 budgets bitrate/25 bits for
// each frame; at 30 fps the stream would come out 30/25 = 1.2× the target.
// We cannot set the rate through the wrapper, so we scale every bitrate we
// hand to x264 by 25/fps instead, which makes bits per second come out right.
// The SPS's VUI timing then claims 25 fps; WebRTC receivers and our MP4
// muxer take timing from RTP timestamps and sample durations, not the VUI.
const x264AssumedFPS = 25

var x264Presets = map[string]x264.Preset{
	"ultrafast": x264.PresetUltrafast,
	"superfast": x264.PresetSuperfast,
	"veryfast":  x264.PresetVeryfast,
	"faster":    x264.PresetFaster,
	"fast":      x264.PresetFast,
	"medium":    x264.PresetMedium,
}

// newH264Library starts x264 for cfg (defaults filled in, preset checked),
// reading its frames from r.
func newH264Library(cfg H264Config, r video.Reader) (codec.ReadCloser, error) {
	params, err := x264.NewParams()
	if err != nil {
		return nil, err
	}
	params.Preset = x264Presets[cfg.Preset]
	// Errors only: x264 warns at every keyframe a server asks for inside a
	// GOP ("forced frame type changed"), which is expected, not news.
	params.LogLevel = x264.LogError
	params.BitRate = libraryBitrate(cfg.BitrateBps, cfg.FPS)
	params.KeyFrameInterval = max(1, int(cfg.KeyframeInterval.Seconds()*float64(cfg.FPS)+0.5))
	return params.BuildVideoEncoder(r, prop.Media{
		Video: prop.Video{Width: cfg.Width, Height: cfg.Height, FrameRate: float32(cfg.FPS)},
	})
}

// libraryBitrate converts a target in bps into what x264 must be told so the
// output matches it; see x264AssumedFPS.
func libraryBitrate(bps, fps int) int {
	return int(int64(bps) * x264AssumedFPS / int64(fps))
}
