package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"showcaster/platform"
)

// scope says who may receive an event.
type scope int

const (
	scopePublic  scope = iota // studio and every viewer
	scopeStudio               // studio only (flagged comments, moderation)
	scopePrivate              // studio and one viewer (private replies, that viewer's orders)
)

// show is a show's live state: the stored row, its event stream and its relay.
// mu orders every change of the show, so seq order is the order of changes.
type show struct {
	srv    *Server
	relay  *relay
	guests guestSet

	mu         sync.Mutex
	row        *showRow
	seq        int64
	subs       map[*subscriber]struct{}
	online     map[string]int // viewer (or anonymous WHEP session) → open connections
	sentOnline int64
	sentLikes  int64
	tk         toolkitState
	spanOpen   bool  // an on-air span is open (see onair.go)
	bookings   int64 // viewers who booked the show (see bookings.go)
	// replayReady: the replay's MP4 is written (see replay.go)
	replayReady bool
}

func (s *Server) newShow(r *showRow) *show {
	sh := &show{srv: s, row: r, subs: map[*subscriber]struct{}{}, online: map[string]int{}}
	sh.relay = newRelay(r.ID, s.media, s.logf)
	sh.watchPresence()
	sh.loadBookingsLocked()
	sh.loadReplayLocked()
	if r.State == platform.StateLive {
		sh.recordOnTransitionLocked(platform.StateLive) // a restart mid-show records from now on
	}
	return sh
}

func (s *Server) lookup(id string) (*show, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shows[id]
	if sh == nil {
		return nil, fail(ErrNotFound, "there is no show %q on this platform", id)
	}
	return sh, nil
}

// emitLocked stores an event with the next seq and hands it to every
// subscriber that may see it. The caller holds sh.mu.
func (sh *show) emitLocked(ev platform.Event, sc scope, viewerID string, trial bool) error {
	ev.Seq = sh.seq + 1
	if ev.At.IsZero() {
		ev.At = sh.srv.clk.Now()
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode a %s event: %w", ev.Type, err)
	}
	_, err = sh.srv.db.Exec(`INSERT INTO events (show_id, seq, scope, viewer_id, trial, type, body) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sh.row.ID, ev.Seq, int(sc), viewerID, boolInt(trial), ev.Type, string(body))
	if err != nil {
		return fmt.Errorf("%w: store a %s event of show %s: %v", ErrStorage, ev.Type, sh.row.ID, err)
	}
	sh.seq = ev.Seq
	se := &storedEvent{seq: ev.Seq, scope: sc, viewer: viewerID, trial: trial, body: body}
	for sub := range sh.subs {
		if sub.sees(se) {
			sub.push(se)
		}
	}
	return nil
}

func (sh *show) inTrialLocked() bool { return sh.row.State == platform.StateTrial }

// view is the studio's view of the show, with links that fit the caller's host.
func (sh *show) viewLocked(base string) platform.Show {
	v := sh.row.Show
	v.ProductIDs = append([]string{}, v.ProductIDs...)
	v.Bookings = sh.bookings
	watch := base + "/watch/" + v.ID
	if sh.row.TrialUsed {
		v.TrialURL = watch + "?key=" + sh.row.TrialKey
	}
	switch v.State {
	case platform.StateTrial:
		v.ViewerURL = v.TrialURL
	case platform.StateLive:
		v.ViewerURL = watch
	}
	return v
}

func (sh *show) ingestLocked(base string) platform.Ingest {
	v := sh.viewLocked(base)
	return platform.Ingest{WHIPURL: base + "/whip/" + v.ID, Token: sh.row.IngestToken, ViewerURL: v.ViewerURL}
}

// stateError explains why an action does not fit the show's state.
func stateError(r *showRow, action string) error {
	id := r.ID
	switch r.State {
	case platform.StatePendingAudit:
		return fail(ErrWrongState, "show %s is still waiting for its audit, so it cannot %s yet: try again in a few seconds", id, action)
	case platform.StateRejected:
		return fail(ErrWrongState, "show %s was rejected (%s), so it cannot %s: create a new show with a corrected title", id, r.RejectReason, action)
	case platform.StateEnded:
		return fail(ErrWrongState, "show %s has ended, so it cannot %s: create a new show", id, action)
	case platform.StateLive:
		return fail(ErrWrongState, "show %s is live, so it cannot %s", id, action)
	case platform.StateTrial:
		return fail(ErrWrongState, "show %s is in a trial broadcast, so it cannot %s: end the trial first", id, action)
	default:
		return fail(ErrWrongState, "show %s is %s, so it cannot %s", id, r.State, action)
	}
}

func (s *Server) handleCreateShow(w http.ResponseWriter, r *http.Request) error {
	var in platform.NewShow
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	in.Title = CleanText(in.Title)
	switch {
	case in.Title == "":
		return fail(ErrBadRequest, "a show needs a title")
	case utf8.RuneCountInString(in.Title) > 100:
		return fail(ErrBadRequest, "a show's title may hold at most 100 characters")
	case in.StartsAt.IsZero():
		return fail(ErrBadRequest, "a show needs starts_at (RFC 3339, e.g. 2026-11-23T20:00:00+08:00)")
	case in.DurationMin < 1 || in.DurationMin > platform.MaxDurationMin:
		return fail(ErrBadRequest, "duration_min must be 1…%d minutes (one slot is at most 4 hours), not %d", platform.MaxDurationMin, in.DurationMin)
	}
	if in.ProductIDs == nil {
		in.ProductIDs = []string{}
	}
	now := s.clk.Now()
	row := &showRow{
		Show: platform.Show{Title: in.Title, CoverURL: in.CoverURL, StartsAt: in.StartsAt, DurationMin: in.DurationMin,
			ProductIDs: in.ProductIDs, State: platform.StatePendingAudit, CreatedAt: now},
		IngestToken: randomToken(16),
		TrialKey:    randomToken(8),
		AuditAt:     now.Add(s.cfg.AuditDelay),
	}
	if err := s.insertShow(r.Context(), row); err != nil {
		return err
	}
	sh := s.newShow(row)
	s.mu.Lock()
	s.shows[row.ID] = sh
	s.mu.Unlock()
	s.scheduleAudit(sh, s.cfg.AuditDelay)
	sh.mu.Lock()
	v := sh.viewLocked(s.baseURL(r))
	sh.mu.Unlock()
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) scheduleAudit(sh *show, d time.Duration) {
	if d <= 0 {
		s.audit(sh)
		return
	}
	wait := s.clk.After(d)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-wait:
			s.audit(sh)
		case <-s.ctx.Done():
		}
	}()
}

// audit approves the show or rejects it naming the banned word in its title.
func (s *Server) audit(sh *show) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.row.State != platform.StatePendingAudit {
		return
	}
	if word := s.bannedIn(sh.row.Title); word != "" {
		sh.row.State = platform.StateRejected
		sh.row.RejectReason = fmt.Sprintf("title contains the banned word %q", word)
		sh.row.RejectCode, sh.row.RejectWord = platform.RejectBannedWord, word
	} else {
		sh.row.State = platform.StateApproved
	}
	if err := s.saveShow(s.ctx, sh.row); err != nil {
		s.logf("platform: audit of %s: %v", sh.row.ID, err)
		return
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventShowState, State: sh.row.State, Text: sh.row.RejectReason}, scopePublic, "", false); err != nil {
		s.logf("platform: audit of %s: %v", sh.row.ID, err)
	}
}

func (s *Server) handleListShows(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	shows := make([]*show, 0, len(s.shows))
	for _, sh := range s.shows {
		shows = append(shows, sh)
	}
	s.mu.Unlock()
	base := s.baseURL(r)
	out := make([]platform.Show, 0, len(shows))
	for _, sh := range shows {
		sh.mu.Lock()
		out = append(out, sh.viewLocked(base))
		sh.mu.Unlock()
	}
	// Newest first: ids are s1, s2, … so the creation time orders them, with the id breaking ties.
	sortShows(out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleGetShow(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	v := sh.viewLocked(s.baseURL(r))
	sh.mu.Unlock()
	writeJSON(w, http.StatusOK, v)
	return nil
}

// transition moves a show to a new state, stores it and announces it. The
// caller holds sh.mu. A trial's transitions reach only the trial's audience.
func (sh *show) transitionLocked(ctx context.Context, to platform.ShowState) error {
	from := sh.row.State
	prev := *sh.row
	now := sh.srv.clk.Now()
	sh.row.State = to
	switch to {
	case platform.StateTrial:
		sh.row.TrialUsed = true
	case platform.StateLive:
		if sh.row.StartedAt.IsZero() {
			sh.row.StartedAt = now
		}
	case platform.StateEnded:
		sh.row.EndedAt = now
	}
	if err := sh.srv.saveShow(ctx, sh.row); err != nil {
		*sh.row = prev
		return err
	}
	sh.presenceOnTransitionLocked(to)
	sh.recordOnTransitionLocked(to)
	if to == platform.StateLive {
		// Viewers who stayed from the trial into the formal broadcast watch
		// it too: the report counts them.
		for sub := range sh.subs {
			if sub.viewer != "" {
				sh.srv.noteViewerLocked(sh, sub.viewer)
			}
		}
	}
	trial := from == platform.StateTrial && to != platform.StateLive && to != platform.StateEnded || to == platform.StateTrial
	return sh.emitLocked(platform.Event{Type: platform.EventShowState, State: to}, scopePublic, "", trial)
}

func (s *Server) handleTrial(w http.ResponseWriter, r *http.Request) error {
	return s.startBroadcast(w, r, platform.StateTrial, "start a trial", platform.StateApproved)
}

// startBroadcast moves a show into a trial or live from the states that
// allow it and answers with the ingest; asking again in that state answers
// the same ingest, so a publisher that lost its session can come back.
func (s *Server) startBroadcast(w http.ResponseWriter, r *http.Request, to platform.ShowState, what string, from ...platform.ShowState) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	switch {
	case sh.row.State == to:
	case slices.Contains(from, sh.row.State):
		if err := sh.transitionLocked(r.Context(), to); err != nil {
			return err
		}
	default:
		return stateError(sh.row, what)
	}
	writeJSON(w, http.StatusOK, sh.ingestLocked(s.baseURL(r)))
	return nil
}

func (s *Server) handleTrialEnd(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	if sh.row.State != platform.StateTrial {
		defer sh.mu.Unlock()
		return fail(ErrWrongState, "show %s is %s, not in a trial: there is no trial to end", sh.row.ID, sh.row.State)
	}
	if err := sh.transitionLocked(r.Context(), platform.StateApproved); err != nil {
		sh.mu.Unlock()
		return err
	}
	v := sh.viewLocked(s.baseURL(r))
	sh.mu.Unlock()
	sh.relay.stopAll()
	sh.endGuests(false)
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) error {
	return s.startBroadcast(w, r, platform.StateLive, "go live", platform.StateApproved, platform.StateTrial)
}

func (s *Server) handleEnd(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	switch sh.row.State {
	case platform.StateApproved, platform.StateTrial, platform.StateLive:
	default:
		defer sh.mu.Unlock()
		return stateError(sh.row, "end")
	}
	if err := sh.transitionLocked(r.Context(), platform.StateEnded); err != nil {
		sh.mu.Unlock()
		return err
	}
	v := sh.viewLocked(s.baseURL(r))
	sh.mu.Unlock()
	sh.relay.stopAll()
	sh.endGuests(true)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// tick sends changed like and online totals and samples the report's minute.
func (sh *show) tick(now time.Time) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	online := int64(len(sh.online))
	trial := sh.inTrialLocked()
	if online != sh.sentOnline {
		if err := sh.emitLocked(platform.Event{Type: platform.EventOnline, Count: online}, scopePublic, "", trial); err != nil {
			sh.srv.logf("platform: %v", err)
			return
		}
		sh.sentOnline = online
	}
	if sh.row.Likes != sh.sentLikes {
		if err := sh.emitLocked(platform.Event{Type: platform.EventLike, Count: sh.row.Likes}, scopePublic, "", trial); err != nil {
			sh.srv.logf("platform: %v", err)
			return
		}
		sh.sentLikes = sh.row.Likes
	}
	sh.toolkitTickLocked()
	if sh.row.State == platform.StateLive {
		minute := now.Unix() / 60 * 60
		_, err := sh.srv.db.Exec(`INSERT INTO minutes (show_id, minute, online_peak, publishing) VALUES (?, ?, ?, ?)
			ON CONFLICT (show_id, minute) DO UPDATE SET online_peak = MAX(online_peak, excluded.online_peak),
			publishing = MAX(publishing, excluded.publishing)`, sh.row.ID, minute, online, boolInt(sh.relay.publishing()))
		if err != nil {
			sh.srv.logf("platform: sample show %s: %v", sh.row.ID, err)
		}
	}
}

// join counts a viewer connection toward the online total; leave undoes it.
func (sh *show) joinLocked(key string) { sh.online[key]++ }

func (sh *show) leaveLocked(key string) {
	if sh.online[key] <= 1 {
		delete(sh.online, key)
		return
	}
	sh.online[key]--
}
