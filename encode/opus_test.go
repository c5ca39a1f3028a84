package encode

import (
	"errors"
	"math"
	"testing"
	"time"

	"showcaster/capture"
)

func sine(n, channels int, start int) []int16 {
	s := make([]int16, n*channels)
	for i := 0; i < n; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(start+i)/capture.SampleRate))
		for c := 0; c < channels; c++ {
			s[i*channels+c] = v
		}
	}
	return s
}

func TestOpusFramesAnyChunkSize(t *testing.T) {
	enc, err := NewOpus(OpusConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	// 7 ms chunks: packets come out whenever a frame's worth has gathered.
	const chunk = 336
	t0 := time.Unix(100, 0)
	var pkts []Packet
	for i := 0; i < 150; i++ { // 1.05 s
		c := capture.AudioChunk{Samples: sine(chunk, 2, i*chunk), Channels: 2, Time: t0.Add(time.Duration(i) * 7 * time.Millisecond)}
		p, err := enc.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p...)
	}
	if want := int(1050 * time.Millisecond / OpusFrame); len(pkts) != want {
		t.Fatalf("%d packets for 1.05 s, want %d", len(pkts), want)
	}
	for i, p := range pkts {
		if p.PTS != time.Duration(i)*OpusFrame || p.Duration != OpusFrame || len(p.Data) < 3 {
			t.Fatalf("packet %d: pts %v dur %v len %d", i, p.PTS, p.Duration, len(p.Data))
		}
		// TOC byte: config 16–31 are CELT/hybrid/SILK modes with 20 ms frames
		// only for some; check the stereo flag matches the encoder.
		if p.Data[0]&0x04 == 0 {
			t.Fatalf("packet %d is mono, encoder is stereo", i)
		}
	}
	if !pkts[0].CaptureTime.Equal(t0) || !pkts[1].CaptureTime.Equal(t0.Add(OpusFrame)) {
		t.Fatalf("capture times %v %v", pkts[0].CaptureTime, pkts[1].CaptureTime)
	}
}

func TestOpusMonoFromStereoAndErrors(t *testing.T) {
	enc, err := NewOpus(OpusConfig{Channels: 1, BitrateBps: 32000})
	if err != nil {
		t.Fatal(err)
	}
	p, err := enc.Encode(capture.AudioChunk{Samples: sine(opusFrameSamples, 2, 0), Channels: 2})
	if err != nil || len(p) != 1 || p[0].Data[0]&0x04 != 0 {
		t.Fatalf("stereo into mono: %d packets, err %v", len(p), err)
	}
	enc.Close()
	if _, err := enc.Encode(capture.AudioChunk{Samples: sine(960, 1, 0), Channels: 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if _, err := NewOpus(OpusConfig{Channels: 6}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("6 channels: %v", err)
	}
}
