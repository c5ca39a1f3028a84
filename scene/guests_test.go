package scene

import (
	"image"
	"testing"

	"showcaster/capture"
)

func TestGuestItems(t *testing.T) {
	src := func() capture.VideoSource {
		return capture.NewTestPattern(capture.TestPatternConfig{Width: 64, Height: 36, FPS: 30})
	}
	host := src()
	g := []capture.VideoSource{src(), src(), src(), src()}
	if it := GuestItems(GuestSide, 1280, 720, host, g[:1]); len(it) != 2 || it[1].Rect != image.Rect(640, 0, 1280, 720) || it[1].Source != g[0] {
		t.Fatalf("side: %+v", it)
	}
	if it := GuestItems(GuestFull, 1280, 720, host, g[:1]); len(it) != 1 || it[0].Source != g[0] {
		t.Fatalf("guest full: %+v", it)
	}
	if it := GuestItems(GuestPiP, 1280, 720, host, g[:1]); len(it) != 2 || it[1].Z != 1 {
		t.Fatalf("pip: %+v", it)
	}
	it := GuestItems(GuestGrid, 1280, 720, host, g)
	if len(it) != 4 || it[0].ID != ItemMain || it[3].Rect != image.Rect(640, 360, 1280, 720) || it[3].Source != g[2] {
		t.Fatalf("grid of host and three guests (a fourth left out): %+v", it)
	}
	if it := GuestItems(GuestGrid, 1280, 720, host, nil); len(it) != 1 || it[0].Source != host {
		t.Fatalf("no guests: %+v", it)
	}
	if l, err := ParseGuestLayout("grid"); err != nil || l != GuestGrid || l.String() != "grid" {
		t.Fatalf("parse: %v %v", l, err)
	}
}
