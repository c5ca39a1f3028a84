package encode

import (
	"errors"
	"image"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// movingFrames makes n frames of a picture that changes every frame: a
// drifting gradient, a sliding box and fixed noise texture, so the encoder
// has motion and detail to code, as a camera would give it.
func movingFrames(w, h, n int) []*image.YCbCr {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]uint8, w*h)
	for i := range noise {
		noise[i] = uint8(rng.IntN(24))
	}
	frames := make([]*image.YCbCr, n)
	for f := range frames {
		img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		bx, by := (f*16)%(w-w/4), (f*9)%(h-h/4)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := uint8((x+y+f*4)/4) + noise[y*w+x]
				if x >= bx && x < bx+w/4 && y >= by && y < by+h/4 {
					v = 235 - noise[y*w+x]
				}
				img.Y[y*w+x] = v
			}
		}
		for y := 0; y < h/2; y++ {
			for x := 0; x < w/2; x++ {
				img.Cb[y*w/2+x] = uint8(64 + (x+f)%128)
				img.Cr[y*w/2+x] = uint8(64 + (y+f)%128)
			}
		}
		frames[f] = img
	}
	return frames
}

func TestH264EncodesKeyframesAndProfile(t *testing.T) {
	const w, h, fps = 640, 360, 30
	enc, err := NewH264(H264Config{Width: w, Height: h, FPS: fps, BitrateBps: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if got, want := enc.ProfileLevelID(), wantProfile("veryfast"); len(got) != 6 || got[:4] != want {
		t.Fatalf("%s: profile-level-id %q, want %sxx", H264Library, got, want)
	}
	frames := movingFrames(w, h, 8)
	var keys, skipped []int
	asked := -1 // the frame of the keyframe asked for at 70 (later if 70 is skipped)
	for i := 0; i < 2*fps+15; i++ {
		if i == 70 {
			enc.ForceKeyframe()
		}
		pts := time.Duration(i) * time.Second / fps
		p, err := enc.Encode(frames[i%len(frames)], pts, time.Unix(0, 0))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if p.PTS != pts || p.Duration != time.Second/fps {
			t.Fatalf("frame %d: pts %v dur %v", i, p.PTS, p.Duration)
		}
		if p.Skipped() {
			// Only openh264's rate control skips frames, and never the first.
			if H264Library != "openh264" || i == 0 {
				t.Fatalf("frame %d: no data from %s", i, H264Library)
			}
			skipped = append(skipped, i)
			continue
		}
		if i >= 70 && asked < 0 {
			asked = i
		}
		if st := sliceTypes(p.Data); slices.ContainsFunc(st, func(t int) bool { return t%5 == 1 }) {
			t.Fatalf("frame %d: B slice (slice types %v)", i, st)
		}
		if p.Keyframe {
			keys = append(keys, i)
			if sps, pps := ParameterSets(p.Data); sps == nil || pps == nil {
				t.Fatalf("keyframe %d without SPS/PPS", i)
			}
		}
	}
	// The first frame is an IDR (the probe frame does not count), one comes
	// on request at 70, and no gap exceeds the 2 s interval (x264 may add
	// scene-cut IDRs where the looped test picture jumps).
	t.Logf("%s: keyframes at %v, frames skipped %v", H264Library, keys, skipped)
	if len(keys) < 3 || keys[0] != 0 || !slices.Contains(keys, asked) {
		t.Fatalf("keyframes at %v, want 0, %d (asked for at 70) and at least one in between", keys, asked)
	}
	for i := 1; i < len(keys); i++ {
		if keys[i]-keys[i-1] > 2*fps {
			t.Fatalf("keyframe gap %d frames > %d (keys %v)", keys[i]-keys[i-1], 2*fps, keys)
		}
	}
}

// TestH264BitrateHonoursFPS checks the 25-fps compensation: at 30 fps the
// stream must come out near the target, not 1.2× above it.
func TestH264BitrateHonoursFPS(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 4 s of video")
	}
	const w, h, fps, target = 640, 360, 30, 600_000
	enc, err := NewH264(H264Config{Width: w, Height: h, FPS: fps, BitrateBps: 2_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	frames := movingFrames(w, h, 30)
	enc.SetBitrate(target) // also exercises a change while running
	bytes, kept := 0, 0
	const seconds = 4
	for i := 0; i < seconds*fps; i++ {
		p, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/fps, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if i >= fps { // let rate control settle for a second
			bytes += len(p.Data)
			if !p.Skipped() {
				kept++
			}
		}
	}
	got := float64(bytes*8) / (seconds - 1)
	t.Logf("%s: target %d bps, got %.0f bps (%.2f×), %d of %d frames kept", H264Library, target, got, got/target, kept, (seconds-1)*fps)
	if lo, hi := bitrateTolerance(); got < lo*target || got > hi*target {
		t.Fatalf("bitrate %.0f bps for target %d", got, target)
	}
	// openh264 holds the rate by skipping frames; on this hard picture it
	// keeps about two thirds of them. Fewer than a third would be a stutter.
	if kept < (seconds-1)*fps/3 {
		t.Fatalf("%s kept only %d of %d frames", H264Library, kept, (seconds-1)*fps)
	}
	if enc.Bitrate() != target {
		t.Fatalf("Bitrate() = %d", enc.Bitrate())
	}
}

// sliceTypes reads slice_type from the header of every coded slice in an
// access unit (0/5 P, 1/6 B, 2/7 I). The first bytes of a slice header carry
// no emulation-prevention bytes unless they hold two zero bytes, which two
// small Exp-Golomb codes cannot.
func sliceTypes(au []byte) []int {
	var types []int
	for _, nal := range SplitAnnexB(au) {
		if len(nal) < 2 || (nal[0]&0x1f != 1 && nal[0]&0x1f != nalIDR) {
			continue
		}
		bit := 8 // past the NAL header
		ue := func() int {
			zeros := 0
			for bit < len(nal)*8 && nal[bit/8]&(0x80>>(bit%8)) == 0 {
				zeros++
				bit++
			}
			bit++ // the 1
			v := 0
			for range zeros {
				v <<= 1
				if bit < len(nal)*8 && nal[bit/8]&(0x80>>(bit%8)) != 0 {
					v |= 1
				}
				bit++
			}
			return (1 << zeros) - 1 + v
		}
		ue() // first_mb_in_slice
		types = append(types, ue())
	}
	return types
}

// bitrateTolerance is how far from its target the library's output may land
// on the test picture. openh264 holds the rate by skipping frames (see
// h264_openh264.go): 1.18× measured here, 1.47× before it skipped any.
func bitrateTolerance() (lo, hi float64) {
	if H264Library == "openh264" {
		return 0.8, 1.25
	}
	return 0.75, 1.12
}

// TestH264BitrateFollowsChanges lowers and raises the target while encoding,
// as the congestion controller does, and checks that the stream follows.
func TestH264BitrateFollowsChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 6 s of video")
	}
	const w, h, fps = 640, 360, 30
	enc, err := NewH264(H264Config{Width: w, Height: h, FPS: fps, BitrateBps: 2_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	frames := movingFrames(w, h, 30)
	i := 0
	// rate encodes two seconds at bps and returns the second one's bitrate.
	rate := func(bps int) float64 {
		enc.SetBitrate(bps)
		bytes := 0
		for n := 0; n < 2*fps; n, i = n+1, i+1 {
			p, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/fps, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if n >= fps {
				bytes += len(p.Data)
			}
		}
		return float64(bytes * 8)
	}
	high, low, back := rate(2_000_000), rate(400_000), rate(2_000_000)
	t.Logf("%s: 2000 kbps → %.0f, 400 kbps → %.0f, 2000 kbps → %.0f bps", H264Library, high, low, back)
	if low > high/2 || back < 2*low {
		t.Fatalf("bitrate did not follow the target: %.0f, %.0f, %.0f bps", high, low, back)
	}
	// The stream must come down to the low target, not stop above it (x264
	// undershoots for a while after a drop; openh264 without frame skipping
	// stayed at 1.55×).
	if _, hi := bitrateTolerance(); low > hi*400_000 {
		t.Fatalf("%s: %.0f bps for a target of 400000", H264Library, low)
	}
	if enc.Bitrate() != 2_000_000 {
		t.Fatalf("Bitrate() = %d", enc.Bitrate())
	}
}

// wantProfile is the profile_idc and constraint flags (the first four hex
// digits of profile-level-id) the build's library must produce for a preset.
func wantProfile(preset string) string {
	if H264Library == "openh264" {
		return "42c0" // always Constrained Baseline: no CABAC, no B-frames
	}
	if preset == "ultrafast" {
		return "42c0" // neither CABAC nor 8×8 transforms: Constrained Baseline
	}
	return "6400" // CABAC and 8×8 transforms: High, no constraint flags
}

func TestH264Errors(t *testing.T) {
	if _, err := NewH264(H264Config{Width: 641, Height: 360}); !errors.Is(err, ErrBadSize) {
		t.Fatalf("odd width: %v", err)
	}
	if _, err := NewH264(H264Config{Width: 640, Height: 360, Preset: "warp"}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("bad preset: %v", err)
	}
	enc, err := NewH264(H264Config{Width: 320, Height: 240, Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := enc.ProfileLevelID(), wantProfile("ultrafast"); got[:4] != want {
		t.Errorf("%s: ultrafast profile-level-id %q, want %sxx", H264Library, got, want)
	}
	wrong := image.NewYCbCr(image.Rect(0, 0, 640, 360), image.YCbCrSubsampleRatio420)
	if _, err := enc.Encode(wrong, 0, time.Time{}); !errors.Is(err, ErrFrameSize) {
		t.Fatalf("wrong size: %v", err)
	}
	// A sub-image has padded strides; the encoder copies it.
	sub := wrong.SubImage(image.Rect(2, 2, 322, 242)).(*image.YCbCr)
	if p, err := enc.Encode(sub, 0, time.Time{}); err != nil || !p.Keyframe {
		t.Fatalf("sub-image: keyframe=%v err=%v", p.Keyframe, err)
	}
	enc.Close()
	// Late control calls (a bandwidth callback after stop) must be harmless.
	enc.SetBitrate(300_000)
	enc.ForceKeyframe()
	if _, err := enc.Encode(sub, 0, time.Time{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkEncodeX264720p measures the build's H.264 library alone (x264,
// or openh264 with -tags openh264; the name is kept for old figures) on 720p frames of a moving
// picture at the engine's defaults (veryfast, zerolatency, 2.5 Mbps, 30 fps),
// reporting the bitrate it delivers and the share of frames it kept.
// The frames are made before the timer starts.
func BenchmarkEncodeX264720p(b *testing.B) {
	const w, h, fps = 1280, 720, 30
	frames := movingFrames(w, h, 48)
	enc, err := NewH264(H264Config{Width: w, Height: h, FPS: fps})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	b.SetBytes(int64(w * h * 3 / 2))
	b.ResetTimer()
	out, kept := 0, 0
	for i := 0; i < b.N; i++ {
		p, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/fps, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		out += len(p.Data)
		if !p.Skipped() {
			kept++
		}
	}
	b.ReportMetric(float64(out*8)/(float64(b.N)/fps)/1000, "kbps")
	b.ReportMetric(100*float64(kept)/float64(b.N), "%kept") // openh264 skips frames to hold the rate
}

// A suspended encoder (no output attached) frees the library's encoder; the
// next frame opens a fresh one and is a keyframe with its parameter sets,
// at the bitrate asked for meanwhile.
func TestH264SuspendThenEncode(t *testing.T) {
	const w, h = 320, 180
	enc, err := NewH264(H264Config{Width: w, Height: h, FPS: 30, BitrateBps: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	frames := movingFrames(w, h, 4)
	for i := 0; i < 3; i++ {
		if _, err := enc.Encode(frames[i%4], 0, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	enc.Suspend()
	enc.Suspend() // twice is fine
	enc.SetBitrate(300_000)
	p, err := enc.Encode(frames[3], 0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Keyframe || firstNAL(p.Data, nalSPS) == nil {
		t.Fatalf("first frame after Suspend: keyframe %v, SPS %v", p.Keyframe, firstNAL(p.Data, nalSPS) != nil)
	}
	if enc.Bitrate() != 300_000 {
		t.Fatalf("bitrate %d after Suspend, want the 300000 asked for", enc.Bitrate())
	}
	enc.Suspend()
	if err := enc.Close(); err != nil {
		t.Fatalf("Close of a suspended encoder: %v", err)
	}
}
