package scene

import (
	"image"
	"image/color"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// manualSource hands out exactly the frames a test pushes, and stalls in
// between, like a camera that stopped delivering.
type manualSource struct {
	id     string
	frames chan capture.VideoFrame
	fail   chan error
	done   chan struct{}
}

func newManualSource(id string) *manualSource {
	return &manualSource{id: id, frames: make(chan capture.VideoFrame), fail: make(chan error, 1), done: make(chan struct{})}
}

func (m *manualSource) Info() capture.DeviceInfo {
	return capture.DeviceInfo{ID: m.id, Kind: capture.KindVideo, Label: m.id}
}

func (m *manualSource) Read() (capture.VideoFrame, error) {
	select {
	case f := <-m.frames:
		return f, nil
	case err := <-m.fail:
		return capture.VideoFrame{}, err
	case <-m.done:
		return capture.VideoFrame{}, capture.ErrClosed
	}
}

func (m *manualSource) Close() error { close(m.done); return nil }

func solid(w, h int, y, u, v uint8) *image.YCbCr {
	img := capture.NewI420(w, h)
	fillBytes(img.Y, y)
	fillBytes(img.Cb, u)
	fillBytes(img.Cr, v)
	return img
}

// waitClock returns once n goroutines wait on the fake clock.
func waitClock(t testing.TB, clk *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for clk.Waiters() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d goroutines reached the clock", clk.Waiters(), n)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// recv takes the next frame from a sink, failing instead of hanging.
func recv(t *testing.T, k *Sink) *Frame {
	t.Helper()
	select {
	case f, ok := <-k.Frames():
		if !ok {
			t.Fatal("sink closed")
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame arrived")
	}
	return nil
}

// rgbaFill paints a premultiplied colour with alpha a into r.
func rgbaFill(img *image.RGBA, r image.Rectangle, c color.NRGBA) {
	pm := color.RGBAModel.Convert(c).(color.RGBA)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, pm)
		}
	}
}
