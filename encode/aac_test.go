package encode

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"showcaster/capture"
)

// adts wraps a raw AAC-LC frame in an ADTS header (ISO 14496-3 1.A.2), so
// ffprobe can read the stream from a plain file.
func adts(frame []byte, rateIdx, channels int) []byte {
	n := len(frame) + 7
	h := []byte{
		0xFF, 0xF1,
		byte((2-1)<<6 | rateIdx<<2 | channels>>2),
		byte((channels&3)<<6 | n>>11),
		byte(n >> 3),
		byte((n&7)<<5 | 0x1F),
		0xFC,
	}
	return append(h, frame...)
}

// needAAC skips a test in builds without an AAC library (see
// aac_unavailable.go, whose own test runs there instead).
func needAAC(t *testing.T) {
	if !AACAvailable {
		t.Skip("this build has no AAC encoder")
	}
}

func TestAACDecodesAsLCStereo48k(t *testing.T) {
	needAAC(t)
	enc, err := NewAAC(AACConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if c := enc.Config(); len(c) != 2 || c[0] != 0x11 || c[1] != 0x90 {
		t.Fatalf("AudioSpecificConfig % x, want 11 90 (LC, 48 kHz, stereo)", c)
	}
	// 2 s in 10 ms chunks, as the mixer hands them out.
	const chunk = 480
	t0 := time.Unix(100, 0)
	var pkts []Packet
	for i := 0; i < 200; i++ {
		p, err := enc.Encode(capture.AudioChunk{Samples: sine(chunk, 2, i*chunk), Channels: 2, Time: t0.Add(time.Duration(i) * 10 * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p...)
	}
	if len(pkts) < 90 || len(pkts) > 93 { // 2 s / 21.33 ms = 93.75, minus what the encoder holds back
		t.Fatalf("%d packets for 2 s", len(pkts))
	}
	var file []byte
	var bytes int
	for i, p := range pkts {
		if p.PTS != time.Duration(i)*1024*time.Second/48000 || p.Duration != AACFrame || len(p.Data) == 0 {
			t.Fatalf("packet %d: pts %v dur %v len %d", i, p.PTS, p.Duration, len(p.Data))
		}
		bytes += len(p.Data)
		file = append(file, adts(p.Data, 3, 2)...)
	}
	if !pkts[0].CaptureTime.Equal(t0) || !pkts[3].CaptureTime.Equal(t0.Add(3*AACFrame)) {
		t.Fatalf("capture times %v %v", pkts[0].CaptureTime, pkts[3].CaptureTime)
	}
	kbps := float64(bytes*8) / (float64(len(pkts)) * AACFrame.Seconds()) / 1000
	if kbps < 64 || kbps > 192 {
		t.Fatalf("%.0f kbps, asked for 128", kbps)
	}

	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe is not installed (make deps installs ffmpeg)")
	}
	path := filepath.Join(t.TempDir(), "a.aac")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var probe struct {
		Streams []struct {
			CodecName  string `json:"codec_name"`
			Profile    string `json:"profile"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &probe); err != nil || len(probe.Streams) != 1 {
		t.Fatalf("ffprobe answer %s: %v", out, err)
	}
	s := probe.Streams[0]
	if s.CodecName != "aac" || s.Profile != "LC" || s.SampleRate != "48000" || s.Channels != 2 {
		t.Fatalf("ffprobe sees %+v, want aac LC 48000 Hz stereo", s)
	}
	// The whole stream decodes without an error.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-").CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg decode: %v\n%s", err, out)
	}
}

func TestAACMonoAndErrors(t *testing.T) {
	needAAC(t)
	enc, err := NewAAC(AACConfig{Channels: 1, BitrateBps: 64000})
	if err != nil {
		t.Fatal(err)
	}
	if c := enc.Config(); c[0] != 0x11 || c[1] != 0x88 {
		t.Fatalf("mono AudioSpecificConfig % x", c)
	}
	var n int
	for i := 0; i < 10; i++ {
		p, err := enc.Encode(capture.AudioChunk{Samples: sine(1024, 2, i*1024), Channels: 2})
		if err != nil {
			t.Fatal(err)
		}
		n += len(p)
	}
	if n < 8 {
		t.Fatalf("%d packets from 10 frames of stereo into mono", n)
	}
	enc.Close()
	if _, err := enc.Encode(capture.AudioChunk{Samples: sine(1024, 1, 0), Channels: 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if _, err := NewAAC(AACConfig{Channels: 6}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("6 channels: %v", err)
	}
	if _, err := NewAAC(AACConfig{BitrateBps: 1000}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("1 kbps: %v", err)
	}
}

// BenchmarkAACEncodeSecond measures the cost of encoding one second of
// 48 kHz stereo at 128 kbps (the figure in docs/benchmarks.md is ns/op, i.e.
// CPU time per second of audio).
func BenchmarkAACEncodeSecond(b *testing.B) {
	enc, err := NewAAC(AACConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	chunks := make([][]int16, 100)
	for i := range chunks {
		chunks[i] = sine(480, 2, i*480)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range chunks {
			if _, err := enc.Encode(capture.AudioChunk{Samples: c, Channels: 2}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
