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
