package capture

import (
	"fmt"
	"image"
	"sync"
	"time"

	"showcaster/internal/clock"
)

// TestPatternConfig sets up the built-in moving test picture.
type TestPatternConfig struct {
	Width, Height int // even; 0 means 1280×720
	FPS           int // 0 means 30
	Clock         clock.Clock
}

// TestPatternID is the device id of the test pattern in device lists.
const TestPatternID = "builtin:testpattern"

// testPattern draws colour bars once and, per frame, only the moving box and
// the timecode blocks on a copy of them: at 1080p30 it must stay cheap.
type testPattern struct {
	mu     sync.Mutex
	w, h   int
	fps    int
	pace   *pacer
	bg     *image.YCbCr
	pool   *framePool
	frame  uint32
	closed bool
}

// NewTestPattern returns the always-available moving test picture: colour
// bars with a box that sweeps across, and the frame number and capture time
// burnt in as a block code (see ReadTimecode and docs/timecode.md).
func NewTestPattern(cfg TestPatternConfig) VideoSource {
	src, err := newTestPattern(cfg)
	if err != nil {
		// An invalid size is a programming error here; fall back to the
		// default rather than hand out a source that cannot draw.
		cfg.Width, cfg.Height = 0, 0
		src, _ = newTestPattern(cfg)
	}
	return src
}

// NewTestPatternChecked is NewTestPattern reporting an invalid config instead
// of falling back to 1280×720.
func NewTestPatternChecked(cfg TestPatternConfig) (VideoSource, error) {
	return newTestPattern(cfg)
}

func newTestPattern(cfg TestPatternConfig) (*testPattern, error) {
	if cfg.Width == 0 && cfg.Height == 0 {
		cfg.Width, cfg.Height = 1280, 720
	}
	if cfg.FPS == 0 {
		cfg.FPS = 30
	}
	if cfg.Width < TimecodeGridW || cfg.Height < TimecodeGridH || cfg.Width%2 != 0 || cfg.Height%2 != 0 || cfg.Width > 4096 || cfg.Height > 4096 {
		return nil, fmt.Errorf("test pattern %dx%d: %w", cfg.Width, cfg.Height, ErrBadConfig)
	}
	if cfg.FPS < 1 || cfg.FPS > 120 {
		return nil, fmt.Errorf("test pattern at %d fps: %w", cfg.FPS, ErrBadConfig)
	}
	return &testPattern{
		w: cfg.Width, h: cfg.Height, fps: cfg.FPS,
		pace: newPacer(cfg.Clock, time.Second/time.Duration(cfg.FPS)),
		bg:   drawBars(cfg.Width, cfg.Height),
		pool: newFramePool(cfg.Width, cfg.Height, 4),
	}, nil
}

func (p *testPattern) Info() DeviceInfo {
	return DeviceInfo{
		ID:      TestPatternID,
		Kind:    KindVideo,
		Label:   "Test pattern",
		Formats: []string{fmt.Sprintf("%dx%d I420 @%d", p.w, p.h, p.fps)},
	}
}

func (p *testPattern) Read() (VideoFrame, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at, err := p.pace.wait()
	if err != nil {
		return VideoFrame{}, err
	}
	img := p.pool.get()
	copy(img.Y, p.bg.Y)
	copy(img.Cb, p.bg.Cb)
	copy(img.Cr, p.bg.Cr)
	p.drawBox(img, p.frame)
	DrawTimecode(img, Timecode{Frame: p.frame, Time: at})
	p.frame++
	return VideoFrame{Image: img, Time: at}, nil
}

func (p *testPattern) Recycle(img *image.YCbCr) { p.pool.put(img) }

func (p *testPattern) Close() error {
	p.pace.close()
	return nil
}

// drawBox draws a white box with a dark core bouncing left and right below
// the bars' top edge; its speed (one width in ~4 s) gives the encoder real
// motion to code without smearing the timecode area.
func (p *testPattern) drawBox(img *image.YCbCr, n uint32) {
	size := (p.h / 5) &^ 1
	span := p.w - size
	steps := 4 * p.fps
	pos := int(n) % (2 * steps)
	if pos >= steps {
		pos = 2*steps - pos
	}
	x0 := (span * pos / steps) &^ 1
	y0 := (p.h / 2) &^ 1
	fillI420(img, image.Rect(x0, y0, x0+size, y0+size), 235, 128, 128)
	in := size / 4 &^ 1
	fillI420(img, image.Rect(x0+in, y0+in, x0+size-in, y0+size-in), 40, 200, 90)
	// A thin vertical sweep over the full height, one pass a second.
	sx := (p.w * (int(n) % p.fps) / p.fps) &^ 1
	fillI420(img, image.Rect(sx, TimecodeBounds(p.w, p.h).Max.Y, sx+2, p.h), 235, 128, 128)
}

// fillI420 paints an even-aligned rectangle of a tight I420 picture.
func fillI420(img *image.YCbCr, r image.Rectangle, y, u, v uint8) {
	r = r.Intersect(img.Rect)
	for row := r.Min.Y; row < r.Max.Y; row++ {
		line := img.Y[row*img.YStride+r.Min.X : row*img.YStride+r.Max.X]
		for i := range line {
			line[i] = y
		}
	}
	for row := r.Min.Y / 2; row < (r.Max.Y+1)/2; row++ {
		a, b := row*img.CStride+r.Min.X/2, row*img.CStride+(r.Max.X+1)/2
		for i := a; i < b; i++ {
			img.Cb[i] = u
			img.Cr[i] = v
		}
	}
}

// drawBars renders the static background: 75% colour bars over the top two
// thirds, then a grey ramp, so colour and level errors are visible at a glance.
func drawBars(w, h int) *image.YCbCr {
	img := NewI420(w, h)
	bars := [7][3]uint8{
		{191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0},
		{191, 0, 191}, {191, 0, 0}, {0, 0, 191},
	}
	split := (h * 2 / 3) &^ 1
	for i, c := range bars {
		x0 := (w * i / 7) &^ 1
		x1 := (w * (i + 1) / 7) &^ 1
		if i == 6 {
			x1 = w
		}
		yy, u, v := RGBToYUV(c[0], c[1], c[2])
		fillI420(img, image.Rect(x0, 0, x1, split), yy, u, v)
	}
	for x := 0; x < w; x += 2 {
		g := uint8(255 * x / w)
		yy, u, v := RGBToYUV(g, g, g)
		fillI420(img, image.Rect(x, split, x+2, h), yy, u, v)
	}
	return img
}
