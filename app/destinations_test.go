package app

import (
	"context"
	"errors"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"showcaster/broadcast"
	"showcaster/capture"
	"showcaster/internal/rtmptest"
	"showcaster/internal/testplatform"
	"showcaster/publish"
	"showcaster/scene"
)

func destByName(ds []broadcast.DestStats, name string) (broadcast.DestStats, bool) {
	for _, d := range ds {
		if d.Name == name {
			return d, true
		}
	}
	return broadcast.DestStats{}, false
}

func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// One program to the platform over WHIP and to an RTMP server at once; the
// RTMP server goes away mid-show and comes back; a refused key stops only
// its own destination.
func TestDestinationsWHIPAndRTMPAtOnce(t *testing.T) {
	srv := rtmptest.Start(t)
	_, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "two platforms")
	ctx := context.Background()
	ing, err := client.GoLive(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}

	eng, err := NewEngine(EngineConfig{Width: 640, Height: 360, FPS: 30, BitrateKbps: 1000, LoopbackOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 640, Height: 360, FPS: 30}), nil)
	if err := eng.SetAudio("main", capture.NewTone(capture.ToneConfig{})); err != nil {
		t.Fatal(err)
	}
	eng.Start(ctx)
	dests := NewDestinations(eng, nil)
	defer dests.Close()

	if err := dests.AddWHIP(ctx, "platform", ing.WHIPURL, ing.Token, 0); err != nil {
		t.Fatalf("WHIP: %v", err)
	}
	if err := dests.AddRTMP(ctx, "rtmp", srv.URL("live")+"/show", "", 0); err != nil {
		t.Fatalf("RTMP: %v\n%s", err, srv.ErrorLog())
	}
	// Same bitrate: one encode for both.
	if n := dests.Hub().Encoders(); n != 1 {
		t.Fatalf("%d encoders for two destinations at one bitrate", n)
	}
	srv.Refuse("stolen")
	err = dests.AddRTMP(ctx, "refused", srv.URL("live")+"/stolen", "", 0)
	if !errors.Is(err, publish.ErrRTMPRefused) {
		t.Fatalf("refused key: %v", err)
	}
	if _, ok := destByName(dests.Stats(), "refused"); ok {
		t.Fatal("a refused destination stays on air")
	}

	flowing := func(name string, n uint64) func() bool {
		return func() bool {
			d, ok := destByName(dests.Stats(), name)
			return ok && d.State == publish.StateLive && d.FramesSent >= n
		}
	}
	waitUntil(t, "both flowing", 60*time.Second, func() bool { return flowing("platform", 60)() && flowing("rtmp", 60)() })

	// The RTMP server goes away mid-show.
	srv.Stop()
	waitUntil(t, "rtmp reconnecting", 20*time.Second, func() bool {
		d, _ := destByName(dests.Stats(), "rtmp")
		return d.State == publish.StateReconnecting
	})
	before, _ := destByName(dests.Stats(), "platform")
	waitUntil(t, "the platform keeps getting frames", 30*time.Second, flowing("platform", before.FramesSent+60))
	during, _ := destByName(dests.Stats(), "platform")
	t.Logf("platform during the cut: %.1f fps, drops %+v", during.FPS, during.Drops)
	// Not slowed: every frame the shared encode made during the cut went
	// out (no drop of its own), and it stayed live. Its frame rate is
	// logged, not asserted: the machine may be busy.
	if during.FramesDropped > before.FramesDropped || during.State != publish.StateLive {
		t.Fatalf("the platform suffered from the RTMP cut: %+v", during.Stats)
	}

	srv.Restart()
	r, _ := destByName(dests.Stats(), "rtmp")
	waitUntil(t, "rtmp live again", 30*time.Second, flowing("rtmp", r.FramesSent+30))
	if r, _ := destByName(dests.Stats(), "rtmp"); r.ReconnectAttempts == 0 {
		t.Fatalf("rtmp came back without reconnecting: %+v", r.Stats)
	}
	n := 0
	for _, p := range srv.Publishes() {
		if p.Name == "stolen" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the refused key was tried %d times", n)
	}
}

// A destination capped below the program's bitrate gets its own encode.
func TestDestinationsCappedGetsOwnEncoder(t *testing.T) {
	srv := rtmptest.Start(t)
	eng, err := NewEngine(EngineConfig{Width: 320, Height: 180, FPS: 30, BitrateKbps: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 320, Height: 180, FPS: 30}), nil)
	ctx := context.Background()
	eng.Start(ctx)
	dests := NewDestinations(eng, nil)
	defer dests.Close()
	for _, d := range []struct {
		name string
		kbps int
	}{{"a", 0}, {"b", 1000}, {"c", 400}} {
		if err := dests.AddRTMP(ctx, d.name, srv.URL("live")+"/"+d.name, "", d.kbps); err != nil {
			t.Fatal(err)
		}
	}
	if n := dests.Hub().Encoders(); n != 2 {
		t.Fatalf("%d encoders, want 2 (1000 kbps shared, 400 kbps alone)", n)
	}
	if n := dests.Hub().OwnEncoders(); n != 1 {
		t.Fatalf("%d encodes of the hub's own, want 1 (the 1000 kbps ones share the engine's)", n)
	}
	waitUntil(t, "all three flowing", 60*time.Second, func() bool {
		for _, d := range dests.Stats() {
			if d.FramesSent < 30 {
				return false
			}
		}
		return true
	})
	c, _ := destByName(dests.Stats(), "c")
	if c.EncoderKbps != 400 {
		t.Fatalf("capped destination on the %d kbps encode", c.EncoderKbps)
	}
	if err := dests.Remove("c"); err != nil {
		t.Fatal(err)
	}
	if n := dests.Hub().Encoders(); n != 1 {
		t.Fatalf("%d encoders after the capped destination left", n)
	}
}

// A show that goes out after the preview has run a while still carries its
// sound: the audio encoder starts later than the scene, and its packets are
// put on the picture's timeline.
func TestDestinationsSoundAfterIdlePreview(t *testing.T) {
	srv := rtmptest.Start(t)
	eng := toneEngine(t)
	ctx := context.Background()
	eng.Start(ctx)
	waitUntil(t, "two seconds of preview", 30*time.Second, func() bool { return eng.Scene().Stats().Frames >= 60 })
	dests := NewDestinations(eng, nil)
	if err := dests.AddRTMP(ctx, "rtmp", srv.URL("live")+"/late", "", 0); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "three seconds out", 60*time.Second, func() bool {
		d, _ := destByName(dests.Stats(), "rtmp")
		return d.FramesSent >= 90 && d.AudioSent >= 120
	})
	d, _ := destByName(dests.Stats(), "rtmp")
	if d.AudioDropped > 10 {
		t.Fatalf("%d audio packets dropped: sound is off the picture's timeline", d.AudioDropped)
	}
	dests.Close()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,start_time,duration", "-of", "csv=p=0", srv.Recording("late")).Output()
	waitUntil(t, "the recording", 20*time.Second, func() bool {
		out, err = exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,start_time,duration", "-of", "csv=p=0", srv.Recording("late")).Output()
		return err == nil && strings.Contains(string(out), "audio")
	})
	t.Logf("streams (type,start,duration):\n%s", out)
	var starts []float64
	for _, l := range strings.Fields(string(out)) {
		f := strings.Split(l, ",")
		if len(f) >= 2 {
			v, _ := strconv.ParseFloat(f[1], 64)
			starts = append(starts, v)
		}
	}
	if len(starts) != 2 || math.Abs(starts[0]-starts[1]) > 0.3 {
		t.Fatalf("video and audio start %v apart, want together", starts)
	}
}

// The microphone monitor (the engine's audio tap) turned on and off, as
// the studio does and `showcaster live --join-guest` does with its guest
// link, leaves the destinations their sound.
func TestDestinationsKeepSoundWithMonitorTap(t *testing.T) {
	srv := rtmptest.Start(t)
	eng := toneEngine(t)
	ctx := context.Background()
	eng.Start(ctx)
	dests := NewDestinations(eng, nil)
	defer dests.Close()
	if err := dests.AddRTMP(ctx, "rtmp", srv.URL("live")+"/tap", "", 0); err != nil {
		t.Fatal(err)
	}
	audioSent := func() uint64 { d, _ := destByName(dests.Stats(), "rtmp"); return d.AudioSent }
	var heard atomic.Int64
	eng.SetAudioTap(func(capture.AudioChunk) { heard.Add(1) })
	base := audioSent()
	waitUntil(t, "sound out and in the monitor", 60*time.Second, func() bool { return audioSent() >= base+50 && heard.Load() > 0 })
	eng.SetAudioTap(nil)
	base = audioSent()
	waitUntil(t, "sound out with the monitor off", 60*time.Second, func() bool { return audioSent() >= base+50 })
}

// toneEngine is a small engine (320×180 at 30 fps, 500 kbps) on the test
// pattern and a tone, closed when the test ends.
func toneEngine(t *testing.T) *Engine {
	t.Helper()
	eng, err := NewEngine(EngineConfig{Width: 320, Height: 180, FPS: 30, BitrateKbps: 500})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 320, Height: 180, FPS: 30}), nil)
	if err := eng.SetAudio("main", capture.NewTone(capture.ToneConfig{})); err != nil {
		t.Fatal(err)
	}
	return eng
}
