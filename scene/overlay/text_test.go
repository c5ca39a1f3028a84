package overlay

import (
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNoFontSaysWhatToInstall(t *testing.T) {
	_, err := NewFonts(FontConfig{Paths: []string{"/nonexistent/font.ttc"}, NoSystem: true})
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "install fonts-wqy-microhei (make deps)") {
		t.Fatalf("err = %v", err)
	}
}

func TestWrapChinese(t *testing.T) {
	f := testRenderer(t).Fonts().Face(20, false)
	w := f.Measure("中")
	for _, tc := range []struct {
		in    string
		chars float64
		lines int
		want  []string
	}{
		{"家人们看过来今天只要九十九", 5, 0, []string{"家人们看过", "来今天只要", "九十九"}},
		// closing punctuation does not start a line
		{"一二三四，五六", 4, 0, []string{"一二三", "四，五六"}},
		// Latin words stay whole
		{"容量480ml 送杯盖", 6, 0, []string{"容量480ml", "送杯盖"}},
		{"大容量 480ml", 4, 0, []string{"大容量", "480ml"}},
		{"一二三四五六七八九十", 4, 2, []string{"一二三四", "五六七…"}},
		{"第一行\n第二行", 10, 0, []string{"第一行", "第二行"}},
	} {
		got := f.Wrap(tc.in, w*tc.chars+0.5, tc.lines)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Wrap(%q, %v chars) = %q; want %q", tc.in, tc.chars, got, tc.want)
		}
		for _, l := range got {
			if f.Measure(l) > w*tc.chars+0.5 {
				t.Errorf("line %q wider than %v chars", l, tc.chars)
			}
		}
	}
}

func TestEllipsize(t *testing.T) {
	f := testRenderer(t).Fonts().Face(20, false)
	w := f.Measure("中")
	if got := f.Ellipsize("拍1号链接立减二十元", w*4); got != "拍1号链…" && f.Measure(got) > w*4 {
		t.Fatalf("Ellipsize = %q (%.1f px > %.1f)", got, f.Measure(got), w*4)
	}
	if got := f.Ellipsize("短", 100); got != "短" {
		t.Fatalf("short text changed: %q", got)
	}
}

func TestEmojiIsLeftOutNotBoxed(t *testing.T) {
	f := testRenderer(t).Fonts().Face(20, false)
	if a, b := f.Measure("礼盒🎁"), f.Measure("礼盒"); a != b {
		t.Fatalf("emoji takes %v px; want it left out", a-b)
	}
}

func TestCornerPlacement(t *testing.T) {
	canvas := image.Pt(1280, 720)
	size := image.Pt(500, 200)
	for _, tc := range []struct {
		c    Corner
		want image.Point
	}{
		{TopLeft, image.Pt(24, 24)},
		{TopRight, image.Pt(1280-24-500, 24)},
		{BottomLeft, image.Pt(24, 720-24-200)},
		{BottomRight, image.Pt(1280-24-500, 720-24-200)},
		{CornerUnknown, image.Pt(1280-24-500, 720-24-200)},
	} {
		if got := CardPosition(tc.c, size, canvas); got != tc.want {
			t.Errorf("CardPosition(%v) = %v; want %v", tc.c, got, tc.want)
		}
	}
	if got := CardPosition(BottomRight, image.Pt(750, 300), image.Pt(1920, 1080)); got != image.Pt(1920-36-750, 1080-36-300) {
		t.Errorf("1080p margin: %v", got)
	}
	// The bulletin moves out of the card's way.
	b := image.Pt(600, 70)
	if p := BulletinPosition(BottomRight, b, canvas); p.Y != 24 {
		t.Errorf("bulletin with card at the bottom: %v", p)
	}
	if p := BulletinPosition(TopLeft, b, canvas); p.Y != 720-24-70 {
		t.Errorf("bulletin with card at the top: %v", p)
	}
	if p := Offscreen(TopRight, size, canvas); p.X != 1280 || p.Y != 24 {
		t.Errorf("offscreen right: %v", p)
	}
	if p := Offscreen(BottomLeft, size, canvas); p.X != -500 {
		t.Errorf("offscreen left: %v", p)
	}
}

func TestCornerStrings(t *testing.T) {
	for _, c := range []Corner{TopLeft, TopRight, BottomLeft, BottomRight} {
		got, err := ParseCorner(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCorner(%q) = %v, %v", c.String(), got, err)
		}
	}
	if CornerUnknown.String() != "unknown" {
		t.Errorf("zero corner: %q", CornerUnknown.String())
	}
	if _, err := ParseCorner("middle"); !errors.Is(err, ErrCorner) {
		t.Errorf("bad corner: %v", err)
	}
}

func TestSlideEasesOutAndLands(t *testing.T) {
	from, to := image.Pt(1280, 500), image.Pt(776, 500)
	path := Slide(from, to, 400*time.Millisecond, 30)
	if len(path) != 12 || path[len(path)-1] != to {
		t.Fatalf("path %v", path)
	}
	prevStep := 1 << 30
	prev := from
	for i, p := range path {
		step := prev.X - p.X
		if step < 0 || step > prevStep+1 {
			t.Fatalf("frame %d: step %d after %d; want steady slowing", i, step, prevStep)
		}
		prev, prevStep = p, step
	}
	if SlideAt(from, to, time.Second, 400*time.Millisecond) != to || SlideAt(from, to, 0, 400*time.Millisecond) != from {
		t.Fatal("SlideAt ends")
	}
}

func TestCardScalesWithCanvas(t *testing.T) {
	r := testRenderer(t)
	a := r.ProductCard(cardFixture(), 1280, 720).Bounds()
	b := r.ProductCard(cardFixture(), 1920, 1080).Bounds()
	if d := float64(b.Dx())/float64(a.Dx()) - 1.5; d > 0.01 || d < -0.01 {
		t.Fatalf("720p %v, 1080p %v: not in proportion", a, b)
	}
	// Premultiplied: no channel exceeds alpha.
	img := r.ProductCard(cardFixture(), 1280, 720)
	for i := 0; i < len(img.Pix); i += 4 {
		if a := img.Pix[i+3]; img.Pix[i] > a || img.Pix[i+1] > a || img.Pix[i+2] > a {
			t.Fatalf("pixel %d not premultiplied: %v", i/4, img.Pix[i:i+4])
		}
	}
}

// Bold thickens horizontal strokes as much as upright ones, so a title that
// mixes Latin (mostly upright stems) and Chinese (mostly horizontal
// strokes), such as "Nike 运动鞋 Air", is one weight throughout.
func TestBoldThickensEveryStrokeAlike(t *testing.T) {
	fs := testRenderer(t).Fonts()
	regular, bold := fs.Face(100, false), fs.Face(100, true)
	samples := []struct {
		text    string
		upright bool
	}{{"l", true}, {"H", false}, {"丨", true}, {"一", false}, {"三", false}}
	var grew []float64
	for _, s := range samples {
		g := strokeWidth(bold, s.text, s.upright) - strokeWidth(regular, s.text, s.upright)
		grew = append(grew, g)
	}
	lo, hi := grew[0], grew[0]
	for _, g := range grew {
		lo, hi = min(lo, g), max(hi, g)
	}
	if lo < 1.5 || lo < hi*0.75 {
		t.Errorf("bold thickened the strokes of %q by %.2f px (upright l, H's bar, upright 丨, 一, 三 at 100 px); want every stroke thickened alike", "l H 丨 一 三", grew)
	}
}

// strokeWidth is how thick s's stroke is where the middle of its ink is
// crossed: along the middle row for an upright stem, down the middle column
// for a horizontal stroke; in pixels of full coverage.
func strokeWidth(f *Face, s string, upright bool) float64 {
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	f.Draw(img, 20, 150, s, color.RGBA{255, 255, 255, 255})
	ink := image.Rectangle{}
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			if img.RGBAAt(x, y).A > 0 {
				ink = ink.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	mid := ink.Min.Add(ink.Size().Div(2))
	sum, in := 0.0, false
	for i := 0; i < 300; i++ {
		p := image.Pt(i, mid.Y)
		if !upright {
			p = image.Pt(mid.X, i)
		}
		if !p.In(img.Rect) {
			break
		}
		a := float64(img.RGBAAt(p.X, p.Y).A) / 255
		if a == 0 && in {
			break // the first stroke crossed
		}
		in = in || a > 0
		sum += a
	}
	return sum
}

// A family that ships its bold weight beside the regular one (Noto Sans CJK,
// Microsoft YaHei) draws bold with it, not by thickening the regular.
func TestBoldWeightFromTheFamily(t *testing.T) {
	testRenderer(t) // skips without the font
	dir := t.TempDir()
	regular, bold := filepath.Join(dir, "TestSansCJK-Regular.ttc"), filepath.Join(dir, "TestSansCJK-Bold.ttc")
	for _, p := range []string{regular, bold} {
		if err := os.Symlink(goldenFont, p); err != nil {
			t.Skip(err)
		}
	}
	fs, err := NewFonts(FontConfig{Paths: []string{regular}, NoSystem: true})
	if err != nil {
		t.Fatal(err)
	}
	if fs.BoldPath != bold {
		t.Fatalf("bold weight %q; want %q beside the regular", fs.BoldPath, bold)
	}
	// The stand-in bold file is the regular font: drawn as it is, its strokes
	// are the regular's, so nothing thickened them.
	if r, b := strokeWidth(fs.Face(100, false), "一", false), strokeWidth(fs.Face(100, true), "一", false); math.Abs(r-b) > 0.2 {
		t.Errorf("with a bold weight of its own, bold was thickened: %.2f → %.2f px", r, b)
	}
	alone, _ := NewFonts(FontConfig{Paths: []string{goldenFont}, NoSystem: true})
	if alone.BoldPath != "" {
		t.Errorf("WenQuanYi Micro Hei has no bold weight, yet %q was taken for one", alone.BoldPath)
	}
	// Microsoft YaHei keeps its bold as msyhbd.ttc.
	yahei := filepath.Join(dir, "msyh.ttc")
	if got := boldSibling(yahei); got != "" {
		t.Errorf("a bold weight that is not there: %q", got)
	}
	os.Symlink(goldenFont, filepath.Join(dir, "msyhbd.ttc"))
	if got := boldSibling(yahei); got != filepath.Join(dir, "msyhbd.ttc") {
		t.Errorf("Microsoft YaHei's bold: %q", got)
	}
}
