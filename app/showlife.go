package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"showcaster/app/store"
	"showcaster/platform"
)

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
	s.viewerNames = nil
	s.mu.Unlock()
	if s.desk != nil {
		if err := s.desk.Load(id); err != nil {
			s.emit(Notice{Err: err})
		}
	}
	// The window hears of the new show before any of its events, so it can
	// clear the last show's comments first.
	s.emit(s.showEvent(sh, 0))
	s.startEvents(id)
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
	action := ActionStartTrial
	if formal {
		action = ActionGoLive
	}
	if err := whyNot(sh, action, s.onAir()); err != nil {
		return err
	}
	if formal && mainKind == SourceImage {
		s.emit(Notice{Msg: Say(nil, "The main picture is a still image. Platforms end formal shows that play a recording instead of a live host: switch to the camera.")})
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
		s.emit(s.showEvent(sh, n))
		select {
		case <-ctx.Done():
			s.emit(s.showEvent(sh, 0))
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
	ing, err = StartBroadcast(ctx, c, sh.ID, formal)
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
			s.emit(s.showEvent(sh, 0))
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
	if formal {
		// Go live starts every enabled destination too.
		s.startDestinations(ctx)
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
	s.emit(s.showEvent(sh, 0))
}

// showEvent is what the window needs to know of the show now, so it never
// has to call back.
func (s *Studio) showEvent(sh Show, countdown int) ShowStateChanged {
	return ShowStateChanged{Show: sh, CountdownLeft: countdown, ViewerURL: s.ViewerURL(), PictureOut: s.onAir()}
}

// Can reports whether the selected show takes the action now: its state in
// the life cycle, and whether its picture is going out (a stalled trial or
// live show may resume). The window enables its buttons by it; StartTrial,
// GoLive and EndShow refuse by the same rule.
func (s *Studio) Can(a Action) bool {
	s.mu.Lock()
	sh, has, busy := s.show, s.hasShow, s.countdown != nil
	s.mu.Unlock()
	return has && !busy && whyNot(sh, a, s.onAir()) == nil
}

// RejectReason is why the platform rejected the show, short, for the state
// line: a sentence the window translates when the platform gave a code the
// studio knows, else nil (the window shows the platform's RejectReason).
func RejectReason(sh Show) *Message {
	if sh.State == StateRejected && sh.RejectCode == platform.RejectBannedWord {
		return Say(ErrRejected, "the title contains the banned word “%s”", sh.RejectWord)
	}
	return nil
}

// whyNot is the one home of the start and end rules: nil when a show in
// its state takes the action, else the reason in the user's words.
func whyNot(sh Show, a Action, pictureOut bool) error {
	if sh.State.Can(a, pictureOut) {
		return nil
	}
	switch sh.State {
	case StatePendingAudit:
		return ErrPendingAudit
	case StateRejected:
		if sh.RejectCode == platform.RejectBannedWord {
			return Say(ErrRejected, "The platform rejected the show: its title contains the banned word “%s”. Change the title and create the show again.", sh.RejectWord)
		}
		return fmt.Errorf("%w: %s", ErrRejected, sh.RejectReason)
	case StateEnded:
		return ErrShowEnded
	}
	if a == ActionEnd {
		return fmt.Errorf("%w (the show is %s)", ErrNotOnAir, sh.State)
	}
	return ErrAlreadyPublishing
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
	s.endGuests()
	if eng != nil {
		eng.StopPublishing()
	}
	s.stopDestinations()
	c := s.platformClient()
	var cur Show
	var err error
	if err := whyNot(sh, ActionEnd, true); err != nil {
		return err
	}
	cur, err = EndBroadcast(ctx, c, sh.ID, sh.State == platform.StateTrial)
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
	u := s.show.ViewerURL
	if s.ingest.ViewerURL != "" {
		u = s.ingest.ViewerURL
	}
	return onLAN(u, s.lanHost)
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
