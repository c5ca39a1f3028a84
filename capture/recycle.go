package capture

import "image"

// Recycler is implemented by sources that can reuse frame buffers. A reader
// that knows it holds the last reference to a frame (the scene, when a newer
// frame replaces it) hands it back, which saves the source an allocation and
// the garbage collector a few megabytes a second. Recycling is optional: a
// frame never handed back is simply collected.
type Recycler interface {
	Recycle(img *image.YCbCr)
}

// framePool is a small free list of same-size I420 buffers.
type framePool struct {
	w, h int
	free chan *image.YCbCr
}

func newFramePool(w, h, n int) *framePool {
	return &framePool{w: w, h: h, free: make(chan *image.YCbCr, n)}
}

func (p *framePool) get() *image.YCbCr {
	select {
	case img := <-p.free:
		return img
	default:
		return NewI420(p.w, p.h)
	}
}

func (p *framePool) put(img *image.YCbCr) {
	if img == nil || img.Rect.Dx() != p.w || img.Rect.Dy() != p.h || img.YStride != p.w {
		return
	}
	select {
	case p.free <- img:
	default:
	}
}
