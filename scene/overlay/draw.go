package overlay

import (
	"image"
	"image/color"
	"math"

	xdraw "golang.org/x/image/draw"
)

// rgba makes a premultiplied colour from straight RGB and an opacity 0..1.
func rgba(r, g, b uint8, a float64) color.RGBA {
	return color.RGBA{uint8(float64(r)*a + 0.5), uint8(float64(g)*a + 0.5), uint8(float64(b)*a + 0.5), uint8(255*a + 0.5)}
}

// frect is a rectangle in fractional pixels, so that layouts scaled from the
// canvas height keep their proportions at every size.
type frect struct{ x0, y0, x1, y1 float64 }

func (r frect) w() float64 { return r.x1 - r.x0 }
func (r frect) h() float64 { return r.y1 - r.y0 }

func (r frect) bounds() image.Rectangle {
	return image.Rect(int(math.Floor(r.x0)), int(math.Floor(r.y0)), int(math.Ceil(r.x1)), int(math.Ceil(r.y1)))
}

// roundDist is the signed distance from pixel centre (px, py) to the edge of
// the rounded rectangle r (negative inside).
func roundDist(r frect, radius, px, py float64) float64 {
	radius = math.Min(radius, math.Min(r.w(), r.h())/2)
	cx, cy := (r.x0+r.x1)/2, (r.y0+r.y1)/2
	qx := math.Abs(px-cx) - (r.w()/2 - radius)
	qy := math.Abs(py-cy) - (r.h()/2 - radius)
	out := math.Hypot(math.Max(qx, 0), math.Max(qy, 0))
	return out + math.Min(math.Max(qx, qy), 0) - radius
}

// blend puts premultiplied c over the pixel at (x, y) with coverage cov.
func blend(dst *image.RGBA, x, y int, c color.RGBA, cov float64) {
	if cov <= 0 || !(image.Point{x, y}.In(dst.Rect)) {
		return
	}
	if cov > 1 {
		cov = 1
	}
	i := dst.PixOffset(x, y)
	p := dst.Pix[i : i+4 : i+4]
	sa := float64(c.A) * cov
	k := 1 - sa/255
	p[0] = uint8(float64(c.R)*cov + float64(p[0])*k + 0.5)
	p[1] = uint8(float64(c.G)*cov + float64(p[1])*k + 0.5)
	p[2] = uint8(float64(c.B)*cov + float64(p[2])*k + 0.5)
	p[3] = uint8(sa + float64(p[3])*k + 0.5)
}

// fillRound paints a rounded rectangle, anti-aliased, with the colour paint
// gives for each pixel (gradients) or a flat colour when paint is nil.
func fillRound(dst *image.RGBA, r frect, radius float64, c color.RGBA, paint func(x, y float64) color.RGBA) {
	b := r.bounds().Intersect(dst.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			cov := 0.5 - roundDist(r, radius, px, py)
			if cov <= 0 {
				continue
			}
			// Coverage must also clip the fractional straight edges.
			cov = math.Min(cov, math.Min(px+0.5-r.x0, r.x1-(px-0.5)))
			cov = math.Min(cov, math.Min(py+0.5-r.y0, r.y1-(py-0.5)))
			col := c
			if paint != nil {
				col = paint(px, py)
			}
			blend(dst, x, y, col, cov)
		}
	}
}

// strokeRound draws the outline of a rounded rectangle, width w inside r.
func strokeRound(dst *image.RGBA, r frect, radius, w float64, c color.RGBA) {
	b := r.bounds().Intersect(dst.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := roundDist(r, radius, float64(x)+0.5, float64(y)+0.5)
			// inside the outer edge and outside the inner one
			cov := math.Min(0.5-d, 0.5+d+w)
			blend(dst, x, y, c, math.Min(cov, 1))
		}
	}
}

// shadow paints a soft drop shadow for a rounded rectangle.
func shadow(dst *image.RGBA, r frect, radius, blur float64, c color.RGBA) {
	g := frect{r.x0 - blur, r.y0 - blur, r.x1 + blur, r.y1 + blur}
	b := g.bounds().Intersect(dst.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := roundDist(r, radius, float64(x)+0.5, float64(y)+0.5)
			t := 1 - (d+blur*0.3)/blur
			if t <= 0 {
				continue
			}
			t = math.Min(t, 1)
			blend(dst, x, y, c, t*t*(3-2*t))
		}
	}
}

// lerp mixes two premultiplied colours.
func lerp(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	m := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), m(a.A, b.A)}
}

// drawCover scales img to fill r (cropping the overflow, like CSS
// object-fit: cover) and clips it to rounded corners.
func drawCover(dst *image.RGBA, r frect, radius float64, img image.Image) {
	ib := img.Bounds()
	if ib.Empty() {
		return
	}
	box := r.bounds()
	scale := math.Max(float64(box.Dx())/float64(ib.Dx()), float64(box.Dy())/float64(ib.Dy()))
	sw, sh := float64(box.Dx())/scale, float64(box.Dy())/scale
	src := image.Rect(
		ib.Min.X+int((float64(ib.Dx())-sw)/2), ib.Min.Y+int((float64(ib.Dy())-sh)/2),
		ib.Min.X+int((float64(ib.Dx())+sw)/2), ib.Min.Y+int((float64(ib.Dy())+sh)/2))
	tmp := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	xdraw.CatmullRom.Scale(tmp, tmp.Rect, img, src, xdraw.Src, nil)
	for y := 0; y < box.Dy(); y++ {
		for x := 0; x < box.Dx(); x++ {
			px, py := float64(box.Min.X+x)+0.5, float64(box.Min.Y+y)+0.5
			cov := 0.5 - roundDist(r, radius, px, py)
			if cov <= 0 {
				continue
			}
			blend(dst, box.Min.X+x, box.Min.Y+y, tmp.RGBAAt(x, y), cov)
		}
	}
}

// rotated returns src turned by deg degrees (counter-clockwise) about its
// centre, on a canvas large enough to hold it.
func rotated(src *image.RGBA, deg float64) *image.RGBA {
	a := deg * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	w, h := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	nw := math.Abs(w*cos) + math.Abs(h*sin)
	nh := math.Abs(w*sin) + math.Abs(h*cos)
	dst := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(nw)), int(math.Ceil(nh))))
	// Affine map from dst to src is the inverse rotation; Transform takes
	// src→dst, so build that: translate src centre to origin, rotate,
	// translate to dst centre.
	m := [6]float64{
		cos, sin, nw/2 - cos*w/2 - sin*h/2,
		-sin, cos, nh/2 + sin*w/2 - cos*h/2,
	}
	xdraw.BiLinear.Transform(dst, m, src, src.Rect, xdraw.Over, nil)
	return dst
}
