package scene

import (
	"image"
	"image/color"
	"testing"

	"showcaster/capture"
)

// noisyCanvas gives every pixel a different value, so any stray write shows.
func noisyCanvas(w, h int) *image.YCbCr {
	img := capture.NewI420(w, h)
	for i := range img.Y {
		img.Y[i] = uint8(16 + i*31%200)
	}
	for i := range img.Cb {
		img.Cb[i] = uint8(40 + i*17%180)
		img.Cr[i] = uint8(40 + i*13%180)
	}
	return img
}

func cloneYCbCr(img *image.YCbCr) *image.YCbCr {
	c := *img
	c.Y = append([]uint8(nil), img.Y...)
	c.Cb = append([]uint8(nil), img.Cb...)
	c.Cr = append([]uint8(nil), img.Cr...)
	return &c
}

func TestOverlayBlendsOnlyWhatItCovers(t *testing.T) {
	const W, H = 320, 180
	at := image.Pt(100, 40)
	// A 64×32 overlay: a transparent 8 px frame, an opaque red left half and
	// a half-transparent blue right half inside it.
	ov := image.NewRGBA(image.Rect(0, 0, 64, 32))
	opaque := image.Rect(8, 8, 32, 24)
	half := image.Rect(32, 8, 56, 24)
	rgbaFill(ov, opaque, color.NRGBA{255, 0, 0, 255})
	rgbaFill(ov, half, color.NRGBA{0, 0, 255, 128})

	before := noisyCanvas(W, H)
	after := cloneYCbCr(before)
	blendOverlay(after, convertOverlay(ov), at)

	redY, redU, redV := capture.RGBToYUV(255, 0, 0)
	blueY, _, _ := capture.RGBToYUV(0, 0, 255)
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			p := image.Pt(x, y).Sub(at)
			got, was := after.Y[y*W+x], before.Y[y*W+x]
			switch {
			case p.In(opaque):
				if got != redY {
					t.Fatalf("opaque pixel (%d,%d) Y=%d, want %d", x, y, got, redY)
				}
			case p.In(half):
				// 128/255 of blue over the old value.
				want := (int(blueY)*128 + int(was)*127 + 127) / 255
				if d := int(got) - want; d < -1 || d > 1 {
					t.Fatalf("half-transparent pixel (%d,%d) Y=%d, want %d (blue %d over %d)", x, y, got, want, blueY, was)
				}
			default:
				if got != was {
					t.Fatalf("pixel (%d,%d) outside the overlay's visible part changed: %d → %d", x, y, was, got)
				}
			}
		}
	}
	// Chroma: untouched outside the covered 2×2 blocks, red inside the opaque part.
	covered := image.Rectangle{Min: at.Add(opaque.Min).Div(2), Max: at.Add(half.Max).Div(2)}
	for y := 0; y < H/2; y++ {
		for x := 0; x < W/2; x++ {
			i := y*W/2 + x
			if image.Pt(x, y).In(covered) {
				continue
			}
			if after.Cb[i] != before.Cb[i] || after.Cr[i] != before.Cr[i] {
				t.Fatalf("chroma (%d,%d) outside the overlay changed", x, y)
			}
		}
	}
	ci := (at.Y+12)/2*W/2 + (at.X+12)/2
	if after.Cb[ci] != redU || after.Cr[ci] != redV {
		t.Errorf("chroma inside the opaque part = %d,%d, want red %d,%d", after.Cb[ci], after.Cr[ci], redU, redV)
	}
}

func TestOverlayPartlyOffCanvasIsClipped(t *testing.T) {
	ov := image.NewRGBA(image.Rect(0, 0, 100, 50))
	rgbaFill(ov, ov.Rect, color.NRGBA{255, 255, 255, 255})
	p := convertOverlay(ov)
	for _, at := range []image.Point{{-60, 10}, {250, -30}, {290, 160}, {-99, -49}, {-1000, 0}, {500, 500}, {-61, 11}} {
		before := noisyCanvas(320, 180)
		after := cloneYCbCr(before)
		blendOverlay(after, p, at)
		vis := image.Rect(0, 0, 100, 50).Add(at).Intersect(after.Rect)
		for y := 0; y < 180; y++ {
			for x := 0; x < 320; x++ {
				in := image.Pt(x, y).In(vis)
				changed := after.Y[y*320+x] != before.Y[y*320+x]
				if in && after.Y[y*320+x] != 235 || !in && changed {
					t.Fatalf("overlay at %v: pixel (%d,%d) in=%v Y=%d", at, x, y, in, after.Y[y*320+x])
				}
			}
		}
	}
}

func TestSpansSkipTransparentAndCopyOpaque(t *testing.T) {
	row := make([]uint8, 100)
	for i := 10; i < 60; i++ {
		row[i] = 255
	}
	row[60], row[61] = 100, 50
	row[90] = 1
	vals := make([]uint8, 100)
	for i := 30; i < 60; i++ {
		row[i], vals[i] = 128, 77 // a translucent bar
	}
	got := spans(row, [][]uint8{vals}, 100, 1, map[[2]uint8]*[256]uint8{})[0]
	want := []span{{x0: 10, x1: 30, kind: spanCopy}, {x0: 30, x1: 60, kind: spanLUT}, {x0: 60, x1: 62, kind: spanBlend}, {x0: 90, x1: 91, kind: spanBlend}}
	if len(got) != len(want) {
		t.Fatalf("spans %v, want %v", got, want)
	}
	for i := range want {
		if got[i].x0 != want[i].x0 || got[i].x1 != want[i].x1 || got[i].kind != want[i].kind {
			t.Fatalf("spans %v, want %v", got, want)
		}
	}
	if lut := got[1].lut[0]; lut == nil || lut[200] != blend(77, 128, 200) {
		t.Fatal("translucent bar has no blend table")
	}
}
