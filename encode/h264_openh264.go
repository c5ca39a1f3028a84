//go:build openh264 || windows || darwin

package encode

import (
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/openh264"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// H264Library names the H.264 library this build encodes with. Windows and
// macOS builds use openh264 (mediadevices links its static libraries for
// windows-x64, darwin-x64 and darwin-arm64); on Linux `-tags openh264`
// chooses it too, which is how its tests run here.
const H264Library = "openh264"

var errH264Library = ErrOpenH264

// newH264Library starts openh264 for cfg (defaults filled in), reading its
// frames from r. openh264 codes Constrained Baseline, so there are no
// B-frames to turn off; cfg.Preset has no openh264 counterpart.
func newH264Library(cfg H264Config, r video.Reader) (codec.ReadCloser, error) {
	params, err := openh264.NewParams()
	if err != nil {
		return nil, err
	}
	params.UsageType = openh264.CameraVideoRealTime
	params.RCMode = openh264.RCBitrateMode
	// Frame skipping on: openh264 caps its quantiser at 42 (it widens the
	// range it is given, 0–51, to 12–42, and mediadevices gives no way to set
	// it), so on a hard picture a stream that kept every frame would run 1.5–
	// 1.9× the target and the congestion controller could not bring it down.
	// With skipping, the library holds the rate by dropping a frame now and
	// then (Packet.Skipped; the callers send nothing for it), as WebRTC's own
	// use of openh264 does. Figures: docs/platforms.md.
	params.EnableFrameSkip = true
	params.BitRate = libraryBitrate(cfg.BitrateBps, cfg.FPS)
	params.IntraPeriod = uint(max(1, int(cfg.KeyframeInterval.Seconds()*float64(cfg.FPS)+0.5)))
	return params.BuildVideoEncoder(r, prop.Media{
		Video: prop.Video{Width: cfg.Width, Height: cfg.Height, FrameRate: float32(cfg.FPS)},
	})
}

// libraryBitrate is the identity: openh264 is told the frame rate
// (fMaxFrameRate), so its rate control needs no correction.
func libraryBitrate(bps, fps int) int { return bps }
