package capture

import (
	"image"
	"sync"
)

// BeautySource puts the beauty filter between a camera and the scene. With
// every setting at zero it hands the camera's frames on untouched; otherwise
// each frame is filtered into a buffer of its own and the camera's buffer
// goes straight back to the camera.
type BeautySource struct {
	src VideoSource

	mu     sync.Mutex // guards next and the buffers; Read is single-reader
	next   Beauty
	filter *BeautyFilter
	pool   *framePool
	ours   map[*image.YCbCr]bool
}

// NewBeautySource wraps src with the given settings (zero: off).
func NewBeautySource(src VideoSource, b Beauty) *BeautySource {
	return &BeautySource{src: src, next: b, filter: NewBeautyFilter(b), ours: map[*image.YCbCr]bool{}}
}

// SetBeauty changes the settings from the next frame on (safe from any goroutine).
func (s *BeautySource) SetBeauty(b Beauty) {
	s.mu.Lock()
	s.next = b
	s.mu.Unlock()
}

// Beauty returns the settings in force.
func (s *BeautySource) Beauty() Beauty {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Unwrap returns the camera behind the filter.
func (s *BeautySource) Unwrap() VideoSource { return s.src }

func (s *BeautySource) Info() DeviceInfo { return s.src.Info() }
func (s *BeautySource) Close() error     { return s.src.Close() }

func (s *BeautySource) Read() (VideoFrame, error) {
	f, err := s.src.Read()
	if err != nil || f.Image == nil {
		return f, err
	}
	s.mu.Lock()
	b := s.next
	if !b.On() {
		s.mu.Unlock()
		return f, nil
	}
	w, h := f.Image.Rect.Dx()&^1, f.Image.Rect.Dy()&^1
	if s.pool == nil || s.pool.w != w || s.pool.h != h {
		s.pool = newFramePool(w, h, 3)
		clear(s.ours)
	}
	dst := s.pool.get()
	if len(s.ours) > 16 {
		// Frames not handed back are the garbage collector's; forget them.
		clear(s.ours)
	}
	s.ours[dst] = true
	s.mu.Unlock()

	s.filter.Set(b)
	s.filter.Apply(dst, f.Image)
	if rec, ok := s.src.(Recycler); ok {
		rec.Recycle(f.Image)
	}
	return VideoFrame{Image: dst, Time: f.Time}, nil
}

// Recycle takes back a filtered frame, or passes the camera's own back to it.
func (s *BeautySource) Recycle(img *image.YCbCr) {
	s.mu.Lock()
	if s.ours[img] {
		delete(s.ours, img)
		s.pool.put(img)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	if rec, ok := s.src.(Recycler); ok {
		rec.Recycle(img)
	}
}
