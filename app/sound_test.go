package app

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"showcaster/internal/clock"
)

func TestChimeString(t *testing.T) {
	for _, tc := range []struct {
		c    Chime
		want string
	}{{ChimeUnknown, "unknown"}, {ChimeOrder, "order"}, {ChimePrivate, "private"}, {Chime(42), "unknown"}} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("Chime(%d).String() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func samples(pcm []byte) []float32 {
	out := make([]float32, len(pcm)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(pcm[i*4:]))
	}
	return out
}

func TestChimePCM(t *testing.T) {
	const rate = 48000
	order := ChimePCM(ChimeOrder, rate)
	private := ChimePCM(ChimePrivate, rate)
	if ChimePCM(ChimeUnknown, rate) != nil && len(ChimePCM(ChimeUnknown, rate)) != 0 {
		t.Error("an unknown chime has samples")
	}
	for name, pcm := range map[string][]byte{"order": order, "private": private} {
		if len(pcm)%8 != 0 || len(pcm) == 0 {
			t.Fatalf("%s: %d bytes is not whole stereo float32 frames", name, len(pcm))
		}
		s := samples(pcm)
		var peak float64
		for i, v := range s {
			if math.IsNaN(float64(v)) {
				t.Fatalf("%s: NaN at %d", name, i)
			}
			peak = math.Max(peak, math.Abs(float64(v)))
		}
		if peak < 0.2 || peak >= 1 {
			t.Errorf("%s: peak %.2f, want audible and unclipped", name, peak)
		}
		// Silent edges: no click when the player starts or stops.
		if math.Abs(float64(s[0])) > 1e-3 || math.Abs(float64(s[len(s)-1])) > 1e-3 {
			t.Errorf("%s: edges %.4f … %.4f are not silent", name, s[0], s[len(s)-1])
		}
		// Left and right carry the same signal.
		for i := 0; i+1 < len(s); i += 2 {
			if s[i] != s[i+1] {
				t.Fatalf("%s: channels differ at frame %d", name, i/2)
			}
		}
	}
	if bytes.Equal(order, private) {
		t.Error("the order and private chimes sound the same")
	}
	if got, want := len(ChimePCM(ChimeOrder, 24000)), len(order)/2; got != want {
		t.Errorf("at half the rate: %d bytes, want %d", got, want)
	}
}

// The audio output may or may not exist where the tests run; either way the
// constructor must answer promptly and, without a device, say so with
// ErrNoSoundDevice rather than failing the studio.
func TestNewChimer(t *testing.T) {
	fc := clock.NewFake(time.Unix(1_700_000_000, 0))
	start := time.Now()
	done := make(chan struct{})
	var c *Chimer
	var err error
	go func() {
		defer close(done)
		c, err = NewChimer(ChimerConfig{Clock: fc, OpenTimeout: time.Second})
	}()
	// The fake clock only fires the open timeout when advanced.
	for {
		select {
		case <-done:
			goto opened
		case <-time.After(20 * time.Millisecond):
			fc.Advance(100 * time.Millisecond)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("NewChimer did not return")
		}
	}
opened:
	if err != nil {
		if !errors.Is(err, ErrNoSoundDevice) {
			t.Fatalf("NewChimer: %v, want ErrNoSoundDevice", err)
		}
		t.Logf("no sound device here: %v", err)
		var nilChimer *Chimer
		if nilChimer.Play(ChimeOrder, 1) {
			t.Error("a nil Chimer played")
		}
		return
	}
	defer c.Close()
	if !c.Play(ChimeOrder, 0.5) {
		t.Error("first chime skipped")
	}
	if c.Play(ChimeOrder, 0.5) {
		t.Error("a second chime within MinGap played")
	}
	if !c.Play(ChimePrivate, 0.5) {
		t.Error("a chime of another kind was skipped")
	}
	if c.Play(ChimeOrder, 0) {
		t.Error("a chime at volume 0 played")
	}
	fc.Advance(time.Second)
	if !c.Play(ChimeOrder, 0.5) {
		t.Error("a chime after MinGap was skipped")
	}
}
