package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/platform"
	"showcaster/publish"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// liveOptions are the flags of `showcaster live`.
type liveOptions struct {
	whip, token           string
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

func runLive(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o liveOptions
	fs.StringVar(&o.whip, "whip", "", "WHIP endpoint URL to publish to")
	fs.StringVar(&o.token, "token", os.Getenv("SHOWCASTER_TOKEN"), "bearer token (the WHIP token, or the studio token with --platform; env SHOWCASTER_TOKEN keeps it out of ps)")
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
	fs.StringVar(&o.minBitrate, "min-bitrate", "300k", "the least video bitrate congestion control may fall to")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	fs.BoolVar(&o.statsJSON, "stats-json", false, "print one JSON stats object a second on stdout")
	fs.StringVar(&o.overlayText, "overlay", "", "show this text as a bulletin banner on the program")
	fs.StringVar(&o.record, "record", "", "also record the program to this Matroska file (.mkv); recording goes on through reconnects")
	fs.StringVar(&o.remoteControl, "remote-control", "", "serve obs-websocket v5 remote control on this address (e.g. 127.0.0.1:4455); password from $"+RemotePasswordEnv)
	fs.StringVar(&o.scene, "scene", "", "start on this scene: full, pip or side (or 全屏, 画中画, 并排); overrides --layout")
	fs.StringVar(&o.recordDir, "record-dir", ".", "where recordings started by remote control are written")
	fs.Var(&o.guests, "invite-guest", "invite a co-host (连麦) by name (repeatable, up to 3; with --platform): prints {\"guest\":{\"id\",\"name\",\"url\"}} and puts them into the program")
	fs.StringVar(&o.joinGuest, "join-guest", "", "join another studio's show as its guest with this guest link, sending this program (two studios on one screen); alone or beside --whip/--platform")
	fs.StringVar(&o.guestLayout, "guest-layout", "side", "with --invite-guest: side (host | guest), pip, guest (full) or grid")
	fs.StringVar(&o.beauty, "beauty", "", "beauty on a camera: smoothing,brightening,light, each 0..100 (e.g. 60,40,30)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := live(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "showcaster live: %v\n", err)
		return 1
	}
	return 0
}

func live(ctx context.Context, o liveOptions, stdout, stderr io.Writer) error {
	w, h, err := parseSize(o.size)
	if err != nil {
		return err
	}
	maxKbps, err := parseKbps(o.bitrate)
	if err != nil {
		return fmt.Errorf("--bitrate %q: %w", o.bitrate, err)
	}
	minKbps, err := parseKbps(o.minBitrate)
	if err != nil {
		return fmt.Errorf("--min-bitrate %q: %w", o.minBitrate, err)
	}
	layout, err := scene.ParseLayout(o.layout)
	if err != nil {
		return err
	}
	if o.scene != "" {
		if layout, err = sceneLayout(o.scene); err != nil {
			return err
		}
	}
	beauty, err := parseBeauty(o.beauty)
	if err != nil {
		return err
	}
	if o.whip == "" && o.platformURL == "" && o.joinGuest == "" {
		return fmt.Errorf("%w: give --whip URL (any WHIP server), --platform URL --show ID, or --join-guest LINK", ErrBadFlag)
	}
	if o.platformURL != "" && o.showID == "" {
		return fmt.Errorf("%w: --platform needs --show ID (see 'showcaster shows list')", ErrBadFlag)
	}

	out := &lineWriter{w: stdout}
	eng, err := app.NewEngine(app.EngineConfig{
		Width: w, Height: h, FPS: o.fps, BitrateKbps: maxKbps, MinKbps: min(minKbps, maxKbps), MaxKbps: maxKbps,
		LoopbackOnly: app.IsLoopbackURL(o.whip) || app.IsLoopbackURL(o.platformURL),
		Emit: func(ev app.Event) {
			switch ev := ev.(type) {
			case app.Reconnecting:
				fmt.Fprintf(stderr, "connection lost (%v): reconnect attempt %d in %v\n", ev.Err, ev.Attempt, ev.Delay.Round(time.Millisecond))
			case app.Notice:
				if ev.Err != nil {
					fmt.Fprintln(stderr, ev.Err)
				}
			}
		},
	})
	if err != nil {
		return err
	}
	defer eng.Close()
	main, err := openVideo(o.source, w, h, o.fps)
	if err != nil {
		return err
	}
	main = withBeauty(o.source, main, beauty)
	var second capture.VideoSource
	// Under remote control every layout may be asked for: open the second
	// picture whatever the first one is.
	if layout == scene.LayoutPiP || layout == scene.LayoutSide || o.remoteControl != "" {
		spec := o.second
		if spec == "" {
			spec = "test"
		}
		if second, err = openVideo(spec, w/2, h/2, o.fps); err != nil {
			main.Close()
			return err
		}
		second = withBeauty(spec, second, beauty)
	}
	if len(o.guests) > 0 && o.platformURL == "" {
		return fmt.Errorf("%w: --invite-guest needs --platform URL --show ID", ErrBadFlag)
	}
	eng.SetVideo(layout, main, second)
	hostAudio, err := app.OpenAudio(o.audio, nil)
	if err != nil {
		return err
	}
	if hostAudio != nil && len(o.guests) == 0 {
		if err := eng.SetAudio("main", hostAudio); err != nil {
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
			return err
		}
	}

	whipURL, token := o.whip, o.token
	var client *platform.Client
	if o.platformURL != "" {
		client = platform.NewClient(platform.ClientConfig{BaseURL: o.platformURL, Token: o.token})
		ing, err := app.StartBroadcast(ctx, client, o.showID, !o.trial)
		if err != nil {
			return err
		}
		whipURL, token = ing.WHIPURL, ing.Token
		fmt.Fprintf(stderr, "viewer link: %s\n", ing.ViewerURL)
		if o.events {
			go printEvents(ctx, client, o.showID, out)
		}
	}
	if o.joinGuest != "" {
		stopGuest, err := joinAsGuest(o.joinGuest, eng, w, h, o.fps, maxKbps, stderr)
		if err != nil {
			return err
		}
		defer stopGuest()
	}
	if whipURL != "" {
		if err := eng.Publish(ctx, whipURL, token); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "publishing %dx%d@%d to %s\n", w, h, o.fps, app.RedactURL(whipURL))
	}
	if len(o.guests) > 0 {
		co, err := startGuests(ctx, o, eng, client, main, hostAudio, out)
		if err != nil {
			return err
		}
		defer co.Close()
	}

	clk := clock.OrReal(o.clk)
	var deadline <-chan time.Time
	if o.duration > 0 {
		deadline = clk.After(o.duration)
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
		rc, err := startLiveRemote(o.remoteControl, eng, w, h, o.fps, layout, main, second, o.recordDir, audioID, stopRun, stderr)
		if err != nil {
			return err
		}
		// Deferred: it runs after the stream has stopped below, so clients
		// hear that it stopped before their sockets close.
		defer rc.close()
	}
	start := clk.Now()
	tick := clk.NewTicker(time.Second)
	defer tick.Stop()
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case <-deadline:
			break loop
		case <-tick.C():
			if o.statsJSON {
				st := eng.Stats()
				out.json(statsLine{
					TMs: clock.Since(clk, start).Milliseconds(), State: st.State.String(), FPS: round1(st.FPS), Kbps: round1(st.Kbps),
					FramesSent: st.FramesSent, FramesDropped: st.FramesDropped, Drops: st.Drops, RTTMs: st.RTT.Milliseconds(),
					Loss: st.Loss, TargetKbps: round1(st.TargetKbps), Reconnects: st.Reconnects,
				})
			}
		}
	}
	stopErr := errors.Join(eng.StopPublishing(), eng.StopRecording())
	if client != nil {
		endCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := app.EndBroadcast(endCtx, client, o.showID, o.trial); err != nil {
			fmt.Fprintf(stderr, "ending the show on the platform: %v\n", err)
		}
	}
	if stopErr != nil {
		fmt.Fprintf(stderr, "ending the WHIP session: %v\n", stopErr)
	}
	return nil
}

// statsLine is one line of --stats-json.
type statsLine struct {
	TMs           int64     `json:"t_ms"`
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
