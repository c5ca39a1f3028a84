package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"showcaster/app"
	"showcaster/app/store"
)

// fakeStudio records what the window asks for and lets a test play the
// engine's part by sending events. Its show life cycle follows the
// platform's rules (docs/platform-api.md) closely enough for the window.
type fakeStudio struct {
	// otherShows are the shows of the platform a settings change moves to.
	otherShows []app.Show
	events     chan app.Event

	mu       sync.Mutex
	settings app.Settings
	// previewBeauty: what the settings dialog showed on the preview.
	previewBeauty []app.Beauty
	shows         []app.Show
	current       string
	replies       []app.Reply
	moderate      []string
	onAir         string
	muted         bool
	recording     string
	stalled       bool         // the show is on air on the platform but no picture goes out
	store         *store.Store // the catalogue, when a test gives one
	plans         []app.ShowPlan
	desk          *app.ProductDesk
	started       time.Time
	source        app.SourceKind
	layout        app.Layout
	scenes        []store.Scene
	sceneID       string
	sceneSeq      int
	devices       []app.Device
	// countdown paces the 3-2-1; tests shorten it.
	countdown time.Duration
	cancelled chan struct{}
	previews  atomic.Int64
	// echoFirst makes Reply send the platform's copy of the reply before it
	// returns, as a fast event stream does.
	echoFirst bool
}

func newFakeStudio() *fakeStudio {
	return &fakeStudio{
		events:    make(chan app.Event, 20000),
		settings:  app.DefaultSettings(),
		countdown: 20 * time.Millisecond,
	}
}

func (f *fakeStudio) Events() <-chan app.Event { return f.events }
func (f *fakeStudio) Settings() app.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}
func (f *fakeStudio) PreviewBeauty(b app.Beauty) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previewBeauty = append(f.previewBeauty, b)
}

func (f *fakeStudio) ApplySettings(_ context.Context, st app.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.PlatformURL != f.settings.PlatformURL {
		// Another platform: its shows, and none selected (as the studio does).
		f.current = ""
		if f.otherShows != nil {
			f.shows = f.otherShows
		}
	}
	f.settings = st
	return nil
}
func (f *fakeStudio) Devices() ([]app.Device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.devices, nil
}
func (f *fakeStudio) SetVideoSource(k app.SourceKind, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.source = k
	return nil
}
func (f *fakeStudio) SetLayout(l app.Layout) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.layout = l
	return nil
}
func (f *fakeStudio) SetMicMuted(m bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.muted = m
}
func (f *fakeStudio) MicMuted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.muted
}

// Preview draws a frame whose colour changes with every call, so a test
// can tell frames apart.
func (f *fakeStudio) Preview(w, h int) *image.RGBA {
	n := f.previews.Add(1)
	if w > 64 {
		w, h = 64, 36
	}
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	c := color.RGBA{uint8(n * 7), uint8(n * 13), 128, 255}
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func (f *fakeStudio) Shows(context.Context) ([]app.Show, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.Show(nil), f.shows...), nil
}

func (f *fakeStudio) CreateShow(_ context.Context, title string, starts time.Time, d time.Duration) (app.Show, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := app.Show{ID: fmt.Sprintf("s%d", len(f.shows)+1), Title: title, StartsAt: starts,
		DurationMin: int(d / time.Minute), State: "pending_audit"}
	f.shows = append([]app.Show{s}, f.shows...)
	return s, nil
}

func (f *fakeStudio) SelectShow(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.shows {
		if s.ID == id {
			f.current = id
			return nil
		}
	}
	return errors.New("no such show")
}

func (f *fakeStudio) showLocked() *app.Show {
	for i := range f.shows {
		if f.shows[i].ID == f.current {
			return &f.shows[i]
		}
	}
	return nil
}

func (f *fakeStudio) CurrentShow() (app.Show, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.showLocked(); s != nil {
		return *s, true
	}
	return app.Show{}, false
}

// setState moves the current show as the platform would and tells the window.
func (f *fakeStudio) setState(st app.ShowState) {
	f.mu.Lock()
	s := f.showLocked()
	s.State = st
	if st == "trial" || st == "live" {
		f.started = time.Now()
	}
	ev := app.ShowStateChanged{Show: *s, ViewerURL: f.viewerURLLocked()}
	f.mu.Unlock()
	f.events <- ev
}

func (f *fakeStudio) start(to app.ShowState, allowed ...app.ShowState) error {
	f.mu.Lock()
	s := f.showLocked()
	if s == nil {
		f.mu.Unlock()
		return errors.New("no show selected")
	}
	ok := false
	for _, a := range allowed {
		ok = ok || s.State == a
	}
	if !ok {
		st := s.State
		f.mu.Unlock()
		return fmt.Errorf("show is %s", st)
	}
	show := *s
	f.cancelled = make(chan struct{})
	cancelled := f.cancelled
	f.mu.Unlock()
	go func() {
		for n := 3; n > 0; n-- {
			f.events <- app.ShowStateChanged{Show: show, CountdownLeft: n}
			select {
			case <-time.After(f.countdown):
			case <-cancelled:
				f.events <- app.ShowStateChanged{Show: show}
				return
			}
		}
		f.setState(to)
	}()
	return nil
}

func (f *fakeStudio) StartTrial(context.Context) error { return f.start("trial", "approved") }
func (f *fakeStudio) GoLive(context.Context) error {
	f.mu.Lock()
	resume := f.stalled
	f.stalled = false
	f.mu.Unlock()
	if resume {
		return f.start("live", "live")
	}
	return f.start("live", "approved", "trial")
}
func (f *fakeStudio) CancelCountdown() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancelled != nil {
		close(f.cancelled)
		f.cancelled = nil
	}
}
func (f *fakeStudio) EndShow(context.Context) error {
	f.mu.Lock()
	st := f.showLocked().State
	f.mu.Unlock()
	if st == "trial" {
		f.setState("approved")
	} else {
		f.setState("ended")
	}
	return nil
}
func (f *fakeStudio) Elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started.IsZero() {
		return 0
	}
	return time.Since(f.started)
}
func (f *fakeStudio) ViewerURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.viewerURLLocked()
}

func (f *fakeStudio) viewerURLLocked() string {
	if s := f.showLocked(); s != nil && (s.State == "trial" || s.State == "live") {
		return "http://127.0.0.1:8089/watch/" + s.ID
	}
	return ""
}
func (f *fakeStudio) Reply(_ context.Context, c app.Comment, text string, private bool) error {
	f.mu.Lock()
	r := app.Reply{CommentID: c.ID, Text: text, Private: private, ViewerID: c.Viewer.ID}
	f.replies = append(f.replies, r)
	echo := f.echoFirst
	f.mu.Unlock()
	if echo {
		f.events <- app.ReplySent{Reply: r}
		time.Sleep(150 * time.Millisecond) // the event is on screen before the answer
	}
	return nil
}
func (f *fakeStudio) Moderate(_ context.Context, viewerID, action string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.moderate = append(f.moderate, action+" "+viewerID)
	return nil
}
func (f *fakeStudio) ShowCommentOnAir(c app.Comment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onAir = c.ID
	return nil
}

func (f *fakeStudio) PlanShow(ctx context.Context, plan app.ShowPlan) (app.Show, error) {
	f.mu.Lock()
	f.plans = append(f.plans, plan)
	f.mu.Unlock()
	return f.CreateShow(ctx, plan.Title, plan.Starts, plan.Duration)
}

func (f *fakeStudio) Catalogue() ([]store.Product, error) {
	if f.store == nil {
		return nil, nil
	}
	return f.store.Products()
}

func (f *fakeStudio) ImportProducts(r io.Reader, dir string) (store.ImportReport, error) {
	return f.store.ImportCSV(r, store.ImportOptions{BaseDir: dir})
}

func (f *fakeStudio) Anchor(context.Context) (app.Anchor, error) {
	return app.Anchor{Level: "ordinary", Category: "consumer", Sessions30d: 3, Buyers30d: 38,
		Next: &app.AnchorNext{Level: "talent", Any: true, Needs: []app.AnchorNeed{{What: "sessions", Have: 3, Need: 5, More: 2}, {What: "buyers", Have: 38, Need: 50, More: 12}}}}, nil
}

func (f *fakeStudio) Report(context.Context) (app.Report, error) {
	return app.Report{Viewers: 120, PeakOnline: 87, Comments: 342, Likes: 1203, Orders: 9, Buyers: 7,
		RevenueCents: 89100, EffectiveMin: 42, Series: []app.ReportPoint{{Online: 10}, {Online: 87}, {Online: 40}}}, nil
}

// OnAir: the picture goes out while the show is in trial or live, as with
// the real studio, unless a test says it stalled.
func (f *fakeStudio) OnAir() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.showLocked()
	return s != nil && (s.State == "trial" || s.State == "live") && !f.stalled
}

func (f *fakeStudio) StartRecording() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recording = "/tmp/show.mkv"
	return f.recording, nil
}

func (f *fakeStudio) StopRecording() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recording = ""
	return nil
}

func (f *fakeStudio) Recording() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recording
}

func (f *fakeStudio) TakeCommentOffAir() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onAir = ""
}
func (f *fakeStudio) Products() *app.ProductDesk {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.desk
}

// harness runs a studio window on Fyne's test driver. The pump's UI calls
// are queued and run by the test goroutine in waitFor, so widgets are only
// ever touched from one goroutine, as in the real app.
type harness struct {
	t      *testing.T
	app    fyne.App
	w      *studioWindow
	ui     chan func()
	studio Studio
}

func newHarness(t *testing.T, s Studio) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, app: a, ui: make(chan func(), 64), studio: s}
	h.w = newStudioWindow(windowConfig{App: a, Studio: s, Dispatch: func(f func()) { h.ui <- f }, Logf: t.Logf})
	h.w.confirm = func(_, _ string, ok func()) { ok() }
	h.w.win.Resize(fyne.NewSize(1280, 800))
	h.w.start()
	t.Cleanup(func() {
		h.w.stop()
		h.w.win.Close()
	})
	return h
}

// waitFor runs the window's queued UI work until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case f := <-h.ui:
			f()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// settle runs queued UI work for d.
func (h *harness) settle(d time.Duration) {
	end := time.Now().Add(d)
	h.waitFor("settle", func() bool { return time.Now().After(end) })
}

func (f *fakeStudio) InviteGuest(ctx context.Context, name string) (app.Guest, error) {
	return app.Guest{ID: "g1", Name: name, URL: "http://127.0.0.1:8089/guest/s1/g1?t=secret"}, nil
}
func (f *fakeStudio) Guests() []app.GuestState                         { return nil }
func (f *fakeStudio) MuteGuest(id string, muted bool) error            { return nil }
func (f *fakeStudio) HideGuest(id string, hidden bool) error           { return nil }
func (f *fakeStudio) RemoveGuest(ctx context.Context, id string) error { return nil }

// The fake's scenes: the three first scenes in memory, edited with the
// studio's own rules (app.CheckSceneName, app.SceneAfterDelete).
func (f *fakeStudio) scenesLocked() []store.Scene {
	if f.scenes == nil {
		for i, sc := range app.DefaultScenes("en") {
			sc.ID = fmt.Sprintf("sc%d", i+1)
			f.scenes = append(f.scenes, sc)
		}
		f.sceneID = f.scenes[0].ID
		f.sceneSeq = len(f.scenes)
	}
	return f.scenes
}

func (f *fakeStudio) Scenes() []store.Scene {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Scene(nil), f.scenesLocked()...)
}

func (f *fakeStudio) CurrentScene() (store.Scene, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, sc := range f.scenesLocked() {
		if sc.ID == f.sceneID {
			return sc, true
		}
	}
	return store.Scene{}, false
}

func (f *fakeStudio) scenesChanged() {
	f.events <- app.ScenesChanged{Scenes: append([]store.Scene(nil), f.scenes...), Current: f.sceneID}
}

func (f *fakeStudio) SwitchScene(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, sc := range f.scenesLocked() {
		if sc.ID == id {
			f.sceneID = id
			f.layout, _ = app.ParseLayout(sc.Layout)
			f.scenesChanged()
			return nil
		}
	}
	return app.ErrNoScene
}

func (f *fakeStudio) ProgramScene() store.Scene {
	f.mu.Lock()
	defer f.mu.Unlock()
	sc := store.Scene{Layout: f.layout.String(), Main: f.source.String(), Overlays: map[string]bool{}}
	for _, id := range app.SceneOverlays {
		sc.Overlays[id] = true
	}
	return sc
}

func (f *fakeStudio) AddScene(sc store.Scene) (store.Scene, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := app.CheckSceneName(f.scenesLocked(), sc.Name, ""); err != nil {
		return store.Scene{}, err
	}
	f.sceneSeq++
	sc.ID, sc.Name = fmt.Sprintf("sc%d", f.sceneSeq), strings.TrimSpace(sc.Name)
	f.scenes = append(f.scenes, sc)
	f.scenesChanged()
	return sc, nil
}

func (f *fakeStudio) RenameScene(id, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := app.CheckSceneName(f.scenesLocked(), name, id); err != nil {
		return err
	}
	for i := range f.scenes {
		if f.scenes[i].ID == id {
			f.scenes[i].Name = strings.TrimSpace(name)
		}
	}
	f.scenesChanged()
	return nil
}

func (f *fakeStudio) MoveScene(id string, to int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.scenesLocked()
	i := slices.IndexFunc(list, func(sc store.Scene) bool { return sc.ID == id })
	if i < 0 {
		return app.ErrNoScene
	}
	sc := list[i]
	list = slices.Delete(list, i, i+1)
	f.scenes = slices.Insert(list, max(0, min(to, len(list))), sc)
	f.scenesChanged()
	return nil
}

func (f *fakeStudio) DeleteScene(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.scenesLocked()
	if err := app.CanDeleteScene(list); err != nil {
		return err
	}
	if next, ok := app.SceneAfterDelete(list, id); ok && id == f.sceneID {
		f.sceneID = next.ID
		f.layout, _ = app.ParseLayout(next.Layout)
	}
	f.scenes = slices.DeleteFunc(list, func(sc store.Scene) bool { return sc.ID == id })
	f.scenesChanged()
	return nil
}
