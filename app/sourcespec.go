package app

import (
	"strings"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// SourceSpec names a picture source: the test pattern, a camera or screen
// by device id ("" for the first found), or an image file by path. The
// window and `showcaster live` both open sources through OpenVideo.
type SourceSpec struct {
	Kind SourceKind
	ID   string
}

// ParseSourceSpec reads test, camera[:ID], screen[:ID] or image:PATH.
func ParseSourceSpec(s string) (SourceSpec, error) {
	kind, arg, _ := strings.Cut(s, ":")
	switch kind {
	case "test":
		return SourceSpec{Kind: SourceTest}, nil
	case "camera":
		return SourceSpec{Kind: SourceCamera, ID: arg}, nil
	case "screen":
		return SourceSpec{Kind: SourceScreen, ID: arg}, nil
	case "image":
		if arg == "" {
			return SourceSpec{}, Say(ErrBadSource, "an image source needs a path: image:/path/to/picture.png")
		}
		return SourceSpec{Kind: SourceImage, ID: arg}, nil
	}
	return SourceSpec{}, Say(ErrBadSource, "unknown source %q: use test, camera[:ID], screen[:ID] or image:PATH", s)
}

// OpenVideo opens a picture source for a w×h canvas at fps.
func OpenVideo(spec SourceSpec, w, h, fps int, clk clock.Clock) (capture.VideoSource, error) {
	switch spec.Kind {
	case SourceCamera:
		return capture.OpenCamera(spec.ID, w, h, fps)
	case SourceScreen:
		return capture.OpenScreen(spec.ID, fps)
	case SourceImage:
		return capture.NewImageSource(spec.ID, fps, clk)
	}
	return capture.NewTestPatternChecked(capture.TestPatternConfig{Width: w, Height: h, FPS: fps, Clock: clk})
}

// OpenAudio opens a sound source: tone, mic[:ID], or none (nil, nil).
func OpenAudio(spec string, clk clock.Clock) (capture.AudioSource, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "none", "":
		return nil, nil
	case "tone":
		return capture.NewTone(capture.ToneConfig{Clock: clk}), nil
	case "mic":
		return capture.OpenMicrophone(arg)
	}
	return nil, Say(ErrBadSource, "unknown audio %q: use tone, mic[:ID] or none", spec)
}
