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

// spanKind says how a span of an overlay row is drawn.
type spanKind uint8

const (
	// spanBlend blends pixel by pixel.
	spanBlend spanKind = iota
	// spanCopy is opaque: the overlay's values are copied.
	spanCopy
	// spanLUT has one colour at one alpha (a translucent bar behind text):
	// each canvas value maps through a 256-entry table, one load per pixel.
	spanLUT
)

// span is a run of one row that is not fully transparent.
type span struct {
	x0, x1 int32
	kind   spanKind
	lut    [2]*[256]uint8 // per plane (luma uses [0]; chroma Cb, Cr) for spanLUT
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

// Runs shorter than these are blended instead: a copy call or a table
// costs more than it saves on a few pixels.
const (
	minCopyRun = 16
	minLUTRun  = 24
)

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
	luts := map[[2]uint8]*[256]uint8{}
	p.rows = spans(p.a, [][]uint8{p.y}, w, h, luts)
	p.crows = spans(p.ca, [][]uint8{p.u, p.v}, p.cw, p.ch, luts)
	return p
}

func unpremul(c, a uint8) uint8 {
	if a == 255 {
		return c
	}
	v := (int(c)*255 + int(a)/2) / int(a)
	return uint8(min(v, 255))
}

// spans finds, per row, the runs worth touching and how to draw each. vals
// are the planes the alpha applies to; a run is uniform only if every plane
// is constant along it. luts shares tables between runs of equal colour.
func spans(alpha []uint8, vals [][]uint8, w, h int, luts map[[2]uint8]*[256]uint8) [][]span {
	rows := make([][]span, h)
	for y := range h {
		row := alpha[y*w : y*w+w]
		var out []span
		pending := -1 // start of a blend span being gathered
		flush := func(end int) {
			if pending >= 0 && end > pending {
				out = append(out, span{x0: int32(pending), x1: int32(end), kind: spanBlend})
			}
			pending = -1
		}
		x := 0
		for x < w {
			if row[x] == 0 {
				flush(x)
				x++
				continue
			}
			// The longest run from x with constant alpha and values.
			e := x + 1
			for e < w && row[e] == row[x] && sameVals(vals, y*w+x, y*w+e) {
				e++
			}
			switch {
			case row[x] == 255 && e-x >= minCopyRun:
				flush(x)
				out = append(out, span{x0: int32(x), x1: int32(e), kind: spanCopy})
			case row[x] != 255 && e-x >= minLUTRun:
				flush(x)
				sp := span{x0: int32(x), x1: int32(e), kind: spanLUT}
				for k, v := range vals {
					sp.lut[k] = blendLUT(luts, v[y*w+x], row[x])
				}
				out = append(out, sp)
			default:
				if pending < 0 {
					pending = x
				}
			}
			x = e
		}
		flush(w)
		rows[y] = out
	}
	return rows
}

func sameVals(vals [][]uint8, i, j int) bool {
	for _, v := range vals {
		if v[i] != v[j] {
			return false
		}
	}
	return true
}

func blendLUT(luts map[[2]uint8]*[256]uint8, s, a uint8) *[256]uint8 {
	key := [2]uint8{s, a}
	if t, ok := luts[key]; ok {
		return t
	}
	t := new([256]uint8)
	for d := range 256 {
		t[d] = blend(s, a, uint8(d))
	}
	luts[key] = t
	return t
}

// blend is out = (s·a + d·(255−a)) / 255, rounded, in integers.
func blend(s, a, d uint8) uint8 {
	t := uint32(s)*uint32(a) + uint32(d)*uint32(255-a) + 128
	return uint8((t + t>>8) >> 8)
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
		blendRow(dst, src, al, p.rows[y], 0, lo, hi)
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
		blendRow(canvas.Cb[off+int(lo):off+int(hi)], p.u[y*p.cw:y*p.cw+p.cw], al, p.crows[y], 0, lo, hi)
		blendRow(canvas.Cr[off+int(lo):off+int(hi)], p.v[y*p.cw:y*p.cw+p.cw], al, p.crows[y], 1, lo, hi)
	}
}

// blendRow draws the spans of one overlay row clipped to the overlay
// columns [lo,hi) that are on the canvas; dst holds exactly those columns.
// plane picks the span's table (0 for luma and Cb, 1 for Cr).
func blendRow(dst, src, al []uint8, row []span, plane int, lo, hi int32) {
	for i := range row {
		s := &row[i]
		a, b := max(s.x0, lo), min(s.x1, hi)
		if a >= b {
			continue
		}
		d := dst[a-lo : b-lo]
		switch s.kind {
		case spanCopy:
			copy(d, src[a:b])
		case spanLUT:
			t := s.lut[plane]
			for i, v := range d {
				d[i] = t[v]
			}
		default:
			sv := src[a:b]
			av := al[a:b]
			sv, av = sv[:len(d)], av[:len(d)]
			for i, v := range d {
				al := uint32(av[i])
				t := uint32(sv[i])*al + uint32(v)*(255-al) + 128
				d[i] = uint8((t + t>>8) >> 8)
			}
		}
	}
}
