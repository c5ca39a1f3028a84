package scene

import (
	"fmt"
	"image"

	"showcaster/capture"
)

// Overlay is an RGBA picture (Go's premultiplied alpha) blended over the
// items: a product card, a bulletin bar, a highlighted comment, a logo.
type Overlay struct {
	ID      string
	Image   *image.RGBA
	At      image.Point
	Z       int
	Visible bool
}

// span is a run of one row that is not fully transparent. Opaque spans are
// copied; the others are blended pixel by pixel.
type span struct {
	x0, x1 int32
	opaque bool
}

// planes is an overlay converted once to the canvas's colour space: luma and
// its alpha at full size, chroma and its alpha at half size, and per row the
// spans worth touching. Immutable after conversion, so moving an overlay
// costs nothing and compositions read it without a lock.
type planes struct {
	w, h   int
	y, a   []uint8
	cw, ch int
	u, v   []uint8
	ca     []uint8
	rows   [][]span // luma rows
	crows  [][]span // chroma rows
}

// overlayState is an overlay's placement, changed by MoveOverlay without
// touching its planes.
type overlayState struct {
	id      string
	p       *planes
	at      image.Point
	z       int
	visible bool
	seq     int // insertion order, to keep equal Z stable
}

// Opaque runs shorter than this are blended instead: a copy call costs more
// than it saves on a few pixels.
const minCopyRun = 16

func convertOverlay(img *image.RGBA) *planes {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p := &planes{w: w, h: h, y: make([]uint8, w*h), a: make([]uint8, w*h)}
	p.cw, p.ch = (w+1)/2, (h+1)/2
	p.u = make([]uint8, p.cw*p.ch)
	p.v = make([]uint8, p.cw*p.ch)
	p.ca = make([]uint8, p.cw*p.ch)
	// Chroma sums of alpha-weighted colour per 2×2 block.
	su := make([]int32, p.cw*p.ch)
	sv := make([]int32, p.cw*p.ch)
	sa := make([]int32, p.cw*p.ch)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			px := row[4*x : 4*x+4 : 4*x+4]
			al := px[3]
			i := y*w + x
			p.a[i] = al
			if al == 0 {
				continue
			}
			r, g, bl := unpremul(px[0], al), unpremul(px[1], al), unpremul(px[2], al)
			yy, u, v := capture.RGBToYUV(r, g, bl)
			p.y[i] = yy
			ci := (y/2)*p.cw + x/2
			su[ci] += int32(u) * int32(al)
			sv[ci] += int32(v) * int32(al)
			sa[ci] += int32(al)
		}
	}
	for i := range sa {
		if sa[i] == 0 {
			continue
		}
		p.u[i] = uint8((su[i] + sa[i]/2) / sa[i])
		p.v[i] = uint8((sv[i] + sa[i]/2) / sa[i])
		// Edge blocks have fewer than 4 pixels; dividing by 4 still gives
		// the share of the 2×2 canvas block the overlay covers.
		p.ca[i] = uint8((sa[i] + 2) / 4)
	}
	p.rows = spans(p.a, w, h)
	p.crows = spans(p.ca, p.cw, p.ch)
	return p
}

func unpremul(c, a uint8) uint8 {
	if a == 255 {
		return c
	}
	v := (int(c)*255 + int(a)/2) / int(a)
	return uint8(min(v, 255))
}

func spans(alpha []uint8, w, h int) [][]span {
	rows := make([][]span, h)
	for y := range h {
		row := alpha[y*w : y*w+w]
		var out []span
		x := 0
		for x < w {
			for x < w && row[x] == 0 {
				x++
			}
			if x == w {
				break
			}
			start := x
			for x < w && row[x] != 0 {
				x++
			}
			out = appendSplitOpaque(out, row, start, x)
		}
		rows[y] = out
	}
	return rows
}

// appendSplitOpaque adds [x0,x1) split into long opaque runs and the rest.
func appendSplitOpaque(out []span, row []uint8, x0, x1 int) []span {
	blendFrom := x0
	x := x0
	for x < x1 {
		if row[x] != 255 {
			x++
			continue
		}
		o := x
		for x < x1 && row[x] == 255 {
			x++
		}
		if x-o >= minCopyRun {
			if o > blendFrom {
				out = append(out, span{int32(blendFrom), int32(o), false})
			}
			out = append(out, span{int32(o), int32(x), true})
			blendFrom = x
		}
	}
	if x1 > blendFrom {
		out = append(out, span{int32(blendFrom), int32(x1), false})
	}
	return out
}

func validateOverlay(o Overlay) error {
	if o.ID == "" || o.Image == nil || o.Image.Bounds().Empty() {
		return fmt.Errorf("overlay %q: %w", o.ID, ErrOverlay)
	}
	return nil
}

// blendOverlay draws one overlay at `at` into the canvas, touching only the
// pixels its non-transparent spans cover.
func blendOverlay(canvas *image.YCbCr, p *planes, at image.Point) {
	cw, chh := canvas.Rect.Dx(), canvas.Rect.Dy()
	// Luma.
	y0, y1 := max(0, -at.Y), min(p.h, chh-at.Y)
	lo, hi := int32(max(0, -at.X)), int32(min(p.w, cw-at.X))
	if lo >= hi || y0 >= y1 {
		return
	}
	for y := y0; y < y1; y++ {
		src := p.y[y*p.w : y*p.w+p.w]
		al := p.a[y*p.w : y*p.w+p.w]
		base := (at.Y+y)*canvas.YStride + at.X
		dst := canvas.Y[base+int(lo) : base+int(hi)]
		blendRow(dst, src, al, p.rows[y], lo, hi)
	}
	// Chroma: the overlay's chroma origin is at.X/2 (floored), which puts an
	// odd position's chroma half a sample left; invisible, and it keeps
	// MoveOverlay free of reconversion.
	cx, cy := at.X>>1, at.Y>>1
	ccw, cch := canvas.Rect.Dx()/2, canvas.Rect.Dy()/2
	y0, y1 = max(0, -cy), min(p.ch, cch-cy)
	lo, hi = int32(max(0, -cx)), int32(min(p.cw, ccw-cx))
	if lo >= hi {
		return
	}
	for y := y0; y < y1; y++ {
		al := p.ca[y*p.cw : y*p.cw+p.cw]
		off := (cy+y)*canvas.CStride + cx
		blendRow(canvas.Cb[off+int(lo):off+int(hi)], p.u[y*p.cw:y*p.cw+p.cw], al, p.crows[y], lo, hi)
		blendRow(canvas.Cr[off+int(lo):off+int(hi)], p.v[y*p.cw:y*p.cw+p.cw], al, p.crows[y], lo, hi)
	}
}

// blendRow blends the spans of one overlay row clipped to the overlay
// columns [lo,hi) that are on the canvas; dst holds exactly those columns.
// The blend is out = (s·a + d·(255−a)) / 255, rounded, in integers.
func blendRow(dst, src, al []uint8, row []span, lo, hi int32) {
	for _, s := range row {
		a, b := max(s.x0, lo), min(s.x1, hi)
		if a >= b {
			continue
		}
		d := dst[a-lo : b-lo]
		sv := src[a:b]
		if s.opaque {
			copy(d, sv)
			continue
		}
		av := al[a:b]
		av = av[:len(d)]
		sv = sv[:len(d)]
		for i := range d {
			t := int32(sv[i])*int32(av[i]) + int32(d[i])*int32(255-av[i]) + 128
			d[i] = uint8((t + t>>8) >> 8)
		}
	}
}
