package scene

import (
	"errors"
	"image"
	"testing"
)

func TestLayoutNames(t *testing.T) {
	for _, tc := range []struct {
		l    Layout
		name string
	}{{LayoutFull, "full"}, {LayoutPiP, "pip"}, {LayoutSide, "side"}, {LayoutUnknown, "unknown"}} {
		if got := tc.l.String(); got != tc.name {
			t.Errorf("%d.String() = %q, want %q", tc.l, got, tc.name)
		}
		if tc.l == LayoutUnknown {
			continue
		}
		if got, err := ParseLayout(tc.name); err != nil || got != tc.l {
			t.Errorf("ParseLayout(%q) = %v, %v", tc.name, got, err)
		}
	}
	if _, err := ParseLayout("mosaic"); !errors.Is(err, ErrUnknownLayout) {
		t.Errorf("ParseLayout(mosaic) error = %v, want ErrUnknownLayout", err)
	}
}

func TestLayoutGeometry(t *testing.T) {
	main, second := newManualSource("screen"), newManualSource("camera")
	canvas := image.Rect(0, 0, 1280, 720)

	full := LayoutItems(LayoutFull, 1280, 720, main, second)
	if len(full) != 1 || full[0].Rect != canvas || full[0].Source != main || !full[0].Visible {
		t.Errorf("full: %+v, want main alone over the canvas", full)
	}

	pip := LayoutItems(LayoutPiP, 1280, 720, main, second)
	if len(pip) != 2 || pip[0].Rect != canvas || pip[0].Source != main {
		t.Fatalf("pip: %+v, want main full then the box", pip)
	}
	box := pip[1].Rect
	if pip[1].Source != second || pip[1].Z <= pip[0].Z || !box.In(canvas) {
		t.Errorf("pip box %+v must show second above main, inside the canvas", pip[1])
	}
	if box.Min.X < 1280/2 || box.Min.Y < 720/2 {
		t.Errorf("pip box %v is not in the bottom-right corner", box)
	}
	if r := float64(box.Dx()) / float64(box.Dy()); r < 1.7 || r > 1.8 {
		t.Errorf("pip box %v is %.2f:1, want 16:9", box, r)
	}
	if box.Max.X == 1280 || box.Max.Y == 720 {
		t.Errorf("pip box %v touches the edge; it needs a margin", box)
	}

	side := LayoutItems(LayoutSide, 1280, 720, main, second)
	if len(side) != 2 || side[0].Rect != image.Rect(0, 0, 640, 720) || side[1].Rect != image.Rect(640, 0, 1280, 720) {
		t.Errorf("side: %+v, want two halves", side)
	}
	if side[0].Fit != FitContain || side[1].Fit != FitContain {
		t.Error("side by side must letterbox, not crop or stretch")
	}

	if alone := LayoutItems(LayoutPiP, 1280, 720, main, nil); len(alone) != 1 || alone[0].Rect != canvas {
		t.Errorf("pip without a second source: %+v, want main full", alone)
	}
}

func TestPlacementLetterboxesAndCrops(t *testing.T) {
	half := image.Rect(640, 0, 1280, 720)
	// A 16:9 picture in a 640×720 half: full width, centred vertically.
	dst, src := placement(FitContain, half, 1280, 720)
	if dst != image.Rect(640, 180, 1280, 540) || src != image.Rect(0, 0, 1280, 720) {
		t.Errorf("contain 16:9 in half: dst %v src %v", dst, src)
	}
	// A 4:3 camera on a 16:9 canvas: pillarboxed.
	dst, _ = placement(FitContain, image.Rect(0, 0, 1280, 720), 640, 480)
	if dst != image.Rect(160, 0, 1120, 720) {
		t.Errorf("contain 4:3 in 16:9: dst %v", dst)
	}
	// Cover crops the top and bottom of a 4:3 picture in a 16:9 box.
	dst, src = placement(FitCover, image.Rect(0, 0, 320, 180), 640, 480)
	if dst != image.Rect(0, 0, 320, 180) || src != image.Rect(0, 60, 640, 420) {
		t.Errorf("cover 4:3 in 16:9: dst %v src %v", dst, src)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{Width: 1920, Height: 1080, FPS: 60}, true},
		{Config{Width: 1080, Height: 1920, FPS: 30}, true},
		{Config{Width: 1921, Height: 1080}, false},
		{Config{Width: 2560, Height: 1440}, false},
		{Config{Width: 1280, Height: 721}, false},
		{Config{Width: 1280, Height: 720, FPS: 240}, false},
	} {
		_, err := New(tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("New(%dx%d@%d) error = %v, want ok=%v", tc.cfg.Width, tc.cfg.Height, tc.cfg.FPS, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadConfig) {
			t.Errorf("error %v is not ErrBadConfig", err)
		}
	}
}

func TestNearestCanvas(t *testing.T) {
	for _, tc := range []struct{ w, h, wantW, wantH int }{
		{2560, 1440, 1920, 1080},
		{3840, 2160, 1920, 1080},
		{1440, 2560, 1080, 1920},
		{1280, 720, 1280, 720},
		{1281, 721, 1280, 720},
		{100, 50, 180, 90},
		{0, 0, 1280, 720},
	} {
		w, h := NearestCanvas(tc.w, tc.h)
		if w != tc.wantW || h != tc.wantH {
			t.Errorf("NearestCanvas(%d, %d) = %dx%d, want %dx%d", tc.w, tc.h, w, h, tc.wantW, tc.wantH)
		}
		if err := CheckCanvas(w, h, 30); err != nil {
			t.Errorf("NearestCanvas(%d, %d) = %dx%d is refused: %v", tc.w, tc.h, w, h, err)
		}
	}
}
