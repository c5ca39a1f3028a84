package app

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/clock"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// handSource gives the scene the frames a benchmark hands it, one at a time.
type handSource struct{ ch chan capture.VideoFrame }

func (h handSource) Info() capture.DeviceInfo { return capture.DeviceInfo{ID: "bench", Label: "bench"} }
func (h handSource) Read() (capture.VideoFrame, error) {
	f, ok := <-h.ch
	if !ok {
		return f, errors.New("closed")
	}
	return f, nil
}
func (h handSource) Close() error { return nil }

// movingPattern pre-renders n frames of the test pattern so that the
// benchmark measures composition and encoding, not drawing.
func movingPattern(b *testing.B, w, h, n int) []*image.YCbCr {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	src := capture.NewTestPattern(capture.TestPatternConfig{Width: w, Height: h, FPS: 30, Clock: clk})
	defer src.Close()
	frames := make([]*image.YCbCr, n)
	for i := range frames {
		done := make(chan capture.VideoFrame)
		go func() { f, _ := src.Read(); done <- f }()
		for {
			clk.Advance(time.Second / 30)
			select {
			case f := <-done:
				img := capture.NewI420(w, h)
				copy(img.Y, f.Image.Y)
				copy(img.Cb, f.Image.Cb)
				copy(img.Cr, f.Image.Cr)
				frames[i] = img
			case <-time.After(time.Millisecond):
				continue
			}
			break
		}
	}
	return frames
}

// BenchmarkComposeEncode720p composes each frame (the picture plus a
// bulletin and a product-card-sized overlay) and encodes it, to compare with
// encoding the same kind of frames alone (encode.BenchmarkEncodeX264720p and
// the "encode-only" sub-benchmark here, which uses the very same frames).
func BenchmarkComposeEncode720p(b *testing.B) {
	const w, h, fps = 1280, 720, 30
	frames := movingPattern(b, w, h, 48)
	fonts, err := overlay.NewFonts(overlay.FontConfig{})
	if err != nil {
		b.Fatal(err)
	}
	r := overlay.NewRenderer(fonts)

	b.Run("encode-only", func(b *testing.B) {
		enc, err := encode.NewH264(encode.H264Config{Width: w, Height: h, FPS: fps})
		if err != nil {
			b.Fatal(err)
		}
		defer enc.Close()
		for i := 0; b.Loop(); i++ {
			if _, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/fps, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})

	// newProgram is the scene the studio would have for these frames: the
	// picture full screen with a bulletin and a product card on it.
	newProgram := func(b *testing.B) (*scene.Scene, handSource) {
		sc, err := scene.New(scene.Config{Width: w, Height: h, FPS: fps, Clock: clock.NewFake(time.Unix(0, 0))})
		if err != nil {
			b.Fatal(err)
		}
		src := handSource{ch: make(chan capture.VideoFrame)}
		sc.SetItems(scene.LayoutItems(scene.LayoutFull, w, h, src, nil))
		bulletin := r.Bulletin("拍1号链接 立减20元", w, h)
		card := r.ProductCard(overlay.Card{LinkNo: 1, Title: "加厚羊绒围巾 秋冬保暖", PriceCents: 9900, OriginalPriceCents: 19900, Currency: "CNY", Coupon: "满99减20"}, w, h)
		sc.SetOverlay(scene.Overlay{ID: "bulletin", Image: bulletin, At: overlay.BulletinPosition(overlay.DefaultCorner, bulletin.Bounds().Size(), image.Pt(w, h)), Visible: true})
		sc.SetOverlay(scene.Overlay{ID: "card", Image: card, At: overlay.CardPosition(overlay.DefaultCorner, card.Bounds().Size(), image.Pt(w, h)), Visible: true})
		src.ch <- capture.VideoFrame{Image: frames[0]}
		sc.WaitReady(context.Background())
		b.Cleanup(func() { close(src.ch); sc.Close() })
		return sc, src
	}

	b.Run("compose-only", func(b *testing.B) {
		sc, src := newProgram(b)
		for i := 0; b.Loop(); i++ {
			src.ch <- capture.VideoFrame{Image: frames[(i+1)%len(frames)]}
			sc.RenderOnce().Release()
		}
	})

	b.Run("compose+encode", func(b *testing.B) {
		sc, src := newProgram(b)
		enc, err := encode.NewH264(encode.H264Config{Width: w, Height: h, FPS: fps})
		if err != nil {
			b.Fatal(err)
		}
		defer enc.Close()
		for i := 0; b.Loop(); i++ {
			// The send returns once the scene's reader has stored the
			// previous frame, so every composition shows a new picture.
			src.ch <- capture.VideoFrame{Image: frames[(i+1)%len(frames)]}
			f := sc.RenderOnce()
			if _, err := enc.Encode(f.Image, time.Duration(i)*time.Second/fps, time.Time{}); err != nil {
				b.Fatal(err)
			}
			f.Release()
		}
	})
}
