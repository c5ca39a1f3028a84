package capture

import (
	"errors"
	"fmt"
	"image"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	_ "github.com/pion/mediadevices/pkg/driver/camera"     // registers cameras (V4L2, DirectShow, AVFoundation)
	_ "github.com/pion/mediadevices/pkg/driver/microphone" // enumerates only; opens nothing until asked
	_ "github.com/pion/mediadevices/pkg/driver/screen"     // registers screens (see ScreenLibrary)
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// Device classes, the prefix of every device id ("camera:video0").
const (
	ClassCamera     = "camera"
	ClassMicrophone = "microphone"
	ClassScreen     = "screen"
	ClassBuiltin    = "builtin"
	ClassImage      = "image"
)

// DeviceClass returns the class of a device id: camera, microphone, screen,
// builtin or image; "" when the id has no known prefix.
func DeviceClass(id string) string {
	c, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	switch c {
	case ClassCamera, ClassMicrophone, ClassScreen, ClassBuiltin, ClassImage:
		return c
	}
	return ""
}

// BuiltinDevices are the sources that exist on every machine.
func BuiltinDevices() []DeviceInfo {
	return []DeviceInfo{
		{ID: TestPatternID, Kind: KindVideo, Label: "Test pattern (moving colour bars with timecode)", Formats: []string{"any size up to 1920x1080 I420"}},
		{ID: ToneID, Kind: KindAudio, Label: "Test tone (440 Hz sine)", Formats: []string{"48000 Hz s16 1-2ch"}},
	}
}

// classOf maps a mediadevices device type to our class.
func classOf(t driver.DeviceType) string {
	switch t {
	case driver.Camera:
		return ClassCamera
	case driver.Microphone:
		return ClassMicrophone
	case driver.Screen:
		return ClassScreen
	}
	return ""
}

// isNullMic spots miniaudio's null backend, which stands in when a machine has
// no sound hardware: it records silence with zero channels and is not a microphone.
func isNullMic(d driver.Driver) bool {
	info := d.Info()
	return info.DeviceType == driver.Microphone &&
		(info.Label == "6e756c6c" || strings.HasPrefix(info.Name, "Discard all samples"))
}

// deviceID builds the stable id; mediadevices' own ids are random per process.
func deviceID(d driver.Driver) string {
	return classOf(d.Info().DeviceType) + ":" + d.Info().Label
}

func deviceLabel(d driver.Driver) string {
	info := d.Info()
	name := strings.Trim(info.Name, "; ")
	if name == "" {
		name = info.Label
	}
	switch info.DeviceType {
	case driver.Screen:
		return "Screen " + strings.TrimPrefix(info.Label, "X11Screen")
	case driver.Camera:
		name, _, _ = strings.Cut(name, ";")
	}
	return name
}

// guard runs a driver call and turns a panic inside it into ErrDriverPanic:
// the drivers are cgo wrappers around system libraries and fail by panicking
// on machines they do not expect.
func guard(what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %w (%v)", what, ErrDriverPanic, r)
		}
	}()
	return f()
}

func hardware() []driver.Driver {
	var ds []driver.Driver
	_ = guard("list devices", func() error {
		ds = driver.GetManager().Query(func(d driver.Driver) bool {
			return classOf(d.Info().DeviceType) != "" && !isNullMic(d)
		})
		return nil
	})
	sort.Slice(ds, func(i, j int) bool { return deviceID(ds[i]) < deviceID(ds[j]) })
	return ds
}

// Devices lists the cameras, microphones and screens on this machine (not the
// built-in sources: see BuiltinDevices). Formats are read from devices that
// are not in use; a device already open is listed without them.
func Devices() ([]DeviceInfo, error) {
	var out []DeviceInfo
	var errs []error
	for _, d := range hardware() {
		info := DeviceInfo{ID: deviceID(d), Label: deviceLabel(d), Kind: KindVideo}
		if d.Info().DeviceType == driver.Microphone {
			info.Kind = KindAudio
		}
		if d.Status() == driver.StateClosed {
			err := guard("read formats of "+info.ID, func() error {
				if err := d.Open(); err != nil {
					return err
				}
				defer d.Close()
				info.Formats = formatList(d.Properties())
				return nil
			})
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", info.ID, err))
			}
		}
		out = append(out, info)
	}
	return out, errors.Join(errs...)
}

func formatList(props []prop.Media) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range props {
		var s string
		if p.Width > 0 {
			s = fmt.Sprintf("%dx%d %s", p.Width, p.Height, p.FrameFormat)
			if p.FrameRate > 0 {
				s += fmt.Sprintf(" @%g", p.FrameRate)
			}
		} else if p.SampleRate > 0 {
			kind := "s16"
			if p.IsFloat {
				kind = "f32"
			}
			s = fmt.Sprintf("%d Hz %s", p.SampleRate, kind)
			if p.ChannelCount > 0 {
				s += fmt.Sprintf(" %dch", p.ChannelCount)
			}
		}
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// findDevice picks the device with this id (with or without its class
// prefix); an empty id picks the system's preferred device of the class.
func findDevice(class, id string) (driver.Driver, error) {
	id = strings.TrimPrefix(id, class+":")
	var best driver.Driver
	for _, d := range hardware() {
		if classOf(d.Info().DeviceType) != class {
			continue
		}
		if id != "" {
			if d.Info().Label == id {
				return d, nil
			}
			continue
		}
		if best == nil || d.Info().Priority > best.Info().Priority {
			best = d
		}
	}
	if best == nil {
		if id == "" {
			return nil, fmt.Errorf("no %s: %w", class, ErrNoDevice)
		}
		return nil, fmt.Errorf("%s %q: %w", class, id, ErrNoDevice)
	}
	return best, nil
}

func openDriver(d driver.Driver) error {
	err := guard("open "+deviceID(d), d.Open)
	if err != nil && !errors.Is(err, ErrDriverPanic) {
		return fmt.Errorf("open %s: %w: %v", deviceID(d), ErrDeviceBusy, err)
	}
	return err
}

// OpenCamera opens a camera by id (as listed by Devices; "" for the default),
// asking for the format closest to w×h at fps. Frames come out as tight I420
// at whatever size the camera delivers; the scene scales them.
func OpenCamera(id string, w, h, fps int) (VideoSource, error) {
	d, err := findDevice(ClassCamera, id)
	if err != nil {
		return nil, err
	}
	if err := openDriver(d); err != nil {
		return nil, err
	}
	props := d.Properties()
	p, ok := bestVideoProp(props, w, h)
	if !ok {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("camera %s: %w", deviceID(d), ErrUnsupportedFormat)
	}
	if fps > 0 {
		p.FrameRate = float32(fps)
	}
	return startVideo(d, p)
}

// OpenScreen captures a screen by id ("" for the first) at fps; ScreenLibrary
// says through what.
func OpenScreen(id string, fps int) (VideoSource, error) {
	d, err := findDevice(ClassScreen, id)
	if err != nil {
		return nil, err
	}
	if err := openDriver(d); err != nil {
		return nil, err
	}
	props := d.Properties()
	if len(props) == 0 {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("screen %s: %w", deviceID(d), ErrUnsupportedFormat)
	}
	p := props[0]
	if fps <= 0 {
		fps = 30
	}
	p.FrameRate = float32(fps)
	return startVideo(d, p)
}

// bestVideoProp prefers the exact size, then the nearest one, and among equal
// sizes an uncompressed format (cheaper to convert than MJPEG).
func bestVideoProp(props []prop.Media, w, h int) (prop.Media, bool) {
	best, bestScore := prop.Media{}, -1
	for _, p := range props {
		switch p.FrameFormat {
		case frame.FormatI420, frame.FormatNV12, frame.FormatNV21, frame.FormatYUYV, frame.FormatUYVY, frame.FormatMJPEG, frame.FormatRGBA:
		default:
			continue
		}
		score := abs(p.Width-w) + abs(p.Height-h)
		score *= 2
		if p.FrameFormat == frame.FormatMJPEG {
			score++
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = p, score
		}
	}
	return best, bestScore >= 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// deviceVideo's Close must not wait for a Read blocked in the driver, so the
// closed flag is atomic and mu only serialises reads.
type deviceVideo struct {
	mu      sync.Mutex
	d       driver.Driver
	r       video.Reader
	info    DeviceInfo
	limited bool
	closed  atomic.Bool
	poolMu  sync.Mutex
	pool    *framePool
}

func startVideo(d driver.Driver, p prop.Media) (VideoSource, error) {
	rec, ok := d.(driver.VideoRecorder)
	if !ok {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("%s: %w", deviceID(d), ErrUnsupportedFormat)
	}
	var r video.Reader
	err := guard("start "+deviceID(d), func() (err error) {
		r, err = rec.VideoRecord(p)
		return err
	})
	if err != nil {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("start %s: %w: %v", deviceID(d), ErrDeviceBusy, err)
	}
	return &deviceVideo{
		d: d, r: r,
		info: DeviceInfo{
			ID: deviceID(d), Kind: KindVideo, Label: deviceLabel(d),
			Formats: formatList([]prop.Media{p}),
		},
		// Cameras' raw YUV is limited range already; JPEG and RGB are not.
		limited: p.FrameFormat != frame.FormatMJPEG && p.FrameFormat != frame.FormatRGBA,
	}, nil
}

func (s *deviceVideo) Info() DeviceInfo { return s.info }

func (s *deviceVideo) Read() (VideoFrame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return VideoFrame{}, ErrClosed
	}
	var out *image.YCbCr
	err := guard("read "+s.info.ID, func() error {
		img, release, err := s.r.Read()
		if err != nil {
			return err
		}
		if release != nil {
			defer release()
		}
		out, err = s.convert(img)
		return err
	})
	if err != nil {
		if errors.Is(err, io.EOF) {
			return VideoFrame{}, fmt.Errorf("%s: %w", s.info.ID, ErrClosed)
		}
		return VideoFrame{}, fmt.Errorf("%s: %w: %v", s.info.ID, ErrDeviceLost, err)
	}
	return VideoFrame{Image: out, Time: time.Now()}, nil // wall clock: a device delivers in real time
}

// convert copies the driver's picture (whose buffer the driver reuses) into a
// tight I420 frame of our own.
func (s *deviceVideo) convert(img image.Image) (*image.YCbCr, error) {
	b := img.Bounds()
	w, h := b.Dx()&^1, b.Dy()&^1
	if w < 2 || h < 2 {
		return nil, ErrUnsupportedFormat
	}
	s.poolMu.Lock()
	if s.pool == nil || s.pool.w != w || s.pool.h != h {
		s.pool = newFramePool(w, h, 3)
	}
	dst := s.pool.get()
	s.poolMu.Unlock()
	switch m := img.(type) {
	case *image.YCbCr:
		ycbcrToI420(dst, m, s.limited)
	case *image.RGBA:
		rgbaToI420(dst, m)
	default:
		conv, err := ToI420(img)
		if err != nil {
			return nil, err
		}
		dst = conv
	}
	return dst, nil
}

func (s *deviceVideo) Recycle(img *image.YCbCr) {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	if s.pool != nil {
		s.pool.put(img)
	}
}

func (s *deviceVideo) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return guard("close "+s.info.ID, s.d.Close)
}

// OpenMicrophone opens a microphone by id (as listed by Devices; "" for the
// system default). Audio comes out as ChunkDuration chunks of 48 kHz int16.
func OpenMicrophone(id string) (AudioSource, error) {
	d, err := findDevice(ClassMicrophone, id)
	if err != nil {
		return nil, err
	}
	if err := openDriver(d); err != nil {
		return nil, err
	}
	var p prop.Media
	found := false
	for _, q := range d.Properties() {
		if q.SampleRate != SampleRate {
			continue
		}
		// Prefer int16, which needs no conversion.
		if !found || (!q.IsFloat && p.IsFloat) {
			p, found = q, true
		}
	}
	if !found {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("microphone %s records no 48 kHz format: %w", deviceID(d), ErrUnsupportedFormat)
	}
	if p.ChannelCount <= 0 || p.ChannelCount > 2 {
		p.ChannelCount = 1
	}
	p.Latency = ChunkDuration
	rec, ok := d.(driver.AudioRecorder)
	if !ok {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("%s: %w", deviceID(d), ErrUnsupportedFormat)
	}
	var r audio.Reader
	err = guard("start "+deviceID(d), func() (err error) {
		r, err = rec.AudioRecord(p)
		return err
	})
	if err != nil {
		_ = guard("close", d.Close)
		return nil, fmt.Errorf("start %s: %w: %v", deviceID(d), ErrDeviceBusy, err)
	}
	return &deviceAudio{
		d: d, r: r, channels: p.ChannelCount,
		info: DeviceInfo{ID: deviceID(d), Kind: KindAudio, Label: deviceLabel(d), Formats: formatList([]prop.Media{p})},
	}, nil
}

type deviceAudio struct {
	mu       sync.Mutex
	d        driver.Driver
	r        audio.Reader
	info     DeviceInfo
	channels int
	pending  []int16
	closed   atomic.Bool
}

func (s *deviceAudio) Info() DeviceInfo { return s.info }

// Read re-chunks whatever period the device uses into ChunkDuration chunks.
func (s *deviceAudio) Read() (AudioChunk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := ChunkFrames * s.channels
	for len(s.pending) < want {
		if s.closed.Load() {
			return AudioChunk{}, ErrClosed
		}
		err := guard("read "+s.info.ID, func() error {
			chunk, release, err := s.r.Read()
			if err != nil {
				return err
			}
			if release != nil {
				defer release()
			}
			ci := chunk.ChunkInfo()
			if ci.SamplingRate != 0 && ci.SamplingRate != SampleRate {
				return fmt.Errorf("device delivers %d Hz: %w", ci.SamplingRate, ErrUnsupportedFormat)
			}
			s.pending = appendInt16(s.pending, chunk, s.channels)
			return nil
		})
		if err != nil {
			if errors.Is(err, io.EOF) {
				return AudioChunk{}, fmt.Errorf("%s: %w", s.info.ID, ErrClosed)
			}
			return AudioChunk{}, fmt.Errorf("%s: %w: %v", s.info.ID, ErrDeviceLost, err)
		}
	}
	out := make([]int16, want)
	copy(out, s.pending)
	s.pending = append(s.pending[:0], s.pending[want:]...)
	return AudioChunk{Samples: out, Channels: s.channels, Time: time.Now()}, nil // wall clock: a device delivers in real time
}

// appendInt16 converts any wave.Audio to interleaved int16 with ch channels
// (extra device channels are dropped, a missing one repeats the first).
func appendInt16(dst []int16, a wave.Audio, ch int) []int16 {
	ci := a.ChunkInfo()
	if v, ok := a.(*wave.Int16Interleaved); ok && ci.Channels == ch {
		return append(dst, v.Data[:ci.Len*ch]...)
	}
	for i := range ci.Len {
		for c := range ch {
			sc := min(c, ci.Channels-1)
			dst = append(dst, int16(a.At(i, sc).Int()>>16))
		}
	}
	return dst
}

func (s *deviceAudio) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return guard("close "+s.info.ID, s.d.Close)
}
