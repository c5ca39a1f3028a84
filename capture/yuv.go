package capture

import (
	"image"
	"image/draw"
)

// The engine's I420 is BT.601 limited range (Y 16..235), which is what
// H.264 decoders and browsers assume for a stream without colour tags.

// NewI420 allocates a tight I420 picture (YStride == w, CStride == w/2) in one
// backing array. w and h must be even.
func NewI420(w, h int) *image.YCbCr {
	ySize := w * h
	cSize := (w / 2) * (h / 2)
	buf := make([]byte, ySize+2*cSize)
	return &image.YCbCr{
		Y:              buf[:ySize:ySize],
		Cb:             buf[ySize : ySize+cSize : ySize+cSize],
		Cr:             buf[ySize+cSize:],
		YStride:        w,
		CStride:        w / 2,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}
}

// RGBToYUV converts one straight (non-premultiplied) RGB colour to BT.601
// limited-range Y, Cb, Cr.
func RGBToYUV(r, g, b uint8) (y, u, v uint8) {
	R, G, B := int32(r), int32(g), int32(b)
	y = uint8(((66*R + 129*G + 25*B + 128) >> 8) + 16)
	u = uint8(((-38*R - 74*G + 112*B + 128) >> 8) + 128)
	v = uint8(((112*R - 94*G - 18*B + 128) >> 8) + 128)
	return
}

// YUVToRGB is the inverse of RGBToYUV, clamped to 0..255.
func YUVToRGB(y, u, v uint8) (r, g, b uint8) {
	c := 298 * (int32(y) - 16)
	d := int32(u) - 128
	e := int32(v) - 128
	return clamp8((c + 409*e + 128) >> 8), clamp8((c - 100*d - 208*e + 128) >> 8), clamp8((c + 516*d + 128) >> 8)
}

func clamp8(x int32) uint8 {
	if x < 0 {
		return 0
	}
	if x > 255 {
		return 255
	}
	return uint8(x)
}

// ToI420 converts any image into a new tight I420 picture, cropping an odd
// last row or column away (4:2:0 needs even sizes). RGBA and YCbCr take fast
// paths; other types go through an RGBA copy. Go's image.YCbCr from JPEG is
// full range and is compressed to limited range here.
func ToI420(src image.Image) (*image.YCbCr, error) {
	b := src.Bounds()
	w, h := b.Dx()&^1, b.Dy()&^1
	if w < 2 || h < 2 {
		return nil, ErrImage
	}
	dst := NewI420(w, h)
	switch s := src.(type) {
	case *image.RGBA:
		rgbaToI420(dst, s)
	case *image.YCbCr:
		ycbcrToI420(dst, s, false)
	default:
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, src, b.Min, draw.Src)
		rgbaToI420(dst, rgba)
	}
	return dst, nil
}

// rgbaToI420 converts the top-left of src into dst (sized already). Chroma is
// the average of each 2×2 block. Premultiplied colour is used as is, which
// shows transparent areas as black: a source picture has nothing behind it.
func rgbaToI420(dst *image.YCbCr, src *image.RGBA) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y < h; y += 2 {
		r0 := src.Pix[y*src.Stride:]
		r1 := src.Pix[(y+1)*src.Stride:]
		y0 := dst.Y[y*dst.YStride : y*dst.YStride+w]
		y1 := dst.Y[(y+1)*dst.YStride : (y+1)*dst.YStride+w]
		cb := dst.Cb[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		cr := dst.Cr[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		for x := 0; x < w; x += 2 {
			var rs, gs, bs int32
			for _, p := range [4][]uint8{r0[x*4 : x*4+4], r0[x*4+4 : x*4+8], r1[x*4 : x*4+4], r1[x*4+4 : x*4+8]} {
				rs += int32(p[0])
				gs += int32(p[1])
				bs += int32(p[2])
			}
			y0[x] = lumaOf(r0[x*4:])
			y0[x+1] = lumaOf(r0[x*4+4:])
			y1[x] = lumaOf(r1[x*4:])
			y1[x+1] = lumaOf(r1[x*4+4:])
			_, u, v := RGBToYUV(uint8((rs+2)>>2), uint8((gs+2)>>2), uint8((bs+2)>>2))
			cb[x/2] = u
			cr[x/2] = v
		}
	}
}

func lumaOf(p []uint8) uint8 {
	return uint8(((66*int32(p[0]) + 129*int32(p[1]) + 25*int32(p[2]) + 128) >> 8) + 16)
}

// ycbcrToI420 copies src (any subsampling) into tight 4:2:0 dst, compressing
// full range to limited range unless src is already limited.
func ycbcrToI420(dst, src *image.YCbCr, limited bool) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	var ylut, clut [256]uint8
	for i := range 256 {
		if limited {
			ylut[i], clut[i] = uint8(i), uint8(i)
		} else {
			ylut[i] = uint8(16 + (i*219+127)/255)
			clut[i] = uint8(16 + (i*224+127)/255)
		}
	}
	for y := 0; y < h; y++ {
		srow := src.Y[src.YOffset(src.Rect.Min.X, src.Rect.Min.Y+y):]
		drow := dst.Y[y*dst.YStride : y*dst.YStride+w]
		for x := range drow {
			drow[x] = ylut[srow[x]]
		}
	}
	for y := 0; y < h/2; y++ {
		drowU := dst.Cb[y*dst.CStride : y*dst.CStride+w/2]
		drowV := dst.Cr[y*dst.CStride : y*dst.CStride+w/2]
		for x := range drowU {
			i := src.COffset(src.Rect.Min.X+2*x, src.Rect.Min.Y+2*y)
			drowU[x] = clut[src.Cb[i]]
			drowV[x] = clut[src.Cr[i]]
		}
	}
}

// ToRGBA converts an I420 picture into a new RGBA image of size w×h, scaling
// with nearest neighbour (for previews and snapshots; w, h ≤ 0 keep the size).
func ToRGBA(src *image.YCbCr, w, h int) *image.RGBA {
	return ToRGBAInto(nil, src, w, h)
}

// ToRGBAInto is ToRGBA writing into dst when it is already w×h (a preview
// converts many frames a second; reusing its buffers spares the garbage
// collector); otherwise it allocates, as ToRGBA does.
func ToRGBAInto(dst *image.RGBA, src *image.YCbCr, w, h int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if w <= 0 || h <= 0 {
		w, h = sw, sh
	}
	if dst == nil || dst.Rect != image.Rect(0, 0, w, h) {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	xs := make([]int, w)
	for x := range xs {
		xs[x] = x * sw / w
	}
	for y := 0; y < h; y++ {
		sy := y * sh / h
		yrow := src.Y[src.YOffset(src.Rect.Min.X, src.Rect.Min.Y+sy):]
		ci := src.COffset(src.Rect.Min.X, src.Rect.Min.Y+sy)
		crowU, crowV := src.Cb[ci:], src.Cr[ci:]
		drow := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		cshift := 0
		if src.SubsampleRatio == image.YCbCrSubsampleRatio420 || src.SubsampleRatio == image.YCbCrSubsampleRatio422 {
			cshift = 1
		}
		for x, sx := range xs {
			r, g, b := YUVToRGB(yrow[sx], crowU[sx>>cshift], crowV[sx>>cshift])
			p := drow[x*4 : x*4+4 : x*4+4]
			p[0], p[1], p[2], p[3] = r, g, b, 255
		}
	}
	return dst
}

// FitSize returns the largest size with w:h's aspect inside maxW×maxH, even.
func FitSize(w, h, maxW, maxH int) (int, int) {
	if w <= 0 || h <= 0 || maxW <= 0 || maxH <= 0 {
		return 0, 0
	}
	if maxW*h <= maxH*w {
		return maxW &^ 1, (maxW * h / w) &^ 1
	}
	return (maxH * w / h) &^ 1, maxH &^ 1
}
