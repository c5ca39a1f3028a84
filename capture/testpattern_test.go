package capture

import (
	"errors"
	"testing"
	"time"

	"showcaster/internal/clock"
)

// waitWaiter lets a goroutine reach its clock wait before time moves.
func waitWaiter(t *testing.T, clk *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for clk.Waiters() < n {
		if time.Now().After(deadline) {
			t.Fatalf("no goroutine waiting on the clock")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestTestPatternPacesOnClockAndMoves(t *testing.T) {
	start := time.UnixMilli(1_790_000_000_000)
	clk := clock.NewFake(start)
	src := NewTestPattern(TestPatternConfig{Width: 640, Height: 360, FPS: 25, Clock: clk})
	defer src.Close()

	first, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan VideoFrame)
	go func() {
		f, err := src.Read()
		if err != nil {
			t.Error(err)
		}
		got <- f
	}()
	waitWaiter(t, clk, 1)
	select {
	case <-got:
		t.Fatal("second frame came before its time")
	default:
	}
	clk.Advance(40 * time.Millisecond)
	second := <-got

	for i, f := range []VideoFrame{first, second} {
		tc, ok := ReadTimecode(f.Image)
		want := start.Add(time.Duration(i) * 40 * time.Millisecond)
		if !ok || tc.Frame != uint32(i) || !tc.Time.Equal(want) || !f.Time.Equal(want) {
			t.Errorf("frame %d: timecode %+v ok=%v time %v, want frame %d at %v", i, tc, ok, f.Time, i, want)
		}
	}
	if first.Image == second.Image {
		t.Fatal("the source wrote a frame it had handed out")
	}
	diff := 0
	for i := range first.Image.Y {
		if first.Image.Y[i] != second.Image.Y[i] {
			diff++
		}
	}
	if diff < 100 {
		t.Fatalf("only %d luma pixels changed between frames: the picture does not move", diff)
	}
}

func TestTestPatternCloseUnblocksRead(t *testing.T) {
	clk := clock.NewFake(time.Unix(0, 0))
	src := NewTestPattern(TestPatternConfig{Width: 320, Height: 180, FPS: 30, Clock: clk})
	if _, err := src.Read(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { _, err := src.Read(); done <- err }()
	waitWaiter(t, clk, 1)
	src.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("read after close: %v, want ErrClosed", err)
	}
}

func TestTestPatternRejectsBadSize(t *testing.T) {
	if _, err := NewTestPatternChecked(TestPatternConfig{Width: 641, Height: 360}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("odd width accepted: %v", err)
	}
}

func BenchmarkTestPattern1080p(b *testing.B) {
	clk := clock.NewFake(time.Unix(0, 0))
	src := NewTestPattern(TestPatternConfig{Width: 1920, Height: 1080, FPS: 30, Clock: clk})
	rec := src.(Recycler)
	b.ReportAllocs()
	for b.Loop() {
		clk.Advance(time.Second / 30)
		f, err := src.Read()
		if err != nil {
			b.Fatal(err)
		}
		rec.Recycle(f.Image)
	}
}
