package scene

import (
	"context"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

func TestSceneSwitchCrossFades(t *testing.T) {
	clk := clock.NewFake(t0)
	s, _ := New(Config{Width: 320, Height: 180, Clock: clk})
	defer s.Close()
	a, b := newManualSource("a"), newManualSource("b")
	defer a.Close()
	defer b.Close()
	s.SetItems(LayoutItems(LayoutFull, 320, 180, a, nil))
	a.frames <- capture.VideoFrame{Image: solid(320, 180, 40, 128, 128), Time: t0}
	s.WaitReady(context.Background())

	s.SetItemsFade(LayoutItems(LayoutFull, 320, 180, b, nil), 400*time.Millisecond)
	b.frames <- capture.VideoFrame{Image: solid(320, 180, 200, 128, 128), Time: t0}
	s.WaitReady(context.Background())
	if !s.Fading() {
		t.Fatal("no fade under way after SetItemsFade")
	}
	luma := func() int {
		f := s.RenderOnce()
		defer f.Release()
		return int(f.Image.Y[90*320+160])
	}
	if got := luma(); got != 40 {
		t.Errorf("at the start of the fade Y=%d, want the old picture (40)", got)
	}
	clk.Advance(200 * time.Millisecond)
	if got := luma(); got < 115 || got > 125 {
		t.Errorf("halfway Y=%d, want about 120", got)
	}
	// Source a is still read during the fade: a new frame from it shows.
	a.frames <- capture.VideoFrame{Image: solid(320, 180, 0, 128, 128), Time: t0}
	clk.Advance(200 * time.Millisecond)
	if got := luma(); got != 200 {
		t.Errorf("after the fade Y=%d, want the new picture (200)", got)
	}
	if s.Fading() {
		t.Error("the fade did not end")
	}
	// Its reader is let go once the fade is over.
	select {
	case a.frames <- capture.VideoFrame{Image: solid(320, 180, 0, 128, 128), Time: t0}:
		// The reader may have been between reads when it was halted; it
		// takes at most one more frame and then stops.
		select {
		case a.frames <- capture.VideoFrame{Image: solid(320, 180, 0, 128, 128), Time: t0}:
			t.Error("the old source is still read after the fade")
		case <-time.After(200 * time.Millisecond):
		}
	case <-time.After(200 * time.Millisecond):
	}
}

func TestSetItemsCutsWithoutFade(t *testing.T) {
	s, _ := New(Config{Width: 320, Height: 180, Clock: clock.NewFake(t0)})
	defer s.Close()
	a := newManualSource("a")
	defer a.Close()
	s.SetItems(LayoutItems(LayoutFull, 320, 180, a, nil))
	s.SetItems(LayoutItems(LayoutPiP, 320, 180, a, a))
	if s.Fading() {
		t.Error("SetItems faded")
	}
}
