//go:build !amd64

package capture

// expandAVX2 is false here: no vector version; expandRow does every block.
var expandAVX2 = false

func expandBlocks(d, s []byte, c0, c1 []uint64, t uint64, pl *pairTable) int { return 0 }

func towardGreyBlocks(dst, src []byte, k uint64) int { return 0 }

func scaleChromaBlocks(dst, src []byte, k uint64) int { return 0 }
