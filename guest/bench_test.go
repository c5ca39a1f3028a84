//go:build !windows

package guest

import (
	"image"
	"testing"

	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"

	"showcaster/capture"
	"showcaster/internal/clock"
)

// vp8Frames encodes n frames of the moving test pattern at w×h with libvpx,
// as a browser guest would send them (about 2.5 Mbps, keyframe first).
func vp8Frames(tb testing.TB, w, h, n int) [][]byte {
	tb.Helper()
	src := capture.NewTestPattern(capture.TestPatternConfig{Width: w, Height: h, FPS: 60})
	defer src.Close()
	params, err := vpx.NewVP8Params()
	if err != nil {
		tb.Fatal(err)
	}
	params.BitRate = 2_500_000
	params.KeyFrameInterval = 300
	r := video.ReaderFunc(func() (image.Image, func(), error) {
		f, err := src.Read()
		if err != nil {
			return nil, nil, err
		}
		return f.Image, func() {}, nil
	})
	enc, err := params.BuildVideoEncoder(r, prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: 30}})
	if err != nil {
		tb.Fatal(err)
	}
	defer enc.Close()
	var out [][]byte
	for len(out) < n {
		b, release, err := enc.Read()
		if err != nil {
			tb.Fatal(err)
		}
		if len(b) > 0 {
			out = append(out, append([]byte(nil), b...))
		}
		release()
	}
	return out
}

// BenchmarkDecodeVP8720p is the decode cost of one guest frame at 1280×720
// (docs/benchmarks.md; goal ≤ 3 ms).
func BenchmarkDecodeVP8720p(b *testing.B) {
	frames := vp8Frames(b, 1280, 720, 60)
	fr := &frameReader{}
	r := &Receiver{video: &videoSource{frames: make(chan capture.VideoFrame, 1)}}
	r.clk = clock.Real{}
	dec, err := vpx.NewDecoder(fr, prop.Media{Video: prop.Video{Width: 1280, Height: 720}})
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%len(frames) == 0 {
			// Start over at the keyframe with a fresh decoder state.
			b.StopTimer()
			dec.Close()
			if dec, err = vpx.NewDecoder(fr, prop.Media{Video: prop.Video{Width: 1280, Height: 720}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if err := r.decodeFrame(dec, fr, frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
		select {
		case <-r.video.frames:
		default:
		}
	}
}
