package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// liveOptions are the flags of `showcaster live`.
type liveOptions struct {
	// whips and rtmps are the destinations, in the order given; the
	// platform's show (--platform) comes first when there is one.
	whips []whipDest
	rtmps []string
	// token is --token when it follows no --whip (or $SHOWCASTER_TOKEN):
	// the studio token with --platform, else the token of every --whip
	// that has none of its own.
	token                 string
	platformURL, showID   string
	trial, events         bool
	source, second, audio string
	layout                string
	size                  string
	fps                   int
	bitrate, minBitrate   string
	duration              time.Duration
	statsJSON             bool
	overlayText           string
	record                string
	remoteControl         string
	scene                 string
	recordDir             string
	beauty                string
	guests                guestNames
	joinGuest             string
	guestLayout           string
	// clk paces the run and its stats lines; nil is the wall clock.
	clk clock.Clock
}

// whipDest is one --whip with the --token that follows it.
type whipDest struct{ url, token string }

// liveFlags is the flag set of `showcaster live`, filling o.
func liveFlags(o *liveOptions, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("showcaster live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.token = os.Getenv("SHOWCASTER_TOKEN")
	fs.Func("whip", "WHIP endpoint URL to publish to (repeat for several; each takes the --token after it)", func(v string) error {
		o.whips = append(o.whips, whipDest{url: v})
		return nil
	})
	fs.Func("token", "bearer token of the --whip before it, or the studio token with --platform (env SHOWCASTER_TOKEN keeps it out of ps)", func(v string) error {
		if n := len(o.whips); n > 0 && o.whips[n-1].token == "" {
			o.whips[n-1].token = v
		} else {
			o.token = v
		}
		return nil
	})
	fs.Func("rtmp", "RTMP(S) push URL with its stream key: rtmp://host/app/KEY?… or rtmp://host/app#KEY (repeatable; rtmps:// too)", func(v string) error {
		o.rtmps = append(o.rtmps, v)
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
	fs.StringVar(&o.size, "size", "1280x720", "canvas size WxH (even, up to 1920x1080 or 1080x1920)")
	fs.IntVar(&o.fps, "fps", 30, "frames per second")
	fs.StringVar(&o.bitrate, "bitrate", "2500k", "video bitrate, the most congestion control may use (e.g. 2500k, 4M)")
	fs.StringVar(&o.minBitrate, "min-bitrate", "300k", "the least video bitrate congestion control may fall to (WHIP)")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	fs.BoolVar(&o.statsJSON, "stats-json", false, "print one JSON stats object a second on stdout (the first destination's figures, and an outputs array)")
	fs.StringVar(&o.overlayText, "overlay", "", "show this text as a bulletin banner on the program")
	fs.StringVar(&o.record, "record", "", "also record the program to this Matroska file (.mkv); recording goes on through reconnects")
	fs.StringVar(&o.remoteControl, "remote-control", "", "serve obs-websocket v5 remote control on this address (e.g. 127.0.0.1:4455); password from $"+RemotePasswordEnv)
	fs.StringVar(&o.scene, "scene", "", "start on this scene: full, pip or side (or 全屏, 画中画, 并排); overrides --layout")
	fs.StringVar(&o.recordDir, "record-dir", ".", "where recordings started by remote control are written")
	fs.Var(&o.guests, "invite-guest", "invite a co-host (连麦) by name (repeatable, up to 3; with --platform): prints {\"guest\":{\"id\",\"name\",\"url\"}} and puts them into the program")
	fs.StringVar(&o.joinGuest, "join-guest", "", "join another studio's show as its guest with this guest link, sending this program (two studios on one screen); alone or beside other destinations")
	fs.StringVar(&o.guestLayout, "guest-layout", "side", "with --invite-guest: side (host | guest), pip, guest (full) or grid")
	fs.StringVar(&o.beauty, "beauty", "", "beauty on a camera: smoothing,brightening,light, each 0..100 (e.g. 60,40,30)")
	return fs
}

func runLive(args []string, stdout, stderr io.Writer) int {
	var o liveOptions
	if err := liveFlags(&o, stderr).Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed, err := live(ctx, o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster live: %v\n", err)
		return 1
	}
	for _, f := range failed {
		fmt.Fprintf(stderr, "showcaster live: %s\n", f)
	}
	if len(failed) > 0 {
		return 1
	}
	return 0
}

// liveRun is what a run has set up: the engine and its sources, the
// destinations, the platform's show.
type liveRun struct {
	o             liveOptions
	w, h, maxKbps int
	layout        scene.Layout
	eng           *app.Engine
	main, second  capture.VideoSource
	hostAudio     capture.AudioSource
	dests         *app.Destinations
	client        *platform.Client
	out           *lineWriter
}

// live runs the show to every destination (the platform's show, each
// --whip and --rtmp), beside a guest link and remote control if asked. It
// returns one line for each destination that could not publish, or stopped
// because its key was refused; err is a failure of the whole run.
func live(ctx context.Context, o liveOptions, stdout, stderr io.Writer) (failed []string, err error) {
	r := &liveRun{o: o, out: &lineWriter{w: stdout}}
	if err := r.check(); err != nil {
		return nil, err
	}
	if err := r.program(stderr); err != nil {
		if r.eng != nil {
			r.eng.Close()
		}
		return nil, err
	}
	eng := r.eng
	defer eng.Close()
	r.dests = app.NewDestinations(eng, func(name string, ev publish.Event) {
		switch ev.Kind {
		case publish.EventReconnectScheduled:
			fmt.Fprintf(stderr, "%s: connection lost (%v): reconnect attempt %d in %v\n", name, ev.Err, ev.Attempt, ev.Delay.Round(time.Millisecond))
		case publish.EventState:
			if ev.State == publish.StateLive {
				fmt.Fprintf(stderr, "%s: live\n", name)
			}
		}
	})
	defer r.dests.Close()
	eng.Start(ctx)
	if o.record != "" {
		// A recording a crash cut off in the same folder gets its duration
		// and index back (before this run writes there).
		if done, err := publish.RepairRecordings(filepath.Dir(o.record)); err != nil {
			fmt.Fprintf(stderr, "showcaster live: %v\n", err)
		} else {
			for _, p := range done {
				fmt.Fprintf(stderr, "showcaster live: repaired the cut recording %s (duration and index written)\n", p)
			}
		}
		if err := eng.StartRecording(o.record); err != nil {
			return nil, err
		}
	}

	whips := r.o.whips
	if o.platformURL != "" {
		r.client = platform.NewClient(platform.ClientConfig{BaseURL: o.platformURL, Token: o.token})
		ing, err := app.StartBroadcast(ctx, r.client, o.showID, !o.trial)
		if err != nil {
			return nil, err
		}
		whips = append([]whipDest{{url: ing.WHIPURL, token: ing.Token}}, whips...)
		fmt.Fprintf(stderr, "viewer link: %s\n", ing.ViewerURL)
		if o.events {
			go printEvents(ctx, r.client, o.showID, r.out)
		}
	}
	if o.joinGuest != "" {
		stopGuest, err := joinAsGuest(o.joinGuest, eng, r.w, r.h, o.fps, r.maxKbps, stderr)
		if err != nil {
			return nil, err
		}
		defer stopGuest()
	}
	failed, onAir := r.publish(ctx, whips, stderr)
	if len(whips)+len(o.rtmps) > 0 && onAir == 0 {
		// Nothing went out. The platform's show is left as it is: ending a
		// formal broadcast cannot be undone, and a second try may go out.
		r.end(false, stderr)
		return failed, nil
	}
	if len(o.guests) > 0 {
		co, err := startGuests(ctx, o, eng, r.client, r.main, r.hostAudio, r.out)
		if err != nil {
			return nil, err
		}
		defer co.Close()
	}

	runCtx := ctx
	if o.remoteControl != "" {
		var stopRun context.CancelFunc
		runCtx, stopRun = context.WithCancel(ctx)
		defer stopRun()
		audioID := ""
		if o.audio != "none" && o.audio != "" {
			audioID = "main"
		}
		rc, err := startLiveRemote(o.remoteControl, liveStudio{eng, r.dests}, eng, r.w, r.h, o.fps, r.layout, r.main, r.second, o.recordDir, audioID, stopRun, stderr)
		if err != nil {
			return nil, err
		}
		// Deferred: it runs after the stream has stopped below, so clients
		// hear that it stopped before their sockets close.
		defer rc.close()
	}
	r.loop(runCtx)
	// A destination that stopped on its own (its key refused mid-show) is
	// reported; the ones still on air end cleanly.
	for _, d := range r.dests.Stats() {
		if d.StopReason == publish.StopRefused || d.StopReason == publish.StopFailed {
			failed = append(failed, fmt.Sprintf("%s: %v", d.Name, d.StopErr))
		}
	}
	r.end(true, stderr)
	return failed, nil
}

// check reads the flags that need no engine.
func (r *liveRun) check() error {
	o := r.o
	var err error
	if r.w, r.h, err = parseSize(o.size); err != nil {
		return err
	}
	if r.maxKbps, err = parseKbps(o.bitrate); err != nil {
		return fmt.Errorf("--bitrate %q: %w", o.bitrate, err)
	}
	if _, err := parseKbps(o.minBitrate); err != nil {
		return fmt.Errorf("--min-bitrate %q: %w", o.minBitrate, err)
	}
	if r.layout, err = scene.ParseLayout(o.layout); err != nil {
		return err
	}
	if o.scene != "" {
		if r.layout, err = sceneLayout(o.scene); err != nil {
			return err
		}
	}
	if _, err := parseBeauty(o.beauty); err != nil {
		return err
	}
	if len(o.whips)+len(o.rtmps) == 0 && o.platformURL == "" && o.joinGuest == "" {
		return fmt.Errorf("%w: give --whip URL (any WHIP server), --rtmp URL, --platform URL --show ID, or --join-guest LINK", ErrBadFlag)
	}
	if o.platformURL != "" && o.showID == "" {
		return fmt.Errorf("%w: --platform needs --show ID (see 'showcaster shows list')", ErrBadFlag)
	}
	if len(o.guests) > 0 && o.platformURL == "" {
		return fmt.Errorf("%w: --invite-guest needs --platform URL --show ID", ErrBadFlag)
	}
	if o.platformURL == "" {
		// Without a platform, --token is every --whip's that has none.
		for i := range r.o.whips {
			if r.o.whips[i].token == "" {
				r.o.whips[i].token = o.token
			}
		}
	}
	return nil
}

// program makes the engine and puts the pictures, the sound and the
// bulletin on its program.
func (r *liveRun) program(stderr io.Writer) error {
	o := r.o
	w, h := r.w, r.h
	minKbps, _ := parseKbps(o.minBitrate)
	beauty, _ := parseBeauty(o.beauty)
	loopback := app.IsLoopbackURL(o.platformURL)
	for _, wd := range o.whips {
		loopback = loopback || app.IsLoopbackURL(wd.url)
	}
	eng, err := app.NewEngine(app.EngineConfig{
		Width: w, Height: h, FPS: o.fps, BitrateKbps: r.maxKbps, MinKbps: min(minKbps, r.maxKbps), MaxKbps: r.maxKbps,
		LoopbackOnly: loopback,
		Emit: func(ev app.Event) {
			if n, ok := ev.(app.Notice); ok && n.Err != nil {
				fmt.Fprintln(stderr, n.Err)
			}
		},
	})
	if err != nil {
		return err
	}
	r.eng = eng
	if r.main, err = openVideo(o.source, w, h, o.fps); err != nil {
		return err
	}
	r.main = withBeauty(o.source, r.main, beauty)
	// Under remote control every layout may be asked for: open the second
	// picture whatever the first one is.
	if r.layout == scene.LayoutPiP || r.layout == scene.LayoutSide || o.remoteControl != "" {
		spec := o.second
		if spec == "" {
			spec = "test"
		}
		if r.second, err = openVideo(spec, w/2, h/2, o.fps); err != nil {
			r.main.Close()
			return err
		}
		r.second = withBeauty(spec, r.second, beauty)
	}
	eng.SetVideo(r.layout, r.main, r.second)
	if r.hostAudio, err = app.OpenAudio(o.audio, nil); err != nil {
		return err
	}
	// With guests the host's sound goes in through the co-host's tee.
	if r.hostAudio != nil && len(o.guests) == 0 {
		if err := eng.SetAudio("main", r.hostAudio); err != nil {
			return err
		}
	}
	if o.overlayText != "" {
		fonts, err := overlay.NewFonts(overlay.FontConfig{})
		if err != nil {
			return err
		}
		img := overlay.NewRenderer(fonts).Bulletin(o.overlayText, w, h)
		at := overlay.BulletinPosition(overlay.DefaultCorner, img.Bounds().Size(), image.Pt(w, h))
		if err := eng.Scene().SetOverlay(scene.Overlay{ID: "bulletin", Image: img, At: at, Z: 10, Visible: true}); err != nil {
			return err
		}
	}
	return nil
}

// publish starts every destination at once and waits until each is live
// or has said why not; a single WHIP URL is one destination like any other.
func (r *liveRun) publish(ctx context.Context, whips []whipDest, stderr io.Writer) (failed []string, onAir int) {
	taken := map[string]bool{}
	type started struct {
		name string
		err  error
	}
	results := make(chan started)
	n := 0
	for _, wd := range whips {
		name := app.DestinationName("whip", wd.url, taken)
		n++
		go func() { results <- started{name, r.dests.AddWHIP(ctx, name, wd.url, wd.token, 0)} }()
	}
	for _, u := range r.o.rtmps {
		name := app.DestinationName("rtmp", u, taken)
		capKbps := 0
		if pu, err := url.Parse(u); err == nil {
			if p, ok := broadcast.PresetForHost(pu.Hostname()); ok && p.MaxKbps < r.maxKbps {
				capKbps = p.MaxKbps
				fmt.Fprintf(stderr, "%s: %s takes at most %d kbps: this destination gets its own encode at that rate\n", name, p.Name, p.MaxKbps)
			}
		}
		n++
		go func() { results <- started{name, r.dests.AddRTMP(ctx, name, u, "", capKbps)} }()
	}
	for range n {
		res := <-results
		if res.err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", res.name, res.err))
			continue
		}
		onAir++
	}
	switch {
	case onAir == 1 && len(whips) == 1 && len(r.o.rtmps) == 0:
		fmt.Fprintf(stderr, "publishing %dx%d@%d to %s\n", r.w, r.h, r.o.fps, app.RedactURL(whips[0].url))
	case onAir > 0:
		fmt.Fprintf(stderr, "publishing %dx%d@%d to %d destinations\n", r.w, r.h, r.o.fps, onAir)
	}
	return failed, onAir
}

// loop waits for the end of the run (Ctrl-C, --duration, StopStream),
// printing a stats line a second with --stats-json.
func (r *liveRun) loop(ctx context.Context) {
	clk := clock.OrReal(r.o.clk)
	var deadline <-chan time.Time
	if r.o.duration > 0 {
		deadline = clk.After(r.o.duration)
	}
	start := clk.Now()
	tick := clk.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-deadline:
			return
		case <-tick.C():
			if r.o.statsJSON {
				ds := r.dests.Stats()
				st, _ := firstDestination(ds)
				line := statsLine{TMs: clock.Since(clk, start).Milliseconds(), streamFigures: figures(st)}
				r.out.json(liveStatsLine{statsLine: line, Outputs: outputLines(ds)})
			}
		}
	}
}

// end stops the destinations and the recording, and with endShow the
// platform's show.
func (r *liveRun) end(endShow bool, stderr io.Writer) {
	stopErr := errors.Join(r.dests.Close(), r.eng.StopRecording())
	if r.client != nil && endShow {
		endCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := app.EndBroadcast(endCtx, r.client, r.o.showID, r.o.trial); err != nil {
			fmt.Fprintf(stderr, "ending the show on the platform: %v\n", err)
		}
	}
	if stopErr != nil && !errors.Is(stopErr, context.Canceled) {
		fmt.Fprintf(stderr, "ending the sessions: %v\n", stopErr)
	}
}

// firstDestination is the report of the run's first destination (the
// platform's show when there is one), and whether there is one.
func firstDestination(ds []broadcast.DestStats) (app.Stats, bool) {
	if len(ds) == 0 {
		return app.Stats{State: app.StreamIdle}, false
	}
	return app.DestinationStats(ds[0]), true
}

// liveStudio is the engine as remote control sees it in a live run: its
// stream is the run's first destination.
type liveStudio struct {
	*app.Engine
	dests *app.Destinations
}

func (l liveStudio) Stats() app.Stats {
	st, _ := firstDestination(l.dests.Stats())
	return st
}

func (l liveStudio) Publishing() bool {
	st, ok := firstDestination(l.dests.Stats())
	return ok && st.State != app.StreamStopped
}

// streamFigures is how one stream does, in --stats-json.
type streamFigures struct {
	State         string    `json:"state"`
	FPS           float64   `json:"fps"`
	Kbps          float64   `json:"kbps"`
	FramesSent    int64     `json:"frames_sent"`
	FramesDropped int64     `json:"frames_dropped"`
	Drops         app.Drops `json:"drops"`
	RTTMs         int64     `json:"rtt_ms"`
	Loss          float64   `json:"loss"`
	TargetKbps    float64   `json:"target_kbps"`
	Reconnects    int       `json:"reconnects"`
}

func figures(st app.Stats) streamFigures {
	return streamFigures{
		State: st.State.String(), FPS: round1(st.FPS), Kbps: round1(st.Kbps),
		FramesSent: st.FramesSent, FramesDropped: st.FramesDropped, Drops: st.Drops, RTTMs: st.RTT.Milliseconds(),
		Loss: st.Loss, TargetKbps: round1(st.TargetKbps), Reconnects: st.Reconnects,
	}
}

// statsLine is one line of --stats-json: the run's first destination.
type statsLine struct {
	TMs int64 `json:"t_ms"`
	streamFigures
}

// outputLine is one destination in a --stats-json line.
type outputLine struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	streamFigures
	EncoderKbps int    `json:"encoder_kbps"`
	StopReason  string `json:"stop_reason,omitempty"`
	Error       string `json:"error,omitempty"`
}

// liveStatsLine is statsLine plus every destination.
type liveStatsLine struct {
	statsLine
	Outputs []outputLine `json:"outputs"`
}

func outputLines(ds []broadcast.DestStats) []outputLine {
	out := make([]outputLine, 0, len(ds))
	for _, d := range ds {
		l := outputLine{Name: d.Name, Kind: d.Kind, streamFigures: figures(app.DestinationStats(d)),
			EncoderKbps: d.EncoderKbps, StopReason: d.StopReason.String()}
		if d.StopErr != nil {
			l.Error = d.StopErr.Error()
		}
		out = append(out, l)
	}
	return out
}

func printEvents(ctx context.Context, c *platform.Client, showID string, out *lineWriter) {
	for ev := range c.Events(ctx, showID, 0) {
		out.json(ev)
	}
}

func parseSize(s string) (int, int, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("%w: size %q: write it as WIDTHxHEIGHT, e.g. 1280x720", ErrBadFlag, s)
	}
	if err := app.CheckCanvas(w, h); err != nil {
		return 0, 0, fmt.Errorf("%w: size %q: %w", ErrBadFlag, s, err)
	}
	return w, h, nil
}

// parseKbps reads 2500k, 2.5M, 2500000 (bps) or 2500 (kbps when under 100000).
func parseKbps(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 0.001
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "m"):
		mult, s = 1000, strings.TrimSuffix(s, "m")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, errors.New("write a bitrate like 2500k or 4M")
	}
	if mult == 0.001 && v < 100000 {
		mult = 1
	}
	return int(v * mult), nil
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// lineWriter writes whole JSON lines from several goroutines.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) json(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(append(b, '\n'))
}

// openVideo opens a --source or --second flag's picture.
func openVideo(flag string, w, h, fps int) (capture.VideoSource, error) {
	spec, err := app.ParseSourceSpec(flag)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadFlag, err)
	}
	return app.OpenVideo(spec, w, h, fps, nil)
}
