package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/remote"
	"showcaster/scene"
)

// RemotePasswordEnv names the environment variable `showcaster live
// --remote-control` takes its password from (a flag would show it in the
// process list).
const RemotePasswordEnv = "SHOWCASTER_REMOTE_PASSWORD"

// liveScenes are a live run's scenes: the three layouts, named as
// --layout names them.
var liveScenes = []string{scene.LayoutFull.String(), scene.LayoutPiP.String(), scene.LayoutSide.String()}

// sceneLayout reads --scene: a layout name, or a default scene's name in
// Chinese or English (全屏, Picture in picture…).
func sceneLayout(name string) (scene.Layout, error) {
	all := append(app.DefaultScenes("en"), app.DefaultScenes("zh")...)
	sc, err := app.FindScene(all, name)
	if err != nil {
		return scene.LayoutUnknown, fmt.Errorf("%w: --scene %q: use full, pip or side: %w", ErrBadFlag, name, err)
	}
	return scene.ParseLayout(sc.Layout)
}

// liveRemote is remote control (obs-websocket) for one live run.
type liveRemote struct {
	srv  *remote.Server
	live *remote.Live
}

// startLiveRemote serves remote control on addr: studio is what it reads
// the stream from (the run's first destination), eng the program it
// rearranges. StopStream calls stopRun, which ends the run as Ctrl-C does.
func startLiveRemote(addr string, studio remote.LiveEngine, eng *app.Engine, w, h, fps int, layout scene.Layout,
	main, second capture.VideoSource, recordDir, audioID string, stopRun context.CancelFunc, stderr io.Writer) (*liveRemote, error) {
	password := os.Getenv(RemotePasswordEnv)
	if password == "" {
		password = remote.NewPassword()
		fmt.Fprintf(stderr, "remote control password (set %s to choose one): %s\n", RemotePasswordEnv, password)
	}
	lv := remote.NewLive(remote.LiveConfig{
		Engine: studio,
		Scenes: liveScenes,
		Scene:  layout.String(),
		SetScene: func(name string) error {
			l, err := scene.ParseLayout(name)
			if err != nil {
				return fmt.Errorf("%w: %v", remote.ErrNotFound, err)
			}
			eng.Scene().SetItemsFade(scene.LayoutItems(l, w, h, main, second), app.DefaultTransition.Fade)
			return nil
		},
		AudioInput: audioID,
		RecordDir:  recordDir,
		Stop:       stopRun,
	})
	srv, err := remote.Start(remote.Config{Addr: addr, Password: password, Studio: lv, Width: w, Height: h, FPS: fps,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }})
	if err != nil {
		return nil, err
	}
	lv.Bind(srv)
	fmt.Fprintf(stderr, "remote control (obs-websocket) on ws://%s\n", srv.Addr())
	return &liveRemote{srv: srv, live: lv}, nil
}

// close tells the clients the run is over and closes their sockets.
func (r *liveRemote) close() {
	if r == nil {
		return
	}
	r.live.Ended()
	r.srv.Close()
}

// parseBeauty reads --beauty SMOOTH,BRIGHTEN,LIGHT (each 0..100; fewer
// values leave the rest at 0).
func parseBeauty(s string) (capture.Beauty, error) {
	var v [3]int
	if s != "" {
		parts := strings.Split(s, ",")
		if len(parts) > 3 {
			return capture.Beauty{}, fmt.Errorf("%w: --beauty %q: give up to three numbers, smoothing,brightening,light, e.g. 60,40,30", ErrBadFlag, s)
		}
		for i, p := range parts {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return capture.Beauty{}, fmt.Errorf("%w: --beauty %q: give up to three numbers, smoothing,brightening,light, e.g. 60,40,30", ErrBadFlag, s)
			}
			v[i] = n
		}
	}
	b := capture.Beauty{Smooth: v[0], Brighten: v[1], Light: v[2]}
	if err := b.Validate(); err != nil {
		return capture.Beauty{}, fmt.Errorf("%w: --beauty %q: %w", ErrBadFlag, s, err)
	}
	return b, nil
}

// withBeauty puts the beauty filter on a camera; other pictures (screen,
// image, test pattern) are left as they are.
func withBeauty(spec string, src capture.VideoSource, b capture.Beauty) capture.VideoSource {
	if !b.On() || !strings.HasPrefix(spec, "camera") {
		return src
	}
	return capture.NewBeautySource(src, b)
}
