package overlay

import (
	"image"
	"image/color"
	"testing"
)

// BenchmarkProductCard1080p draws a product card with a bold mixed Latin and
// Chinese title, as the desk does on every card change.
func BenchmarkProductCard1080p(b *testing.B) {
	r := testRenderer(b)
	c := cardFixture()
	c.Title = "Nike 运动鞋 Air Max 跑步鞋 男款 【直播间专享】"
	for b.Loop() {
		r.ProductCard(c, 1920, 1080)
	}
}

// BenchmarkBoldTitle1080p draws only a card's bold title line at 1080p.
func BenchmarkBoldTitle1080p(b *testing.B) {
	f := testRenderer(b).Fonts().Face(23*1.5, true)
	img := image.NewRGBA(image.Rect(0, 0, 900, 60))
	for b.Loop() {
		f.Draw(img, 0, 45, "Nike 运动鞋 Air Max 跑步鞋 男款", color.RGBA{31, 31, 31, 255})
	}
}
