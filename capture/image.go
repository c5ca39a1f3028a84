package capture

import (
	"fmt"
	"image"
	_ "image/jpeg" // decoders for NewImageSource
	_ "image/png"
	"os"
	"path/filepath"
	"sync"
	"time"

	"showcaster/internal/clock"
)

type imageSource struct {
	mu   sync.Mutex
	info DeviceInfo
	img  *image.YCbCr
	pace *pacer
}

// NewImageSource shows a still PNG or JPEG picture as a video source, repeated
// at fps. The picture is converted to I420 once; an odd width or height loses
// its last column or row.
func NewImageSource(path string, fps int, clk clock.Clock) (VideoSource, error) {
	if fps == 0 {
		fps = 30
	}
	if fps < 1 || fps > 120 {
		return nil, fmt.Errorf("image source at %d fps: %w", fps, ErrBadConfig)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w (check the path): %w", path, ErrImage, err)
	}
	defer f.Close()
	decoded, format, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w (it is not a PNG or JPEG, or it is damaged): %v", path, ErrImage, err)
	}
	yuv, err := ToI420(decoded)
	if err != nil {
		return nil, fmt.Errorf("image %s is %dx%d: %w", path, decoded.Bounds().Dx(), decoded.Bounds().Dy(), err)
	}
	return &imageSource{
		info: DeviceInfo{
			ID:      "image:" + path,
			Kind:    KindVideo,
			Label:   filepath.Base(path),
			Formats: []string{fmt.Sprintf("%dx%d %s @%d", yuv.Rect.Dx(), yuv.Rect.Dy(), format, fps)},
		},
		img:  yuv,
		pace: newPacer(clk, time.Second/time.Duration(fps)),
	}, nil
}

func (s *imageSource) Info() DeviceInfo { return s.info }

// Read hands out the same picture each time: it is never written, which the
// VideoSource contract allows.
func (s *imageSource) Read() (VideoFrame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, err := s.pace.wait()
	if err != nil {
		return VideoFrame{}, err
	}
	return VideoFrame{Image: s.img, Time: at}, nil
}

func (s *imageSource) Close() error {
	s.pace.close()
	return nil
}
