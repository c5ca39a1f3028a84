package scene

import (
	"context"
	"image"
	"image/color"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// textLike scatters opaque glyph-sized strokes with soft edges over r, the
// alpha structure of rendered text.
func textLike(img *image.RGBA, r image.Rectangle, c color.NRGBA) {
	for y := r.Min.Y; y+16 <= r.Max.Y; y += 24 {
		for x := r.Min.X; x+10 <= r.Max.X; x += 14 {
			rgbaFill(img, image.Rect(x+1, y+1, x+9, y+15), c)
			edge := c
			edge.A = c.A / 3
			rgbaFill(img, image.Rect(x, y, x+1, y+16), edge)
			rgbaFill(img, image.Rect(x+9, y, x+10, y+16), edge)
		}
	}
}

// benchOverlays are the four overlays of a busy show at 1080p: a product
// card, a bulletin bar across the bottom, a highlighted comment and a logo.
func benchOverlays() []Overlay {
	card := image.NewRGBA(image.Rect(0, 0, 480, 220))
	rgbaFill(card, image.Rect(6, 0, 474, 220), color.NRGBA{255, 255, 255, 255}) // opaque card
	rgbaFill(card, image.Rect(0, 6, 6, 214), color.NRGBA{255, 255, 255, 128})   // soft edges
	rgbaFill(card, image.Rect(474, 6, 480, 214), color.NRGBA{255, 255, 255, 128})
	textLike(card, image.Rect(200, 20, 460, 200), color.NRGBA{200, 20, 20, 255})

	bulletin := image.NewRGBA(image.Rect(0, 0, 1920, 80))
	rgbaFill(bulletin, bulletin.Rect, color.NRGBA{0, 0, 0, 150}) // translucent bar
	textLike(bulletin, image.Rect(40, 28, 1500, 56), color.NRGBA{255, 220, 0, 255})

	comment := image.NewRGBA(image.Rect(0, 0, 700, 120))
	rgbaFill(comment, image.Rect(0, 0, 700, 120), color.NRGBA{30, 30, 30, 180})
	textLike(comment, image.Rect(20, 20, 680, 100), color.NRGBA{255, 255, 255, 255})

	logo := image.NewRGBA(image.Rect(0, 0, 200, 80))
	textLike(logo, logo.Rect, color.NRGBA{255, 80, 0, 255})

	return []Overlay{
		{ID: "card", Image: card, At: image.Pt(1400, 600), Z: 1, Visible: true},
		{ID: "bulletin", Image: bulletin, At: image.Pt(0, 1000), Z: 2, Visible: true},
		{ID: "comment", Image: comment, At: image.Pt(40, 700), Z: 3, Visible: true},
		{ID: "logo", Image: logo, At: image.Pt(1700, 40), Z: 4, Visible: true},
	}
}

// BenchmarkCompose1080p4Overlays measures one program frame: a 1080p source
// copied onto the 1080p canvas and four overlays blended on it.
func BenchmarkCompose1080p4Overlays(b *testing.B) {
	clk := clock.NewFake(t0)
	s, err := New(Config{Width: 1920, Height: 1080, FPS: 30, Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pattern := capture.NewTestPattern(capture.TestPatternConfig{Width: 1920, Height: 1080, Clock: clk})
	defer pattern.Close()
	s.SetItems(LayoutItems(LayoutFull, 1920, 1080, pattern, nil))
	for _, o := range benchOverlays() {
		if err := s.SetOverlay(o); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.WaitReady(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Slide the comment in, as the studio does, to include moves.
		s.MoveOverlay("comment", image.Pt(40+i%64, 700))
		s.render(t0, time.Duration(i)*s.cfg.Period()).Release()
	}
}

// BenchmarkComposePiP720p measures the scaling path: a 1080p screen into a
// 720p canvas with a 640×480 camera in the corner.
func BenchmarkComposePiP720p(b *testing.B) {
	s, _ := New(Config{Width: 1280, Height: 720, Clock: clock.NewFake(t0)})
	defer s.Close()
	screen, cam := newManualSource("screen"), newManualSource("camera")
	defer screen.Close()
	defer cam.Close()
	s.SetItems(LayoutItems(LayoutPiP, 1280, 720, screen, cam))
	screen.frames <- capture.VideoFrame{Image: solid(1920, 1080, 80, 128, 128), Time: t0}
	cam.frames <- capture.VideoFrame{Image: solid(640, 480, 160, 128, 128), Time: t0}
	s.WaitReady(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		s.render(t0, 0).Release()
	}
}

func BenchmarkSetOverlayProductCard(b *testing.B) {
	s, _ := New(Config{Width: 1920, Height: 1080, Clock: clock.NewFake(t0)})
	defer s.Close()
	card := benchOverlays()[0]
	for b.Loop() {
		s.SetOverlay(card)
	}
}
