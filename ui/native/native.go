// Package native shows pictures that change many times a second (the
// preview, the microphone meter) in child windows of the studio's own
// window, drawn straight by the display server.
//
// Fyne repaints its whole window whenever one object on it changes; with
// the preview changing 20 times a second every widget was drawn 20 times a
// second, and under software GL (Mesa's llvmpipe, common on laptops without
// a working GPU driver) that cost more than the broadcast itself. A picture
// in a child window of its own changes without the toolkit's canvas being
// touched: the window then repaints only when something in it changes.
//
// Only X11 has it (the studio's Linux build); elsewhere Open says so and the
// studio draws the pictures through the toolkit as before.
package native

import (
	"errors"
	"image"
	"slices"
)

// ErrUnsupported: this desktop has no child windows the studio can draw
// into; the toolkit draws the pictures.
var ErrUnsupported = errors.New("pictures in child windows are not supported on this desktop")

// Parent is the studio window's native handle as the toolkit reports it
// (an X11 Window id).
type Parent uintptr

// swizzle writes the RGBA pixels of src into dst as 32-bit little-endian
// BGRX (blue, green, red, 0xff: the layout of a 24- or 32-bit TrueColor
// visual with red in the high byte), stride dstStride bytes. Rows and
// columns beyond either picture are left alone.
func swizzle(dst []byte, dstStride int, src *image.RGBA, w, h int) {
	b := src.Bounds()
	w = min(w, b.Dx())
	h = min(h, b.Dy())
	for y := 0; y < h; y++ {
		s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		d := dst[y*dstStride : y*dstStride+4*w]
		for i := 0; i < len(s); i += 4 {
			d[i], d[i+1], d[i+2], d[i+3] = s[i+2], s[i+1], s[i], 0xff
		}
	}
}

// outside returns rectangles covering r minus the holes (each clipped to r),
// as horizontal bands: the shape a child window takes so that what the
// toolkit draws in the holes (a badge over the picture) shows through.
func outside(r image.Rectangle, holes []image.Rectangle) []image.Rectangle {
	var cut []image.Rectangle
	ys := []int{r.Min.Y, r.Max.Y}
	for _, h := range holes {
		if h = h.Intersect(r); !h.Empty() {
			cut = append(cut, h)
			ys = append(ys, h.Min.Y, h.Max.Y)
		}
	}
	if len(cut) == 0 {
		return []image.Rectangle{r}
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	var out []image.Rectangle
	for i := 0; i+1 < len(ys); i++ {
		y0, y1 := ys[i], ys[i+1]
		var spans []image.Rectangle // the holes crossing this band
		for _, h := range cut {
			if h.Min.Y <= y0 && h.Max.Y >= y1 {
				spans = append(spans, h)
			}
		}
		slices.SortFunc(spans, func(a, b image.Rectangle) int { return a.Min.X - b.Min.X })
		x := r.Min.X
		for _, s := range spans {
			if s.Min.X > x {
				out = append(out, image.Rect(x, y0, s.Min.X, y1))
			}
			x = max(x, s.Max.X)
		}
		if x < r.Max.X {
			out = append(out, image.Rect(x, y0, r.Max.X, y1))
		}
	}
	return out
}
