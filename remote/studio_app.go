package remote

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"showcaster/app"
	"showcaster/internal/clock"
)

// studioApp is the studio window's Studio: the show's broadcast, the
// recording, the studio's scenes (the list the window edits) and the
// microphone.
type studioApp struct {
	s    *app.Studio
	clk  clock.Clock
	srv  *Server
	stop chan struct{}
	once sync.Once
}

const studioMic = "Microphone"

// ServeStudio serves remote control for the studio window with the given
// settings; Close stops it. The studio's changes, whoever made them, reach
// the clients as events (the state is compared every quarter second).
func ServeStudio(s *app.Studio, addr, password string, allowLAN bool, clk clock.Clock) (*Server, error) {
	a := &studioApp{s: s, clk: clock.OrReal(clk), stop: make(chan struct{})}
	st := s.Settings()
	srv, err := Start(Config{Addr: addr, Password: password, AllowRemote: allowLAN, Studio: a,
		Width: st.Width, Height: st.Height, FPS: st.FPS})
	if err != nil {
		return nil, err
	}
	a.srv = srv
	srv.onClose = a.close
	go a.watch()
	return srv, nil
}

func (a *studioApp) close() { a.once.Do(func() { close(a.stop) }) }

type studioState struct {
	onAir, recording, muted bool
	scene                   string   // the name of the scene on air
	scenes                  []string // the scenes' names in order
}

func (a *studioApp) state() studioState {
	names, cur := a.Scenes()
	return studioState{onAir: a.s.OnAir(), recording: a.s.Recording() != "", muted: a.s.MicMuted(), scene: cur, scenes: names}
}

// watch turns changes of the studio's state into events.
func (a *studioApp) watch() {
	t := a.clk.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last := a.state()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C():
		}
		now := a.state()
		if now.onAir != last.onAir {
			st := OutputStopped
			if now.onAir {
				st = OutputStarted
			}
			a.srv.Emit(StreamStateChanged{Active: now.onAir, State: st})
		}
		if now.recording != last.recording {
			st := OutputStopped
			if now.recording {
				st = OutputStarted
			}
			a.srv.Emit(RecordStateChanged{Active: now.recording, State: st})
		}
		if !slices.Equal(now.scenes, last.scenes) {
			a.srv.Emit(SceneListChanged{Names: now.scenes})
		}
		if now.scene != last.scene {
			a.srv.Emit(CurrentProgramSceneChanged{Name: now.scene})
		}
		if now.muted != last.muted {
			a.srv.Emit(InputMuteStateChanged{Name: studioMic, Muted: now.muted})
		}
		last = now
	}
}

func (a *studioApp) StreamStatus() OutputStatus {
	st := a.s.Stats()
	out := OutputStatus{Active: a.s.OnAir(), Reconnecting: st.State == app.StreamReconnecting,
		TotalFrames: st.FramesSent + st.FramesDropped, SkippedFrames: st.FramesDropped}
	if out.Active {
		out.Duration = a.s.Elapsed()
		out.Bytes = int64(st.Kbps * 1000 / 8 * out.Duration.Seconds())
	}
	return out
}

func (a *studioApp) StartStream(ctx context.Context) error {
	if a.s.OnAir() {
		return ErrOutputRunning
	}
	if !a.s.Can(app.ActionGoLive) {
		return fmt.Errorf("pick an approved show first: %w", ErrNotReady)
	}
	return a.s.GoLive(ctx)
}

func (a *studioApp) StopStream(ctx context.Context) error {
	if !a.s.OnAir() {
		return ErrOutputNotRunning
	}
	return a.s.EndShow(ctx)
}

func (a *studioApp) RecordStatus() OutputStatus {
	return OutputStatus{Active: a.s.Recording() != ""}
}

func (a *studioApp) StartRecord(context.Context) error {
	if a.s.Recording() != "" {
		return ErrOutputRunning
	}
	_, err := a.s.StartRecording()
	return err
}

func (a *studioApp) StopRecord(context.Context) (string, error) {
	path := a.s.Recording()
	if path == "" {
		return "", ErrOutputNotRunning
	}
	return path, a.s.StopRecording()
}

func (a *studioApp) Scenes() ([]string, string) {
	var names []string
	for _, sc := range a.s.Scenes() {
		names = append(names, sc.Name)
	}
	cur, _ := a.s.CurrentScene()
	return names, cur.Name
}

func (a *studioApp) SetScene(_ context.Context, name string) error {
	for _, sc := range a.s.Scenes() {
		if sc.Name == name {
			return a.s.SwitchScene(sc.ID)
		}
	}
	return fmt.Errorf("scene %q: %w", name, ErrNotFound)
}

func (a *studioApp) Inputs() []Input {
	return []Input{{Name: "Camera", Kind: "camera"}, {Name: studioMic, Kind: "microphone", Audio: true, Muted: a.s.MicMuted()}}
}

func (a *studioApp) SetInputMuted(name string, muted bool) error {
	if name != studioMic {
		return fmt.Errorf("input %q: %w", name, ErrNotFound)
	}
	a.s.SetMicMuted(muted)
	return nil
}

func (a *studioApp) Stats() Stats {
	st := a.s.Stats()
	return Stats{ActiveFPS: st.FPS, OutputSkipped: st.FramesDropped, OutputTotal: st.FramesSent + st.FramesDropped}
}

func (a *studioApp) Vendor(ctx context.Context, request string, data map[string]any) (map[string]any, error) {
	desk := a.s.Products()
	switch request {
	case "ExplainNextProduct":
		if desk == nil {
			return nil, fmt.Errorf("pick a show with products first: %w", ErrNotReady)
		}
		if err := desk.Next(); err != nil {
			return nil, err
		}
		return map[string]any{"productId": desk.OnAir()}, nil
	case "PostBulletin":
		if desk == nil {
			return nil, fmt.Errorf("pick a show first: %w", ErrNotReady)
		}
		text, _ := data["text"].(string)
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("%w: text", ErrMissingField)
		}
		return map[string]any{"bulletin": text}, desk.SetBulletin(text)
	case "StartLottery":
		tk := a.s.Toolkit()
		if tk == nil {
			return nil, fmt.Errorf("pick a show first: %w", ErrNotReady)
		}
		l := app.NewLottery{Condition: "none", Winners: 1}
		l.Prize, _ = data["prize"].(string)
		if strings.TrimSpace(l.Prize) == "" {
			return nil, fmt.Errorf("%w: prize", ErrMissingField)
		}
		if n, ok := number(data["winners"]); ok {
			l.Winners = int(n)
		}
		if c, ok := data["condition"].(string); ok && c != "" {
			l.Condition = c
		}
		l.Password, _ = data["password"].(string)
		if n, ok := number(data["countdownS"]); ok {
			l.CountdownS = int(n)
		}
		lot, err := tk.StartLottery(ctx, l)
		if err != nil {
			return nil, err
		}
		return map[string]any{"lotteryId": lot.ID, "prize": lot.Prize, "winners": lot.Winners}, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownRequest, request)
}

// ForStudio is ServeStudio as the studio starts it from its Settings
// (app.RemoteControlFunc).
func ForStudio(s *app.Studio, addr, password string, lan bool) (io.Closer, error) {
	return ServeStudio(s, addr, password, lan, nil)
}
