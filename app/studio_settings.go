package app

import (
	"context"
)

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
	if err := st.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	old := s.settings
	// A start under way (the countdown, the platform call) counts as on air.
	onAir := s.ingest.WHIPURL != "" || s.countdown != nil
	s.mu.Unlock()
	platformChanged := st.PlatformURL != old.PlatformURL || st.PlatformToken != old.PlatformToken ||
		st.PlatformURL == "" && st.ShareLAN != old.ShareLAN
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
	s.applyRemote(st)
	if st.Beauty != old.Beauty {
		s.setBeauty(st.Beauty)
	}
	if engineChanged || st.MonitorMic != old.MonitorMic {
		s.applyMonitor()
	}
	if st.CameraID != old.CameraID && kind == SourceCamera {
		return s.SetVideoSource(SourceCamera, st.CameraID)
	}
	return nil
}
