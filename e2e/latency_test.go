package e2e

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"
)

var (
	latencyRun    = flag.Bool("latency", false, "run TestGlassToGlass: the long glass-to-glass latency measurement (or SHOWCASTER_LATENCY=1)")
	latencyWindow = flag.Duration("latency.window", 30*time.Second, "how long TestGlassToGlass measures")
	latencyOut    = flag.String("latency.out", "", "write TestGlassToGlass's figures as JSON to this file")
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
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("延迟测量 · latency")
	ingest := st.goLive(show.ID)
	startPublisher(t, ingest.WHIPURL, ingest.Token, pubConfig{Width: 1280, Height: 720, FPS: 30, BitrateBps: 2_500_000})

	u, err := url.Parse(ingest.ViewerURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("measure", "1")
	if !*latencyAudio {
		q.Set("audio", "0")
	}
	u.RawQuery = q.Encode()
	tb := b.newTab("latency")
	tb.navigate(u.String())
	waitPlaying(tb)
	tb.waitFor("time-code readings", `__showcaster.latency().decoded >= 30`, playDeadline, pageState)

	type reading struct {
		Samples []float64  `json:"samples"`
		Network []*float64 `json:"network"`
		Frames  []uint32   `json:"frames"`
		Decoded int        `json:"decoded"`
		Misses  int        `json:"misses"`
	}
	// Settle for a few seconds (the jitter buffer adapts), then measure.
	time.Sleep(3 * time.Second)
	before := mustEval[reading](tb, `__showcaster.latency()`)
	framesBefore := mustEval[int](tb, `__showcaster.framesDecoded()`)
	start := time.Now()
	time.Sleep(*latencyWindow)
	after := mustEval[reading](tb, `__showcaster.latency()`)
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
	js, _ := json.MarshalIndent(f, "", "  ")
	t.Logf("glass-to-glass latency:\n%s", js)
	fmt.Printf("glass-to-glass 720p30 over %s: p50 %.0f ms, p95 %.0f ms (%d samples, %.1f fps decoded)\n",
		f.Window, f.P50, f.P95, f.Samples, f.FPS)
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
