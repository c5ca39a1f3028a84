package overlay

import (
	"hash/fnv"
	"image"
	"image/color"
	"math"
)

// Bulletin draws the on-air bulletin line ("拍1号链接 立减20元") as a red
// banner with a 公告 tag, as wide as its text up to 70% of the canvas; longer
// text ends in "…".
func (r *Renderer) Bulletin(text string, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	sp := float64(ShadowPad(canvasH))
	f := r.fonts.Face(25*u, true)
	tagF := r.fonts.Face(16*u, true)
	const h, pad = 52.0, 8.0
	tagW, tagH := tagF.Measure("公告")+20*u, (h-2*pad)*u
	maxW := float64(canvasW)*0.7 - 2*sp
	text = f.Ellipsize(text, maxW-tagW-pad*u-12*u-22*u)
	w := pad*u + tagW + 12*u + f.Measure(text) + 22*u

	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(w+2*sp)), int(math.Ceil(h*u+2*sp))))
	band := frect{sp, sp, sp + w, sp + h*u}
	shadow(img, frect{band.x0, band.y0 + 3*u, band.x1, band.y1 + 3*u}, band.h()/2, sp*0.9, colShadow)
	fillRound(img, band, band.h()/2, colRed, gradientX(band, colRed, colOrange))

	tag := frect{band.x0 + pad*u, band.y0 + pad*u, band.x0 + pad*u + tagW, band.y0 + pad*u + tagH}
	fillRound(img, tag, tagH/2, colWhite, nil)
	tagF.Draw(img, tag.x0+10*u, tag.y0+tagH/2+tagF.CapTop()/2-1*u, "公告", colRed)
	f.Draw(img, tag.x1+12*u, band.y0+band.h()/2+f.CapTop()/2-1.5*u, text, colWhite)
	return img
}

// CommentHighlight draws a viewer's comment for the host to show on stream:
// an avatar disc with the name's first character, the name, and the comment
// on a dark translucent bubble (up to three lines).
func (r *Renderer) CommentHighlight(name, text string, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	sp := float64(ShadowPad(canvasH))
	nameF := r.fonts.Face(16*u, true)
	textF := r.fonts.Face(22*u, false)
	const pad, av, gap, lineH = 12.0, 44.0, 12.0, 30.0
	maxText := math.Min(460*u, float64(canvasW)*0.45) - (pad+av+gap+pad)*u
	name = nameF.Ellipsize(name, maxText)
	lines := textF.Wrap(text, maxText, 3)
	textW := nameF.Measure(name)
	for _, l := range lines {
		textW = math.Max(textW, textF.Measure(l))
	}
	w := (pad+av+gap)*u + textW + pad*u + 4*u
	h := math.Max(av+2*pad, pad+22+float64(len(lines))*lineH+pad-10) * u

	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(w+2*sp)), int(math.Ceil(h+2*sp))))
	bubble := frect{sp, sp, sp + w, sp + h}
	shadow(img, frect{bubble.x0, bubble.y0 + 2*u, bubble.x1, bubble.y1 + 2*u}, 18*u, sp*0.8, rgba(0, 0, 0, 0.25))
	fillRound(img, bubble, 18*u, rgba(20, 20, 24, 0.78), nil)

	disc := frect{bubble.x0 + pad*u, bubble.y0 + pad*u, bubble.x0 + (pad+av)*u, bubble.y0 + (pad+av)*u}
	a, b := avatarColours(name)
	fillRound(img, disc, av*u/2, a, func(x, y float64) color.RGBA { return lerp(a, b, (y-disc.y0)/disc.h()) })
	if rs := []rune(name); len(rs) > 0 {
		initial := string(rs[0])
		af := r.fonts.Face(22*u, true)
		af.Draw(img, disc.x0+(disc.w()-af.Measure(initial))/2, disc.y0+disc.h()/2+af.CapTop()/2-1*u, initial, colWhite)
	}
	x := disc.x1 + gap*u
	y := bubble.y0 + pad*u
	nameF.Draw(img, x, y+nameF.CapTop(), name, rgba(255, 200, 87, 1))
	y += 22 * u
	for _, l := range lines {
		textF.Draw(img, x, y+textF.CapTop()+2*u, l, colWhite)
		y += lineH * u
	}
	return img
}

// avatarColours picks a stable gradient per viewer name, so the same viewer
// keeps the same colour through the show.
func avatarColours(name string) (color.RGBA, color.RGBA) {
	pairs := [][2]color.RGBA{
		{rgba(255, 122, 69, 1), rgba(255, 36, 66, 1)},
		{rgba(64, 169, 255, 1), rgba(47, 84, 235, 1)},
		{rgba(54, 207, 201, 1), rgba(19, 168, 168, 1)},
		{rgba(146, 84, 222, 1), rgba(114, 46, 209, 1)},
		{rgba(250, 173, 20, 1), rgba(250, 140, 22, 1)},
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	p := pairs[h.Sum32()%uint32(len(pairs))]
	return p[0], p[1]
}
