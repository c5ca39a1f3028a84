package app

import (
	"context"
	"time"

	"showcaster/platform"
	"showcaster/platform/anchor"
)

// The anchor level's rules, told to the host as the show runs: a broadcast
// counts as a session only past 15 minutes on air, and one that crosses
// midnight splits its data over two days.

// SessionNote tells the host something about the session: Msg is a sentence
// the window translates; Warning asks for attention.
type SessionNote struct {
	Msg     *Message
	Warning bool
}

func (SessionNote) isEvent() {}

// midnightLead is how long before midnight the studio warns.
const midnightLead = 15 * time.Minute

// SessionNotes says what the host should hear at now, for a formal broadcast
// on air for onAir whose slot ends at slotEnd (days end at midnight in loc).
// said holds the keys already told, so each is said once.
func SessionNotes(onAir time.Duration, now, slotEnd time.Time, loc *time.Location, said map[string]bool) []SessionNote {
	if loc == nil {
		loc = time.Local
	}
	var out []SessionNote
	if onAir > anchor.MinSession && !said["counts"] {
		said["counts"] = true
		out = append(out, SessionNote{Msg: Say(nil, "On air for more than 15 minutes: this broadcast now counts as a session for the anchor level.")})
	}
	y, m, d := now.In(loc).Date()
	midnight := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if !said["midnight"] && now.Before(midnight) && slotEnd.After(midnight) && midnight.Sub(now) <= midnightLead {
		said["midnight"] = true
		left := midnight.Sub(now).Round(time.Minute)
		out = append(out, SessionNote{Warning: true, Msg: Say(nil,
			"Midnight in %d minutes: a broadcast that crosses midnight splits its data over two days. End the show before 00:00 and start a new one after.", int(left/time.Minute))})
	}
	return out
}

// PlannedMidnightCrossing says whether a show's slot runs past midnight (in loc), to warn when it is planned.
func PlannedMidnightCrossing(startsAt time.Time, durationMin int, loc *time.Location) bool {
	if loc == nil {
		loc = time.Local
	}
	return anchor.CrossesMidnight(anchor.Broadcast{Start: startsAt, End: startsAt.Add(time.Duration(durationMin) * time.Minute)}, startsAt, loc)
}

// watchSession tells the host, once a second, what the level's rules say about
// the formal broadcast running now.
func (s *Studio) watchSession(ctx context.Context) {
	t := s.clk.NewTicker(time.Second)
	defer t.Stop()
	said := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C():
			s.mu.Lock()
			sh, since := s.show, s.onAirSince
			s.mu.Unlock()
			if sh.State != platform.StateLive || since.IsZero() {
				continue
			}
			// The slot's end, or an hour on when the show runs past its slot.
			end := sh.StartsAt.Add(time.Duration(sh.DurationMin) * time.Minute)
			if end.Before(now) {
				end = now.Add(time.Hour)
			}
			for _, n := range SessionNotes(now.Sub(since), now, end, time.Local, said) {
				s.emit(n)
			}
		}
	}
}
