package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"showcaster/app/store"
	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/platform"
	"showcaster/platform/server"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// StudioConfig sets up a studio. Zero fields take the defaults.
type StudioConfig struct {
	Settings Settings
	// DataDir holds the catalogue and the embedded platform's data; default
	// DefaultDataDir().
	DataDir string
	// PlatformAddr is where the embedded platform listens; default
	// 127.0.0.1:8089, or a free loopback port when that one is taken.
	PlatformAddr string
	// AuditDelay of the embedded platform (default its own, a few seconds).
	AuditDelay time.Duration
	// NoDevices uses the test pattern and tone even where a camera and a
	// microphone exist (tests, and machines whose devices misbehave).
	NoDevices bool
	Clock     clock.Clock
	Logf      func(format string, args ...any)
}

// Studio is the composition root behind the window: it owns the engine, the
// platform client (and the embedded platform), the catalogue and the show's
// life cycle, and tells the UI what happens through Events.
type Studio struct {
	cfg    StudioConfig
	clk    clock.Clock
	events *eventQueue

	store    *store.Store
	fonts    *overlay.Fonts
	renderer *overlay.Renderer
	chimer   *Chimer
	desk     *ProductDesk

	mu         sync.Mutex
	settings   Settings
	embedded   *server.Server
	client     *platform.Client
	engine     *Engine
	ctx        context.Context
	cancel     context.CancelFunc
	show       Show
	hasShow    bool
	ingest     platform.Ingest
	onAirSince time.Time
	countdown  context.CancelFunc
	sub        *platform.Subscription
	subCancel  context.CancelFunc
	counters   Counters
	// privateThreads are the viewers the studio has answered privately.
	privateThreads map[string]bool
	mainKind       SourceKind
	mainID         string
	layout         Layout
	micMuted       bool
	comment        bool // a comment is on air
	devices        []Device
	closed         bool
}

// NewStudio opens the catalogue and finds the fonts; Start brings up the rest.
func NewStudio(cfg StudioConfig) (*Studio, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir()
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	cfg.Clock = clock.OrReal(cfg.Clock)
	cfg.Settings = cfg.Settings.withDefaults()
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	fonts, err := overlay.NewFonts(overlay.FontConfig{})
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Studio{
		cfg: cfg, clk: cfg.Clock, events: newEventQueue(),
		store: st, fonts: fonts, renderer: overlay.NewRenderer(fonts),
		settings: cfg.Settings, layout: LayoutFull,
	}
	return s, nil
}

// Events is the one channel the UI reads; it is never closed before Close.
func (s *Studio) Events() <-chan Event { return s.events.out }

func (s *Studio) emit(ev Event) { s.events.push(ev) }

// Start brings up the platform (embedded unless the settings name one), the
// engine with the best sources found, and the product desk.
func (s *Studio) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.ctx, s.cancel = ctx, cancel
	st := s.settings
	s.mu.Unlock()
	if err := s.connectPlatform(st); err != nil {
		return err
	}
	if err := s.buildEngine(st); err != nil {
		return err
	}
	desk, err := NewProductDesk(ProductDeskConfig{
		Store: s.store, Program: s.engineScene(), Platform: platformTarget{s}, Renderer: s.renderer,
		Canvas: image.Pt(st.Width, st.Height), FPS: st.FPS, Clock: s.clk, Emit: s.emit,
	})
	if err != nil {
		return err
	}
	s.desk = desk
	if ch, err := NewChimer(ChimerConfig{Clock: s.clk, Logf: s.cfg.Logf}); err != nil {
		s.cfg.Logf("chimes off: %v", err)
		s.emit(Notice{Text: err.Error()})
	} else {
		s.chimer = ch
	}
	s.applyMonitor()
	return nil
}

// applyMonitor plays the microphone to the host's headphones when the
// settings ask for it (off by default: on speakers it howls).
func (s *Studio) applyMonitor() {
	eng := s.currentEngine()
	if eng == nil {
		return
	}
	if s.Settings().MonitorMic && s.chimer != nil {
		eng.SetAudioTap(s.chimer.StartMonitor())
		return
	}
	if s.Settings().MonitorMic {
		s.emit(Notice{Text: "There is no sound output, so the microphone cannot be monitored: plug in headphones and restart the studio."})
	}
	eng.SetAudioTap(nil)
	s.chimer.StopMonitor()
}

// Store is the studio's catalogue.
func (s *Studio) Store() *store.Store { return s.store }

// Products is the assistant's product desk for the selected show.
func (s *Studio) Products() *ProductDesk { return s.desk }

// engineScene hands the product desk the program without tying it to one
// engine: canvas changes rebuild the engine, and the desk follows.
func (s *Studio) engineScene() OverlayTarget { return programTarget{s} }

type programTarget struct{ s *Studio }

func (p programTarget) scene() *scene.Scene {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.s.engine == nil {
		return nil
	}
	return p.s.engine.Scene()
}

func (p programTarget) SetOverlay(o scene.Overlay) error {
	if sc := p.scene(); sc != nil {
		return sc.SetOverlay(o)
	}
	return nil
}

func (p programTarget) MoveOverlay(id string, at image.Point) error {
	if sc := p.scene(); sc != nil {
		return sc.MoveOverlay(id, at)
	}
	return nil
}

func (p programTarget) RemoveOverlay(id string) {
	if sc := p.scene(); sc != nil {
		sc.RemoveOverlay(id)
	}
}

// platformTarget hands the product desk whichever platform the settings
// name now, so a change of platform in Settings reaches the desk too.
type platformTarget struct{ s *Studio }

func (p platformTarget) Pin(ctx context.Context, showID string, pr Product) error {
	return p.s.platformClient().Pin(ctx, showID, pr)
}

func (p platformTarget) Unpin(ctx context.Context, showID string) error {
	return p.s.platformClient().Unpin(ctx, showID)
}

func (p platformTarget) Bulletin(ctx context.Context, showID, text string) error {
	return p.s.platformClient().Bulletin(ctx, showID, text)
}

func (p platformTarget) UploadImage(ctx context.Context, data []byte) (string, error) {
	return p.s.platformClient().UploadImage(ctx, data)
}

func (s *Studio) connectPlatform(st Settings) error {
	url, token := st.PlatformURL, st.PlatformToken
	if url == "" {
		s.mu.Lock()
		srv := s.embedded
		s.mu.Unlock()
		if srv == nil {
			var err error
			if srv, err = s.startEmbedded(); err != nil {
				return err
			}
		}
		url, token = srv.URL(), srv.StudioToken()
	} else {
		s.mu.Lock()
		srv := s.embedded
		s.embedded = nil
		s.mu.Unlock()
		if srv != nil {
			srv.Close()
		}
	}
	c := platform.NewClient(platform.ClientConfig{BaseURL: url, Token: token, Clock: s.clk, Logf: s.cfg.Logf})
	s.mu.Lock()
	s.client = c
	s.mu.Unlock()
	return nil
}

func (s *Studio) startEmbedded() (*server.Server, error) {
	addrs := []string{s.cfg.PlatformAddr}
	if s.cfg.PlatformAddr == "" {
		addrs = []string{"127.0.0.1:8089", "127.0.0.1:0"}
	}
	var lastErr error
	for _, addr := range addrs {
		srv, err := server.New(server.Config{Addr: addr, DataDir: filepath.Join(s.cfg.DataDir, "platform"),
			AuditDelay: s.cfg.AuditDelay, Logf: s.cfg.Logf})
		if err != nil {
			return nil, err
		}
		if err := srv.Start(); err != nil {
			srv.Close()
			lastErr = err
			continue
		}
		s.mu.Lock()
		s.embedded = srv
		s.mu.Unlock()
		return srv, nil
	}
	return nil, fmt.Errorf("starting the local platform: %w", lastErr)
}

// PlatformURL is the platform the studio talks to (the embedded one's too).
func (s *Studio) PlatformURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return ""
	}
	return s.client.BaseURL()
}

func (s *Studio) buildEngine(st Settings) error {
	eng, err := NewEngine(EngineConfig{
		Width: st.Width, Height: st.Height, FPS: st.FPS, MinKbps: st.MinKbps, MaxKbps: st.MaxKbps,
		LoopbackOnly: st.PlatformURL == "" || isLoopbackURL(st.PlatformURL),
		Clock:        s.clk, Logf: s.cfg.Logf, Emit: s.emit,
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	old := s.engine
	s.engine = eng
	ctx := s.ctx
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	eng.Start(ctx)
	s.refreshDevices()
	kind, id := s.defaultVideo(st)
	if err := s.SetVideoSource(kind, id); err != nil {
		s.emit(Notice{Err: err})
		if err := s.SetVideoSource(SourceTest, ""); err != nil {
			return err
		}
	}
	s.openMic(st)
	return nil
}

func (s *Studio) refreshDevices() {
	var found []Device
	if !s.cfg.NoDevices {
		list, err := capture.Devices()
		if err != nil {
			s.cfg.Logf("listing devices: %v", err)
		}
		for _, d := range list {
			kind := capture.DeviceClass(d.ID)
			if kind == capture.ClassCamera || kind == capture.ClassMicrophone || kind == capture.ClassScreen {
				found = append(found, Device{ID: d.ID, Label: d.Label, Kind: kind, Formats: d.Formats})
			}
		}
	}
	s.mu.Lock()
	s.devices = found
	s.mu.Unlock()
}

// Devices lists the cameras, microphones and screens found at start-up.
func (s *Studio) Devices() ([]Device, error) {
	s.refreshDevices()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Device(nil), s.devices...), nil
}

func (s *Studio) firstDevice(kind, want string) (Device, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.Kind == kind && (want == "" || d.ID == want) {
			return d, true
		}
	}
	return Device{}, false
}

func (s *Studio) defaultVideo(st Settings) (SourceKind, string) {
	if d, ok := s.firstDevice(capture.ClassCamera, st.CameraID); ok {
		return SourceCamera, d.ID
	}
	return SourceTest, ""
}

func (s *Studio) openMic(st Settings) {
	eng := s.currentEngine()
	var src capture.AudioSource
	if d, ok := s.firstDevice(capture.ClassMicrophone, st.MicID); ok {
		mic, err := capture.OpenMicrophone(d.ID)
		if err != nil {
			s.emit(Notice{Err: fmt.Errorf("the microphone %q could not be opened, a test tone plays instead: %w", d.Label, err)})
		} else {
			src = mic
		}
	}
	if src == nil {
		src = capture.NewTone(capture.ToneConfig{Amplitude: 0.05, Clock: s.clk})
	}
	if err := eng.SetAudio("mic", src); err != nil {
		s.emit(Notice{Err: err})
		return
	}
	s.mu.Lock()
	muted := s.micMuted
	s.mu.Unlock()
	eng.SetAudioMuted("mic", muted)
}

func (s *Studio) currentEngine() *Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.engine
}

// SetVideoSource picks the main picture: the test pattern, a camera or
// screen by id ("" for the first found), or an image file by path.
func (s *Studio) SetVideoSource(kind SourceKind, id string) error {
	s.mu.Lock()
	layout := s.layout
	s.mu.Unlock()
	return s.arrange(kind, id, layout)
}

// SetLayout changes how the sources share the canvas. Picture-in-picture and
// side by side put the camera (the test pattern when there is none) beside
// the main picture (the screen when the main picture is the camera).
func (s *Studio) SetLayout(l Layout) error {
	s.mu.Lock()
	kind, id := s.mainKind, s.mainID
	s.mu.Unlock()
	return s.arrange(kind, id, l)
}

// Layout is the current layout and main source.
func (s *Studio) Layout() (Layout, SourceKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.layout, s.mainKind
}

func (s *Studio) arrange(kind SourceKind, id string, l Layout) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	cfg := eng.Config()
	main, err := s.openVideo(kind, id, cfg.Width, cfg.Height, cfg.FPS)
	if err != nil {
		return err
	}
	var second capture.VideoSource
	if l == LayoutPiP || l == LayoutSide {
		secondKind, secondID := SourceTest, ""
		if cam, ok := s.firstDevice(capture.ClassCamera, s.Settings().CameraID); ok && kind != SourceCamera {
			secondKind, secondID = SourceCamera, cam.ID
		} else if kind == SourceCamera {
			// The camera goes to the inset; the screen (or the pattern) fills.
			secondKind, secondID = SourceCamera, id
			main.Close()
			if scr, ok := s.firstDevice(capture.ClassScreen, s.Settings().ScreenID); ok {
				main, err = s.openVideo(SourceScreen, scr.ID, cfg.Width, cfg.Height, cfg.FPS)
			} else {
				main, err = s.openVideo(SourceTest, "", cfg.Width, cfg.Height, cfg.FPS)
			}
			if err != nil {
				return err
			}
		}
		if second, err = s.openVideo(secondKind, secondID, cfg.Width/2, cfg.Height/2, cfg.FPS); err != nil {
			main.Close()
			return err
		}
	}
	eng.SetVideo(l, main, second)
	s.mu.Lock()
	s.mainKind, s.mainID, s.layout = kind, id, l
	s.mu.Unlock()
	return nil
}

func (s *Studio) openVideo(kind SourceKind, id string, w, h, fps int) (capture.VideoSource, error) {
	switch kind {
	case SourceCamera:
		if d, ok := s.firstDevice(capture.ClassCamera, id); ok {
			return capture.OpenCamera(d.ID, w, h, fps)
		}
		return nil, ErrNoCamera
	case SourceScreen:
		if d, ok := s.firstDevice(capture.ClassScreen, id); ok {
			return capture.OpenScreen(d.ID, fps)
		}
		return nil, ErrNoScreen
	case SourceImage:
		return capture.NewImageSource(id, fps, s.clk)
	}
	return capture.NewTestPatternChecked(capture.TestPatternConfig{Width: w, Height: h, FPS: fps, Clock: s.clk})
}

// SetMicMuted mutes the microphone on the program.
func (s *Studio) SetMicMuted(muted bool) {
	s.mu.Lock()
	s.micMuted = muted
	eng := s.engine
	s.mu.Unlock()
	if eng != nil {
		eng.SetAudioMuted("mic", muted)
	}
}

// MicMuted reports whether the microphone is muted.
func (s *Studio) MicMuted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.micMuted
}

// Preview is the latest program picture scaled to fit; nil before the first frame.
func (s *Studio) Preview(maxW, maxH int) *image.RGBA {
	if eng := s.currentEngine(); eng != nil {
		return eng.Preview(maxW, maxH)
	}
	return nil
}

// Stats is the stream report now.
func (s *Studio) Stats() Stats {
	if eng := s.currentEngine(); eng != nil {
		return eng.Stats()
	}
	return Stats{State: "idle"}
}

// Settings is what is in force.
func (s *Studio) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// ApplySettings puts new settings in force. A new platform, canvas or
// bitrate range waits until nothing is on air; the caller is told so.
func (s *Studio) ApplySettings(ctx context.Context, st Settings) error {
	st = st.withDefaults()
	s.mu.Lock()
	old := s.settings
	onAir := s.ingest.WHIPURL != ""
	s.mu.Unlock()
	platformChanged := st.PlatformURL != old.PlatformURL || st.PlatformToken != old.PlatformToken
	engineChanged := st.Width != old.Width || st.Height != old.Height || st.FPS != old.FPS ||
		st.MinKbps != old.MinKbps || st.MaxKbps != old.MaxKbps
	if onAir && (platformChanged || engineChanged) {
		return ErrSettingsOnAir
	}
	s.mu.Lock()
	s.settings = st
	kind, id, layout := s.mainKind, s.mainID, s.layout
	s.mu.Unlock()
	if platformChanged {
		if err := s.connectPlatform(st); err != nil {
			return err
		}
		s.mu.Lock()
		s.hasShow, s.show = false, Show{}
		s.mu.Unlock()
		s.stopEvents()
	}
	switch {
	case engineChanged:
		// A new engine opens the chosen sources and microphone again.
		if err := s.buildEngine(st); err != nil {
			return err
		}
		if err := s.arrange(kind, id, layout); err != nil {
			s.emit(Notice{Err: err})
		}
		if s.desk != nil {
			s.desk.SetCanvas(st.Width, st.Height)
		}
	case st.MicID != old.MicID:
		s.openMic(st)
	}
	if engineChanged || st.MonitorMic != old.MonitorMic {
		s.applyMonitor()
	}
	if st.CameraID != old.CameraID && kind == SourceCamera {
		return s.SetVideoSource(SourceCamera, st.CameraID)
	}
	return nil
}

func (s *Studio) platformClient() *platform.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// Shows lists the platform's show plans, newest first.
func (s *Studio) Shows(ctx context.Context) ([]Show, error) {
	return s.platformClient().Shows(ctx)
}

// ShowPlan is what the operator books with the platform.
type ShowPlan struct {
	Title    string
	Starts   time.Time
	Duration time.Duration
	// ProductIDs are the show's products in running order; nil takes the
	// whole catalogue in link order.
	ProductIDs []string
}

// CreateShow books a show plan with the whole catalogue and selects it.
func (s *Studio) CreateShow(ctx context.Context, title string, starts time.Time, d time.Duration) (Show, error) {
	return s.PlanShow(ctx, ShowPlan{Title: title, Starts: starts, Duration: d})
}

// PlanShow books a show plan (the platform audits it) with its products,
// and selects it.
func (s *Studio) PlanShow(ctx context.Context, plan ShowPlan) (Show, error) {
	title := strings.TrimSpace(plan.Title)
	if title == "" {
		return Show{}, ErrNoTitle
	}
	mins := int(plan.Duration.Round(time.Minute) / time.Minute)
	if mins < 1 || mins > platform.MaxDurationMin {
		return Show{}, fmt.Errorf("%w (got %d minutes)", ErrSlotTooLong, mins)
	}
	ids := plan.ProductIDs
	if ids == nil {
		products, err := s.store.Products()
		if err != nil {
			return Show{}, err
		}
		for _, p := range products {
			ids = append(ids, p.ID)
		}
	}
	sh, err := s.platformClient().CreateShow(ctx, platform.NewShow{Title: title, StartsAt: plan.Starts, DurationMin: mins, ProductIDs: ids})
	if err != nil {
		return Show{}, err
	}
	if len(ids) > 0 {
		if err := s.store.SetShowProducts(sh.ID, ids); err != nil {
			s.emit(Notice{Err: err})
		}
	}
	return sh, s.SelectShow(ctx, sh.ID)
}

// Catalogue is every product the studio knows, in link order.
func (s *Studio) Catalogue() ([]store.Product, error) { return s.store.Products() }

// ImportProducts reads a CSV file of products into the catalogue. Bad rows
// are reported by row number with the reason; the good rows are imported
// and nothing already stored is lost. The product window follows.
func (s *Studio) ImportProducts(r io.Reader, baseDir string) (store.ImportReport, error) {
	rep, err := s.store.ImportCSV(r, store.ImportOptions{BaseDir: baseDir})
	if rep.Imported() > 0 && s.desk != nil {
		// New prices and scripts reach the product window and the prompter.
		if lerr := s.desk.Load(s.desk.ShowID()); lerr != nil {
			s.emit(Notice{Err: lerr})
		}
		s.emit(ProductsChanged{})
	}
	return rep, err
}

// SelectShow makes a show the current one: its events flow to the UI and the
// product desk loads its list.
func (s *Studio) SelectShow(ctx context.Context, id string) error {
	if s.onAir() {
		return ErrAlreadyPublishing
	}
	sh, err := s.platformClient().Show(ctx, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.show, s.hasShow = sh, true
	s.counters = Counters{}
	s.privateThreads = map[string]bool{}
	s.mu.Unlock()
	if s.desk != nil {
		if err := s.desk.Load(id); err != nil {
			s.emit(Notice{Err: err})
		}
	}
	s.startEvents(id)
	s.emit(ShowStateChanged{Show: sh})
	return nil
}

// CurrentShow is the selected show as last heard from the platform.
func (s *Studio) CurrentShow() (Show, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.show, s.hasShow
}

// OnAir reports whether the picture is going out (or connecting) for the
// selected show. A show the platform lists as live while this is false lost
// its picture (a failed connect, a restarted studio): GoLive resumes it.
func (s *Studio) OnAir() bool { return s.onAir() }

func (s *Studio) onAir() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ingest.WHIPURL != ""
}

// StartTrial counts down 3-2-1 and starts a trial broadcast that only the
// trial link's holders see. It returns at once; progress comes as events.
func (s *Studio) StartTrial(ctx context.Context) error { return s.goOnAir(false) }

// GoLive counts down 3-2-1 and starts the formal broadcast.
func (s *Studio) GoLive(ctx context.Context) error { return s.goOnAir(true) }

func (s *Studio) goOnAir(formal bool) error {
	s.mu.Lock()
	sh, has := s.show, s.hasShow
	busy := s.countdown != nil
	mainKind := s.mainKind
	s.mu.Unlock()
	if !has {
		return ErrNoShow
	}
	if busy {
		return ErrAlreadyPublishing
	}
	switch sh.State {
	case platform.StatePendingAudit:
		return ErrPendingAudit
	case platform.StateRejected:
		return fmt.Errorf("%w: %s", ErrRejected, sh.RejectReason)
	case platform.StateEnded:
		return ErrShowEnded
	case platform.StateTrial:
		// A trial may move to the formal broadcast; a trial whose picture
		// stopped (a failed connect, a restarted studio) may resume.
		if !formal && s.onAir() {
			return ErrAlreadyPublishing
		}
	case platform.StateLive:
		// Only resuming the picture of a live show makes sense here.
		if !formal || s.onAir() {
			return ErrAlreadyPublishing
		}
	}
	if formal && mainKind == SourceImage {
		s.emit(Notice{Text: "The main picture is a still image. Platforms end formal shows that play a recording instead of a live host: switch to the camera."})
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	s.countdown = cancel
	s.mu.Unlock()
	go s.countdownThenPublish(ctx, sh, formal)
	return nil
}

func (s *Studio) countdownThenPublish(ctx context.Context, sh Show, formal bool) {
	defer func() {
		s.mu.Lock()
		s.countdown = nil
		s.mu.Unlock()
	}()
	for n := 3; n > 0; n-- {
		s.emit(ShowStateChanged{Show: sh, CountdownLeft: n})
		select {
		case <-ctx.Done():
			s.emit(ShowStateChanged{Show: sh})
			return
		case <-s.clk.After(time.Second):
		}
	}
	c := s.platformClient()
	var ing platform.Ingest
	var err error
	// A trial that is running moves to the formal broadcast on the same
	// session's ingest: stop the trial's publisher first so the show does
	// not flash its rehearsal to the audience.
	if eng := s.currentEngine(); eng.Publishing() {
		s.cfg.Logf("show %s: the trial's publisher stops for the formal broadcast", sh.ID)
		eng.StopPublishing()
	}
	if formal {
		ing, err = c.GoLive(ctx, sh.ID)
	} else {
		ing, err = c.StartTrial(ctx, sh.ID)
	}
	if err == nil {
		// On air from the platform's point of view from here on, while the
		// first WHIP session connects.
		s.mu.Lock()
		s.ingest = ing
		s.onAirSince = s.clk.Now()
		s.mu.Unlock()
		err = s.currentEngine().Publish(ctx, ing.WHIPURL, ing.Token)
	}
	if err != nil {
		s.mu.Lock()
		s.ingest, s.onAirSince = platform.Ingest{}, time.Time{}
		s.mu.Unlock()
		s.emit(Notice{Err: err})
		s.emit(OutputStopped{Err: err})
		if cur, e := c.Show(context.Background(), sh.ID); e == nil {
			s.updateShow(cur)
		} else {
			s.emit(ShowStateChanged{Show: sh})
		}
		return
	}
	cur, err := c.Show(context.Background(), sh.ID)
	if err != nil {
		cur = sh
		cur.ViewerURL = ing.ViewerURL
		if formal {
			cur.State = platform.StateLive
		} else {
			cur.State = platform.StateTrial
		}
	}
	s.updateShow(cur)
	if d := s.desk; d != nil {
		d.Sync()
	}
}

// CancelCountdown stops a 3-2-1 countdown before anything goes out.
func (s *Studio) CancelCountdown() {
	s.mu.Lock()
	cancel := s.countdown
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (s *Studio) updateShow(sh Show) {
	s.mu.Lock()
	if !s.hasShow || s.show.ID != sh.ID {
		s.mu.Unlock()
		return
	}
	s.show = sh
	s.mu.Unlock()
	s.emit(ShowStateChanged{Show: sh})
}

// EndShow ends a trial (the show goes back to approved) or the formal
// broadcast (the show ends and its report is final).
func (s *Studio) EndShow(ctx context.Context) error {
	s.CancelCountdown()
	s.mu.Lock()
	sh, has := s.show, s.hasShow
	eng := s.engine
	s.ingest = platform.Ingest{}
	s.onAirSince = time.Time{}
	s.mu.Unlock()
	if !has {
		return ErrNoShow
	}
	s.cfg.Logf("ending the %s of show %s", sh.State, sh.ID)
	if eng != nil {
		eng.StopPublishing()
	}
	c := s.platformClient()
	var cur Show
	var err error
	switch sh.State {
	case platform.StateTrial:
		cur, err = c.EndTrial(ctx, sh.ID)
	case platform.StateLive, platform.StateApproved:
		cur, err = c.End(ctx, sh.ID)
	default:
		return fmt.Errorf("%w (the show is %s)", ErrNotOnAir, sh.State)
	}
	if err != nil {
		return err
	}
	s.updateShow(cur)
	return nil
}

// Elapsed is how long the trial or broadcast has been on air.
func (s *Studio) Elapsed() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onAirSince.IsZero() {
		return 0
	}
	return s.clk.Now().Sub(s.onAirSince)
}

// ViewerURL is the link viewers open ("" until trial or live). A trial's
// link carries the key that lets only its holders watch.
func (s *Studio) ViewerURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ingest.ViewerURL != "" {
		return s.ingest.ViewerURL
	}
	return s.show.ViewerURL
}

// Report is the show's counters and time series.
func (s *Studio) Report(ctx context.Context) (Report, error) {
	s.mu.Lock()
	id, has := s.show.ID, s.hasShow
	s.mu.Unlock()
	if !has {
		return Report{}, ErrNoShow
	}
	return s.platformClient().Report(ctx, id)
}

// Reply answers a comment publicly or privately (only its viewer sees a
// private reply).
func (s *Studio) Reply(ctx context.Context, c Comment, text string, private bool) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return ErrEmptyReply
	}
	id, err := s.showID()
	if err != nil {
		return err
	}
	return s.platformClient().Reply(ctx, id, platform.Reply{CommentID: c.ID, Text: text, Private: private, ViewerID: c.Viewer.ID})
}

// Moderate mutes, blocks or unblocks a viewer.
func (s *Studio) Moderate(ctx context.Context, viewerID, action string) error {
	id, err := s.showID()
	if err != nil {
		return err
	}
	return s.platformClient().Moderate(ctx, id, viewerID, action)
}

func (s *Studio) showID() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.hasShow {
		return "", ErrNoShow
	}
	return s.show.ID, nil
}

// OverlayComment is the scene id of a highlighted comment.
const OverlayComment = "comment"

// ShowCommentOnAir puts a viewer's comment on the program.
func (s *Studio) ShowCommentOnAir(c Comment) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	cfg := eng.Config()
	img := s.renderer.CommentHighlight(c.Viewer.Name, c.Text, cfg.Width, cfg.Height)
	corner := overlay.DefaultCorner
	if s.desk != nil {
		corner = s.desk.Corner()
	}
	at := overlay.CommentPosition(corner, img.Bounds().Size(), image.Pt(cfg.Width, cfg.Height))
	if err := eng.Scene().SetOverlay(scene.Overlay{ID: OverlayComment, Image: img, At: at, Z: 30, Visible: true}); err != nil {
		return err
	}
	s.mu.Lock()
	s.comment = true
	s.mu.Unlock()
	return nil
}

// TakeCommentOffAir removes the highlighted comment.
func (s *Studio) TakeCommentOffAir() {
	if eng := s.currentEngine(); eng != nil {
		eng.Scene().RemoveOverlay(OverlayComment)
	}
	s.mu.Lock()
	s.comment = false
	s.mu.Unlock()
}

// CommentOnAir reports whether a comment is on the program.
func (s *Studio) CommentOnAir() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.comment
}

func (s *Studio) stopEvents() {
	s.mu.Lock()
	cancel := s.subCancel
	s.sub, s.subCancel = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (s *Studio) startEvents(showID string) {
	s.stopEvents()
	ctx, cancel := context.WithCancel(s.ctx)
	sub := s.platformClient().Subscribe(ctx, showID, 0)
	s.mu.Lock()
	s.sub, s.subCancel = sub, cancel
	s.mu.Unlock()
	go s.pumpEvents(ctx, showID, sub)
}

// pumpEvents turns the platform's event stream into studio events.
func (s *Studio) pumpEvents(ctx context.Context, showID string, sub *platform.Subscription) {
	defer sub.Close()
	for {
		var ev platform.Event
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C():
			if !ok {
				return
			}
			ev = e
		}
		s.platformEvent(showID, ev)
	}
}

func (s *Studio) platformEvent(showID string, ev platform.Event) {
	switch ev.Type {
	case platform.EventComment:
		if ev.Comment != nil {
			s.emit(CommentReceived{Comment: *ev.Comment})
			s.mu.Lock()
			private := s.privateThreads[ev.Comment.Viewer.ID]
			s.mu.Unlock()
			if private {
				s.chime(ChimePrivate, ev.At)
			}
		}
	case platform.EventReply:
		if ev.Reply != nil {
			if ev.Reply.Private && ev.Reply.ViewerID != "" {
				// Once answered privately, the viewer's next words are a
				// private conversation the host wants to hear about.
				s.mu.Lock()
				s.privateThreads[ev.Reply.ViewerID] = true
				s.mu.Unlock()
			}
			s.emit(ReplySent{Reply: *ev.Reply})
		}
	case platform.EventLike:
		s.setCounters(func(c *Counters) { c.Likes = ev.Count })
	case platform.EventOnline:
		s.setCounters(func(c *Counters) { c.Online = ev.Count })
	case platform.EventOrder:
		if ev.Order == nil {
			return
		}
		s.setCounters(func(c *Counters) { c.Orders++; c.RevenueCents += ev.Order.AmountCents })
		s.emit(OrderReceived{Order: *ev.Order})
		s.chime(ChimeOrder, ev.At)
	case platform.EventShowState:
		if cur, err := s.platformClient().Show(context.Background(), showID); err == nil {
			s.updateShow(cur)
		}
	}
}

// chime plays a sound for fresh news only: the replay of a show's history
// on selecting it stays quiet.
func (s *Studio) chime(kind Chime, at time.Time) {
	st := s.Settings()
	on := (kind == ChimeOrder && st.ChimeOrders) || (kind == ChimePrivate && st.ChimePrivate)
	if s.chimer == nil || !on || s.clk.Now().Sub(at) > 10*time.Second {
		return
	}
	s.chimer.Play(kind, st.ChimeVolume)
}

func (s *Studio) setCounters(f func(*Counters)) {
	s.mu.Lock()
	f(&s.counters)
	c := s.counters
	s.mu.Unlock()
	s.emit(c)
}

// Counters is the latest online count, likes, orders and revenue.
func (s *Studio) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters
}

// Close ends publishing (a live show stays live on the platform: the host
// may reopen the studio and carry on), the engine and the embedded platform.
func (s *Studio) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cancel, eng, srv := s.cancel, s.engine, s.embedded
	s.mu.Unlock()
	s.cfg.Logf("closing the studio")
	s.CancelCountdown()
	s.stopEvents()
	var err error
	if s.desk != nil {
		s.desk.Close()
	}
	if eng != nil {
		err = errors.Join(err, eng.Close())
	}
	if cancel != nil {
		cancel()
	}
	if s.chimer != nil {
		s.chimer.Close()
	}
	if srv != nil {
		err = errors.Join(err, srv.Close())
	}
	err = errors.Join(err, s.store.Close())
	s.events.close()
	return err
}

// eventQueue hands events to the UI without ever blocking the sender.
// Stats, counters and audio levels are coalesced (only the newest waits);
// everything else is kept in order, so a comment burst is never lost.
type eventQueue struct {
	mu      sync.Mutex
	pending []Event
	wake    chan struct{}
	out     chan Event
	done    chan struct{}
}

func newEventQueue() *eventQueue {
	q := &eventQueue{wake: make(chan struct{}, 1), out: make(chan Event, 64), done: make(chan struct{})}
	go q.run()
	return q
}

func coalesces(ev Event) bool {
	switch ev.(type) {
	case Stats, Counters, AudioLevel:
		return true
	}
	return false
}

func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	if coalesces(ev) {
		for i, p := range q.pending {
			if reflect.TypeOf(p) == reflect.TypeOf(ev) {
				q.pending[i] = ev
				q.mu.Unlock()
				return
			}
		}
	}
	q.pending = append(q.pending, ev)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) run() {
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		q.mu.Unlock()
		for _, ev := range batch {
			select {
			case q.out <- ev:
			case <-q.done:
				return
			}
		}
		select {
		case <-q.wake:
		case <-q.done:
			return
		}
	}
}

func (q *eventQueue) close() {
	select {
	case <-q.done:
	default:
		close(q.done)
	}
}

// StartRecording records the program to a Matroska file in the data
// directory's recordings folder and returns its path. It goes on through
// reconnects and is independent of going live.
func (s *Studio) StartRecording() (string, error) {
	eng := s.currentEngine()
	if eng == nil {
		return "", ErrNotStarted
	}
	name := "showcaster"
	if sh, ok := s.CurrentShow(); ok {
		name = sh.ID
	}
	dir := filepath.Join(s.cfg.DataDir, "recordings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s for recordings: %w", dir, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.mkv", name, s.clk.Now().Format("20060102-150405")))
	if err := eng.StartRecording(path); err != nil {
		return "", err
	}
	return path, nil
}

// StopRecording finishes the recording.
func (s *Studio) StopRecording() error {
	if eng := s.currentEngine(); eng != nil {
		return eng.StopRecording()
	}
	return nil
}

// Recording is the file being recorded ("" when not recording).
func (s *Studio) Recording() string {
	if eng := s.currentEngine(); eng != nil {
		return eng.Recording()
	}
	return ""
}
