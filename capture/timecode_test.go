package capture

import (
	"testing"
	"time"

	"showcaster/internal/clock"
)

func TestTimecodeRoundTripAtSizes(t *testing.T) {
	at := time.UnixMilli(1_790_000_123_456)
	for _, size := range [][2]int{{1280, 720}, {1920, 1080}, {640, 360}, {854, 480}, {320, 180}} {
		img := NewI420(size[0], size[1])
		DrawTimecode(img, Timecode{Frame: 0xA5C3_0F01, Time: at})
		tc, ok := ReadTimecode(img)
		if !ok || tc.Frame != 0xA5C3_0F01 || !tc.Time.Equal(at) {
			t.Errorf("%dx%d: read %+v ok=%v, want frame %d at %v", size[0], size[1], tc, ok, uint32(0xA5C30F01), at)
		}
		rgba := ToRGBA(img, 0, 0)
		if tc, ok := ReadTimecode(rgba); !ok || tc.Frame != 0xA5C3_0F01 {
			t.Errorf("%dx%d as RGBA: read %+v ok=%v", size[0], size[1], tc, ok)
		}
	}
}

func TestTimecodeSurvivesScalingAndNoise(t *testing.T) {
	clk := clock.NewFake(time.UnixMilli(1_790_000_000_000))
	src := NewTestPattern(TestPatternConfig{Width: 1280, Height: 720, FPS: 30, Clock: clk})
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	// Blur-like damage: add ±60 of noise to luma, as heavy compression might.
	for i := range f.Image.Y {
		f.Image.Y[i] = uint8(max(0, min(255, int(f.Image.Y[i])+(i*7919%121)-60)))
	}
	small := ToRGBA(f.Image, 640, 360)
	tc, ok := ReadTimecode(small)
	if !ok || tc.Frame != 0 || !tc.Time.Equal(clk.Now()) {
		t.Fatalf("scaled noisy frame read %+v ok=%v, want frame 0 at %v", tc, ok, clk.Now())
	}
}

func TestReadTimecodeRejectsPicturesWithoutCode(t *testing.T) {
	img := NewI420(1280, 720)
	if _, ok := ReadTimecode(img); ok {
		t.Fatal("black frame decoded as a timecode")
	}
	DrawTimecode(img, Timecode{Frame: 7, Time: time.UnixMilli(42)})
	// Flip one payload block: the checksum must catch it.
	r := blockRect(tcFrameAt+3, 1280, 720)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Y[y*img.YStride+x] = 235 + 16 - img.Y[y*img.YStride+x]
		}
	}
	if tc, ok := ReadTimecode(img); ok {
		t.Fatalf("damaged code accepted as %+v", tc)
	}
}

func TestCRC8CheckValue(t *testing.T) {
	// The standard check value of CRC-8/SMBUS over "123456789".
	if got := crc8([]byte("123456789")); got != 0xF4 {
		t.Fatalf("crc8 = %#x, want 0xf4", got)
	}
}
