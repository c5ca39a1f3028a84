package scene

import (
	"context"
	"math"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// chunkSource delivers the chunks a test pushes and blocks otherwise.
type chunkSource struct {
	ch   chan capture.AudioChunk
	done chan struct{}
}

func newChunkSource() *chunkSource {
	return &chunkSource{ch: make(chan capture.AudioChunk), done: make(chan struct{})}
}
func (c *chunkSource) Info() capture.DeviceInfo {
	return capture.DeviceInfo{ID: "test", Kind: capture.KindAudio}
}
func (c *chunkSource) Read() (capture.AudioChunk, error) {
	select {
	case x := <-c.ch:
		return x, nil
	case <-c.done:
		return capture.AudioChunk{}, capture.ErrClosed
	}
}
func (c *chunkSource) Close() error { close(c.done); return nil }

func constChunk(v int16, channels int) capture.AudioChunk {
	s := make([]int16, capture.ChunkFrames*channels)
	for i := range s {
		s[i] = v
	}
	return capture.AudioChunk{Samples: s, Channels: channels}
}

// feed pushes a chunk and waits until the mixer's reader has buffered it.
func feed(t *testing.T, m *Mixer, src *chunkSource, id string, c capture.AudioChunk) {
	t.Helper()
	src.ch <- c
	in, _ := m.input(id)
	deadline := time.Now().Add(10 * time.Second)
	for {
		in.mu.Lock()
		n := len(in.buf)
		in.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func TestMixerSumsGainsMutesAndMeters(t *testing.T) {
	m := NewMixer(MixerConfig{Clock: clock.NewFake(t0)})
	mic, music := newChunkSource(), newChunkSource()
	defer mic.Close()
	defer music.Close()
	m.Add("mic", mic, 1)
	m.Add("music", music, 0.5)

	feed(t, m, mic, "mic", constChunk(1000, 1))     // mono, doubled to stereo
	feed(t, m, music, "music", constChunk(8000, 2)) // at half gain
	c := m.Mix(t0)
	if c.Channels != 2 || len(c.Samples) != 2*capture.ChunkFrames {
		t.Fatalf("chunk %d samples × %d ch, want %d × 2", len(c.Samples), c.Channels, capture.ChunkFrames)
	}
	if c.Samples[0] != 5000 || c.Samples[len(c.Samples)-1] != 5000 {
		t.Errorf("mixed sample %d, want 1000 + 8000/2 = 5000", c.Samples[0])
	}
	if lv := m.Level(); math.Abs(lv-5000.0/32767) > 0.001 {
		t.Errorf("level %.4f, want %.4f", lv, 5000.0/32767)
	}

	m.SetMute("music", true)
	feed(t, m, mic, "mic", constChunk(1000, 1))
	feed(t, m, music, "music", constChunk(8000, 2))
	if c := m.Mix(t0); c.Samples[0] != 1000 {
		t.Errorf("with music muted the mix is %d, want the mic alone (1000)", c.Samples[0])
	}

	// Nothing ready: silence at once, counted as underruns, never a wait.
	if c := m.Mix(t0); c.Samples[0] != 0 || m.Level() != 0 {
		t.Errorf("empty mix %d level %v, want silence", c.Samples[0], m.Level())
	}
	for _, s := range m.Stats().Sources {
		if s.Underruns != 1 {
			t.Errorf("%s underruns %d, want 1", s.ID, s.Underruns)
		}
	}
}

func TestMixerClipsInsteadOfWrapping(t *testing.T) {
	m := NewMixer(MixerConfig{Clock: clock.NewFake(t0)})
	a, b := newChunkSource(), newChunkSource()
	defer a.Close()
	defer b.Close()
	m.Add("a", a, 1)
	m.Add("b", b, 1)
	feed(t, m, a, "a", constChunk(30000, 2))
	feed(t, m, b, "b", constChunk(30000, 2))
	if c := m.Mix(t0); c.Samples[0] != math.MaxInt16 || m.Level() != 1 {
		t.Errorf("loud mix %d level %v, want clipped to %d and level 1", c.Samples[0], m.Level(), math.MaxInt16)
	}
}

func TestMixerRunsOnClockWithTone(t *testing.T) {
	clk := clock.NewFake(t0)
	m := NewMixer(MixerConfig{Clock: clk, Depth: 3})
	tone := capture.NewTone(capture.ToneConfig{FreqHz: 440, Channels: 1, Amplitude: 0.5, Clock: clk})
	defer tone.Close()
	m.Add("tone", tone, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	waitClock(t, clk, 1) // the tone's reader waits for its next chunk
	go func() { done <- m.Run(ctx) }()
	waitClock(t, clk, 2)
	var got []capture.AudioChunk
	for range 3 {
		clk.Advance(capture.ChunkDuration)
		select {
		case c := <-m.Chunks():
			got = append(got, c)
		case <-time.After(10 * time.Second):
			t.Fatal("no chunk from the mixer")
		}
	}
	// Without a reader the queue of 3 fills and the oldest go.
	for i := range 5 {
		clk.Advance(capture.ChunkDuration)
		deadline := time.Now().Add(10 * time.Second)
		for m.Stats().Chunks < uint64(4+i) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if m.Stats().Dropped == 0 {
		t.Error("a mixer nobody reads dropped nothing")
	}
	// A chunk carries when its sound was captured: the tone's chunk it
	// mixed (on the tone's clock, at or before the slot), or the slot's
	// time when the tone's chunk was not there yet.
	for i, c := range got {
		slot := t0.Add(time.Duration(i+1) * capture.ChunkDuration)
		if d := slot.Sub(c.Time); d < 0 || d > capture.SoundCatchUp || d%capture.ChunkDuration != 0 {
			t.Errorf("chunk %d at %v (slot %v): not on the clock", i, c.Time, slot)
		}
	}
	// Whether a tick finds the tone's chunk already buffered is a race on a
	// fake clock; whatever it found must be the tone, never above its level.
	for _, c := range got {
		for _, v := range c.Samples {
			if v > 16400 || v < -16400 {
				t.Fatalf("sample %d exceeds a half-scale tone", v)
			}
		}
	}
	n := 0
	for range m.Chunks() {
		n++
	}
	if n != 3 {
		t.Errorf("%d chunks left queued, want 3", n)
	}
}

// runMixer runs a mixer with room for 64 chunks on clk until stop, which
// also closes its Chunks.
func runMixer(t *testing.T, clk *clock.Fake) (*Mixer, func()) {
	t.Helper()
	m := NewMixer(MixerConfig{Clock: clk, Depth: 64})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	waitClock(t, clk, 1)
	return m, func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// waitChunks waits (with a deadline) until the mixer has made n chunks.
func waitChunks(m *Mixer, n uint64) {
	deadline := time.Now().Add(10 * time.Second)
	for m.Stats().Chunks < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
}

// A mixer held up for several chunks' time (a busy machine: the ticker
// drops the ticks it missed) still makes every chunk of that time, on the
// clock, so the program's sound keeps real time instead of falling behind.
func TestMixerCatchesUpAfterMissedTicks(t *testing.T) {
	clk := clock.NewFake(t0)
	m, stop := runMixer(t, clk)
	for i := range 5 {
		clk.Advance(5 * capture.ChunkDuration) // one tick reaches the mixer, four are dropped
		waitChunks(m, uint64(5*(i+1)))
	}
	stop()
	var got []capture.AudioChunk
	for c := range m.Chunks() {
		got = append(got, c)
	}
	if len(got) != 25 {
		t.Fatalf("%d chunks for 500 ms of sound, want 25", len(got))
	}
	for i, c := range got {
		if want := t0.Add(time.Duration(i+1) * capture.ChunkDuration); !c.Time.Equal(want) {
			t.Fatalf("chunk %d at %v, want %v", i, c.Time, want)
		}
	}
	if s := m.Stats().Skipped; s != 0 {
		t.Errorf("%d chunks skipped within the catch-up allowance", s)
	}
}

// Held up for longer than it may catch up, the mixer skips ahead and says so.
func TestMixerSkipsBeyondCatchUp(t *testing.T) {
	clk := clock.NewFake(t0)
	m, stop := runMixer(t, clk)
	clk.Advance(time.Second)
	want := uint64(capture.SoundCatchUp / capture.ChunkDuration)
	waitChunks(m, want)
	stop()
	st := m.Stats()
	perSecond := uint64(time.Second / capture.ChunkDuration)
	if st.Chunks != want || st.Skipped != perSecond-want {
		t.Fatalf("after a 1 s stall: %d chunks made, %d skipped; want %d and %d", st.Chunks, st.Skipped, want, perSecond-want)
	}
}

// A source that got ahead of the mix (four chunks waiting when the show
// starts) does not keep that lead as delay: within a second the mixer drops
// the standing queue down to what it keeps against jitter (trimKeepTime).
func TestMixerDropsAStandingQueue(t *testing.T) {
	m := NewMixer(MixerConfig{Clock: clock.NewFake(t0)})
	src := newChunkSource()
	defer src.Close()
	if err := m.Add("mic", src, 1); err != nil {
		t.Fatal(err)
	}
	waiting := func(want time.Duration) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for m.Stats().Sources[0].Waiting != want {
			if time.Now().After(deadline) {
				t.Fatalf("the source has %v waiting, want %v", m.Stats().Sources[0].Waiting, want)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	for v := int16(1); v <= 4; v++ {
		src.ch <- constChunk(v, 2)
	}
	waiting(4 * capture.ChunkDuration)
	pushed := int16(4)
	var lag []int16
	for i := 1; i <= trimEvery+10; i++ {
		before := m.Stats().Sources[0].Waiting
		pushed++
		src.ch <- constChunk(pushed, 2)
		waiting(before + capture.ChunkDuration)
		c := m.Mix(t0.Add(time.Duration(i) * capture.ChunkDuration))
		lag = append(lag, pushed-c.Samples[0])
	}
	if lag[0] != 4 || lag[trimEvery-2] != 4 {
		t.Fatalf("before the first second the sound mixed lags %d and %d chunks, want the 4 it was given", lag[0], lag[trimEvery-2])
	}
	keep := int16(trimKeepTime / capture.ChunkDuration)
	if last := lag[len(lag)-1]; last > keep {
		t.Fatalf("after a second the sound mixed is still %d chunks old, want %d", last, keep)
	}
	if tr, want := m.Stats().Sources[0].Trimmed, 4*capture.ChunkDuration-trimKeepTime; tr != want {
		t.Fatalf("%v dropped as standing queue, want %v", tr, want)
	}
}

// A mixed chunk carries when its sound was captured, not when it was mixed:
// the sound that waited in the mixer is as old as its source said, sample
// by sample, through what the standing-queue trim drops. Receivers keep
// lip sync by this time.
func TestMixerChunkTimeIsCaptureTime(t *testing.T) {
	m := NewMixer(MixerConfig{Clock: clock.NewFake(t0)})
	src := newChunkSource()
	defer src.Close()
	if err := m.Add("mic", src, 1); err != nil {
		t.Fatal(err)
	}
	captured := func(k int) time.Time { return t0.Add(-time.Hour + time.Duration(k)*capture.ChunkDuration) }
	for k := range 3 {
		c := constChunk(int16(k+1), 1)
		c.Time = captured(k)
		src.ch <- c
	}
	for deadline := time.Now().Add(10 * time.Second); m.Stats().Sources[0].Waiting != 3*capture.ChunkDuration; time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the source has %v waiting, want 3 chunks", m.Stats().Sources[0].Waiting)
		}
	}
	for k := range 3 {
		slot := t0.Add(time.Duration(k) * capture.ChunkDuration)
		c := m.Mix(slot)
		if !c.Time.Equal(captured(k)) || c.Samples[0] != int16(k+1) {
			t.Fatalf("mix %d: sound %d captured at %v, want sound %d at %v", k, c.Samples[0], c.Time, k+1, captured(k))
		}
	}
	// Nothing waiting: the slot's own time.
	slot := t0.Add(time.Minute)
	if c := m.Mix(slot); !c.Time.Equal(slot) {
		t.Fatalf("an empty mix at %v, want the slot %v", c.Time, slot)
	}
}

// A source that skips ahead (its clock jumped while the studio was idle)
// re-times the sound waiting before it: the mix is not stamped with times
// from before the jump for as long as the source stays ahead.
func TestMixerChunkTimeFollowsASourceThatSkipped(t *testing.T) {
	m := NewMixer(MixerConfig{Clock: clock.NewFake(t0)})
	src := newChunkSource()
	defer src.Close()
	if err := m.Add("mic", src, 1); err != nil {
		t.Fatal(err)
	}
	push := func(at time.Time, want time.Duration) {
		t.Helper()
		c := constChunk(1, 1)
		c.Time = at
		src.ch <- c
		for deadline := time.Now().Add(10 * time.Second); m.Stats().Sources[0].Waiting != want; time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the source has %v waiting, want %v", m.Stats().Sources[0].Waiting, want)
			}
		}
	}
	push(t0, capture.ChunkDuration)
	jumped := t0.Add(time.Minute)
	push(jumped, 2*capture.ChunkDuration) // a minute later, one chunk still waiting before it
	if c := m.Mix(jumped); !c.Time.Equal(jumped.Add(-capture.ChunkDuration)) {
		t.Fatalf("the mix after the source's jump is stamped %v, want %v", c.Time, jumped.Add(-capture.ChunkDuration))
	}
}
