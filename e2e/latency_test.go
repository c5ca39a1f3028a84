package e2e

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	latencyRun    = flag.Bool("latency", false, "run TestGlassToGlass: the long glass-to-glass latency measurement (or SHOWCASTER_LATENCY=1)")
	latencyWindow = flag.Duration("latency.window", 30*time.Second, "how long TestGlassToGlass measures")
	latencyOut    = flag.String("latency.out", "", "write TestGlassToGlass's figures as JSON to this file")
	latencySettle = flag.Duration("latency.settle", 3*time.Second, "how long TestGlassToGlass lets the receivers settle before measuring")
	latencyQuery  = flag.String("latency.query", "", "extra query parameters for the viewer page (experiments, e.g. jbt=0)")
	latencyAudio  = flag.Bool("latency.audio", true, "play the sound too, as viewers do (false: the picture alone, ?audio=0)")
)

// latencyFigures summarise one measurement, in milliseconds.
type latencyFigures struct {
	Window      string  `json:"window"`
	Size        string  `json:"size"`
	Audio       bool    `json:"audio"`
	Samples     int     `json:"samples"`
	Misses      int     `json:"misses"`
	FPS         float64 `json:"decoded_fps"`
	P50         float64 `json:"p50_ms"`
	P95         float64 `json:"p95_ms"`
	P99         float64 `json:"p99_ms"`
	Max         float64 `json:"max_ms"`
	Mean        float64 `json:"mean_ms"`
	NetworkP50  float64 `json:"network_p50_ms,omitempty"`
	NetworkP95  float64 `json:"network_p95_ms,omitempty"`
	FramesFirst uint32  `json:"first_frame"`
	FramesLast  uint32  `json:"last_frame"`
	Sound       string  `json:"sound_output"`
	// The sound's own latency, from the sound time code's bursts as they
	// reach the viewer's speakers (one a second; with -latency.pulse), and
	// how far the sound is behind the picture (p50 against p50; negative:
	// ahead).
	SoundSamples int             `json:"sound_samples,omitempty"`
	SoundP50     float64         `json:"sound_p50_ms,omitempty"`
	SoundP95     float64         `json:"sound_p95_ms,omitempty"`
	SoundMin     float64         `json:"sound_min_ms,omitempty"`
	SoundMax     float64         `json:"sound_max_ms,omitempty"`
	SoundBehind  float64         `json:"sound_behind_picture_ms,omitempty"`
	Receivers    receiverFigures `json:"receivers"`
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// TestGlassToGlass measures, in headless Chromium, the time from the test
// pattern's capture to the frame's display, read from the time code burned
// into the picture: 720p30 published through the local platform on loopback
// and played over WHEP. Long, so it runs only when asked:
//
//	go test ./e2e -run TestGlassToGlass -v -timeout 10m -args -latency
func TestGlassToGlass(t *testing.T) {
	if !*latencyRun && os.Getenv("SHOWCASTER_LATENCY") == "" {
		t.Skip("the latency measurement is long: run it with -args -latency or SHOWCASTER_LATENCY=1 (see docs/benchmarks.md)")
	}
	var opts []chromedp.ExecAllocatorOption
	sound := "none (no audio output device)"
	var ears *hearing
	if *latencyPulse {
		ss := startSoundServer(t)
		ears = ss.listen(t)
		opts = ss.browserOptions(*latencySink)
		sound = "PulseAudio null sink"
		if *latencySink > 0 {
			sound += fmt.Sprintf(", %d ms output latency", *latencySink)
		}
	}
	b := newBrowser(t, opts...)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("延迟测量 · latency")
	ingest := st.goLive(show.ID)
	startPublisher(t, ingest.WHIPURL, ingest.Token, pubConfig{Width: 1280, Height: 720, FPS: 30, BitrateBps: 2_500_000, SoundCode: *latencyAudio})

	var probe *arrivalProbe
	if *latencyProbe {
		var err error
		if probe, err = dialArrivalProbe(p.url + "/whep/" + show.ID); err != nil {
			t.Fatalf("arrival probe: %v", err)
		}
		defer probe.close()
	}

	u, err := url.Parse(ingest.ViewerURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("measure", "1")
	if !*latencyAudio {
		q.Set("audio", "0")
	}
	extra, err := url.ParseQuery(*latencyQuery)
	if err != nil {
		t.Fatalf("-latency.query: %v", err)
	}
	for k, v := range extra {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	tb := b.newTab("latency")
	tb.navigate(u.String())
	waitPlaying(tb)
	if *latencyAudio {
		// The page starts muted (browsers' autoplay rule); a viewer taps the
		// sound button, and so does the harness.
		tb.do(chromedp.Click(chromedp.ID("unmute")))
		tb.waitFor("the sound on", `!document.getElementById("video").muted`, playDeadline, pageState)
	}
	tb.waitFor("time-code readings", `__showcaster.latency().decoded >= 30`, playDeadline, pageState)

	type reading struct {
		Samples []float64  `json:"samples"`
		Network []*float64 `json:"network"`
		Frames  []uint32   `json:"frames"`
		Decoded int        `json:"decoded"`
		Misses  int        `json:"misses"`
	}
	// Settle for a few seconds (the jitter buffer adapts), then measure.
	time.Sleep(*latencySettle)
	heardBefore := 0
	if ears != nil {
		heardBefore = ears.count()
	}
	before := mustEval[reading](tb, `__showcaster.latency()`)
	statsBefore := mustEval[mediaStats](tb, `__showcaster.mediaStats()`)
	framesBefore := mustEval[int](tb, `__showcaster.framesDecoded()`)
	if probe != nil {
		probe.start()
	}
	start := time.Now()
	time.Sleep(*latencyWindow)
	after := mustEval[reading](tb, `__showcaster.latency()`)
	statsAfter := mustEval[mediaStats](tb, `__showcaster.mediaStats()`)
	framesAfter := mustEval[int](tb, `__showcaster.framesDecoded()`)
	elapsed := time.Since(start)

	skip := len(before.Samples)
	if len(after.Samples) < skip {
		t.Fatalf("the page dropped samples: %d before, %d after", skip, len(after.Samples))
	}
	win := slices.Clone(after.Samples[skip:])
	if len(win) < 10 {
		t.Fatalf("only %d time-code readings in %v", len(win), elapsed)
	}
	var net []float64
	for _, v := range after.Network[skip:] {
		if v != nil {
			net = append(net, *v)
		}
	}
	slices.Sort(win)
	slices.Sort(net)
	var sum float64
	for _, v := range win {
		sum += v
	}
	f := latencyFigures{
		Window:      elapsed.Round(time.Second).String(),
		Size:        "1280x720@30",
		Audio:       *latencyAudio,
		Samples:     len(win),
		Misses:      after.Misses - before.Misses,
		FPS:         float64(framesAfter-framesBefore) / elapsed.Seconds(),
		P50:         percentile(win, 50),
		P95:         percentile(win, 95),
		P99:         percentile(win, 99),
		Max:         win[len(win)-1],
		Mean:        sum / float64(len(win)),
		FramesFirst: after.Frames[skip],
		FramesLast:  after.Frames[len(after.Frames)-1],
	}
	if len(net) > 0 {
		f.NetworkP50, f.NetworkP95 = percentile(net, 50), percentile(net, 95)
	}
	f.Sound = sound
	if ears != nil && ears.count() > heardBefore {
		heard := ears.since(heardBefore)
		slices.Sort(heard)
		f.SoundSamples = len(heard)
		f.SoundP50, f.SoundP95 = percentile(heard, 50), percentile(heard, 95)
		f.SoundMin, f.SoundMax = heard[0], heard[len(heard)-1]
		f.SoundBehind = f.SoundP50 - f.P50
	}
	f.Receivers = statsAfter.since(statsBefore)
	js, _ := json.MarshalIndent(f, "", "  ")
	t.Logf("glass-to-glass latency:\n%s", js)
	fmt.Printf("glass-to-glass 720p30 over %s, sound output %s: p50 %.0f ms, p95 %.0f ms (%d samples, %.1f fps decoded)\n",
		f.Window, sound, f.P50, f.P95, f.Samples, f.FPS)
	if f.SoundSamples > 0 {
		fmt.Printf("sound (time code, %d bursts): p50 %.0f ms, p95 %.0f ms, range %.0f–%.0f ms; sound behind picture %.0f ms\n",
			f.SoundSamples, f.SoundP50, f.SoundP95, f.SoundMin, f.SoundMax, f.SoundBehind)
	}
	fmt.Printf("receivers: %s\n", f.Receivers)
	if probe != nil {
		fmt.Println(probe.report())
	}
	if *latencyOut != "" {
		if err := os.WriteFile(*latencyOut, append(js, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The goal on loopback; a miss is reported, not hidden.
	if f.P50 > 100 || f.P95 > 150 {
		t.Logf("above the loopback goal (p50 ≤ 100 ms, p95 ≤ 150 ms)")
	}
}

// mediaStats is the page's getStats() summary (viewer.js mediaStats): cumulative counters.
type mediaStats struct {
	At      float64      `json:"at"`
	Audio   *inboundStat `json:"audio"`
	Video   *inboundStat `json:"video"`
	Playout *struct {
		TotalPlayoutDelay float64 `json:"totalPlayoutDelay"`
		TotalSamplesCount float64 `json:"totalSamplesCount"`
		Synthesized       float64 `json:"synthesizedSamplesDuration"`
	} `json:"playout"`
}

type inboundStat struct {
	JBDelay    float64 `json:"jitterBufferDelay"`
	JBTarget   float64 `json:"jitterBufferTargetDelay"`
	JBMinimum  float64 `json:"jitterBufferMinimumDelay"`
	JBEmitted  float64 `json:"jitterBufferEmittedCount"`
	Concealed  float64 `json:"concealedSamples"`
	Samples    float64 `json:"totalSamplesReceived"`
	Inserted   float64 `json:"insertedSamplesForDeceleration"`
	Removed    float64 `json:"removedSamplesForAcceleration"`
	Decoded    float64 `json:"framesDecoded"`
	Dropped    float64 `json:"framesDropped"`
	Freezes    float64 `json:"freezeCount"`
	FreezeTime float64 `json:"totalFreezesDuration"`
	DecodeTime float64 `json:"totalDecodeTime"`
	Jitter     float64 `json:"jitter"`
}

// receiverFigures are the window's averages, in milliseconds unless named otherwise.
type receiverFigures struct {
	AudioJitterBuffer float64 `json:"audio_jitter_buffer_ms"`
	AudioTarget       float64 `json:"audio_jitter_target_ms"`
	AudioMinimum      float64 `json:"audio_jitter_minimum_ms"`
	AudioPlayout      float64 `json:"audio_playout_ms"`
	AudioConcealed    float64 `json:"audio_concealed_pct"`
	AudioJitter       float64 `json:"audio_arrival_jitter_ms"`
	VideoJitterBuffer float64 `json:"video_jitter_buffer_ms"`
	VideoTarget       float64 `json:"video_jitter_target_ms"`
	VideoMinimum      float64 `json:"video_jitter_minimum_ms"`
	VideoDecode       float64 `json:"video_decode_ms"`
	VideoFreezes      float64 `json:"video_freezes"`
	VideoDropped      float64 `json:"video_dropped"`
	// LipSync is the sound's delay minus the picture's, after the receivers
	// (jitter buffers, decode, audio output): positive means the sound lags.
	LipSync float64 `json:"lip_sync_ms"`
}

func avgMs(d, n float64) float64 {
	if n <= 0 {
		return 0
	}
	return 1000 * d / n
}

func (a mediaStats) since(b mediaStats) receiverFigures {
	var f receiverFigures
	if a.Audio != nil && b.Audio != nil {
		n := a.Audio.JBEmitted - b.Audio.JBEmitted
		f.AudioJitterBuffer = avgMs(a.Audio.JBDelay-b.Audio.JBDelay, n)
		f.AudioTarget = avgMs(a.Audio.JBTarget-b.Audio.JBTarget, n)
		f.AudioMinimum = avgMs(a.Audio.JBMinimum-b.Audio.JBMinimum, n)
		f.AudioJitter = 1000 * a.Audio.Jitter
		if s := a.Audio.Samples - b.Audio.Samples; s > 0 {
			f.AudioConcealed = 100 * (a.Audio.Concealed - b.Audio.Concealed) / s
		}
	}
	if a.Playout != nil && b.Playout != nil {
		f.AudioPlayout = avgMs(a.Playout.TotalPlayoutDelay-b.Playout.TotalPlayoutDelay, a.Playout.TotalSamplesCount-b.Playout.TotalSamplesCount)
	}
	if a.Video != nil && b.Video != nil {
		n := a.Video.JBEmitted - b.Video.JBEmitted
		f.VideoJitterBuffer = avgMs(a.Video.JBDelay-b.Video.JBDelay, n)
		f.VideoTarget = avgMs(a.Video.JBTarget-b.Video.JBTarget, n)
		f.VideoMinimum = avgMs(a.Video.JBMinimum-b.Video.JBMinimum, n)
		f.VideoDecode = avgMs(a.Video.DecodeTime-b.Video.DecodeTime, a.Video.Decoded-b.Video.Decoded)
		f.VideoFreezes = a.Video.Freezes - b.Video.Freezes
		f.VideoDropped = a.Video.Dropped - b.Video.Dropped
	}
	if a.Audio != nil && a.Video != nil {
		f.LipSync = f.AudioJitterBuffer + f.AudioPlayout - f.VideoJitterBuffer - f.VideoDecode
	}
	return f
}

func (f receiverFigures) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "audio arrival jitter %.1f ms, jitter buffer %.0f ms (target %.0f, minimum %.0f), audio output %.0f ms, concealed %.2f%%; ",
		f.AudioJitter, f.AudioJitterBuffer, f.AudioTarget, f.AudioMinimum, f.AudioPlayout, f.AudioConcealed)
	fmt.Fprintf(&b, "video jitter buffer %.0f ms (target %.0f, minimum %.0f), decode %.1f ms, %v freezes, %v dropped; sound behind picture %.0f ms",
		f.VideoJitterBuffer, f.VideoTarget, f.VideoMinimum, f.VideoDecode, f.VideoFreezes, f.VideoDropped, f.LipSync)
	return b.String()
}
