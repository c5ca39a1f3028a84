package app

import (
	"fmt"
	"image"
	"time"

	"showcaster/capture"
	"showcaster/scene"
)

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
		s.emit(Notice{Msg: Say(nil, "There is no sound output, so the microphone cannot be monitored: plug in headphones and restart the studio.")})
	}
	eng.SetAudioTap(nil)
	s.chimer.StopMonitor()
}

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

func (s *Studio) buildEngine(st Settings) error {
	eng, err := NewEngine(EngineConfig{
		Width: st.Width, Height: st.Height, FPS: st.FPS, MinKbps: st.MinKbps, MaxKbps: st.MaxKbps,
		LoopbackOnly: st.PlatformURL == "" || IsLoopbackURL(st.PlatformURL),
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
	// The scene on air (the first, at start) may name its own picture.
	if sc, ok := s.CurrentScene(); ok && sc.Main != "" {
		if spec, err := ParseSourceSpec(sc.Main); err == nil && (spec.Kind == SourceTest || spec.Kind == SourceImage || s.hasDevice(spec.Kind)) {
			kind, id = spec.Kind, spec.ID
		}
	}
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

// hasDevice says whether a camera or a screen of that kind was found.
func (s *Studio) hasDevice(kind SourceKind) bool {
	class := capture.ClassCamera
	if kind == SourceScreen {
		class = capture.ClassScreen
	}
	_, ok := s.firstDevice(class, "")
	return ok
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
	s.mu.Lock()
	co := s.cohost
	s.mu.Unlock()
	if co != nil {
		// Through the co-host's tee: every guest's mix-minus carries the host.
		err := co.SetHostAudio(src)
		if err != nil {
			s.emit(Notice{Err: err})
			return
		}
	} else if err := eng.SetAudio("mic", src); err != nil {
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
	return s.arrangeFade(kind, id, l, false)
}

// arrangeFade opens the sources and lays them out; a change of layout, or
// any scene switch (sceneSwitch), cross-fades.
func (s *Studio) arrangeFade(kind SourceKind, id string, l Layout, sceneSwitch bool) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	cfg := eng.Config()
	s.mu.Lock()
	s.beauty = nil
	s.mu.Unlock()
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
	// A change of layout is a change of scene: it cross-fades.
	s.mu.Lock()
	fade := time.Duration(0)
	if (s.layout != l || sceneSwitch) && s.layout != scene.LayoutUnknown {
		fade = DefaultTransition.Fade
	}
	hidden := s.hidden
	s.mu.Unlock()
	eng.Scene().HideOverlays(hidden)
	eng.SetVideoFade(l, main, second, fade)
	s.mu.Lock()
	s.mainKind, s.mainID, s.layout = kind, id, l
	co := s.cohost
	s.mu.Unlock()
	if co != nil {
		co.SetHost(main) // guests keep their places beside the new host picture
	}
	return nil
}

func (s *Studio) openVideo(kind SourceKind, id string, w, h, fps int) (capture.VideoSource, error) {
	spec := SourceSpec{Kind: kind, ID: id}
	switch kind {
	case SourceCamera, SourceScreen:
		class, missing := capture.ClassCamera, ErrNoCamera
		if kind == SourceScreen {
			class, missing = capture.ClassScreen, ErrNoScreen
		}
		d, ok := s.firstDevice(class, id)
		if !ok {
			return nil, missing
		}
		spec.ID = d.ID
	}
	src, err := OpenVideo(spec, w, h, fps, s.clk)
	if err != nil || kind != SourceCamera {
		return src, err
	}
	// Beauty works on the camera only, before composing, so overlays and
	// the screen stay sharp. The filter is always in place (a pass-through
	// while off) so that turning it on needs no new source.
	b := capture.NewBeautySource(src, s.Settings().Beauty)
	s.mu.Lock()
	s.beauty = append(s.beauty, b)
	s.mu.Unlock()
	return b, nil
}

// PreviewBeauty shows beauty settings on the cameras now, without keeping
// them: the settings dialog calls it while a slider moves, so the host sees
// before and after in the preview; ApplySettings keeps them, and
// PreviewBeauty(Settings().Beauty) goes back.
func (s *Studio) PreviewBeauty(b Beauty) {
	if b.Validate() == nil {
		s.setBeauty(b)
	}
}

// setBeauty puts beauty settings on the cameras on air.
func (s *Studio) setBeauty(b Beauty) {
	s.mu.Lock()
	srcs := append([]*capture.BeautySource(nil), s.beauty...)
	s.mu.Unlock()
	for _, src := range srcs {
		src.SetBeauty(b)
	}
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
	return Stats{State: StreamIdle}
}
