package native

import (
	"image"
	"image/color"
	"testing"
)

// outside covers exactly the rectangle minus its holes, without overlaps.
func TestOutsideCoversAllButTheHoles(t *testing.T) {
	r := image.Rect(0, 0, 40, 30)
	cases := [][]image.Rectangle{
		nil,
		{image.Rect(5, 5, 15, 10)},
		{image.Rect(-5, -5, 10, 8)}, // sticks out of the corner
		{image.Rect(5, 5, 15, 10), image.Rect(10, 8, 30, 20)}, // overlapping holes
		{image.Rect(0, 0, 40, 30)},                            // all of it
		{image.Rect(50, 50, 60, 60)},                          // outside altogether
		{image.Rect(2, 2, 6, 28), image.Rect(30, 1, 38, 4)},   // side by side bands
	}
	for i, holes := range cases {
		got := outside(r, holes)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				p := image.Pt(x, y)
				inHole := false
				for _, h := range holes {
					inHole = inHole || p.In(h)
				}
				n := 0
				for _, g := range got {
					if p.In(g) {
						n++
					}
				}
				if want := map[bool]int{true: 0, false: 1}[inHole]; n != want {
					t.Fatalf("case %d: pixel %v is in %d of the pieces %v, want %d", i, p, n, got, want)
				}
			}
		}
	}
}

func TestSwizzleWritesBGRX(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.SetRGBA(0, 0, color.RGBA{0x11, 0x22, 0x33, 0xff})
	src.SetRGBA(2, 1, color.RGBA{0xaa, 0xbb, 0xcc, 0x80})
	dst := make([]byte, 2*16)
	swizzle(dst, 16, src, 3, 2)
	if got := dst[0:4]; got[0] != 0x33 || got[1] != 0x22 || got[2] != 0x11 || got[3] != 0xff {
		t.Errorf("first pixel % x, want 33 22 11 ff", got)
	}
	if got := dst[16+8 : 16+12]; got[0] != 0xcc || got[1] != 0xbb || got[2] != 0xaa || got[3] != 0xff {
		t.Errorf("last pixel % x, want cc bb aa ff", got)
	}
	if dst[12] != 0 || dst[16+12] != 0 {
		t.Error("swizzle wrote past the picture's width into the row's padding")
	}
}
