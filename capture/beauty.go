package capture

import (
	"encoding/binary"
	"fmt"
	"image"
	"math"
)

// Beauty is the camera's beauty (美颜) settings, each 0..100; all zero is off.
type Beauty struct {
	// Smooth softens skin: an edge-preserving filter on luma that flattens
	// pores and sensor noise while eyes, brows and lips keep their edges.
	Smooth int `json:"smooth"`
	// Brighten lifts the mid-tones and whitens skin (takes out some of its
	// yellow and red).
	Brighten int `json:"brighten"`
	// Light corrects a dim room: it lifts the shadows, more the darker the
	// picture is, and not at all once it is well lit.
	Light int `json:"light"`
}

// On reports whether any setting is above zero.
func (b Beauty) On() bool { return b.Smooth > 0 || b.Brighten > 0 || b.Light > 0 }

// Validate reports a setting outside 0..100.
func (b Beauty) Validate() error {
	for _, v := range []int{b.Smooth, b.Brighten, b.Light} {
		if v < 0 || v > 100 {
			return fmt.Errorf("beauty %+v: %w", b, ErrBadBeauty)
		}
	}
	return nil
}

// The filter works out its smoothing at a quarter of the picture's size and
// applies it at full size in one pass, which is what keeps a 720p frame near
// a millisecond: a guided filter (He, Sun & Tang), with the picture as its own
// guide, computed on the reduced luma ("fast guided filter", He & Sun 2015),
// its linear coefficients interpolated back up. Where the local variance is
// small next to eps (skin, noise) the output is the local mean; where it is
// large (an eye, a lip line, hair) the output follows the picture.
const (
	beautyScale  = 4 // the reduction on each side
	beautyRadius = 2 // box radius at the reduced size (8 pixels at full size); boxRows and boxCols unroll its five taps
	beautyQ      = 14
)

// BeautyFilter applies Beauty to I420 frames. It keeps scratch buffers and a
// running estimate of the scene's brightness between frames, so one filter
// serves one stream of frames; it is not safe for concurrent use.
type BeautyFilter struct {
	cfg Beauty

	w, h, lw, lh int
	lo, mean, sq []float32 // reduced luma, box means
	ca, cb       []float32 // guided-filter coefficients (a, b) then their means
	tmp          []float32
	qa, qb       []int32  // coefficients in Q14, strength folded in
	ha, hb       []uint64 // Q8 coefficients halfway between reduced columns
	ba, bb       []uint64 // one row's blocks, interpolated vertically
	acc          []uint32
	acc64        []uint64
	invW, invH   []float32 // 1 / the window's size at each column and row

	lumaLUT    [256]uint8
	kb, kr     uint64 // chroma kept by whitening (raised in a dim room), of 256
	cbLUT      [256]uint8
	crLUT      [256]uint8
	lutFor     Beauty
	lutDimness float64
	lutValid   bool
	// avgLuma is the scene's mean luma, smoothed over frames so that the
	// light correction does not pump when someone walks past.
	avgLuma float64
	seen    bool
}

// NewBeautyFilter returns a filter with the given settings.
func NewBeautyFilter(b Beauty) *BeautyFilter { return &BeautyFilter{cfg: b} }

// Set changes the settings from the next frame on.
func (f *BeautyFilter) Set(b Beauty) { f.cfg = b }

// Settings returns the current settings.
func (f *BeautyFilter) Settings() Beauty { return f.cfg }

// Apply filters src into dst, which must have src's size (dst may be src).
// Chroma is copied (and whitened when Brighten is on).
func (f *BeautyFilter) Apply(dst, src *image.YCbCr) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	f.resize(w, h)
	f.reduce(src)
	f.updateLUTs()
	if f.cfg.Smooth > 0 {
		f.guided()
		f.expand(dst, src)
	} else {
		for y := 0; y < h; y++ {
			s := src.Y[y*src.YStride : y*src.YStride+w]
			d := dst.Y[y*dst.YStride : y*dst.YStride+w]
			lut := &f.lumaLUT
			for x, v := range s {
				d[x] = lut[v]
			}
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	whiten := f.kb != 256 || f.kr != 256
	for y := 0; y < ch; y++ {
		sb, sr := src.Cb[y*src.CStride:y*src.CStride+cw], src.Cr[y*src.CStride:y*src.CStride+cw]
		db, dr := dst.Cb[y*dst.CStride:y*dst.CStride+cw], dst.Cr[y*dst.CStride:y*dst.CStride+cw]
		if !whiten {
			copy(db, sb)
			copy(dr, sr)
			continue
		}
		if f.kb <= 256 && f.kr <= 256 {
			towardGrey(db, sb, f.kb)
			towardGrey(dr, sr, f.kr)
			continue
		}
		for x := range sb {
			db[x] = f.cbLUT[sb[x]]
			dr[x] = f.crLUT[sr[x]]
		}
	}
}

// towardGrey writes 128 + (v−128)·k/256 for each byte, eight at a time in
// the 16-bit lanes of two uint64s (v·k ≤ 255·256 fits a lane).
func towardGrey(dst, src []byte, k uint64) {
	const m = 0x00ff00ff00ff00ff
	off := (128 * (256 - k)) * 0x0001000100010001
	i := 0
	for ; i+8 <= len(src); i += 8 {
		v := binary.LittleEndian.Uint64(src[i:])
		lo := ((v&m)*k + off) >> 8 & m
		hi := (((v>>8)&m)*k + off) & (m << 8)
		binary.LittleEndian.PutUint64(dst[i:], lo|hi)
	}
	for ; i < len(src); i++ {
		dst[i] = uint8((uint64(src[i])*k + 128*(256-k)) >> 8)
	}
}

func (f *BeautyFilter) resize(w, h int) {
	if f.w == w && f.h == h {
		return
	}
	f.w, f.h = w, h
	f.lw, f.lh = (w+beautyScale-1)/beautyScale, (h+beautyScale-1)/beautyScale
	n := f.lw * f.lh
	f.lo, f.mean, f.sq = make([]float32, n), make([]float32, n), make([]float32, n)
	f.ca, f.cb, f.tmp = make([]float32, n), make([]float32, n), make([]float32, n)
	f.qa, f.qb = make([]int32, n), make([]int32, n)
	f.ha, f.hb = make([]uint64, n), make([]uint64, n)
	f.ba, f.bb = make([]uint64, f.lw), make([]uint64, f.lw)
	f.acc = make([]uint32, w)
	f.acc64 = make([]uint64, w/8+1)
	f.invW, f.invH = windowInverse(f.lw), windowInverse(f.lh)
	f.seen = false
}

// windowInverse returns, for each of n positions, one over how many of the
// box's 2r+1 taps fall inside 0..n-1.
func windowInverse(n int) []float32 {
	inv := make([]float32, n)
	for i := range inv {
		inv[i] = 1 / float32(min(n-1, i+beautyRadius)-max(0, i-beautyRadius)+1)
	}
	return inv
}

// reduce averages each 4×4 block of luma into f.lo and updates the running
// brightness.
func (f *BeautyFilter) reduce(src *image.YCbCr) {
	if f.w%8 == 0 && f.h%beautyScale == 0 {
		f.reduceFast(src)
	} else {
		f.reduceAny(src)
	}
	var total float64
	for _, m := range f.lo {
		total += float64(m)
	}
	mean := total / float64(len(f.lo))
	if !f.seen {
		f.avgLuma, f.seen = mean, true
	} else {
		f.avgLuma += (mean - f.avgLuma) * 0.05
	}
}

// reduceFast sums eight pixels at a time in the four 16-bit lanes of a
// uint64 (neighbours pairwise). It reads the middle two rows of each block
// of four: the statistics that follow average 5×5 blocks anyway.
func (f *BeautyFilter) reduceFast(src *image.YCbCr) {
	const m = 0x00ff00ff00ff00ff
	w, lw := f.w, f.lw
	acc := f.acc64[:w/8]
	for by := 0; by < f.lh; by++ {
		clear(acc)
		for y := by*beautyScale + 1; y < by*beautyScale+3; y++ {
			row := src.Y[y*src.YStride : y*src.YStride+w]
			for i := range acc {
				v := binary.LittleEndian.Uint64(row[8*i:])
				acc[i] += v&m + (v>>8)&m
			}
		}
		out := f.lo[by*lw : (by+1)*lw]
		for i, v := range acc {
			out[2*i] = float32(v&0xffff+(v>>16)&0xffff) * (1.0 / 8)
			out[2*i+1] = float32((v>>32)&0xffff+(v>>48)&0xffff) * (1.0 / 8)
		}
	}
}

func (f *BeautyFilter) reduceAny(src *image.YCbCr) {
	w, h, lw := f.w, f.h, f.lw
	for by := 0; by < f.lh; by++ {
		acc := f.acc[:w]
		clear(acc)
		rows := 0
		for y := by * beautyScale; y < min(h, (by+1)*beautyScale); y++ {
			row := src.Y[y*src.YStride : y*src.YStride+w]
			for x, v := range row {
				acc[x] += uint32(v)
			}
			rows++
		}
		out := f.lo[by*lw : (by+1)*lw]
		for bx := range out {
			x0 := bx * beautyScale
			x1 := min(w, x0+beautyScale)
			var s uint32
			for _, v := range acc[x0:x1] {
				s += v
			}
			out[bx] = float32(s) / float32(rows*(x1-x0))
		}
	}
}

// boxMean2 writes the means over a 5×5 window of two inputs (edges use the
// part of the window inside the picture). Taps are summed directly rather
// than as running sums, so the additions do not wait on one another.
func (f *BeautyFilter) boxMean2(dst1, dst2, src1, src2 []float32) {
	f.boxRows(f.tmp, src1)
	f.boxCols(dst1, f.tmp)
	f.boxRows(f.tmp, src2)
	f.boxCols(dst2, f.tmp)
}

func (f *BeautyFilter) boxRows(dst, src []float32) {
	lw := f.lw
	invW := f.invW[:lw]
	for y := 0; y < f.lh; y++ {
		s := src[y*lw : (y+1)*lw]
		d := dst[y*lw : (y+1)*lw]
		for x := range d {
			if x >= beautyRadius && x+beautyRadius < lw {
				w := s[x-2 : x+3 : x+3]
				d[x] = (w[0] + w[1] + w[2] + w[3] + w[4]) * 0.2
				continue
			}
			var sum float32
			for i := max(0, x-beautyRadius); i <= min(lw-1, x+beautyRadius); i++ {
				sum += s[i]
			}
			d[x] = sum * invW[x]
		}
	}
}

func (f *BeautyFilter) boxCols(dst, src []float32) {
	lw, lh := f.lw, f.lh
	for y := 0; y < lh; y++ {
		d := dst[y*lw : (y+1)*lw]
		y0, y1 := max(0, y-beautyRadius), min(lh-1, y+beautyRadius)
		if y1-y0 == 2*beautyRadius {
			r0, r1, r2 := src[y0*lw:(y0+1)*lw], src[(y0+1)*lw:(y0+2)*lw], src[(y0+2)*lw:(y0+3)*lw]
			r3, r4 := src[(y0+3)*lw:(y0+4)*lw], src[(y0+4)*lw:(y0+5)*lw]
			r0, r1, r2, r3, r4 = r0[:len(d)], r1[:len(d)], r2[:len(d)], r3[:len(d)], r4[:len(d)]
			for x := range d {
				d[x] = (r0[x] + r1[x] + r2[x] + r3[x] + r4[x]) * 0.2
			}
			continue
		}
		k := f.invH[y]
		clear(d)
		for yy := y0; yy <= y1; yy++ {
			for x, v := range src[yy*lw : (yy+1)*lw] {
				d[x] += v
			}
		}
		for x := range d {
			d[x] *= k
		}
	}
}

// guided computes the filter's coefficients at the reduced size and folds the
// strength in: out = A·I + B, with A = s·ā + (1−s) and B = s·b̄.
func (f *BeautyFilter) guided() {
	s := float32(f.cfg.Smooth) / 100
	// eps is the variance below which detail counts as skin texture: from
	// a standard deviation of 6 levels at the lightest setting to 20.
	k := 6 + 14*s
	eps := k * k
	for i, v := range f.lo {
		f.ca[i] = v * v
	}
	f.boxMean2(f.mean, f.sq, f.lo, f.ca)
	for i, m := range f.mean {
		v := max(f.sq[i]-m*m, 0)
		a := v / (v + eps)
		f.ca[i] = a
		f.cb[i] = m - a*m
	}
	f.boxMean2(f.sq, f.mean, f.ca, f.cb) // the means of a and b
	const one = 1 << beautyQ
	for i := range f.qa {
		f.qa[i] = int32((s*f.sq[i] + (1 - s)) * one)
		f.qb[i] = int32(s * f.mean[i] * one)
	}
	lw := f.lw
	for y := 0; y < f.lh; y++ {
		qa, qb := f.qa[y*lw:(y+1)*lw], f.qb[y*lw:(y+1)*lw]
		ha, hb := f.ha[y*lw:(y+1)*lw-1], f.hb[y*lw:(y+1)*lw-1]
		for k := range ha {
			ha[k] = uint64(min((qa[k]+qa[k+1])>>(beautyQ-7), 256))
			hb[k] = uint64((qb[k] + qb[k+1]) >> (beautyQ - 7))
		}
	}
}

// expand interpolates the coefficients back to full size and applies them
// with the tone curve, one row at a time. Full-size pixels 4k+2 … 4k+5 lie
// between reduced centres k and k+1; they share the coefficients halfway
// between (the coefficients vary slowly; the picture's own detail comes from
// I), which f.ha and f.hb hold in Q8, so that the four are computed at once
// in the 16-bit lanes of a uint64.
func (f *BeautyFilter) expand(dst, src *image.YCbCr) {
	w, h, lw, lh := f.w, f.h, f.lw, f.lh
	lut := &f.lumaLUT
	nb := max(0, min(lw-1, (w-2)/4)) // whole blocks in a row
	for y := 0; y < h; y++ {
		// The centre of reduced row k lies at full-size row 4k+1.5.
		fy := (float64(y) - 1.5) / beautyScale
		y0 := int(math.Floor(fy))
		t := uint64((fy - float64(y0)) * 256)
		if y0 < 0 {
			y0, t = 0, 0
		}
		if y0 >= lh-1 {
			y0, t = lh-1, 0
		}
		y1 := min(y0+1, lh-1)
		ha0, ha1 := f.ha[y0*lw:y0*lw+nb], f.ha[y1*lw:y1*lw+nb]
		hb0, hb1 := f.hb[y0*lw:y0*lw+nb], f.hb[y1*lw:y1*lw+nb]
		ba, bb := f.ba[:nb], f.bb[:nb]
		const lanes = 0x0001000100010001
		for k := range ba {
			a := (ha0[k]*(256-t) + ha1[k]*t) >> 8
			b := (hb0[k]*(256-t) + hb1[k]*t) >> 8
			ba[k] = a
			// A lane must not carry into the next: 255·a + b ≤ 255·256.
			bb[k] = min(b, 255*(256-a)) * lanes
		}
		s := src.Y[y*src.YStride : y*src.YStride+w]
		d := dst.Y[y*dst.YStride : y*dst.YStride+w]
		// Pixels 0 and 1 lie left of the first centre, and those past the
		// last whole block right of the last: they take the nearest.
		i0, i1 := y0*lw, y0*lw+lw-1
		for x := 0; x < min(2, w); x++ {
			d[x] = lut[clampQ(f.qa[i0]*int32(s[x])+f.qb[i0])]
		}
		for x := 2 + 4*nb; x < w; x++ {
			d[x] = lut[clampQ(f.qa[i1]*int32(s[x])+f.qb[i1])]
		}
		const m = 0x00ff00ff00ff00ff
		sb, db := s[2:2+4*nb], d[2:2+4*nb]
		for k, a := range ba {
			v := uint64(binary.LittleEndian.Uint32(sb[4*k:]))
			v = (v | v<<16) & 0x0000ffff0000ffff
			v = (v | v<<8) & m
			q := (v*a + bb[k]) >> 8
			o := db[4*k : 4*k+4 : 4*k+4]
			o[0], o[1], o[2], o[3] = lut[uint8(q)], lut[uint8(q>>16)], lut[uint8(q>>32)], lut[uint8(q>>48)]
		}
	}
}

// clampQ turns a Q14 result into a LUT index. A·I + B stays within 0..255
// by construction (A, B ≥ 0 and ā·I + b̄ ≤ ā·255 + 255·(1−ā)); min only
// guards rounding.
func clampQ(v int32) uint8 {
	return uint8(min(v>>beautyQ, 255))
}

// updateLUTs rebuilds the tone curves when the settings or the room's
// brightness have changed enough to matter.
func (f *BeautyFilter) updateLUTs() {
	// Dimness is 0 for a well-lit picture (mean luma ≥ 100 of 16..235) and 1
	// for a dark one (≤ 50).
	dim := math.Min(1, math.Max(0, (100-f.avgLuma)/50))
	if f.lutValid && f.lutFor == f.cfg && math.Abs(dim-f.lutDimness) < 0.01 {
		return
	}
	f.lutFor, f.lutDimness, f.lutValid = f.cfg, dim, true
	bright := float64(f.cfg.Brighten) / 100
	light := float64(f.cfg.Light) / 100 * dim
	// A dim room gets more exposure with the highlights rolled off, like a
	// film curve (black stays black, white stays white); mid-tones a soft
	// lift for brightening.
	g := 3 * light
	for i := range 256 {
		v := (float64(i) - 16) / 219
		v = math.Min(1, math.Max(0, v))
		if g > 0.01 {
			v = (1 - math.Exp(-g*v)) / (1 - math.Exp(-g))
		}
		v += 0.35 * bright * v * (1 - v)
		f.lumaLUT[i] = uint8(math.Round(16 + 219*math.Min(1, v)))
		if i < 16 {
			f.lumaLUT[i] = uint8(i)
		}
		if i > 235 && f.lumaLUT[i] < uint8(i) {
			f.lumaLUT[i] = uint8(i)
		}
	}
	// Whitening takes a fifth of the colour's distance from grey away at full
	// strength, and a little more of the red (Cr) that reads as a flushed or
	// yellow-brown skin under warm light.
	// A picture brightened out of a dim room needs its colour raised too,
	// or the lifted faces look grey.
	sat := 1 + 0.5*light
	f.kb, f.kr = uint64(math.Round(256*(1-0.15*bright)*sat)), uint64(math.Round(256*(1-0.25*bright)*sat))
	for i := range 256 {
		f.cbLUT[i] = clampF(128 + (float64(i)-128)*float64(f.kb)/256)
		f.crLUT[i] = clampF(128 + (float64(i)-128)*float64(f.kr)/256)
	}
}

func clampF(v float64) uint8 { return uint8(math.Min(255, math.Max(0, math.Round(v)))) }
