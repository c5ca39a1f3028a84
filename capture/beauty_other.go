//go:build !amd64

package capture

// expandAVX2 is false here: no vector version; expandRow does every block.
var expandAVX2 = false

func expandBlocks(d, s []byte, c0, c1 []uint64, t uint64, pl *pairTable) int { return 0 }

func towardGreyBlocks(dst, src []byte, k uint64) int { return 0 }

func scaleChromaBlocks(dst, src []byte, k uint64) int { return 0 }

func colCoeffsBlocks(ca, cb []float32, c1, c2, in1, out1, in2, out2 []int32, invW []float32, kh, eps float32) int {
	return 0
}

func colMeansBlocks(qa, qb []int32, cA, cB, inA, outA, inB, outB, invW []float32, kh, s float32) int {
	return 0
}

func packHalfwayBlocks(hc []uint64, qa, qb []int32) int { return 0 }

func reduceRowBlocks(out []int32, r0, r1 []byte) int { return 0 }

func boxIntBlocks(d1, d2, src []int32, n int) int { return 0 }

func boxFloatBlocks(d1, d2, a, b []float32, n int) int { return 0 }
