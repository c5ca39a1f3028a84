package capture

import "golang.org/x/sys/cpu"

// expandAVX2: the full-size pass of the beauty filter runs sixteen pixels a
// step where the processor has AVX2 (beauty_amd64.s).
var expandAVX2 = cpu.X86.HasAVX2

//go:noescape
func expandBlocksAVX2(d, s *byte, c0, c1 *uint64, n int, t uint64, pl *uint16)

// expandBlocks runs expandRow's loop over the first blocks it can do at
// once and returns how many it did.
func expandBlocks(d, s []byte, c0, c1 []uint64, t uint64, pl *pairTable) int {
	n := len(c0) &^ 3
	if !expandAVX2 || n == 0 || len(c1) < n || len(s) < 4*n || len(d) < 4*n {
		return 0
	}
	expandBlocksAVX2(&d[0], &s[0], &c0[0], &c1[0], n, t, &pl[0])
	return n
}

//go:noescape
func towardGreyAVX2(d, s *byte, n int, k uint64)

// towardGreyBlocks does the first bytes of towardGrey it can do sixteen at
// a time and returns how many it did.
func towardGreyBlocks(dst, src []byte, k uint64) int {
	n := min(len(src), len(dst)) &^ 15
	if !expandAVX2 || n == 0 || k > 256 {
		return 0
	}
	towardGreyAVX2(&dst[0], &src[0], n, k)
	return n
}

//go:noescape
func scaleChromaAVX2(d, s *byte, n int, k uint64)

// scaleChromaBlocks does the first bytes of a chroma row's whitening (the
// table form, any k) sixteen at a time and returns how many it did.
func scaleChromaBlocks(dst, src []byte, k uint64) int {
	n := min(len(src), len(dst)) &^ 15
	if !expandAVX2 || n == 0 || k > 16383 {
		return 0
	}
	scaleChromaAVX2(&dst[0], &src[0], n, k)
	return n
}

//go:noescape
func colCoeffsAVX2(ca, cb *float32, c1, c2, in1, out1, in2, out2 *int32, invW *float32, n int, kh, eps float32)

// colCoeffsBlocks does the first columns of colCoeffs eight at a time and
// returns how many it did (the slices all have len(c1) elements).
func colCoeffsBlocks(ca, cb []float32, c1, c2, in1, out1, in2, out2 []int32, invW []float32, kh, eps float32) int {
	n := len(c1) &^ 7
	if !expandAVX2 || n == 0 {
		return 0
	}
	colCoeffsAVX2(&ca[0], &cb[0], &c1[0], &c2[0], &in1[0], &out1[0], &in2[0], &out2[0], &invW[0], n, kh, eps)
	return n
}

//go:noescape
func colMeansAVX2(qa, qb *int32, cA, cB, inA, outA, inB, outB, invW *float32, n int, kh, s float32)

// colMeansBlocks does the first columns of colMeans's first loop eight at
// a time and returns how many it did (the slices all have len(cA) elements).
func colMeansBlocks(qa, qb []int32, cA, cB, inA, outA, inB, outB, invW []float32, kh, s float32) int {
	n := len(cA) &^ 7
	if !expandAVX2 || n == 0 {
		return 0
	}
	colMeansAVX2(&qa[0], &qb[0], &cA[0], &cB[0], &inA[0], &outA[0], &inB[0], &outB[0], &invW[0], n, kh, s)
	return n
}

//go:noescape
func packHalfwayAVX2(hc *uint64, qa, qb *int32, n int)

// packHalfwayBlocks does the first coefficients of colMeans's second loop
// eight at a time and returns how many it did (qa and qb have len(hc)+1).
func packHalfwayBlocks(hc []uint64, qa, qb []int32) int {
	n := len(hc) &^ 7
	if !expandAVX2 || n == 0 || len(qa) <= n || len(qb) <= n {
		return 0
	}
	packHalfwayAVX2(&hc[0], &qa[0], &qb[0], n)
	return n
}

//go:noescape
func reduceRowAVX2(out *int32, r0, r1 *byte, n int)

// reduceRowBlocks does the first blocks of a reduced row eight at a time
// and returns how many it did.
func reduceRowBlocks(out []int32, r0, r1 []byte) int {
	n := min(len(out), len(r0)/4, len(r1)/4) &^ 7
	if !expandAVX2 || n == 0 {
		return 0
	}
	reduceRowAVX2(&out[0], &r0[0], &r1[0], n)
	return n
}

//go:noescape
func boxIntAVX2(d1, d2, src *int32, n int)

//go:noescape
func boxFloatAVX2(d1, d2, a, b *float32, n int)

// boxIntBlocks does the first m of a row's n whole windows eight at a
// time (src starts 2 before the first window's centre) and returns m.
func boxIntBlocks(d1, d2, src []int32, n int) int {
	m := n &^ 7
	if !expandAVX2 || m == 0 || len(d1) < m || len(d2) < m || len(src) < m+2*beautyRadius {
		return 0
	}
	boxIntAVX2(&d1[0], &d2[0], &src[0], m)
	return m
}

// boxFloatBlocks is boxIntBlocks for boxRowFloat.
func boxFloatBlocks(d1, d2, a, b []float32, n int) int {
	m := n &^ 7
	if !expandAVX2 || m == 0 || len(d1) < m || len(d2) < m || len(a) < m+2*beautyRadius || len(b) < m+2*beautyRadius {
		return 0
	}
	boxFloatAVX2(&d1[0], &d2[0], &a[0], &b[0], m)
	return m
}
