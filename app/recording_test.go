package app

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/scene"
)

// A studio sits idle for a minute before it records (the usual case: the
// host opens the window, sets up, then presses Record). The file must have
// its sound, on the picture's timeline: the audio encoder, fed only while
// an output is attached, may not count its time from its first sample.
func TestRecordingAfterAnIdleMinuteHasSoundInStep(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed")
	}
	clk := clock.NewFake(time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC))
	eng, err := NewEngine(EngineConfig{Width: 320, Height: 180, FPS: 30, BitrateKbps: 400, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 320, Height: 180, FPS: 30, Clock: clk}), nil)
	if err := eng.SetAudio("main", capture.NewTone(capture.ToneConfig{Clock: clk})); err != nil {
		t.Fatal(err)
	}
	eng.Start(context.Background())
	// The scene's, the mixer's and the stats' tickers, the sources' pacers.
	waitUntil(t, "the engine's clocks", 20*time.Second, func() bool { return clk.Waiters() >= 5 })

	// step moves the clock on 20 ms at a time and waits until the scene and
	// the mixer have each taken every tick (a fake ticker drops a tick
	// its reader has not taken, as a real one does).
	since := time.Duration(0)
	step := func(d time.Duration) {
		for end := since + d; since < end; {
			f0, c0 := eng.scene.Stats().Frames, eng.mixer.Stats().Chunks
			before := since
			since += capture.ChunkDuration
			clk.Advance(capture.ChunkDuration)
			period := time.Second / 30
			wantF := f0 + uint64(since/period-before/period)
			waitUntil(t, "the engine to take a tick", 20*time.Second, func() bool {
				return eng.scene.Stats().Frames >= wantF && eng.mixer.Stats().Chunks >= c0+1
			})
		}
	}
	clk.Advance(time.Minute) // idle: preview only
	since = time.Minute
	step(200 * time.Millisecond)

	path := filepath.Join(t.TempDir(), "after-idle.mkv")
	if err := eng.StartRecording(path); err != nil {
		t.Fatal(err)
	}
	step(3 * time.Second)
	if err := eng.StopRecording(); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "packet=codec_type,pts_time",
		"-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	type span struct {
		n        int
		from, to float64
	}
	spans := map[string]*span{}
	for _, l := range strings.Fields(string(out)) {
		f := strings.Split(l, ",")
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		s := spans[f[0]]
		if s == nil {
			s = &span{from: v, to: v}
			spans[f[0]] = s
		}
		s.n++
		s.from, s.to = math.Min(s.from, v), math.Max(s.to, v)
	}
	v, a := spans["video"], spans["audio"]
	if v == nil || v.n < 30 {
		t.Fatalf("video packets %+v, want about 90", v)
	}
	if a == nil || a.n < 75 {
		t.Fatalf("audio packets %+v in a 3 s recording, want about 150 (video %+v)", a, v)
	}
	t.Logf("video %d packets %.3f–%.3f s, audio %d packets %.3f–%.3f s", v.n, v.from, v.to, a.n, a.from, a.to)
	if math.Abs(a.from-v.from) > 0.1 || math.Abs(a.to-v.to) > 0.1 {
		t.Fatalf("audio spans %.3f–%.3f s, video %.3f–%.3f s: want the same time", a.from, a.to, v.from, v.to)
	}
}
