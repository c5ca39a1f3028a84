package app

import (
	"context"
	"errors"
	"image"
	"sync"
	"time"

	"showcaster/app/store"
	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/platform"
	"showcaster/platform/server"
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
	// RemoteControl serves remote control when Settings turn it on (nil:
	// never; package remote's ForStudio in the app).
	RemoteControl RemoteControlFunc
	// SceneLanguage names a new studio's first scenes: "zh" or "en"
	// (default Settings.Language, then English).
	SceneLanguage string
}

// Studio is the composition root behind the window: it owns the engine, the
// platform client (and the embedded platform), the catalogue and the show's
// life cycle, and tells the UI what happens through Events.
type Studio struct {
	cfg    StudioConfig
	remote remoteRoom
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
	// feed merges gifts, follows and welcomes for the comment panel.
	feed SocialFeed
	// tools is the lucky-bag or flash-sale card on the program.
	tools toolCard
	// beauty are the beauty filters on the cameras of the arrangement on
	// air, so that a change in Settings reaches them at the next frame.
	beauty []*capture.BeautySource
	// cohost brings guests into the program (nil until the first invitation).
	cohost   *CoHost
	mainKind SourceKind
	mainID   string
	layout   Layout
	// scenes are the stored scenes in order; sceneID is the one on air;
	// hidden are the overlays it leaves out (scene.HideOverlays).
	scenes   []store.Scene
	sceneID  string
	hidden   []string
	micMuted bool
	comment  bool // a comment is on air
	devices  []Device
	closed   bool
	// refreshing: a show refresh is on its way; refreshAgain: another was
	// asked for meanwhile.
	refreshing, refreshAgain bool
	// viewerNames are the names of the show's viewers heard of so far.
	viewerNames map[string]string
	// repaired are the stored settings Repair replaced at start-up.
	repaired []SettingChange
	// extra are the destinations beside the platform's own (RTMP, other
	// WHIP servers), started by Go live and stopped by End.
	extra studioDests
	// embeddedLAN: the embedded platform listens on every interface; lanHost
	// is this machine's address on the local network then ("" if none).
	embeddedLAN bool
	lanHost     string
}

// showRefreshTimeout bounds one background read of the show's state.
const showRefreshTimeout = 10 * time.Second

// NewStudio opens the catalogue and finds the fonts; Start brings up the rest.
func NewStudio(cfg StudioConfig) (*Studio, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir()
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	cfg.Clock = clock.OrReal(cfg.Clock)
	// Stored settings that no longer validate (an older version's, a hand
	// edit) are replaced with the nearest usable ones: the studio opens,
	// and Start says what changed.
	var repaired []SettingChange
	cfg.Settings, repaired = cfg.Settings.Repair()
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
		settings: cfg.Settings, layout: LayoutFull, repaired: repaired,
	}
	if err := s.seedScenes(); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// OpenStudio is the studio's composition root: it builds every part (the
// catalogue, the platform or the embedded one, the engine with the best
// sources found, the product desk, the chimes) and starts them. The window
// and the tests are handed the built studio.
func OpenStudio(ctx context.Context, cfg StudioConfig) (*Studio, error) {
	s, err := NewStudio(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		s.Close()
		return nil, err
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
	if len(s.repaired) > 0 {
		for _, c := range s.repaired {
			s.cfg.Logf("setting %s: %s could not be used (%v); using %s", c.Setting, c.From, c.Why, c.To)
		}
		s.emit(SettingsRepaired{Changes: s.repaired, Settings: st})
	}
	s.repairRecordings()
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
		// The raw chain (PulseAudio, ALSA…) is for the log; the host reads
		// what it means and what to do.
		s.cfg.Logf("chimes off: %v", err)
		s.emit(Notice{Err: Say(ErrNoSoundDevice, "There is no sound output, so chimes are off: plug in speakers or headphones and restart the studio.")})
	} else {
		s.chimer = ch
	}
	s.applyMonitor()
	s.applyRemote(st)
	return nil
}

// Store is the studio's catalogue.
func (s *Studio) Store() *store.Store { return s.store }

// Products is the assistant's product desk for the selected show.
func (s *Studio) Products() *ProductDesk { return s.desk }

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
	s.closeRemote()
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
