package scene

import "image"

// scaleCache keeps the nearest-neighbour column maps for one item, rebuilt
// only when the source size or the placement changes.
type scaleCache struct {
	dst, src image.Rectangle
	xs, xsc  []int32
}

func (c *scaleCache) maps(dst, src image.Rectangle) ([]int32, []int32) {
	if c.dst == dst && c.src == src && c.xs != nil {
		return c.xs, c.xsc
	}
	c.dst, c.src = dst, src
	dw, sw := dst.Dx(), src.Dx()
	c.xs = make([]int32, dw)
	for i := range c.xs {
		c.xs[i] = int32(src.Min.X + i*sw/dw)
	}
	c.xsc = make([]int32, dw/2)
	for i := range c.xsc {
		c.xsc[i] = int32(src.Min.X/2 + i*(sw/2)/(dw/2))
	}
	return c.xs, c.xsc
}

// drawPicture puts the src part of pic into the dst rectangle of the canvas
// (both even-aligned), clipped to the canvas. Same size is a row copy;
// otherwise nearest neighbour on each plane.
func drawPicture(canvas, pic *image.YCbCr, dst, src image.Rectangle, cache *scaleCache) {
	clip := dst.Intersect(canvas.Rect)
	if clip.Empty() || src.Empty() {
		return
	}
	if dst.Dx() == src.Dx() && dst.Dy() == src.Dy() {
		off := src.Min.Sub(dst.Min)
		for y := clip.Min.Y; y < clip.Max.Y; y++ {
			sy := y + off.Y
			copy(canvas.Y[y*canvas.YStride+clip.Min.X:y*canvas.YStride+clip.Max.X],
				pic.Y[sy*pic.YStride+clip.Min.X+off.X:])
		}
		for y := clip.Min.Y / 2; y < clip.Max.Y/2; y++ {
			sy := y + off.Y/2
			a, b := y*canvas.CStride+clip.Min.X/2, y*canvas.CStride+clip.Max.X/2
			so := sy*pic.CStride + clip.Min.X/2 + off.X/2
			copy(canvas.Cb[a:b], pic.Cb[so:])
			copy(canvas.Cr[a:b], pic.Cr[so:])
		}
		return
	}
	xs, xsc := cache.maps(dst, src)
	dh, sh := dst.Dy(), src.Dy()
	x0, x1 := clip.Min.X-dst.Min.X, clip.Max.X-dst.Min.X
	m := xs[x0:x1]
	prevSy, prevRow := -1, []uint8(nil)
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		sy := src.Min.Y + (y-dst.Min.Y)*sh/dh
		base := y*canvas.YStride + dst.Min.X
		d := canvas.Y[base+x0 : base+x1]
		if sy == prevSy { // upscaling repeats source rows: copy the row just made
			copy(d, prevRow)
			continue
		}
		srow := pic.Y[sy*pic.YStride : sy*pic.YStride+pic.Rect.Dx()]
		d = d[:len(m)]
		for i, sx := range m {
			d[i] = srow[sx]
		}
		prevSy, prevRow = sy, d
	}
	cx0, cx1 := x0/2, x1/2
	for y := clip.Min.Y / 2; y < clip.Max.Y/2; y++ {
		sy := src.Min.Y/2 + (y-dst.Min.Y/2)*(sh/2)/(dh/2)
		su, sv := pic.Cb[sy*pic.CStride:], pic.Cr[sy*pic.CStride:]
		base := y*canvas.CStride + dst.Min.X/2
		du := canvas.Cb[base+cx0 : base+cx1]
		dv := canvas.Cr[base+cx0 : base+cx1]
		mc := xsc[cx0:cx1]
		du, dv = du[:len(mc)], dv[:len(mc)]
		for i, sx := range mc {
			du[i] = su[sx]
			dv[i] = sv[sx]
		}
	}
}

// fillBlack paints r (clipped, even-aligned) black.
func fillBlack(canvas *image.YCbCr, r image.Rectangle) {
	r = r.Intersect(canvas.Rect)
	if r.Empty() {
		return
	}
	if r == canvas.Rect {
		fillBytes(canvas.Y, 16)
		fillBytes(canvas.Cb, 128)
		fillBytes(canvas.Cr, 128)
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		fillBytes(canvas.Y[y*canvas.YStride+r.Min.X:y*canvas.YStride+r.Max.X], 16)
	}
	for y := r.Min.Y / 2; y < (r.Max.Y+1)/2; y++ {
		a, b := y*canvas.CStride+r.Min.X/2, y*canvas.CStride+(r.Max.X+1)/2
		fillBytes(canvas.Cb[a:b], 128)
		fillBytes(canvas.Cr[a:b], 128)
	}
}

// fillBytes sets every byte by doubling copies, which the runtime turns into
// wide memmoves.
func fillBytes(b []byte, v byte) {
	if len(b) == 0 {
		return
	}
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}
