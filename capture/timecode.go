package capture

import (
	"image"
	"image/color"
	"time"
)

// The block code is a grid of TimecodeCols × TimecodeRows square-ish blocks in
// the top-left corner. Its geometry is a fraction of the frame size (a block is
// 1/80 of the width and 1/45 of the height: 16×16 px at 1280×720), so a decoder
// finds it in a picture scaled to any size. docs/timecode.md is the reference
// for decoders in other languages; keep the two in step.
const (
	TimecodeCols = 24
	TimecodeRows = 4
	// A block is width/TimecodeGridW wide and height/TimecodeGridH high.
	TimecodeGridW = 80
	TimecodeGridH = 45
)

const (
	tcBits      = TimecodeCols * TimecodeRows // 96
	tcFrameAt   = 4
	tcTimeAt    = tcFrameAt + 32
	tcCRCAt     = tcTimeAt + 48
	tcEndMarkAt = tcCRCAt + 8
	tcWhiteY    = 235
	tcBlackY    = 16
)

var (
	tcStartMark = [4]bool{true, false, true, false}
	tcEndMark   = [4]bool{false, true, false, true}
)

// Timecode is what the test pattern burns into a frame.
type Timecode struct {
	Frame uint32
	// Time is the capture wall-clock time, to the millisecond.
	Time time.Time
}

// crc8 is CRC-8 with polynomial 0x07 (x⁸+x²+x+1), initial value 0, no
// reflection, no final XOR: the common "CRC-8/SMBUS".
func crc8(data []byte) uint8 {
	var c uint8
	for _, b := range data {
		c ^= b
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func timecodeBits(tc Timecode) [tcBits]bool {
	var bits [tcBits]bool
	copy(bits[:4], tcStartMark[:])
	ms := uint64(tc.Time.UnixMilli()) & (1<<48 - 1)
	var payload [10]byte
	for i := range 4 {
		payload[i] = byte(tc.Frame >> (24 - 8*i))
	}
	for i := range 6 {
		payload[4+i] = byte(ms >> (40 - 8*i))
	}
	for i := range 32 {
		bits[tcFrameAt+i] = tc.Frame>>(31-i)&1 == 1
	}
	for i := range 48 {
		bits[tcTimeAt+i] = ms>>(47-i)&1 == 1
	}
	c := crc8(payload[:])
	for i := range 8 {
		bits[tcCRCAt+i] = c>>(7-i)&1 == 1
	}
	copy(bits[tcEndMarkAt:], tcEndMark[:])
	return bits
}

// blockRect is block i's pixel rectangle in a w×h frame.
func blockRect(i, w, h int) image.Rectangle {
	c, r := i%TimecodeCols, i/TimecodeCols
	return image.Rect(c*w/TimecodeGridW, r*h/TimecodeGridH, (c+1)*w/TimecodeGridW, (r+1)*h/TimecodeGridH)
}

// TimecodeBounds is the area the code occupies in a w×h frame.
func TimecodeBounds(w, h int) image.Rectangle {
	return image.Rect(0, 0, TimecodeCols*w/TimecodeGridW, TimecodeRows*h/TimecodeGridH)
}

// DrawTimecode burns tc into an I420 frame: white and black luma blocks with
// neutral chroma, so colour subsampling and compression leave them readable.
func DrawTimecode(img *image.YCbCr, tc Timecode) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	bits := timecodeBits(tc)
	for i, on := range bits {
		r := blockRect(i, w, h)
		v := uint8(tcBlackY)
		if on {
			v = tcWhiteY
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := img.Y[y*img.YStride+r.Min.X : y*img.YStride+r.Max.X]
			for x := range row {
				row[x] = v
			}
		}
	}
	cb := TimecodeBounds(w, h)
	for y := cb.Min.Y / 2; y < (cb.Max.Y+1)/2; y++ {
		for x := cb.Min.X / 2; x < (cb.Max.X+1)/2 && x < img.CStride; x++ {
			img.Cb[y*img.CStride+x] = 128
			img.Cr[y*img.CStride+x] = 128
		}
	}
}

// ReadTimecode decodes the block code from a frame of any size (it scales with
// the frame). It returns false when there is no valid code: markers missing,
// or the checksum does not match.
func ReadTimecode(img image.Image) (Timecode, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < TimecodeGridW || h < TimecodeGridH {
		return Timecode{}, false
	}
	luma := lumaSampler(img)
	var bits [tcBits]bool
	for i := range bits {
		r := blockRect(i, w, h)
		// Average the central half of the block: edges ring after compression.
		qx, qy := max(r.Dx()/4, 0), max(r.Dy()/4, 0)
		var sum, n int
		for y := r.Min.Y + qy; y < r.Max.Y-qy; y++ {
			for x := r.Min.X + qx; x < r.Max.X-qx; x++ {
				sum += int(luma(b.Min.X+x, b.Min.Y+y))
				n++
			}
		}
		if n == 0 {
			return Timecode{}, false
		}
		bits[i] = sum/n >= 128
	}
	for i := range 4 {
		if bits[i] != tcStartMark[i] || bits[tcEndMarkAt+i] != tcEndMark[i] {
			return Timecode{}, false
		}
	}
	var frame uint32
	var ms uint64
	var c uint8
	for i := range 32 {
		frame = frame<<1 | bit(bits[tcFrameAt+i])
	}
	for i := range 48 {
		ms = ms<<1 | uint64(bit(bits[tcTimeAt+i]))
	}
	for i := range 8 {
		c = c<<1 | uint8(bit(bits[tcCRCAt+i]))
	}
	var payload [10]byte
	for i := range 4 {
		payload[i] = byte(frame >> (24 - 8*i))
	}
	for i := range 6 {
		payload[4+i] = byte(ms >> (40 - 8*i))
	}
	if crc8(payload[:]) != c {
		return Timecode{}, false
	}
	return Timecode{Frame: frame, Time: time.UnixMilli(int64(ms))}, true
}

func bit(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// lumaSampler returns a fast luma reader for the common types and a generic
// one for the rest; coordinates are absolute.
func lumaSampler(img image.Image) func(x, y int) uint8 {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) uint8 { return m.Y[m.YOffset(x, y)] }
	case *image.RGBA:
		return func(x, y int) uint8 {
			p := m.Pix[m.PixOffset(x, y):]
			return uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
		}
	case *image.NRGBA:
		return func(x, y int) uint8 {
			p := m.Pix[m.PixOffset(x, y):]
			return uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
		}
	case *image.Gray:
		return func(x, y int) uint8 { return m.Pix[m.PixOffset(x, y)] }
	default:
		return func(x, y int) uint8 { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y }
	}
}
