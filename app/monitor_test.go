package app

import (
	"encoding/binary"
	"math"
	"testing"

	"showcaster/capture"
)

func TestMicMonitorPlaysWhatArrivesAndNeverFallsFarBehind(t *testing.T) {
	m := newMicMonitor()
	out := make([]byte, 4*8)
	if n, _ := m.Read(out); n != len(out) || out[0] != 0 || out[31] != 0 {
		t.Fatalf("with nothing to play the monitor gave %d bytes % x, want silence", n, out)
	}
	m.push(capture.AudioChunk{Samples: []int16{16384, -16384, 8192, 0}, Channels: 2})
	m.push(capture.AudioChunk{Samples: []int16{-32768}, Channels: 1}) // mono goes to both ears
	m.Read(out)
	want := []float32{0.5, -0.5, 0.25, 0, -1, -1, 0, 0}
	for i, w := range want {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:])); got != w {
			t.Errorf("sample %d = %v, want %v", i, got, w)
		}
	}
	// A second of sound pushed at once keeps only the newest 100 ms.
	for range 50 {
		m.push(capture.AudioChunk{Samples: make([]int16, 2*960), Channels: 2})
	}
	if got := len(m.buf) / 8; got != capture.SampleRate/10 {
		t.Errorf("the monitor holds %d frames after a flood, want %d (100 ms)", got, capture.SampleRate/10)
	}
}
