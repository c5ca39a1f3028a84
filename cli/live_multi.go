package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"showcaster/app"
	"showcaster/broadcast"
	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/platform"
	"showcaster/publish"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// wantsDestinations tells whether `showcaster live` was asked for several
// destinations or for RTMP: those runs go through the destinations hub,
// while a run with one --whip keeps its original path and output.
func wantsDestinations(args []string) bool {
	whips := 0
	for _, a := range args {
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ = strings.Cut(name, "=")
		switch name {
		case "rtmp":
			return true
		case "whip":
			whips++
		}
	}
	return whips > 1
}

// whipDest is one --whip with the --token that follows it.
type whipDest struct{ url, token string }

func runLiveMulti(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o liveOptions
	var whips []whipDest
	var rtmps []string
	fs.Func("whip", "WHIP endpoint URL to publish to (repeat for several; each takes the --token after it)", func(v string) error {
		whips = append(whips, whipDest{url: v})
		return nil
	})
	fs.Func("token", "bearer token of the --whip before it (or the studio token with --platform)", func(v string) error {
		if len(whips) > 0 && whips[len(whips)-1].token == "" {
			whips[len(whips)-1].token = v
		} else {
			o.token = v
		}
		return nil
	})
	fs.Func("rtmp", "RTMP(S) push URL with its stream key: rtmp://host/app/KEY?… or rtmp://host/app#KEY (repeatable; rtmps:// too)", func(v string) error {
		rtmps = append(rtmps, v)
		return nil
	})
	fs.StringVar(&o.platformURL, "platform", "", "platform base URL: publish a show through the platform API")
	fs.StringVar(&o.showID, "show", "", "show id on the platform (with --platform)")
	fs.BoolVar(&o.trial, "trial", false, "run a trial broadcast that the audience does not see (with --platform)")
	fs.BoolVar(&o.events, "events", false, "print every platform event as one JSON line on stdout (with --platform)")
	fs.StringVar(&o.source, "source", "test", "main picture: test, camera[:ID], screen[:ID] or image:PATH")
	fs.StringVar(&o.second, "second", "", "second picture for pip/side layouts (same forms as --source; default: a test pattern)")
	fs.StringVar(&o.audio, "audio", "tone", "sound: tone, mic[:ID] or none")
	fs.StringVar(&o.layout, "layout", "full", "layout: full, pip or side")
	fs.StringVar(&o.size, "size", "1280x720", "canvas size WxH (even, up to 1920x1080)")
	fs.IntVar(&o.fps, "fps", 30, "frames per second")
	fs.StringVar(&o.bitrate, "bitrate", "2500k", "video bitrate (e.g. 2500k, 4M)")
	fs.StringVar(&o.minBitrate, "min-bitrate", "300k", "the least video bitrate congestion control may fall to (WHIP)")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	fs.BoolVar(&o.statsJSON, "stats-json", false, "print one JSON stats object a second on stdout, with an outputs array")
	fs.StringVar(&o.overlayText, "overlay", "", "show this text as a bulletin banner on the program")
	fs.StringVar(&o.record, "record", "", "also record the program to this Matroska file (.mkv)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed, err := liveMulti(ctx, o, whips, rtmps, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster live: %v\n", err)
		return 1
	}
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintf(stderr, "showcaster live: %s\n", f)
		}
		return 1
	}
	return 0
}

// outputLine is one destination in a --stats-json line.
type outputLine struct {
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	State         string    `json:"state"`
	FPS           float64   `json:"fps"`
	Kbps          float64   `json:"kbps"`
	FramesSent    int64     `json:"frames_sent"`
	FramesDropped int64     `json:"frames_dropped"`
	Drops         app.Drops `json:"drops"`
	RTTMs         int64     `json:"rtt_ms"`
	Reconnects    int       `json:"reconnects"`
	EncoderKbps   int       `json:"encoder_kbps"`
	StopReason    string    `json:"stop_reason,omitempty"`
	Error         string    `json:"error,omitempty"`
}

// multiStatsLine is statsLine (describing the first destination) plus
// every destination.
type multiStatsLine struct {
	statsLine
	Outputs []outputLine `json:"outputs"`
}

func outputLines(ds []broadcast.DestStats) []outputLine {
	out := make([]outputLine, 0, len(ds))
	for _, d := range ds {
		l := outputLine{
			Name: d.Name, Kind: d.Kind, State: d.State.String(), FPS: round1(d.FPS), Kbps: round1(d.Kbps),
			FramesSent: int64(d.FramesSent), FramesDropped: int64(d.FramesDropped + d.EncoderDrops),
			Drops: app.Drops{Encoder: int64(d.EncoderDrops), SendQueue: int64(d.Drops.QueueFull),
				NotLive: int64(d.Drops.NotLive), AwaitKeyframe: int64(d.Drops.AwaitKeyframe)},
			RTTMs: d.RTT.Milliseconds(), Reconnects: d.ReconnectAttempts, EncoderKbps: d.EncoderKbps,
			StopReason: d.StopReason.String(),
		}
		if d.StopErr != nil {
			l.Error = d.StopErr.Error()
		}
		out = append(out, l)
	}
	return out
}

// liveMulti runs the show to every destination. It returns one line for
// each destination that could not publish, or stopped because its key was
// refused; err is a failure of the whole run.
func liveMulti(ctx context.Context, o liveOptions, whips []whipDest, rtmps []string, stdout, stderr io.Writer) (failed []string, err error) {
	w, h, err := parseSize(o.size)
	if err != nil {
		return nil, err
	}
	maxKbps, err := parseKbps(o.bitrate)
	if err != nil {
		return nil, fmt.Errorf("--bitrate %q: %w", o.bitrate, err)
	}
	minKbps, err := parseKbps(o.minBitrate)
	if err != nil {
		return nil, fmt.Errorf("--min-bitrate %q: %w", o.minBitrate, err)
	}
	layout, err := scene.ParseLayout(o.layout)
	if err != nil {
		return nil, err
	}
	if o.platformURL != "" && o.showID == "" {
		return nil, fmt.Errorf("%w: --platform needs --show ID (see 'showcaster shows list')", ErrBadFlag)
	}
	loopback := app.IsLoopbackURL(o.platformURL)
	for _, wd := range whips {
		loopback = loopback || app.IsLoopbackURL(wd.url)
	}
	out := &lineWriter{w: stdout}
	eng, err := app.NewEngine(app.EngineConfig{
		Width: w, Height: h, FPS: o.fps, BitrateKbps: maxKbps, MinKbps: min(minKbps, maxKbps), MaxKbps: maxKbps,
		LoopbackOnly: loopback,
		Emit: func(ev app.Event) {
			if n, ok := ev.(app.Notice); ok && n.Err != nil {
				fmt.Fprintln(stderr, n.Err)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	main, err := openVideo(o.source, w, h, o.fps)
	if err != nil {
		return nil, err
	}
	var second capture.VideoSource
	if layout == scene.LayoutPiP || layout == scene.LayoutSide {
		spec := o.second
		if spec == "" {
			spec = "test"
		}
		if second, err = openVideo(spec, w/2, h/2, o.fps); err != nil {
			main.Close()
			return nil, err
		}
	}
	eng.SetVideo(layout, main, second)
	if src, err := app.OpenAudio(o.audio, nil); err != nil {
		return nil, err
	} else if src != nil {
		if err := eng.SetAudio("main", src); err != nil {
			return nil, err
		}
	}
	if o.overlayText != "" {
		fonts, err := overlay.NewFonts(overlay.FontConfig{})
		if err != nil {
			return nil, err
		}
		img := overlay.NewRenderer(fonts).Bulletin(o.overlayText, w, h)
		at := overlay.BulletinPosition(overlay.DefaultCorner, img.Bounds().Size(), image.Pt(w, h))
		if err := eng.Scene().SetOverlay(scene.Overlay{ID: "bulletin", Image: img, At: at, Z: 10, Visible: true}); err != nil {
			return nil, err
		}
	}
	dests := app.NewDestinations(eng, func(name string, ev publish.Event) {
		switch ev.Kind {
		case publish.EventReconnectScheduled:
			fmt.Fprintf(stderr, "%s: connection lost (%v): reconnect attempt %d in %v\n", name, ev.Err, ev.Attempt, ev.Delay.Round(time.Millisecond))
		case publish.EventState:
			if ev.State == publish.StateLive {
				fmt.Fprintf(stderr, "%s: live\n", name)
			}
		}
	})
	defer dests.Close()
	eng.Start(ctx)
	if o.record != "" {
		if err := dests.AddRecording(o.record); err != nil {
			return nil, err
		}
	}

	var client *platform.Client
	if o.platformURL != "" {
		client = platform.NewClient(platform.ClientConfig{BaseURL: o.platformURL, Token: o.token})
		var ing platform.Ingest
		if o.trial {
			ing, err = client.StartTrial(ctx, o.showID)
		} else {
			ing, err = client.GoLive(ctx, o.showID)
		}
		if err != nil {
			return nil, err
		}
		whips = append([]whipDest{{url: ing.WHIPURL, token: ing.Token}}, whips...)
		fmt.Fprintf(stderr, "viewer link: %s\n", ing.ViewerURL)
		if o.events {
			go printEvents(ctx, client, o.showID, out)
		}
	}
	if len(whips)+len(rtmps) == 0 {
		return nil, fmt.Errorf("%w: give --whip URL, --rtmp URL or --platform URL --show ID", ErrBadFlag)
	}

	// Every destination starts at once; each reports on its own.
	taken := map[string]bool{}
	type started struct {
		name string
		err  error
	}
	results := make(chan started)
	n := 0
	for _, wd := range whips {
		name := app.DestinationName("whip", wd.url, taken)
		wd := wd
		n++
		go func() { results <- started{name, dests.AddWHIP(ctx, name, wd.url, wd.token, 0)} }()
	}
	for _, r := range rtmps {
		name := app.DestinationName("rtmp", r, taken)
		r := r
		capKbps := 0
		if u, err := url.Parse(r); err == nil {
			if p, ok := broadcast.PresetForHost(u.Hostname()); ok && p.MaxKbps < maxKbps {
				capKbps = p.MaxKbps
				fmt.Fprintf(stderr, "%s: %s takes at most %d kbps: this destination gets its own encode at that rate\n", name, p.Name, p.MaxKbps)
			}
		}
		n++
		go func() { results <- started{name, dests.AddRTMP(ctx, name, r, "", capKbps)} }()
	}
	live := 0
	for i := 0; i < n; i++ {
		r := <-results
		if r.err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", r.name, r.err))
			continue
		}
		live++
	}
	if live == 0 {
		return failed, nil
	}
	fmt.Fprintf(stderr, "publishing %dx%d@%d to %d destination(s)\n", w, h, o.fps, live)

	clk := clock.OrReal(o.clk)
	var deadline <-chan time.Time
	if o.duration > 0 {
		deadline = clk.After(o.duration)
	}
	start := clk.Now()
	tick := clk.NewTicker(time.Second)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-deadline:
			break loop
		case <-tick.C():
			if o.statsJSON {
				ds := dests.Stats()
				lines := outputLines(ds)
				line := multiStatsLine{Outputs: lines}
				line.TMs = clock.Since(clk, start).Milliseconds()
				for _, l := range lines {
					if l.Kind == "record" {
						continue
					}
					line.State, line.FPS, line.Kbps, line.FramesSent, line.FramesDropped = l.State, l.FPS, l.Kbps, l.FramesSent, l.FramesDropped
					line.Drops, line.RTTMs, line.Reconnects = l.Drops, l.RTTMs, l.Reconnects
					break
				}
				out.json(line)
			}
		}
	}
	// A destination that stopped on its own (its key refused mid-show) is
	// reported; the ones still on air end cleanly.
	for _, d := range dests.Stats() {
		if d.StopReason == publish.StopRefused || d.StopReason == publish.StopFailed {
			failed = append(failed, fmt.Sprintf("%s: %v", d.Name, d.StopErr))
		}
	}
	stopErr := dests.Close()
	if client != nil {
		endCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		if o.trial {
			_, err = client.EndTrial(endCtx, o.showID)
		} else {
			_, err = client.End(endCtx, o.showID)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ending the show on the platform: %v\n", err)
		}
	}
	if stopErr != nil && !errors.Is(stopErr, context.Canceled) {
		fmt.Fprintf(stderr, "ending the sessions: %v\n", stopErr)
	}
	return failed, nil
}
