package app

import (
	"context"

	"showcaster/capture"
	"showcaster/platform"
)

// Co-hosting (连麦) in the studio: the host invites guests while the show is
// on air; each appears beside the host (app.CoHost), and the host can mute,
// hide or remove them. Ending the show ends every guest's link.

// InviteGuest issues a guest link for the show on air and gets ready to put
// the guest into the program as soon as they join.
func (s *Studio) InviteGuest(ctx context.Context, name string) (platform.Guest, error) {
	s.mu.Lock()
	eng, c, sh, has := s.engine, s.client, s.show, s.hasShow
	co := s.cohost
	s.mu.Unlock()
	if !has {
		return platform.Guest{}, ErrNoShow
	}
	if !s.onAir() {
		return platform.Guest{}, ErrNotOnAir
	}
	if eng == nil || c == nil {
		return platform.Guest{}, ErrNotStarted
	}
	if co == nil {
		host := firstVideo(eng)
		co = NewCoHost(CoHostConfig{Engine: eng, Client: c, Token: c.Token(), ShowID: sh.ID, Host: host, HostAudioID: "mic", Logf: s.cfg.Logf})
		s.mu.Lock()
		s.cohost = co
		s.mu.Unlock()
		// The microphone again, now through the co-host's tee (for the guests' mix-minus).
		s.openMic(s.Settings())
	}
	return co.Invite(ctx, name)
}

func firstVideo(eng *Engine) capture.VideoSource {
	_, vs := eng.Video()
	if len(vs) == 0 {
		return nil
	}
	return vs[0]
}

// Guests are the show's guests now (none before the first invitation).
func (s *Studio) Guests() []GuestState {
	if co := s.coHost(); co != nil {
		return co.Guests()
	}
	return nil
}

// MuteGuest mutes or unmutes a guest's sound on the program.
func (s *Studio) MuteGuest(id string, muted bool) error {
	co := s.coHost()
	if co == nil {
		return ErrNoGuest
	}
	return co.SetMuted(id, muted)
}

// HideGuest takes a guest's picture off the program, or puts it back.
func (s *Studio) HideGuest(id string, hidden bool) error {
	co := s.coHost()
	if co == nil {
		return ErrNoGuest
	}
	return co.SetHidden(id, hidden)
}

// RemoveGuest disconnects a guest; their link stops working.
func (s *Studio) RemoveGuest(ctx context.Context, id string) error {
	co := s.coHost()
	if co == nil {
		return ErrNoGuest
	}
	return co.Remove(ctx, id)
}

func (s *Studio) coHost() *CoHost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cohost
}

// endGuests stops receiving guests and lays the host alone again (the show is ending).
func (s *Studio) endGuests() {
	s.mu.Lock()
	co := s.cohost
	s.cohost = nil
	s.mu.Unlock()
	if co == nil {
		return
	}
	co.Close()
	s.mu.Lock()
	kind, id, l := s.mainKind, s.mainID, s.layout
	s.mu.Unlock()
	if err := s.arrange(kind, id, l); err != nil {
		s.emit(Notice{Err: err})
	}
	s.openMic(s.Settings())
}
