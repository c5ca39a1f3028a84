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
	beautyRadius = 2 // box radius at the reduced size (8 pixels at full size)
	beautyQ      = 14
)

// BeautyFilter applies Beauty to I420 frames. It keeps scratch buffers and a
// running estimate of the scene's brightness between frames, so one filter
// serves one stream of frames; it is not safe for concurrent use. After the
// first frame of a size it allocates nothing.
type BeautyFilter struct {
	cfg Beauty

	w, h, lw, lh int
	// lo is the reduced luma: each 4×4 block as the sum of 8 of its pixels
	// (8 × its mean), so that the box sums below are exact integers.
	lo         []int32
	s1, s2     []int32   // row box sums of lo and lo²
	c1, c2     []int32   // running column sums of s1, s2 (one row)
	ca, cb     []float32 // guided-filter coefficients (a, b)
	ra, rb     []float32 // row box sums of a and b
	cA, cB     []float32 // running column sums of ra, rb (one row)
	zi         []int32   // a row of zeros
	zf         []float32 // a row of zeros
	qa, qb     []int32   // the means of a and b in Q14, strength folded in
	hc         []uint64  // Q8 coefficients halfway between reduced columns, a | b<<32
	acc        []uint32
	acc64      []uint64
	invW, invH []float32 // 1 / the window's size at each column and row

	lumaLUT [256]uint8
	// pairLUT is lumaLUT on two pixels at once (index: first | second<<8),
	// so the full-size pass looks up half as often.
	pairLUT *pairTable

	lumaIdentity bool   // the tone curve changes nothing
	kb, kr       uint64 // chroma kept by whitening (raised in a dim room), of 256
	cbLUT        [256]uint8
	crLUT        [256]uint8
	lutFor       Beauty
	lutDimness   float64
	lutValid     bool
	// avgLuma is the scene's mean luma, smoothed over frames so that the
	// light correction does not pump when someone walks past.
	avgLuma float64
	seen    bool
}

// pairTable is the tone curve on pixel pairs, with 2 bytes of padding for
// the vector gather, which reads 4 bytes at each pair.
type pairTable [1<<16 + 1]uint16

// NewBeautyFilter returns a filter with the given settings.
func NewBeautyFilter(b Beauty) *BeautyFilter { return &BeautyFilter{cfg: b} }

// Set changes the settings from the next frame on.
func (f *BeautyFilter) Set(b Beauty) { f.cfg = b }

// Settings returns the current settings.
func (f *BeautyFilter) Settings() Beauty { return f.cfg }

// Apply filters src into dst, which must have src's size (dst may be src).
// Chroma is copied (and whitened when Brighten is on). Stages whose setting
// is 0 are skipped: without smoothing nothing is reduced or filtered (unless
// the light correction needs the room's brightness), and a tone curve that
// changes nothing is not looked up.
func (f *BeautyFilter) Apply(dst, src *image.YCbCr) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	f.resize(w, h)
	if f.cfg.Smooth > 0 || f.cfg.Light > 0 {
		f.reduce(src)
	} else {
		f.seen = false // measured afresh when the light correction comes on
	}
	f.updateLUTs()
	if f.cfg.Smooth > 0 {
		f.guided()
		f.expand(dst, src)
	} else {
		f.toneOnly(dst, src)
	}
	cw, ch := (w+1)/2, (h+1)/2
	whiten := f.kb != 256 || f.kr != 256
	same := len(dst.Cb) > 0 && len(src.Cb) > 0 && &dst.Cb[0] == &src.Cb[0] && dst.CStride == src.CStride
	if !whiten && same {
		return
	}
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
		x := min(scaleChromaBlocks(db, sb, f.kb), scaleChromaBlocks(dr, sr, f.kr))
		for ; x < len(sb); x++ {
			db[x] = f.cbLUT[sb[x]]
			dr[x] = f.crLUT[sr[x]]
		}
	}
}

// toneOnly applies the tone curve alone (no smoothing), eight pixels a step
// through the pair table; a curve that changes nothing is a copy.
func (f *BeautyFilter) toneOnly(dst, src *image.YCbCr) {
	w, h := f.w, f.h
	same := len(dst.Y) > 0 && len(src.Y) > 0 && &dst.Y[0] == &src.Y[0] && dst.YStride == src.YStride
	if f.lumaIdentity && same {
		return
	}
	pl, lut := f.pairLUT, &f.lumaLUT
	for y := 0; y < h; y++ {
		s := src.Y[y*src.YStride : y*src.YStride+w]
		d := dst.Y[y*dst.YStride : y*dst.YStride+w]
		if f.lumaIdentity {
			copy(d, s)
			continue
		}
		x := 0
		for ; x+8 <= len(s) && x+8 <= len(d); x += 8 {
			v := binary.LittleEndian.Uint64(s[x:])
			o := uint64(pl[uint16(v)]) | uint64(pl[uint16(v>>16)])<<16 | uint64(pl[uint16(v>>32)])<<32 | uint64(pl[uint16(v>>48)])<<48
			binary.LittleEndian.PutUint64(d[x:], o)
		}
		for ; x < len(s); x++ {
			d[x] = lut[s[x]]
		}
	}
}

// towardGrey writes 128 + (v−128)·k/256 for each byte, eight at a time in
// the 16-bit lanes of two uint64s (v·k ≤ 255·256 fits a lane).
func towardGrey(dst, src []byte, k uint64) {
	const m = 0x00ff00ff00ff00ff
	off := (128 * (256 - k)) * 0x0001000100010001
	i := towardGreyBlocks(dst, src, k)
	for ; i+8 <= len(src) && i+8 <= len(dst); i += 8 {
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
	n, lw := f.lw*f.lh, f.lw
	f.lo, f.s1, f.s2 = make([]int32, n), make([]int32, n), make([]int32, n)
	f.c1, f.c2 = make([]int32, lw), make([]int32, lw)
	f.ca, f.cb, f.ra, f.rb = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	f.cA, f.cB = make([]float32, lw), make([]float32, lw)
	f.zi, f.zf = make([]int32, lw), make([]float32, lw)
	f.qa, f.qb = make([]int32, n), make([]int32, n)
	f.hc = make([]uint64, n)
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

// reduce sums each 4×4 block of luma into f.lo and updates the running
// brightness.
func (f *BeautyFilter) reduce(src *image.YCbCr) {
	if f.w%8 == 0 && f.h%beautyScale == 0 {
		f.reduceFast(src)
	} else {
		f.reduceAny(src)
	}
	var total int64
	for _, m := range f.lo {
		total += int64(m)
	}
	mean := float64(total) / 8 / float64(len(f.lo))
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
		y := by*beautyScale + 1
		r0 := src.Y[y*src.YStride : y*src.YStride+w]
		r1 := src.Y[(y+1)*src.YStride : (y+1)*src.YStride+w]
		out := f.lo[by*lw : (by+1)*lw]
		done := reduceRowBlocks(out, r0, r1) // blocks done; acc carries two a word
		if done == len(out) {
			continue
		}
		for i := done / 2; i < len(acc); i++ {
			v0 := binary.LittleEndian.Uint64(r0[8*i:])
			v1 := binary.LittleEndian.Uint64(r1[8*i:])
			acc[i] = v0&m + (v0>>8)&m + v1&m + (v1>>8)&m
		}
		for i := done / 2; i < len(acc); i++ {
			v := acc[i]
			if 2*i+1 >= len(out) {
				break
			}
			out[2*i] = int32(v&0xffff + (v>>16)&0xffff)
			out[2*i+1] = int32((v>>32)&0xffff + (v>>48)&0xffff)
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
			n := uint32(rows * (x1 - x0))
			out[bx] = int32((8*s + n/2) / n)
		}
	}
}

// boxRowInt writes the sums of src and of its squares over a window of
// 2r+1 (the part inside the row at its ends).
func boxRowInt(d1, d2, src []int32) {
	const r = beautyRadius
	n := len(src)
	d1, d2 = d1[:n], d2[:n]
	tap := func(x int) {
		var s1, s2 int32
		for i := max(0, x-r); i <= min(n-1, x+r); i++ {
			s1 += src[i]
			s2 += src[i] * src[i]
		}
		d1[x], d2[x] = s1, s2
	}
	x := 0
	for ; x < min(r, n); x++ {
		tap(x)
	}
	if n > 2*r {
		x += boxIntBlocks(d1[x:], d2[x:], src[x-r:], n-2*r)
	}
	for ; x < n; x++ {
		tap(x)
	}
}

// boxRowFloat writes the sums of two rows over a window of 2r+1, each
// summed left to right (as the vector loop does, so the bits agree).
func boxRowFloat(d1, d2, a, b []float32) {
	const r = beautyRadius
	n := len(a)
	d1, d2, b = d1[:n], d2[:n], b[:n]
	tap := func(x int) {
		var s1, s2 float32
		for i := max(0, x-r); i <= min(n-1, x+r); i++ {
			s1 += a[i]
			s2 += b[i]
		}
		d1[x], d2[x] = s1, s2
	}
	x := 0
	for ; x < min(r, n); x++ {
		tap(x)
	}
	if n > 2*r {
		x += boxFloatBlocks(d1[x:], d2[x:], a[x-r:], b[x-r:], n-2*r)
	}
	for ; x+r < n; x++ {
		w, v := a[x-r:x+r+1:x+r+1], b[x-r:x+r+1:x+r+1]
		d1[x] = w[0] + w[1] + w[2] + w[3] + w[4]
		d2[x] = v[0] + v[1] + v[2] + v[3] + v[4]
	}
	for ; x < n; x++ {
		tap(x)
	}
}

// guided computes the filter's coefficients at the reduced size and folds the
// strength in: out = A·I + B, with A = s·ā + (1−s) and B = s·b̄. The box
// means are running sums, rows first, then columns one row at a time, and
// each row's coefficients are worked out as soon as its column sums are in.
func (f *BeautyFilter) guided() {
	const r = beautyRadius
	s := float32(f.cfg.Smooth) / 100
	// eps is the variance below which detail counts as skin texture: from
	// a standard deviation of 6 levels at the lightest setting to 20.
	k := 6 + 14*s
	eps := k * k
	lw, lh := f.lw, f.lh
	row := func(v []int32, y int) []int32 {
		if y < 0 || y >= lh {
			return f.zi // rows outside the picture add nothing
		}
		return v[y*lw : (y+1)*lw]
	}
	rowF := func(v []float32, y int) []float32 {
		if y < 0 || y >= lh {
			return f.zf
		}
		return v[y*lw : (y+1)*lw]
	}
	for y := 0; y < lh; y++ {
		boxRowInt(row(f.s1, y), row(f.s2, y), row(f.lo, y))
	}
	clear(f.c1)
	clear(f.c2)
	for y := 0; y < r; y++ {
		colCoeffs(nil, nil, f.c1, f.c2, row(f.s1, y), f.zi, row(f.s2, y), f.zi, nil, 0, 0)
	}
	for y := 0; y < lh; y++ {
		colCoeffs(rowF(f.ca, y), rowF(f.cb, y), f.c1, f.c2, row(f.s1, y+r), row(f.s1, y-r-1),
			row(f.s2, y+r), row(f.s2, y-r-1), f.invW, f.invH[y], eps)
	}
	for y := 0; y < lh; y++ {
		boxRowFloat(rowF(f.ra, y), rowF(f.rb, y), rowF(f.ca, y), rowF(f.cb, y))
	}
	clear(f.cA)
	clear(f.cB)
	for y := 0; y < r; y++ {
		colMeans(nil, nil, nil, f.cA, f.cB, rowF(f.ra, y), f.zf, rowF(f.rb, y), f.zf, nil, 0, 0)
	}
	for y := 0; y < lh; y++ {
		colMeans(row(f.qa, y), row(f.qb, y), f.hc[y*lw:(y+1)*lw-1], f.cA, f.cB, rowF(f.ra, y+r), rowF(f.ra, y-r-1),
			rowF(f.rb, y+r), rowF(f.rb, y-r-1), f.invW, f.invH[y], s)
	}
}

// colCoeffs moves the running column sums of lo and lo² down a row (in1,
// in2 come in, out1, out2 go out) and, with ca non-nil, writes the row's
// guided-filter coefficients a and b: kh is 1 / the window's height there.
func colCoeffs(ca, cb []float32, c1, c2, in1, out1, in2, out2 []int32, invW []float32, kh, eps float32) {
	n := len(c1)
	c2, in1, out1, in2, out2 = c2[:n], in1[:n], out1[:n], in2[:n], out2[:n]
	if ca == nil {
		for x := range c1 {
			c1[x] += in1[x] - out1[x]
			c2[x] += in2[x] - out2[x]
		}
		return
	}
	ca, cb, invW = ca[:n], cb[:n], invW[:n]
	for x := colCoeffsBlocks(ca, cb, c1, c2, in1, out1, in2, out2, invW, kh, eps); x < n; x++ {
		s1 := c1[x] + in1[x] - out1[x]
		s2 := c2[x] + in2[x] - out2[x]
		c1[x], c2[x] = s1, s2
		k := invW[x] * kh // 1 / the window's size
		m := float32(s1) * k * (1.0 / 8)
		v := max(float32(s2)*k*(1.0/64)-m*m, 0)
		a := v / (v + eps)
		ca[x] = a
		cb[x] = m - a*m
	}
}

// colMeans moves the running column sums of a and b down a row and, with
// qa non-nil, writes the row's A and B in Q14 (strength s folded in) and
// their values halfway between columns in Q8, packed a | b<<32, in hc.
func colMeans(qa, qb []int32, hc []uint64, cA, cB, inA, outA, inB, outB []float32, invW []float32, kh, s float32) {
	n := len(cA)
	cB, inA, outA, inB, outB = cB[:n], inA[:n], outA[:n], inB[:n], outB[:n]
	if qa == nil {
		for x := range cA {
			cA[x] += inA[x] - outA[x]
			cB[x] += inB[x] - outB[x]
		}
		return
	}
	const one = 1 << beautyQ
	qa, qb, invW = qa[:n], qb[:n], invW[:n]
	for x := colMeansBlocks(qa, qb, cA, cB, inA, outA, inB, outB, invW, kh, s); x < n; x++ {
		sa := cA[x] + inA[x] - outA[x]
		sb := cB[x] + inB[x] - outB[x]
		cA[x], cB[x] = sa, sb
		k := invW[x] * kh
		qa[x] = int32((s*sa*k + (1 - s)) * one)
		qb[x] = int32(s * sb * k * one)
	}
	hc = hc[:n-1]
	for x := packHalfwayBlocks(hc, qa, qb); x < len(hc); x++ {
		a := uint64(min((qa[x]+qa[x+1])>>(beautyQ-7), 256))
		b := uint64(max(qb[x]+qb[x+1], 0) >> (beautyQ - 7))
		// A lane of expandRow must not carry into the next: 255·a + b ≤
		// 255·256 here keeps it so for any mix of two rows' coefficients.
		hc[x] = a | min(b, 255*(256-a))<<32
	}
}

// expand interpolates the coefficients back to full size and applies them
// with the tone curve, one row at a time. Full-size pixels 4k+2 … 4k+5 lie
// between reduced centres k and k+1; they share the coefficients halfway
// between (the coefficients vary slowly; the picture's own detail comes from
// I), which f.hc holds in Q8, so that the four are computed at once
// in the 16-bit lanes of a uint64, and then looked up in the tone curve two
// at a time.
func (f *BeautyFilter) expand(dst, src *image.YCbCr) {
	w, h, lw, lh := f.w, f.h, f.lw, f.lh
	lut, pl := &f.lumaLUT, f.pairLUT
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
		expandRow(d[2:2+4*nb], s[2:2+4*nb], f.hc[y0*lw:y0*lw+nb], f.hc[y1*lw:y1*lw+nb], t, pl)
	}
}

// expandRow applies the coefficients of two reduced rows, t/256 of the way
// from c0 to c1, to four pixels a block (see expand), two blocks a step.
// Each coefficient pair is packed as a | b<<32, so one multiply
// interpolates both.
func expandRow(d, s []byte, c0, c1 []uint64, t uint64, pl *pairTable) {
	u := 256 - t
	c1 = c1[:len(c0)]
	s, d = s[:4*len(c0)], d[:4*len(c0)]
	k := expandBlocks(d, s, c0, c1, t, pl)
	for ; k+2 <= len(c0); k += 2 {
		w := binary.LittleEndian.Uint64(s[4*k:])
		q0 := applyBlock(uint32(w), c0[k]*u+c1[k]*t)
		q1 := applyBlock(uint32(w>>32), c0[k+1]*u+c1[k+1]*t)
		binary.LittleEndian.PutUint64(d[4*k:], uint64(pl[uint16(q0)])|uint64(pl[uint16(q0>>32)])<<16|
			uint64(pl[uint16(q1)])<<32|uint64(pl[uint16(q1>>32)])<<48)
	}
	for ; k < len(c0); k++ {
		q := applyBlock(binary.LittleEndian.Uint32(s[4*k:]), c0[k]*u+c1[k]*t)
		binary.LittleEndian.PutUint32(d[4*k:], uint32(pl[uint16(q)])|uint32(pl[uint16(q>>32)])<<16)
	}
}

// applyBlock computes a·p + b for four pixels p in the 16-bit lanes of a
// uint64, c being a·256 | b·256<<32, and returns the results as two pairs of
// bytes: bytes 0–1 and 4–5.
func applyBlock(p uint32, c uint64) uint64 {
	const m = 0x00ff00ff00ff00ff
	a := uint64(uint32(c)) >> 8
	b := (c >> 40) * 0x0001000100010001
	v := uint64(p)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & m
	q := ((v*a + b) >> 8) & m
	return q | q>>8
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
	if f.cfg.Light == 0 {
		dim = 0 // the brightness is not measured then, and not needed
	}
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
	f.lumaIdentity = true
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
		if f.lumaLUT[i] != uint8(i) {
			f.lumaIdentity = false
		}
	}
	if f.pairLUT == nil {
		f.pairLUT = new(pairTable)
	}
	for hi := range 256 {
		base := uint16(f.lumaLUT[hi]) << 8
		row := f.pairLUT[hi<<8 : hi<<8+256]
		for lo, v := range f.lumaLUT {
			row[lo] = base | uint16(v)
		}
	}
	// Whitening takes a fifth of the colour's distance from grey away at full
	// strength, and a little more of the red (Cr) that reads as a flushed or
	// yellow-brown skin under warm light.
	// A picture brightened out of a dim room needs its colour raised too,
	// or the lifted faces look grey.
	sat := 1 + 0.5*light
	f.kb, f.kr = uint64(math.Round(256*(1-0.15*bright)*sat)), uint64(math.Round(256*(1-0.25*bright)*sat))
	// Halves round up, as the vector loop's VPMULHRSW does.
	for i := range 256 {
		f.cbLUT[i] = clampHalfUp(128 + (float64(i)-128)*float64(f.kb)/256)
		f.crLUT[i] = clampHalfUp(128 + (float64(i)-128)*float64(f.kr)/256)
	}
}

func clampHalfUp(v float64) uint8 { return uint8(math.Min(255, math.Max(0, math.Floor(v+0.5)))) }

func clampF(v float64) uint8 { return uint8(math.Min(255, math.Max(0, math.Round(v)))) }
