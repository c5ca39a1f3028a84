package capture

import (
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"showcaster/internal/clock"
)

func TestImageSourceFromPNGAndJPEG(t *testing.T) {
	dir := t.TempDir()
	// 101×51 (odd) red picture: the source must crop it to even 100×50.
	img := image.NewNRGBA(image.Rect(0, 0, 101, 51))
	for y := range 51 {
		for x := range 101 {
			img.Set(x, y, color.NRGBA{255, 0, 0, 255})
		}
	}
	pngPath := filepath.Join(dir, "card.png")
	jpgPath := filepath.Join(dir, "card.jpg")
	write := func(path string, enc func(f *os.File) error) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write(pngPath, func(f *os.File) error { return png.Encode(f, img) })
	write(jpgPath, func(f *os.File) error { return jpeg.Encode(f, img, &jpeg.Options{Quality: 95}) })

	redY, redU, redV := RGBToYUV(255, 0, 0)
	for _, path := range []string{pngPath, jpgPath} {
		clk := clock.NewFake(time.Unix(100, 0))
		src, err := NewImageSource(path, 5, clk)
		if err != nil {
			t.Fatal(err)
		}
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		p := f.Image
		if p.Rect.Dx() != 100 || p.Rect.Dy() != 50 || p.YStride != 100 || p.CStride != 50 {
			t.Fatalf("%s: %v strides %d/%d, want tight 100x50", path, p.Rect, p.YStride, p.CStride)
		}
		near := func(a, b uint8) bool { return int(a)-int(b) <= 4 && int(b)-int(a) <= 4 }
		if !near(p.Y[25*100+50], redY) || !near(p.Cb[12*50+25], redU) || !near(p.Cr[12*50+25], redV) {
			t.Errorf("%s: centre YUV %d,%d,%d, want red %d,%d,%d", path, p.Y[25*100+50], p.Cb[12*50+25], p.Cr[12*50+25], redY, redU, redV)
		}
		src.Close()
	}
}

func TestImageSourceErrorsNameTheFile(t *testing.T) {
	_, err := NewImageSource("/nonexistent/cover.png", 30, nil)
	if !errors.Is(err, ErrImage) || !contains(err.Error(), "/nonexistent/cover.png") {
		t.Errorf("missing file: %v, want ErrImage naming the file", err)
	}
	bad := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(bad, []byte("not a picture"), 0o644)
	_, err = NewImageSource(bad, 30, nil)
	if !errors.Is(err, ErrImage) || !contains(err.Error(), "notes.png") {
		t.Errorf("not an image: %v, want ErrImage naming the file", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
