package encode

import (
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/io/video"
)

// Defaults for H264Config.
const (
	DefaultKeyframeInterval = 2 * time.Second
	DefaultPreset           = "veryfast"
	DefaultFPS              = 30
	DefaultVideoBitrate     = 2_500_000
)

// Presets are the speed/quality settings H264Config.Preset takes, fastest
// first. x264 uses them as its own presets; openh264 has none of its own and
// ignores the choice (it always codes Constrained Baseline at its real-time
// setting), so a settings file works unchanged on every platform.
var Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium"}

// H264Config configures an H.264 encoder. Zero values take the defaults.
type H264Config struct {
	Width, Height int
	FPS           int // default 30
	BitrateBps    int // default 2.5 Mbps
	// KeyframeInterval is the distance between IDR frames (default 2 s),
	// which bounds how long a viewer who joins waits for a picture.
	KeyframeInterval time.Duration
	// Preset is one of Presets, from "ultrafast" to "medium" (default
	// "veryfast", the usual choice for live streaming on a laptop). With
	// x264, ultrafast gives Constrained Baseline and the others High
	// profile, because they turn on CABAC and 8×8 transforms; openh264
	// ignores it.
	Preset string
}

func (c H264Config) withDefaults() (H264Config, error) {
	if c.FPS == 0 {
		c.FPS = DefaultFPS
	}
	if c.BitrateBps == 0 {
		c.BitrateBps = DefaultVideoBitrate
	}
	if c.KeyframeInterval == 0 {
		c.KeyframeInterval = DefaultKeyframeInterval
	}
	if c.Preset == "" {
		c.Preset = DefaultPreset
	}
	if c.Width <= 0 || c.Height <= 0 || c.Width%2 != 0 || c.Height%2 != 0 {
		return c, fmt.Errorf("%w: %dx%d", ErrBadSize, c.Width, c.Height)
	}
	if c.FPS < 1 || c.FPS > 120 {
		return c, fmt.Errorf("%w: %d fps is outside 1–120", ErrBadConfig, c.FPS)
	}
	if c.BitrateBps < 50_000 {
		return c, fmt.Errorf("%w: video bitrate %d bps is below 50 kbps", ErrBadConfig, c.BitrateBps)
	}
	if c.KeyframeInterval < 0 {
		return c, fmt.Errorf("%w: negative keyframe interval", ErrBadConfig)
	}
	if !slices.Contains(Presets, c.Preset) {
		return c, fmt.Errorf("%w: unknown encoder preset %q (use ultrafast, superfast, veryfast, faster, fast or medium)", ErrBadConfig, c.Preset)
	}
	return c, nil
}

// H264 encodes I420 frames with the platform's H.264 library (H264Library):
// x264 on Linux (zerolatency), openh264 on Windows and macOS, where Debian's
// cross compilers have no x264 and mediadevices ships openh264 as static
// libraries. Either way: no B-frames, one packet per frame, Annex B output
// with SPS/PPS before every IDR. The two cannot share a binary (their
// mediadevices wrappers export clashing C symbols), so a build tag chooses:
// see h264_x264.go and h264_openh264.go. Encode is meant for one goroutine;
// SetBitrate and ForceKeyframe may be called from any goroutine at any time,
// even after Close, and never wait for an encode in progress.
type H264 struct {
	cfg H264Config

	// mu serialises Encode and Close, so the C encoder is never used after it
	// is freed.
	mu     sync.Mutex
	enc    codec.ReadCloser // nil while suspended
	reader video.Reader
	ctl    codec.BitRateController
	closed bool
	next   *image.YCbCr // the frame the reader hands to the encoder's next Read
	tight  *image.YCbCr // scratch copy for frames with padded strides

	// Requests from other goroutines, applied by Encode just before the next
	// frame. Going through atomics rather than straight into the C encoder
	// keeps a late bandwidth callback from touching a closed encoder (a
	// reconfig on a freed handle crashes) and from racing on the C struct.
	pendingBitrate atomic.Int64
	forceKey       atomic.Bool
	bitrate        atomic.Int64 // the bitrate last applied, in bps

	profileLevelID string
}

// NewH264 starts an H.264 encoder for cfg.
func NewH264(cfg H264Config) (*H264, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &H264{cfg: cfg}
	reader := video.ReaderFunc(func() (image.Image, func(), error) {
		if h.next == nil {
			return nil, func() {}, io.EOF
		}
		img := h.next
		h.next = nil
		return img, func() {}, nil
	})
	h.reader = reader
	h.bitrate.Store(int64(cfg.BitrateBps))
	if err := h.openLocked(); err != nil {
		return nil, err
	}

	// Encode one grey frame so that the SDP can say what the stream really
	// is: the library picks profile and level from the preset, size and
	// rate (and mediadevices applies x264's profile "high" as a ceiling), so
	// reading the SPS is the only honest source. The next real frame is forced to be an IDR.
	probe := image.NewYCbCr(image.Rect(0, 0, cfg.Width, cfg.Height), image.YCbCrSubsampleRatio420)
	for i := range probe.Y {
		probe.Y[i] = 128
	}
	for i := range probe.Cb {
		probe.Cb[i], probe.Cr[i] = 128, 128
	}
	pkt, err := h.Encode(probe, 0, time.Time{})
	if err != nil {
		h.Close()
		return nil, err
	}
	sps := firstNAL(pkt.Data, nalSPS)
	if len(sps) < 4 {
		h.Close()
		return nil, fmt.Errorf("%w: the first frame carried no SPS", errH264Library)
	}
	h.profileLevelID = hex.EncodeToString(sps[1:4])
	h.forceKey.Store(true)
	return h, nil
}

// openLocked starts the library's encoder at the bitrate last applied.
func (h *H264) openLocked() error {
	cfg := h.cfg
	cfg.BitrateBps = int(h.bitrate.Load())
	enc, err := newH264Library(cfg, h.reader)
	if err != nil {
		return fmt.Errorf("%w: %v", errH264Library, err)
	}
	h.enc, h.ctl = enc, nil
	if c, ok := enc.Controller().(codec.BitRateController); ok {
		h.ctl = c
	}
	return nil
}

// Suspend frees the library's encoder — its frame buffers and threads, tens
// of megabytes at 1080p — while nobody needs pictures encoded (a studio with
// no output attached). The next Encode starts a fresh one at the bitrate
// last asked for; its first frame is an IDR with SPS and PPS, as after a
// ForceKeyframe. The stream's profile and level do not change.
func (h *H264) Suspend() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.enc == nil {
		return
	}
	_ = h.enc.Close() // freeing cannot fail in either wrapper worth stopping for
	h.enc, h.ctl, h.tight = nil, nil, nil
}

// Config returns the settings the encoder runs with, defaults filled in.
func (h *H264) Config() H264Config { return h.cfg }

// ProfileLevelID is the SDP profile-level-id (RFC 6184) of the stream this
// encoder produces, taken from its own SPS: e.g. "64001f" for High 3.1.
func (h *H264) ProfileLevelID() string { return h.profileLevelID }

// Bitrate is the target bitrate in bps last applied to the encoder.
func (h *H264) Bitrate() int { return int(h.bitrate.Load()) }

// SetBitrate changes the target bitrate from the next frame on. It never
// blocks and is a no-op after Close.
func (h *H264) SetBitrate(bps int) {
	if bps <= 0 {
		return
	}
	h.pendingBitrate.Store(int64(bps))
}

// ForceKeyframe makes the next frame an IDR (for a PLI/FIR or a new session).
// It never blocks and is a no-op after Close.
func (h *H264) ForceKeyframe() { h.forceKey.Store(true) }

// Encode compresses one frame. pts is the frame's time from the start of the
// program; capture is its wall-clock capture time, carried into the packet
// for latency measurement. Every frame yields one packet, but with openh264
// the packet's Data is empty when the library's rate control skipped the
// frame to hold the bitrate (Skipped); callers send nothing for it, and the
// outputs' timestamps come from PTS, so the gap is a repeated picture.
func (h *H264) Encode(img *image.YCbCr, pts time.Duration, capture time.Time) (Packet, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return Packet{}, ErrClosed
	}
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return Packet{}, fmt.Errorf("%w: subsampling %v", ErrBadFormat, img.SubsampleRatio)
	}
	b := img.Rect
	if b.Dx() != h.cfg.Width || b.Dy() != h.cfg.Height {
		return Packet{}, fmt.Errorf("%w: got %dx%d, encoder is %dx%d", ErrFrameSize, b.Dx(), b.Dy(), h.cfg.Width, h.cfg.Height)
	}
	if h.enc == nil {
		if bps := h.pendingBitrate.Swap(0); bps > 0 {
			h.bitrate.Store(bps)
		}
		if err := h.openLocked(); err != nil {
			return Packet{}, err
		}
	}
	h.next = h.tighten(img)

	if bps := h.pendingBitrate.Swap(0); bps > 0 && h.ctl != nil {
		if err := h.ctl.SetBitRate(libraryBitrate(int(bps), h.cfg.FPS)); err != nil {
			return Packet{}, fmt.Errorf("%w: set bitrate %d: %v", errH264Library, bps, err)
		}
		h.bitrate.Store(bps)
	}
	forced := h.forceKey.Swap(false)
	if forced {
		if kc, ok := h.enc.Controller().(codec.KeyFrameController); ok {
			_ = kc.ForceKeyFrame() // both wrappers only set a flag; it cannot fail
		}
	}

	data, release, err := h.enc.Read()
	h.next = nil
	if err != nil {
		return Packet{}, fmt.Errorf("%w: %v", errH264Library, err)
	}
	release()
	if len(data) == 0 && forced {
		// The library skipped the frame (openh264's rate control, see
		// h264_openh264.go); the keyframe asked for comes with the next one.
		h.forceKey.Store(true)
	}
	return Packet{
		Data:        data,
		PTS:         pts,
		Duration:    time.Second / time.Duration(h.cfg.FPS),
		Keyframe:    firstNAL(data, nalIDR) != nil,
		CaptureTime: capture,
	}, nil
}

// tighten returns img itself when the library can read it in place (tight
// strides, origin at 0,0), else a copy into a reused buffer: x264's wrapper
// assumes stride == width for Y and width/2 for the chroma planes.
func (h *H264) tighten(img *image.YCbCr) *image.YCbCr {
	w, hh := h.cfg.Width, h.cfg.Height
	if img.Rect.Min == (image.Point{}) && img.YStride == w && img.CStride == w/2 &&
		len(img.Y) >= w*hh && len(img.Cb) >= w*hh/4 && len(img.Cr) >= w*hh/4 {
		return img
	}
	if h.tight == nil {
		h.tight = image.NewYCbCr(image.Rect(0, 0, w, hh), image.YCbCrSubsampleRatio420)
	}
	t := h.tight
	for y := 0; y < hh; y++ {
		copy(t.Y[y*w:(y+1)*w], img.Y[img.YOffset(img.Rect.Min.X, img.Rect.Min.Y+y):])
	}
	for y := 0; y < hh/2; y++ {
		co := img.COffset(img.Rect.Min.X, img.Rect.Min.Y+2*y)
		copy(t.Cb[y*w/2:(y+1)*w/2], img.Cb[co:])
		copy(t.Cr[y*w/2:(y+1)*w/2], img.Cr[co:])
	}
	return t
}

// Close frees the encoder. Later SetBitrate/ForceKeyframe calls are ignored
// and Encode returns ErrClosed.
func (h *H264) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	if h.enc == nil {
		return nil
	}
	return h.enc.Close()
}
