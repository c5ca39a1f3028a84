package scene

import (
	"encoding/binary"
	"image"
)

// crossFade mixes from into dst (which holds the new picture) with mix/256
// of the new, on all three planes. Eight bytes at a time in the 16-bit
// lanes of two uint64s: a·x + (256−a)·y ≤ 255·256 fits a lane.
func crossFade(dst, from *image.YCbCr, mix int) {
	a := uint64(max(0, min(256, mix)))
	fadePlane(dst.Y, from.Y, a)
	fadePlane(dst.Cb, from.Cb, a)
	fadePlane(dst.Cr, from.Cr, a)
}

func fadePlane(dst, from []byte, a uint64) {
	const m = 0x00ff00ff00ff00ff
	b := 256 - a
	n := min(len(dst), len(from))
	i := 0
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(dst[i:])
		y := binary.LittleEndian.Uint64(from[i:])
		lo := ((x&m)*a + (y&m)*b) >> 8 & m
		hi := (((x>>8)&m)*a + ((y>>8)&m)*b) & (m << 8)
		binary.LittleEndian.PutUint64(dst[i:], lo|hi)
	}
	for ; i < n; i++ {
		dst[i] = uint8((uint64(dst[i])*a + uint64(from[i])*b) >> 8)
	}
}
