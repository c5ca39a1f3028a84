package scene

import (
	"image"
	"sync/atomic"
	"time"

	"showcaster/capture"
)

// Frame is one composed program picture, shared by reference count between
// the sinks that receive it. Whoever receives a Frame calls Release once
// when done so its buffer returns to the pool; a frame never released is
// simply garbage collected.
type Frame struct {
	Image *image.YCbCr
	// PTS counts from the start of Run on the scene clock.
	PTS time.Duration
	// Time is when the frame was composed.
	Time time.Time
	// CaptureTime is when the main item's source captured the picture shown
	// (zero if it has none yet); Time minus CaptureTime is the scene's delay.
	CaptureTime time.Time

	refs atomic.Int32
	pool *framePool
}

// Retain adds a reference for a consumer that hands the frame on.
func (f *Frame) Retain() *Frame {
	f.refs.Add(1)
	return f
}

// Release drops a reference; the last one returns the buffer to the pool.
func (f *Frame) Release() {
	switch n := f.refs.Add(-1); {
	case n == 0:
		if f.pool != nil {
			f.pool.put(f)
		}
	case n < 0:
		panic("scene: Frame released more often than it was retained")
	}
}

// framePool recycles canvas buffers. Bounded: frames beyond it go to the
// garbage collector, so a consumer that forgets Release costs memory churn,
// not a leak.
type framePool struct {
	w, h int
	free chan *Frame
}

func newFramePool(w, h, n int) *framePool {
	return &framePool{w: w, h: h, free: make(chan *Frame, n)}
}

func (p *framePool) get() *Frame {
	var f *Frame
	select {
	case f = <-p.free:
	default:
		f = &Frame{Image: capture.NewI420(p.w, p.h), pool: p}
	}
	f.refs.Store(1)
	return f
}

func (p *framePool) put(f *Frame) {
	f.PTS, f.Time, f.CaptureTime = 0, time.Time{}, time.Time{}
	select {
	case p.free <- f:
	default:
	}
}

// Sink is a consumer's bounded queue of program frames (an encoder, a
// recorder). When it is full the oldest frame is dropped and counted, so the
// consumer always gets the freshest pictures and the frame clock never waits.
type Sink struct {
	name      string
	ch        chan *Frame
	s         *Scene
	delivered atomic.Uint64
	dropped   atomic.Uint64
	closed    bool // guarded by Scene.mu
}

// Frames delivers the program. It is closed when Run returns or the sink is closed.
func (k *Sink) Frames() <-chan *Frame { return k.ch }

// Name is the name given to AddSink.
func (k *Sink) Name() string { return k.name }

// Dropped counts frames this sink lost because it was full.
func (k *Sink) Dropped() uint64 { return k.dropped.Load() }

// Close detaches the sink from the scene and releases the frames still queued.
func (k *Sink) Close() {
	k.s.mu.Lock()
	k.s.removeSinkLocked(k)
	k.s.mu.Unlock()
	for f := range k.ch {
		f.Release()
	}
}

// offer queues f (the caller's reference is taken over), dropping the oldest
// queued frame when full. Called with Scene.mu held: the scene is the only
// producer, so after taking one out a send cannot fail.
func (k *Sink) offer(f *Frame) {
	select {
	case k.ch <- f:
		k.delivered.Add(1)
		return
	default:
	}
	select {
	case old := <-k.ch:
		old.Release()
		k.dropped.Add(1)
	default:
	}
	select {
	case k.ch <- f:
		k.delivered.Add(1)
	default:
		f.Release()
		k.dropped.Add(1)
	}
}
