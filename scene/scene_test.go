package scene

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"sync"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

var t0 = time.UnixMilli(1_790_000_000_000)

// runScene starts Run on a fake clock and returns a stop func that waits for it.
func runScene(t *testing.T, s *Scene, clk *clock.Fake) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	before := clk.Waiters()
	go func() { done <- s.Run(ctx) }()
	waitClock(t, clk, before+1)
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

func TestStalledSourceRepeatsWhileTheClockGoesOn(t *testing.T) {
	clk := clock.NewFake(t0)
	s, err := New(Config{Width: 320, Height: 180, FPS: 30, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := newManualSource("camera")
	defer src.Close()
	s.SetItems([]Item{{ID: ItemMain, Source: src, Rect: image.Rect(0, 0, 320, 180), Visible: true}})
	src.frames <- capture.VideoFrame{Image: solid(320, 180, 200, 90, 160), Time: t0.Add(-5 * time.Millisecond)}
	if err := s.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	sink := s.AddSink("encoder", 4)
	stop := runScene(t, s, clk)
	defer stop()

	first := recv(t, sink)
	for i := 1; i <= 10; i++ {
		clk.Advance(s.Config().Period())
		f := recv(t, sink)
		if f.Image.Y[0] != 200 || f.Image.Cb[0] != 90 {
			t.Fatalf("frame %d shows Y=%d U=%d, want the stalled source's last picture (200, 90)", i, f.Image.Y[0], f.Image.Cb[0])
		}
		if want := time.Duration(i) * s.Config().Period(); f.PTS != want {
			t.Fatalf("frame %d PTS %v, want %v: the clock must keep its pace", i, f.PTS, want)
		}
		if !f.CaptureTime.Equal(t0.Add(-5 * time.Millisecond)) {
			t.Fatalf("frame %d capture time %v, want the stalled frame's", i, f.CaptureTime)
		}
		f.Release()
	}
	first.Release()
	st := s.Stats()
	if st.Frames != 11 || st.Repeats != 10 || st.Sources[0].Frames != 1 || st.Sources[0].Repeats != 10 {
		t.Errorf("stats %+v: want 11 frames, 10 repeats of a source that gave 1 frame", st)
	}
}

func TestFailedSourceShowsItsLastFrameAndIsReported(t *testing.T) {
	clk := clock.NewFake(t0)
	var mu sync.Mutex
	var reported []string
	s, _ := New(Config{Width: 320, Height: 180, Clock: clk, OnSourceError: func(id string, err error) {
		mu.Lock()
		reported = append(reported, id+": "+err.Error())
		mu.Unlock()
	}})
	defer s.Close()
	src := newManualSource("camera")
	s.SetItems([]Item{{ID: ItemMain, Source: src, Rect: image.Rect(0, 0, 320, 180), Visible: true}})
	src.frames <- capture.VideoFrame{Image: solid(320, 180, 150, 128, 128), Time: t0}
	src.fail <- capture.ErrDeviceLost
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().Sources[0].Err == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	f := s.RenderOnce()
	defer f.Release()
	if f.Image.Y[1000] != 150 {
		t.Errorf("after the source failed the program shows Y=%d, want its last frame (150)", f.Image.Y[1000])
	}
	if err := s.Stats().Sources[0].Err; !errors.Is(err, capture.ErrDeviceLost) {
		t.Errorf("stats error %v, want ErrDeviceLost", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 {
		t.Errorf("reported %v, want one report", reported)
	}
}

func TestItemWithoutFrameIsBlack(t *testing.T) {
	s, _ := New(Config{Width: 320, Height: 180, Clock: clock.NewFake(t0)})
	defer s.Close()
	src := newManualSource("camera")
	defer src.Close()
	s.SetItems([]Item{{ID: ItemMain, Source: src, Rect: image.Rect(0, 0, 320, 180), Visible: true}})
	f := s.RenderOnce()
	defer f.Release()
	if f.Image.Y[500] != 16 || f.Image.Cb[100] != 128 || !f.CaptureTime.IsZero() {
		t.Errorf("empty program Y=%d U=%d capture %v, want black and no capture time", f.Image.Y[500], f.Image.Cb[100], f.CaptureTime)
	}
}

func TestFullSinkDropsOldestAndCounts(t *testing.T) {
	clk := clock.NewFake(t0)
	s, _ := New(Config{Width: 320, Height: 180, FPS: 25, Clock: clk})
	defer s.Close()
	slow := s.AddSink("slow", 2)
	fast := s.AddSink("fast", 8)
	stop := runScene(t, s, clk)
	recv(t, fast).Release()
	for range 5 {
		clk.Advance(s.Config().Period())
		recv(t, fast).Release() // paces the test on the renders
	}
	st := s.Stats()
	stop()
	var slowSt, fastSt SinkStats
	for _, k := range st.Sinks {
		if k.Name == "slow" {
			slowSt = k
		} else {
			fastSt = k
		}
	}
	if slowSt.Dropped != 4 || fastSt.Dropped != 0 {
		t.Errorf("dropped slow=%d fast=%d, want 4 and 0 (6 frames, room for 2)", slowSt.Dropped, fastSt.Dropped)
	}
	// What the slow consumer finds is the freshest two frames.
	var pts []time.Duration
	for f := range slow.Frames() {
		pts = append(pts, f.PTS)
		f.Release()
	}
	p := s.Config().Period()
	if len(pts) != 2 || pts[0] != 4*p || pts[1] != 5*p {
		t.Errorf("slow sink kept %v, want the last two frames (%v, %v)", pts, 4*p, 5*p)
	}
}

func TestTimecodeSurvivesComposition(t *testing.T) {
	clk := clock.NewFake(t0)
	for _, tc := range []struct {
		name       string
		srcW, srcH int
	}{{"same size", 1280, 720}, {"scaled from 1080p", 1920, 1080}} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := New(Config{Width: 1280, Height: 720, Clock: clk})
			defer s.Close()
			pattern := capture.NewTestPattern(capture.TestPatternConfig{Width: tc.srcW, Height: tc.srcH, Clock: clk})
			defer pattern.Close()
			s.SetItems(LayoutItems(LayoutFull, 1280, 720, pattern, nil))
			// A product card elsewhere on the picture must not disturb the code.
			card := image.NewRGBA(image.Rect(0, 0, 480, 220))
			rgbaFill(card, card.Rect, color.NRGBA{250, 250, 250, 230})
			if err := s.SetOverlay(Overlay{ID: "card", Image: card, At: image.Pt(760, 460), Visible: true}); err != nil {
				t.Fatal(err)
			}
			if err := s.WaitReady(context.Background()); err != nil {
				t.Fatal(err)
			}
			f := s.RenderOnce()
			defer f.Release()
			got, ok := capture.ReadTimecode(f.Image)
			if !ok || got.Frame != 0 || !got.Time.Equal(f.CaptureTime) {
				t.Fatalf("program frame timecode %+v ok=%v, want frame 0 at %v", got, ok, f.CaptureTime)
			}
			small := capture.ToRGBA(f.Image, 640, 360)
			if got2, ok := capture.ReadTimecode(small); !ok || got2 != got {
				t.Fatalf("640x360 copy reads %+v ok=%v, want %+v", got2, ok, got)
			}
		})
	}
}

func TestPreviewIsLazyAndRateLimited(t *testing.T) {
	clk := clock.NewFake(t0)
	s, _ := New(Config{Width: 1280, Height: 720, Clock: clk})
	defer s.Close()
	if s.Preview(320, 320) != nil {
		t.Fatal("preview before any frame")
	}
	s.RenderOnce().Release()
	p1 := s.Preview(320, 320)
	if p1 == nil || p1.Rect.Dx() != 320 || p1.Rect.Dy() != 180 {
		t.Fatalf("preview %v, want 320x180 (canvas aspect kept)", p1.Rect)
	}
	s.RenderOnce().Release()
	if s.Preview(320, 320) != p1 {
		t.Error("preview recomputed within 1/15 s")
	}
	clk.Advance(time.Second / 10)
	if s.Preview(320, 320) == p1 {
		t.Error("preview not refreshed after a new frame and 100 ms")
	}
}

func TestOverlayMoveHideRemove(t *testing.T) {
	s, _ := New(Config{Width: 320, Height: 180, Clock: clock.NewFake(t0)})
	defer s.Close()
	ov := image.NewRGBA(image.Rect(0, 0, 20, 20))
	rgbaFill(ov, ov.Rect, color.NRGBA{255, 255, 255, 255})
	if err := s.SetOverlay(Overlay{ID: "logo", Image: ov, At: image.Pt(10, 10), Visible: true}); err != nil {
		t.Fatal(err)
	}
	yAt := func(x, y int) uint8 {
		f := s.RenderOnce()
		defer f.Release()
		return f.Image.Y[y*320+x]
	}
	if yAt(15, 15) != 235 {
		t.Fatal("overlay not drawn")
	}
	if err := s.MoveOverlay("logo", image.Pt(100, 100)); err != nil {
		t.Fatal(err)
	}
	if yAt(15, 15) != 16 || yAt(105, 105) != 235 {
		t.Error("move did not take the overlay from the old place to the new one")
	}
	s.ShowOverlay("logo", false)
	if yAt(105, 105) != 16 {
		t.Error("hidden overlay still drawn")
	}
	// A scene that leaves the overlay out keeps it out, even when its owner
	// sets it again, until the next scene.
	s.ShowOverlay("logo", true)
	s.HideOverlays([]string{"logo"})
	if err := s.SetOverlay(Overlay{ID: "logo", Image: ov, At: image.Pt(100, 100), Visible: true}); err != nil {
		t.Fatal(err)
	}
	if yAt(105, 105) != 16 || fmt.Sprint(s.HiddenOverlays()) != "[logo]" {
		t.Errorf("an overlay the scene hides is drawn (hidden %v)", s.HiddenOverlays())
	}
	s.HideOverlays(nil)
	if yAt(105, 105) != 235 {
		t.Error("the overlay did not come back with the next scene")
	}
	s.RemoveOverlay("logo")
	if err := s.MoveOverlay("logo", image.Pt(0, 0)); !errors.Is(err, ErrNoOverlay) {
		t.Errorf("moving a removed overlay: %v, want ErrNoOverlay", err)
	}
	if err := s.SetOverlay(Overlay{ID: "x"}); !errors.Is(err, ErrOverlay) {
		t.Errorf("overlay without image: %v, want ErrOverlay", err)
	}
}

func TestPiPComposesBothSources(t *testing.T) {
	s, _ := New(Config{Width: 640, Height: 360, Clock: clock.NewFake(t0)})
	defer s.Close()
	screen, cam := newManualSource("screen"), newManualSource("camera")
	defer screen.Close()
	defer cam.Close()
	items := LayoutItems(LayoutPiP, 640, 360, screen, cam)
	s.SetItems(items)
	screen.frames <- capture.VideoFrame{Image: solid(1280, 720, 60, 128, 128), Time: t0}
	cam.frames <- capture.VideoFrame{Image: solid(640, 480, 180, 128, 128), Time: t0.Add(time.Second)}
	s.WaitReady(context.Background())
	f := s.RenderOnce()
	defer f.Release()
	box := items[1].Rect
	c := box.Min.Add(box.Max).Div(2)
	if got := f.Image.Y[c.Y*640+c.X]; got != 180 {
		t.Errorf("box centre Y=%d, want the camera (180)", got)
	}
	if got := f.Image.Y[10*640+10]; got != 60 {
		t.Errorf("top-left Y=%d, want the screen (60)", got)
	}
	if !f.CaptureTime.Equal(t0) {
		t.Errorf("capture time %v, want the main item's (%v)", f.CaptureTime, t0)
	}
}
