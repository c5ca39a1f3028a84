package capture

import (
	"math"
	"testing"
	"time"

	"showcaster/internal/clock"
)

func TestToneFrequencyAndLevel(t *testing.T) {
	clk := clock.NewFake(time.Unix(0, 0))
	src := NewTone(ToneConfig{FreqHz: 1000, Channels: 2, Amplitude: 0.5, Clock: clk})
	defer src.Close()
	var left []int16
	for i := range 50 { // one second
		if i > 0 {
			clk.Advance(ChunkDuration)
		}
		c, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if c.Channels != 2 || len(c.Samples) != ChunkFrames*2 {
			t.Fatalf("chunk of %d samples × %d channels, want %d × 2", len(c.Samples), c.Channels, ChunkFrames)
		}
		if want := time.Unix(0, 0).Add(time.Duration(i) * ChunkDuration); !c.Time.Equal(want) {
			t.Fatalf("chunk %d at %v, want %v", i, c.Time, want)
		}
		for j := 0; j < len(c.Samples); j += 2 {
			if c.Samples[j] != c.Samples[j+1] {
				t.Fatal("channels differ")
			}
			left = append(left, c.Samples[j])
		}
	}
	crossings := 0
	peak := 0
	for i := 1; i < len(left); i++ {
		if (left[i-1] < 0) != (left[i] < 0) {
			crossings++
		}
		peak = max(peak, int(math.Abs(float64(left[i]))))
	}
	if crossings < 1990 || crossings > 2010 { // 1000 Hz → 2000 sign changes a second
		t.Errorf("%d zero crossings in 1 s, want about 2000 for 1 kHz", crossings)
	}
	if want := int(math.Round(0.5 * math.MaxInt16)); peak < want-2 || peak > want+1 {
		t.Errorf("peak %d, want %d (half scale)", peak, want)
	}
}
