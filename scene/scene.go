package scene

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"slices"
	"sort"
	"sync"
	"time"

	"showcaster/capture"
)

// Scene is the program canvas: items and overlays composed on a fixed frame
// clock into pooled I420 frames that go to sinks and to the preview.
type Scene struct {
	cfg  Config
	pool *framePool

	// compose serialises compositions (Run's clock and RenderOnce).
	compose sync.Mutex

	mu       sync.Mutex
	items    []*itemState // sorted by Z, stable
	readers  []*reader
	overlays map[string]*overlayState
	ovSeq    int
	// hidden are overlay ids the arrangement on air leaves out (a saved
	// scene that shows no product card, say), whoever sets them meanwhile.
	hidden   map[string]bool
	sinks    []*Sink
	last     *Frame
	frames   uint64
	repeats  uint64
	running  bool
	closed   bool
	lastCost time.Duration
	preview  previewCache
	drawList []drawOverlay // reused per composition
	ovList   []*overlayState
	fade     *fadeState
	fadeBuf  *image.YCbCr // the old arrangement during a fade
}

// fadeState is a cross-fade from one arrangement of items to the next.
type fadeState struct {
	from    []*itemState
	readers []*reader // read only by from; halted at the end
	start   time.Time
	d       time.Duration
}

type previewCache struct {
	img        *image.RGBA
	maxW, maxH int
	frames     uint64
	at         time.Time
	// ring is the buffers Preview converts into, in turn: the window shows
	// one, may still be uploading the one before, and the next is written.
	ring [previewBuffers]*image.RGBA
	next int
}

// previewEvery caps how often Preview converts a frame: 25 Hz, above the
// window's 20 Hz preview, is plenty for a monitor and costs the engine
// nothing when nobody asks.
const previewEvery = time.Second / 25

// previewBuffers is how many preview pictures are in use at once.
const previewBuffers = 3

type drawOverlay struct {
	p  *planes
	at image.Point
}

// New makes a scene; Run starts its clock.
func New(cfg Config) (*Scene, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Scene{
		cfg:      cfg,
		pool:     newFramePool(cfg.Width, cfg.Height, 8),
		overlays: map[string]*overlayState{},
	}, nil
}

// Config returns the scene's settings with defaults filled in.
func (s *Scene) Config() Config { return s.cfg }

// SetItems replaces the items. A source already shown keeps its reader (and
// its latest frame); a new one gets a reader goroutine at once; a source no
// longer shown is let go. The scene never closes sources: their owner does,
// which also ends their reader.
func (s *Scene) SetItems(items []Item) { s.SetItemsFade(items, 0) }

// SetItemsFade replaces the items with a cross-fade of length d from the
// arrangement on air (a scene switch); d ≤ 0 cuts. Sources that only the
// old arrangement shows are read until the fade ends. A switch during a
// fade starts from the arrangement the fade was going to.
func (s *Scene) SetItemsFade(items []Item, d time.Duration) {
	// The compositor owns the item states while it draws; wait for it.
	s.compose.Lock()
	defer s.compose.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.endFadeLocked()
	old := s.items
	var readers []*reader
	next := make([]*itemState, 0, len(items))
	for _, it := range items {
		st := &itemState{Item: it}
		for _, o := range old {
			if o.ID == it.ID && sameSource(o.Source, it.Source) {
				st.lastSeq, st.frames, st.repeats, st.scale = o.lastSeq, o.frames, o.repeats, o.scale
			}
		}
		if it.Source != nil {
			st.rd = findReader(readers, it.Source)
			if st.rd == nil {
				st.rd = findReader(s.readers, it.Source)
				if st.rd == nil {
					st.rd = newReader(it.Source)
					id := it.ID
					onErr := s.cfg.OnSourceError
					go st.rd.run(func(err error) {
						if onErr != nil {
							onErr(id, err)
						}
					})
				}
				readers = append(readers, st.rd)
			}
		}
		next = append(next, st)
	}
	var dropped []*reader
	for _, r := range s.readers {
		if findReader(readers, r.src) == nil {
			dropped = append(dropped, r)
		}
	}
	if d > 0 && len(old) > 0 {
		// The old arrangement keeps its own item states (and scale caches);
		// only the readers are shared with the new one.
		s.fade = &fadeState{from: old, readers: dropped, start: s.cfg.Clock.Now(), d: d}
	} else {
		for _, r := range dropped {
			r.halt()
		}
	}
	sort.SliceStable(next, func(i, j int) bool { return next[i].Z < next[j].Z })
	s.items, s.readers = next, readers
}

// Fading reports whether a cross-fade is under way.
func (s *Scene) Fading() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fade != nil
}

// endFadeLocked finishes a fade at once: the readers only the old
// arrangement used are let go.
func (s *Scene) endFadeLocked() {
	if s.fade == nil {
		return
	}
	for _, r := range s.fade.readers {
		if findReader(s.readers, r.src) == nil {
			r.halt()
		}
	}
	s.fade = nil
}

func findReader(rs []*reader, src capture.VideoSource) *reader {
	for _, r := range rs {
		if sameSource(r.src, src) {
			return r
		}
	}
	return nil
}

// WaitReady waits until every visible item's source has delivered a frame
// (or failed), so a snapshot does not show black where a picture is coming.
func (s *Scene) WaitReady(ctx context.Context) error {
	s.mu.Lock()
	var waits []chan struct{}
	for _, it := range s.items {
		if it.Visible && it.rd != nil {
			waits = append(waits, it.rd.first)
		}
	}
	s.mu.Unlock()
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// SetOverlay adds or replaces an overlay. Its picture is converted to the
// canvas's colour planes here, once; later moves do not convert again.
func (s *Scene) SetOverlay(o Overlay) error {
	if err := validateOverlay(o); err != nil {
		return err
	}
	p := convertOverlay(o.Image)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &overlayState{id: o.ID, p: p, at: o.At, z: o.Z, visible: o.Visible}
	if prev, ok := s.overlays[o.ID]; ok {
		st.seq = prev.seq
	} else {
		s.ovSeq++
		st.seq = s.ovSeq
	}
	s.overlays[o.ID] = st
	return nil
}

// MoveOverlay places an overlay elsewhere (slide-ins move it every frame).
func (s *Scene) MoveOverlay(id string, at image.Point) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.overlays[id]
	if !ok {
		return fmt.Errorf("move overlay %q: %w", id, ErrNoOverlay)
	}
	o.at = at
	return nil
}

// ShowOverlay shows or hides an overlay without converting it again.
func (s *Scene) ShowOverlay(id string, visible bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.overlays[id]
	if !ok {
		return fmt.Errorf("show overlay %q: %w", id, ErrNoOverlay)
	}
	o.visible = visible
	return nil
}

// HideOverlays leaves the overlays with these ids out of the picture until
// the next call, even those set, shown or replaced meanwhile (nil: none).
func (s *Scene) HideOverlays(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden = map[string]bool{}
	for _, id := range ids {
		s.hidden[id] = true
	}
}

// HiddenOverlays are the ids HideOverlays left out, sorted.
func (s *Scene) HiddenOverlays() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id := range s.hidden {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// RemoveOverlay takes an overlay off the canvas; removing one that is not
// there is not an error.
func (s *Scene) RemoveOverlay(id string) {
	s.mu.Lock()
	delete(s.overlays, id)
	s.mu.Unlock()
}

// AddSink attaches a consumer with a queue of depth frames (at least 1).
func (s *Scene) AddSink(name string, depth int) *Sink {
	k := &Sink{name: name, ch: make(chan *Frame, max(depth, 1)), s: s}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		k.closed = true
		close(k.ch)
		return k
	}
	s.sinks = append(s.sinks, k)
	return k
}

func (s *Scene) removeSinkLocked(k *Sink) {
	if k.closed {
		return
	}
	k.closed = true
	close(k.ch)
	for i, o := range s.sinks {
		if o == k {
			s.sinks = append(s.sinks[:i], s.sinks[i+1:]...)
			break
		}
	}
}

// Run renders on the scene clock until ctx ends, then closes every sink's
// channel and returns nil. The clock never waits for a source: an item whose
// source has nothing new shows its last frame again.
func (s *Scene) Run(ctx context.Context) error {
	return s.RunFrom(ctx, s.cfg.Clock.Now())
}

// RunFrom is Run with the program's origin given: frames are stamped with
// PTS counted from start, so sound stamped from the same moment on the same
// clock lines up with them. start is normally the clock's now.
func (s *Scene) RunFrom(ctx context.Context, start time.Time) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	s.mu.Unlock()

	clk := s.cfg.Clock
	t := clk.NewTicker(s.cfg.Period())
	defer t.Stop()
	s.tick(clk.Now(), clk.Now().Sub(start))
	for {
		select {
		case <-ctx.Done():
			s.mu.Lock()
			s.running = false
			for len(s.sinks) > 0 {
				s.removeSinkLocked(s.sinks[0])
			}
			s.mu.Unlock()
			return nil
		case now := <-t.C():
			s.tick(now, now.Sub(start))
		}
	}
}

// tick composes one frame and hands it to every sink and the preview.
func (s *Scene) tick(now time.Time, pts time.Duration) {
	f := s.render(now, pts)
	s.mu.Lock()
	for _, k := range s.sinks {
		k.offer(f.Retain())
	}
	s.mu.Unlock()
	f.Release()
}

// RenderOnce composes a frame now, outside the clock (snapshots). The caller
// owns it and should Release it.
func (s *Scene) RenderOnce() *Frame {
	return s.render(s.cfg.Clock.Now(), 0)
}

func (s *Scene) render(now time.Time, pts time.Duration) *Frame {
	s.compose.Lock()
	defer s.compose.Unlock()
	began := time.Now() // wall clock: this measures the real cost of composing
	f := s.pool.get()
	f.PTS, f.Time = pts, now

	s.mu.Lock()
	items := s.items
	var from []*itemState
	var mix int // 0..256: how much of the new arrangement shows
	if fd := s.fade; fd != nil {
		if p := now.Sub(fd.start); p >= fd.d || p < 0 {
			s.endFadeLocked()
		} else {
			from, mix = fd.from, int(256*p/fd.d)
			if s.fadeBuf == nil {
				s.fadeBuf = capture.NewI420(s.cfg.Width, s.cfg.Height)
			}
		}
	}
	fadeBuf := s.fadeBuf
	draw := s.drawList[:0]
	ovs := s.ovList[:0]
	for _, o := range s.overlays {
		if o.visible && !s.hidden[o.id] {
			ovs = append(ovs, o)
		}
	}
	slices.SortFunc(ovs, func(a, b *overlayState) int {
		if a.z != b.z {
			return cmp.Compare(a.z, b.z)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, o := range ovs {
		draw = append(draw, drawOverlay{p: o.p, at: o.at})
	}
	clear(ovs)
	s.drawList, s.ovList = draw, ovs
	s.mu.Unlock()

	// Items keep their scale caches and counters in itemState, which only
	// compositions touch (serialised by s.compose).
	captured, repeats := s.composeItems(f.Image, items)
	if from != nil {
		s.composeItems(fadeBuf, from)
		crossFade(f.Image, fadeBuf, mix)
	}
	f.CaptureTime = captured
	for _, d := range draw {
		blendOverlay(f.Image, d.p, d.at)
	}

	cost := time.Since(began) // wall clock, as above
	s.mu.Lock()
	s.frames++
	s.repeats += repeats
	s.lastCost = cost
	if s.last != nil {
		s.last.Release()
	}
	s.last = f.Retain()
	s.mu.Unlock()
	return f
}

// composeItems draws the visible items bottom to top and returns the main
// item's capture time and how many items repeated their last frame.
func (s *Scene) composeItems(canvas *image.YCbCr, items []*itemState) (time.Time, uint64) {
	var captured time.Time
	var repeats uint64
	mainID := ""
	for _, it := range items {
		if it.Visible && it.ID == ItemMain {
			mainID = ItemMain
		}
	}
	covered := false
	for _, it := range items {
		if it.Visible && it.rd != nil && it.Rect.Min.X <= 0 && it.Rect.Min.Y <= 0 &&
			it.Rect.Max.X >= canvas.Rect.Dx() && it.Rect.Max.Y >= canvas.Rect.Dy() {
			covered = s.coversCanvas(it, canvas.Rect)
			if covered {
				break
			}
		}
	}
	if !covered {
		fillBlack(canvas, canvas.Rect)
	}
	for _, it := range items {
		if !it.Visible {
			continue
		}
		if it.rd == nil {
			fillBlack(canvas, it.Rect)
			continue
		}
		r := it.rd
		r.mu.Lock()
		f, seq := r.latest, r.seq
		if f.Image == nil {
			r.mu.Unlock()
			fillBlack(canvas, it.Rect)
			continue
		}
		if seq == it.lastSeq {
			it.repeats++
			repeats++
		} else {
			it.frames += seq - it.lastSeq
			it.lastSeq = seq
		}
		dst, src := placement(it.Fit, it.Rect, f.Image.Rect.Dx(), f.Image.Rect.Dy())
		drawPicture(canvas, f.Image, dst, src, &it.scale)
		r.mu.Unlock()
		if mainID == "" {
			mainID = it.ID
		}
		if it.ID == mainID && captured.IsZero() {
			captured = f.Time
		}
	}
	return captured, repeats
}

// coversCanvas reports whether the item's picture, once placed, fills the
// whole canvas, so the black fill underneath can be skipped.
func (s *Scene) coversCanvas(it *itemState, canvas image.Rectangle) bool {
	it.rd.mu.Lock()
	img := it.rd.latest.Image
	it.rd.mu.Unlock()
	if img == nil {
		return false
	}
	dst, _ := placement(it.Fit, it.Rect, img.Rect.Dx(), img.Rect.Dy())
	return canvas.In(dst)
}

// Preview returns the latest program frame as RGBA fitted inside maxW×maxH.
// It converts at most 25 times a second and only when called, so an unseen
// preview costs nothing. The image is shared between callers: do not modify
// it. Its pixels are reused two conversions later (a ring of three, so the
// window is not handed a fresh megabyte many times a second): a caller that
// keeps a picture longer copies it. Nil until the first frame is composed.
func (s *Scene) Preview(maxW, maxH int) *image.RGBA {
	s.mu.Lock()
	pc := s.preview
	now := s.cfg.Clock.Now()
	if s.last == nil {
		s.mu.Unlock()
		return nil
	}
	if pc.img != nil && pc.maxW == maxW && pc.maxH == maxH &&
		(pc.frames == s.frames || now.Sub(pc.at) < previewEvery) {
		s.mu.Unlock()
		return pc.img
	}
	f := s.last.Retain()
	frames := s.frames
	slot := pc.next
	dst := pc.ring[slot]
	s.preview.next = (slot + 1) % previewBuffers
	s.mu.Unlock()

	w, h := capture.FitSize(s.cfg.Width, s.cfg.Height, maxW, maxH)
	img := capture.ToRGBAInto(dst, f.Image, w, h)
	f.Release()

	s.mu.Lock()
	s.preview.img, s.preview.maxW, s.preview.maxH = img, maxW, maxH
	s.preview.frames, s.preview.at = frames, now
	s.preview.ring[slot] = img
	s.mu.Unlock()
	return img
}

// Stats is a snapshot of the scene's counters.
type Stats struct {
	// Frames is how many program frames were composed.
	Frames uint64
	// Repeats counts, over all items, compositions where a source had no new
	// frame and its last one was shown again.
	Repeats uint64
	// LastCompose is the wall time the last composition took.
	LastCompose time.Duration
	Sources     []SourceStats
	Sinks       []SinkStats
}

// SourceStats is one item's view of its source.
type SourceStats struct {
	ItemID  string
	Source  string // the source's device id
	Frames  uint64 // new frames shown
	Repeats uint64
	Err     error // why the source stopped, if it did
}

// SinkStats counts one consumer's frames.
type SinkStats struct {
	Name string
	// Queued counts frames put in the queue; Dropped those lost because the
	// consumer was behind (including queued frames pushed out by newer ones).
	Queued, Dropped uint64
}

// Stats returns the counters. Per-item counts are as of the last composition.
func (s *Scene) Stats() Stats {
	s.compose.Lock()
	defer s.compose.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Frames: s.frames, Repeats: s.repeats, LastCompose: s.lastCost}
	for _, it := range s.items {
		ss := SourceStats{ItemID: it.ID, Frames: it.frames, Repeats: it.repeats}
		if it.Source != nil {
			ss.Source = it.Source.Info().ID
		}
		if it.rd != nil {
			it.rd.mu.Lock()
			ss.Err = it.rd.err
			it.rd.mu.Unlock()
		}
		st.Sources = append(st.Sources, ss)
	}
	for _, k := range s.sinks {
		st.Sinks = append(st.Sinks, SinkStats{Name: k.name, Queued: k.delivered.Load(), Dropped: k.dropped.Load()})
	}
	return st
}

// Close stops the readers and closes the sinks. Sources stay open: their
// owner closes them.
func (s *Scene) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.fade != nil {
		for _, r := range s.fade.readers {
			r.halt()
		}
		s.fade = nil
	}
	for _, r := range s.readers {
		r.halt()
	}
	s.readers, s.items = nil, nil
	for len(s.sinks) > 0 {
		s.removeSinkLocked(s.sinks[0])
	}
	if s.last != nil {
		s.last.Release()
		s.last = nil
	}
}
