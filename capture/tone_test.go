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
	for i := range int(time.Second / ChunkDuration) { // one second
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

// A reader that comes back late gets the chunks it missed at once, in
// order, as from a sound card's buffer, not a jump in the sound.
func TestToneCatchesUpALateReader(t *testing.T) {
	t0 := time.Unix(0, 0)
	clk := clock.NewFake(t0)
	src := NewTone(ToneConfig{Clock: clk})
	defer src.Close()
	clk.Advance(100 * time.Millisecond)
	for i := range 6 { // slots 0..5 are all due
		c, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add(time.Duration(i) * ChunkDuration); !c.Time.Equal(want) {
			t.Fatalf("chunk %d at %v, want %v", i, c.Time, want)
		}
	}
	// Far behind (a second), it skips to SoundCatchUp before now.
	clk.Advance(time.Second)
	c, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(1100*time.Millisecond - SoundCatchUp); !c.Time.Equal(want) {
		t.Fatalf("after a 1 s stall the next chunk is at %v, want %v", c.Time, want)
	}
}
