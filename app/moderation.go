package app

import (
	"context"

	"showcaster/platform"
)

// The host's moderation actions on a viewer of the show (Studio.Moderate).
// Unmute and unblock undo: each lifts the mute and the block.
const (
	ModerationMute    = platform.ModerationMute
	ModerationBlock   = platform.ModerationBlock
	ModerationUnmute  = platform.ModerationUnmute
	ModerationUnblock = platform.ModerationUnblock
)

// Standing is where a viewer stands in the show after moderation.
type Standing int

const (
	// StandingFree: the viewer takes part as anyone does.
	StandingFree Standing = iota
	// StandingMuted: the viewer's comments are held back from the room.
	StandingMuted
	// StandingBlocked: the viewer can no longer comment, like or buy.
	StandingBlocked
)

func (s Standing) String() string {
	switch s {
	case StandingFree:
		return "free"
	case StandingMuted:
		return "muted"
	case StandingBlocked:
		return "blocked"
	}
	return "unknown"
}

// StandingAfter is the standing a moderation action leaves the viewer in;
// ok is false for an action the platform does not know.
func StandingAfter(action string) (s Standing, ok bool) {
	muted, blocked, ok := platform.ModerationOutcome(action)
	switch {
	case blocked:
		return StandingBlocked, ok
	case muted:
		return StandingMuted, ok
	}
	return StandingFree, ok
}

// Moderate mutes, blocks, unmutes or unblocks a viewer of the selected show
// (ModerationMute, …). The platform's moderation event follows as
// ViewerModerated, to this studio and any other on the show.
func (s *Studio) Moderate(ctx context.Context, viewerID, action string) error {
	if _, ok := StandingAfter(action); !ok {
		return Say(ErrModerationAction, "%q is not a moderation action: use mute, block, unmute or unblock.", action)
	}
	id, err := s.showID()
	if err != nil {
		return err
	}
	return s.platformClient().Moderate(ctx, id, viewerID, action)
}

// moderationEvent hands the window a viewer's new standing, live or read
// again from the show's history (a restart marks the same rows).
func (s *Studio) moderationEvent(ev platform.Event) {
	st, ok := StandingAfter(ev.Action)
	if !ok || ev.ViewerID == "" {
		return
	}
	s.emit(ViewerModerated{ViewerID: ev.ViewerID, Standing: st})
}
