package ui

import (
	"context"
	"image"
	"sync"
	"sync/atomic"
	"time"

	"showcaster/app"
	"showcaster/internal/clock"
)

// batch is everything the window learns in one frame tick: the engine's
// events in order, the newest of the high-rate ones, the newest preview
// frame and the results of the window's own background calls.
type batch struct {
	events  []app.Event
	stats   *app.Stats
	level   *app.AudioLevel
	frame   *image.RGBA
	elapsed time.Duration
	done    []func()
	// dropped counts comments that never reached the window because the UI
	// fell further behind than the panel keeps anyway.
	dropped int
	at      time.Time
}

func (b *batch) empty() bool {
	return len(b.events) == 0 && b.stats == nil && b.level == nil && b.frame == nil && len(b.done) == 0
}

// previewFPS is the window's preview rate. Each preview frame repaints the
// whole window (Fyne draws a dirty canvas entire, with software GL on many
// laptops): at 30 a second the window cost more than the broadcast itself;
// 20 looks smooth for a monitor of the host's own picture.
const previewFPS = 20

// pumpConfig: FPS is the preview pull rate (default previewFPS); MaxPending bounds what waits for
// a busy UI; Dispatch runs a function on the UI thread (fyne.Do in the app).
type pumpConfig struct {
	Studio     Studio
	FPS        int
	MaxPending int
	Dispatch   func(func())
	Apply      func(*batch)
	Clock      clock.Clock
}

// pump is the window's one crossing point from background goroutines to
// widgets. A single goroutine reads the studio's events, coalesces the
// high-rate ones, pulls the preview on a ticker and hands everything over in
// one Dispatch per tick. While the UI is still busy with the previous tick,
// work accumulates here (bounded) instead of queuing more UI calls.
type pump struct {
	cfg pumpConfig

	mu      sync.Mutex
	pending batch
	results []func()

	inflight atomic.Bool
	wake     chan struct{}
	// preview size in pixels the widget wants, packed w<<32|h; 0 means hidden.
	previewSize atomic.Uint64
	frames      atomic.Int64 // frames handed to the UI, for the status line and tests
	lastFrame   *image.RGBA  // the last frame handed over; owned by Run's goroutine
}

func newPump(cfg pumpConfig) *pump {
	if cfg.FPS <= 0 {
		cfg.FPS = previewFPS
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = maxComments
	}
	cfg.Clock = clock.OrReal(cfg.Clock)
	return &pump{cfg: cfg, wake: make(chan struct{}, 1)}
}

// SetPreviewSize tells the pump how large a frame to ask the studio for.
func (p *pump) SetPreviewSize(w, h int) {
	if w < 0 || h < 0 {
		w, h = 0, 0
	}
	p.previewSize.Store(uint64(w)<<32 | uint64(uint32(h)))
}

// Post queues f to run on the UI thread with the next tick: how background
// calls (replies, show changes) report back without a crossing of their own.
func (p *pump) Post(f func()) {
	p.mu.Lock()
	p.results = append(p.results, f)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends or the studio closes its event channel.
func (p *pump) Run(ctx context.Context) {
	tick := p.cfg.Clock.NewTicker(time.Second / time.Duration(p.cfg.FPS))
	defer tick.Stop()
	events := p.cfg.Studio.Events()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				p.flush(false)
				return
			}
			p.add(ev)
		case <-p.wake:
			p.flush(false)
		case <-tick.C():
			p.flush(true)
		}
	}
}

func (p *pump) add(ev app.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case app.Stats:
		p.pending.stats = &e
	case app.AudioLevel:
		// Peaks matter for a meter: keep the loudest since the last tick.
		if p.pending.level == nil || e.Peak > p.pending.level.Peak {
			p.pending.level = &e
		}
	default:
		p.pending.events = append(p.pending.events, ev)
		if len(p.pending.events) > 2*p.cfg.MaxPending {
			p.trimLocked()
		}
	}
}

// trimLocked drops the oldest comments beyond what the panel would keep, so
// a stalled UI cannot make the pending list grow without bound. Other events
// (state changes, replies, counters) are few and all kept.
func (p *pump) trimLocked() {
	comments := 0
	for _, ev := range p.pending.events {
		if _, ok := ev.(app.CommentReceived); ok {
			comments++
		}
	}
	drop := comments - p.cfg.MaxPending
	if drop <= 0 {
		return
	}
	kept := p.pending.events[:0]
	for _, ev := range p.pending.events {
		if _, ok := ev.(app.CommentReceived); ok && drop > 0 {
			drop--
			p.pending.dropped++
			continue
		}
		kept = append(kept, ev)
	}
	clear(p.pending.events[len(kept):])
	p.pending.events = kept
}

// flush hands the pending batch to the UI unless the previous one is still
// being applied. On a frame tick it first pulls the newest preview frame.
func (p *pump) flush(frameTick bool) {
	if p.inflight.Load() {
		return // the UI is behind; this tick's work rides with the next one
	}
	var frame *image.RGBA
	var elapsed time.Duration
	if frameTick {
		if sz := p.previewSize.Load(); sz != 0 {
			frame = p.cfg.Studio.Preview(int(sz>>32), int(uint32(sz)))
			if frame == p.lastFrame {
				frame = nil // nothing new: no texture upload, no repaint for it
			}
		}
		elapsed = p.cfg.Studio.Elapsed()
	}
	p.mu.Lock()
	b := p.pending
	p.pending = batch{}
	b.done, p.results = p.results, nil
	p.mu.Unlock()
	b.frame = frame
	b.elapsed = elapsed
	b.at = p.cfg.Clock.Now()
	if b.empty() && !frameTick {
		return
	}
	if frame != nil {
		p.frames.Add(1)
		p.lastFrame = frame
	}
	p.inflight.Store(true)
	p.cfg.Dispatch(func() {
		defer p.inflight.Store(false)
		p.cfg.Apply(&b)
	})
}
