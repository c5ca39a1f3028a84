package scene

import (
	"image"
	"reflect"
	"sync"

	"showcaster/capture"
)

// Fit says how a source's picture fills its item's Rect.
type Fit int

const (
	// FitContain scales the picture to fit inside Rect keeping its aspect;
	// the bars left over show what lies below (black on an empty canvas).
	FitContain Fit = iota
	// FitCover scales the picture to fill Rect keeping its aspect, cropping
	// what overflows (a camera in a picture-in-picture box).
	FitCover
	// FitStretch fills Rect exactly, distorting the picture if the aspects differ.
	FitStretch
)

// Item is a source placed on the canvas (OBS's scene item).
type Item struct {
	ID      string
	Source  capture.VideoSource
	Rect    image.Rectangle
	Z       int
	Visible bool
	Fit     Fit
}

// reader pulls frames from one source on its own goroutine and keeps only the
// latest, so a slow or stalled source never holds up the frame clock.
type reader struct {
	src capture.VideoSource

	mu     sync.Mutex // held while a composition reads latest.Image
	latest capture.VideoFrame
	seq    uint64 // frames received
	err    error
	stop   bool
	first  chan struct{} // closed at the first frame or error
	firstD bool
}

func newReader(src capture.VideoSource) *reader {
	return &reader{src: src, first: make(chan struct{})}
}

func (r *reader) run(onErr func(error)) {
	rec, _ := r.src.(capture.Recycler)
	for {
		f, err := r.src.Read()
		r.mu.Lock()
		if r.stop {
			r.mu.Unlock()
			if err == nil && rec != nil && f.Image != nil {
				rec.Recycle(f.Image)
			}
			return
		}
		if err != nil {
			r.err = err
			r.markFirst()
			r.mu.Unlock()
			if onErr != nil {
				onErr(err)
			}
			return
		}
		old := r.latest.Image
		r.latest = f
		r.seq++
		r.markFirst()
		r.mu.Unlock()
		// Nobody else can hold old now: compositions read it under r.mu.
		if rec != nil && old != nil && old != f.Image {
			rec.Recycle(old)
		}
	}
}

func (r *reader) markFirst() {
	if !r.firstD {
		r.firstD = true
		close(r.first)
	}
}

func (r *reader) halt() {
	r.mu.Lock()
	r.stop = true
	r.mu.Unlock()
}

// sameSource compares sources without panicking on non-comparable types.
func sameSource(a, b capture.VideoSource) bool {
	if a == nil || b == nil {
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || !ta.Comparable() {
		return false
	}
	return a == b
}

// itemState is an item with what the compositor remembers about it.
type itemState struct {
	Item
	rd      *reader
	lastSeq uint64
	frames  uint64
	repeats uint64
	scale   scaleCache
}

// placement computes where a sw×sh picture lands in r (dst) and which part of
// it is shown (src), both even-aligned for 4:2:0.
func placement(fit Fit, r image.Rectangle, sw, sh int) (dst, src image.Rectangle) {
	dst, src = r, image.Rect(0, 0, sw, sh)
	rw, rh := r.Dx(), r.Dy()
	if sw <= 0 || sh <= 0 || rw <= 0 || rh <= 0 {
		return image.Rectangle{}, image.Rectangle{}
	}
	switch fit {
	case FitContain:
		if sw*rh > sh*rw { // wider than the box: bars above and below
			h := (rw * sh / sw) &^ 1
			y := r.Min.Y + ((rh-h)/2)&^1
			dst = image.Rect(r.Min.X, y, r.Max.X, y+h)
		} else {
			w := (rh * sw / sh) &^ 1
			x := r.Min.X + ((rw-w)/2)&^1
			dst = image.Rect(x, r.Min.Y, x+w, r.Max.Y)
		}
	case FitCover:
		if sw*rh > sh*rw { // crop the sides
			w := (sh * rw / rh) &^ 1
			x := ((sw - w) / 2) &^ 1
			src = image.Rect(x, 0, x+w, sh)
		} else {
			h := (sw * rh / rw) &^ 1
			y := ((sh - h) / 2) &^ 1
			src = image.Rect(0, y, sw, y+h)
		}
	}
	return dst, src
}
