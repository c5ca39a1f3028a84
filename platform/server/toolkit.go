package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"showcaster/platform"
)

// toolkitSchema holds the selling toolkit's tables (cart, follows, shares,
// lotteries, coupons, flash sales, red envelopes, gifts, joins). Every change
// of them happens under the show's mutex inside one transaction, so counts
// (claimed, sold, grabbed) can never pass their limits.
const toolkitSchema = `
CREATE TABLE IF NOT EXISTS cart (
	show_id TEXT NOT NULL, product_id TEXT NOT NULL, pos INTEGER NOT NULL,
	PRIMARY KEY (show_id, product_id)
);
CREATE TABLE IF NOT EXISTS follows (
	viewer_id TEXT PRIMARY KEY, show_id TEXT NOT NULL, at INTEGER NOT NULL, trial INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shares (
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, at INTEGER NOT NULL, trial INTEGER NOT NULL,
	PRIMARY KEY (show_id, viewer_id)
);
CREATE TABLE IF NOT EXISTS joins (
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY (show_id, viewer_id)
);
CREATE TABLE IF NOT EXISTS lotteries (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, prize TEXT NOT NULL, winners INTEGER NOT NULL, condition TEXT NOT NULL,
	password TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL, draws_at INTEGER NOT NULL,
	drawn_at INTEGER NOT NULL DEFAULT 0, seed TEXT NOT NULL, seed_hash TEXT NOT NULL, trial INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lotteries_show ON lotteries (show_id, state);
CREATE TABLE IF NOT EXISTS lottery_entries (
	lottery_n INTEGER NOT NULL, viewer_id TEXT NOT NULL, at INTEGER NOT NULL, trial INTEGER NOT NULL,
	PRIMARY KEY (lottery_n, viewer_id)
);
CREATE TABLE IF NOT EXISTS lottery_winners (
	lottery_n INTEGER NOT NULL, viewer_id TEXT NOT NULL, name TEXT NOT NULL, rank INTEGER NOT NULL,
	claimed_at INTEGER NOT NULL DEFAULT 0, d_name TEXT NOT NULL DEFAULT '', d_phone TEXT NOT NULL DEFAULT '',
	d_address TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (lottery_n, viewer_id)
);
CREATE TABLE IF NOT EXISTS coupons (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, title TEXT NOT NULL, discount_cents INTEGER NOT NULL, min_spend_cents INTEGER NOT NULL,
	quantity INTEGER NOT NULL, claimed INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL, trial INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS coupon_claims (
	coupon_n INTEGER NOT NULL, viewer_id TEXT NOT NULL, at INTEGER NOT NULL, order_id TEXT NOT NULL DEFAULT '',
	trial INTEGER NOT NULL,
	PRIMARY KEY (coupon_n, viewer_id)
);
CREATE TABLE IF NOT EXISTS flash_sales (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, product_id TEXT NOT NULL, price_cents INTEGER NOT NULL, quantity INTEGER NOT NULL,
	sold INTEGER NOT NULL DEFAULT 0, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, state TEXT NOT NULL,
	trial INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS flash_orders (
	flash_n INTEGER NOT NULL, order_id TEXT NOT NULL, qty INTEGER NOT NULL, trial INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS red_envelopes (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, total_cents INTEGER NOT NULL, count INTEGER NOT NULL, amounts TEXT NOT NULL,
	grabbed INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, opens_at INTEGER NOT NULL, trial INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS red_envelope_grabs (
	envelope_n INTEGER NOT NULL, viewer_id TEXT NOT NULL, viewer_name TEXT NOT NULL, idx INTEGER NOT NULL,
	amount_cents INTEGER NOT NULL, at INTEGER NOT NULL, trial INTEGER NOT NULL,
	PRIMARY KEY (envelope_n, viewer_id)
);
CREATE TABLE IF NOT EXISTS gifts (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL,
	at INTEGER NOT NULL, trial INTEGER NOT NULL
);
`

// toolkitState is a show's in-memory bookkeeping of the toolkit: which running
// counts changed since the last tick (sent once a second, like likes).
type toolkitState struct {
	dirtyLottery map[int64]bool
	dirtyCoupon  map[int64]bool
	dirtyFlash   map[int64]bool
	dirtyRed     map[int64]bool
}

func (t *toolkitState) mark(m *map[int64]bool, n int64) {
	if *m == nil {
		*m = map[int64]bool{}
	}
	(*m)[n] = true
}

// runAt runs fn once the injected clock reaches t (at once if it has), unless
// the server closes first. The wait starts before runAt returns, so a test
// that advances a fake clock right after never misses it.
func (s *Server) runAt(t time.Time, fn func()) {
	d := t.Sub(s.clk.Now())
	var wait <-chan time.Time
	if d > 0 {
		wait = s.clk.After(d)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if wait != nil {
			select {
			case <-wait:
			case <-s.ctx.Done():
				return
			}
		}
		if s.ctx.Err() == nil {
			fn()
		}
	}()
}

// loadToolkit resumes what waits on the clock after a restart: open
// lotteries draw at their draws_at (at once if it passed while the platform
// was down), open flash sales end at their ends_at.
func (s *Server) loadToolkit(ctx context.Context) error {
	type due struct {
		n    int64
		show string
		at   int64
	}
	read := func(query string) ([]due, error) {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("%w: resume the toolkit: %v", ErrStorage, err)
		}
		defer rows.Close()
		var out []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.n, &d.show, &d.at); err != nil {
				return nil, fmt.Errorf("%w: resume the toolkit: %v", ErrStorage, err)
			}
			out = append(out, d)
		}
		return out, rows.Err()
	}
	lots, err := read(`SELECT n, show_id, draws_at FROM lotteries WHERE state = 'open'`)
	if err != nil {
		return err
	}
	flashes, err := read(`SELECT n, show_id, ends_at FROM flash_sales WHERE state = 'open'`)
	if err != nil {
		return err
	}
	for _, d := range lots {
		if sh := s.shows[d.show]; sh != nil {
			s.scheduleDraw(sh, d.n, fromNanos(d.at))
		}
	}
	for _, d := range flashes {
		if sh := s.shows[d.show]; sh != nil {
			s.scheduleFlashEnd(sh, d.n, fromNanos(d.at))
		}
	}
	return nil
}

// toolkitTickLocked sends the running counts that changed since the last
// tick: lottery entrants, coupons left, flash-sale units left, envelopes grabbed.
func (sh *show) toolkitTickLocked() {
	s := sh.srv
	t := &sh.tk
	for n := range t.dirtyLottery {
		if l, trial, err := s.lotteryByN(s.ctx, sh.row.ID, n); err == nil {
			sh.emitQuietLocked(platform.Event{Type: platform.EventLotteryEntrants, Lottery: &l}, scopePublic, "", trial)
		}
	}
	for n := range t.dirtyCoupon {
		if c, trial, err := s.couponByN(s.ctx, s.db, sh.row.ID, n); err == nil {
			sh.emitQuietLocked(platform.Event{Type: platform.EventCouponUpdated, Coupon: &c}, scopePublic, "", trial)
		}
	}
	for n := range t.dirtyFlash {
		if f, trial, err := s.flashByN(s.ctx, s.db, sh.row.ID, n); err == nil {
			sh.emitQuietLocked(platform.Event{Type: platform.EventFlashSaleUpdated, FlashSale: &f}, scopePublic, "", trial)
		}
	}
	for n := range t.dirtyRed {
		if e, trial, err := s.envelopeByN(s.ctx, s.db, sh.row.ID, n); err == nil {
			sh.emitQuietLocked(platform.Event{Type: platform.EventRedEnvelopeUpdated, RedEnvelope: &e}, scopePublic, "", trial)
		}
	}
	*t = toolkitState{}
}

// emitQuietLocked emits an event, logging a failure instead of returning it
// (for events that follow a change already stored and answered).
func (sh *show) emitQuietLocked(ev platform.Event, sc scope, viewerID string, trial bool) {
	if err := sh.emitLocked(ev, sc, viewerID, trial); err != nil {
		sh.srv.logf("platform: %v", err)
	}
}

// broadcastingLocked refuses a studio toolkit action unless the show is on
// air (live or in a trial).
func broadcastingLocked(r *showRow, action string) error {
	if r.State == platform.StateLive || r.State == platform.StateTrial {
		return nil
	}
	switch r.State {
	case platform.StateEnded:
		return fail(ErrWrongState, "show %s has ended, so it cannot %s", r.ID, action)
	default:
		return fail(ErrWrongState, "show %s is %s: start a trial or go live before you %s", r.ID, r.State, action)
	}
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// inTx runs fn in one transaction, committed when fn returns nil.
func (s *Server) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrStorage, what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrStorage, what, err)
	}
	return nil
}

func storageErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrStorage, what, err)
}

// visibleTrial: objects made during a trial are seen only in a trial.
func visibleTrial(objTrial, viewingTrial bool) bool { return !objTrial || viewingTrial }

// toolkitRoutes adds the selling toolkit's calls (docs/platform-api.md).
func (s *Server) toolkitRoutes(m *http.ServeMux) {
	st, v := s.studio, s.handle
	m.HandleFunc("PUT /api/shows/{id}/products", st(s.handlePutProducts))
	m.HandleFunc("GET /api/shows/{id}/products", v(s.handleGetProducts))
	m.HandleFunc("POST /api/shows/{id}/follow", v(s.handleFollow))
	m.HandleFunc("DELETE /api/shows/{id}/follow", v(s.handleUnfollow))
	m.HandleFunc("POST /api/shows/{id}/shares", v(s.handleShare))
	m.HandleFunc("POST /api/shows/{id}/lotteries", st(s.handleCreateLottery))
	m.HandleFunc("GET /api/shows/{id}/lotteries", st(s.handleListLotteries))
	m.HandleFunc("DELETE /api/shows/{id}/lotteries/{lid}", st(s.handleCancelLottery))
	m.HandleFunc("POST /api/shows/{id}/lotteries/{lid}/entries", v(s.handleEnterLottery))
	m.HandleFunc("POST /api/shows/{id}/lotteries/{lid}/claim", v(s.handleClaimLottery))
	m.HandleFunc("GET /api/shows/{id}/lotteries/{lid}/draw", v(s.handleLotteryDraw))
	m.HandleFunc("POST /api/shows/{id}/coupons", st(s.handlePushCoupon))
	m.HandleFunc("GET /api/shows/{id}/coupons", st(s.handleListCoupons))
	m.HandleFunc("POST /api/shows/{id}/coupons/{cid}/claim", v(s.handleClaimCoupon))
	m.HandleFunc("POST /api/shows/{id}/flash-sales", st(s.handleStartFlashSale))
	m.HandleFunc("GET /api/shows/{id}/flash-sales", st(s.handleListFlashSales))
	m.HandleFunc("DELETE /api/shows/{id}/flash-sales/{fid}", st(s.handleStopFlashSale))
	m.HandleFunc("POST /api/shows/{id}/red-envelopes", st(s.handleSendRedEnvelope))
	m.HandleFunc("GET /api/shows/{id}/red-envelopes", st(s.handleListRedEnvelopes))
	m.HandleFunc("POST /api/shows/{id}/red-envelopes/{rid}/grab", v(s.handleGrab))
	m.HandleFunc("GET /api/gifts", v(s.handleGiftKinds))
	m.HandleFunc("POST /api/shows/{id}/gifts", v(s.handleGift))
}

// idOf parses an id like "l12" with the given prefix into its number.
func idOf(prefix, id string) (int64, bool) {
	var n int64
	if len(id) <= len(prefix) || id[:len(prefix)] != prefix {
		return 0, false
	}
	if _, err := fmt.Sscanf(id[len(prefix):], "%d", &n); err != nil || n <= 0 || fmt.Sprintf("%s%d", prefix, n) != id {
		return 0, false
	}
	return n, true
}

// toolkitPublic adds the cart and, once the show is on air for this viewer,
// the follow, share, lottery, coupons, flash sales and red envelopes to a
// viewer's Public.
func (s *Server) toolkitPublic(ctx context.Context, sh *show, p *platform.Public) error {
	var err error
	p.Now = s.clk.Now()
	if p.Products, err = s.cart(ctx, s.db, sh.row.ID); err != nil {
		return err
	}
	if p.Followers, err = s.followers(ctx); err != nil {
		return err
	}
	if p.Following, err = s.follows(ctx, p.Viewer.ID); err != nil {
		return err
	}
	if p.State != platform.PublicLive && p.State != platform.PublicTrial {
		return nil
	}
	trialView := p.State == platform.PublicTrial
	if p.Shares, err = s.shareCount(ctx, sh.row.ID); err != nil {
		return err
	}
	if p.Shared, err = s.shared(ctx, sh.row.ID, p.Viewer.ID); err != nil {
		return err
	}
	if p.Lottery, err = s.viewerLottery(ctx, sh, p.Viewer.ID, trialView); err != nil {
		return err
	}
	now := s.clk.Now()
	if p.Coupons, err = s.coupons(ctx, sh.row.ID, p.Viewer.ID, trialView, now); err != nil {
		return err
	}
	if p.FlashSales, err = s.flashSales(ctx, sh.row.ID, trialView, true); err != nil {
		return err
	}
	if p.RedEnvelopes, err = s.envelopes(ctx, sh.row.ID, p.Viewer.ID, trialView, false); err != nil {
		return err
	}
	return nil
}

// The per-viewer budgets of the toolkit's viewer calls.
var (
	budgetToolkit = Budget{Burst: 10, Every: time.Second, What: "taps (10 per 10 s)"}
	budgetGift    = Budget{Burst: 10, Every: 500 * time.Millisecond, What: "gifts (2 per second)"}
)
