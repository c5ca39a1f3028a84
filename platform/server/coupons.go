package server

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"showcaster/platform"
)

const (
	maxCouponQuantity = 100000
	maxCouponMinutes  = 240
)

const couponCols = `n, title, discount_cents, min_spend_cents, quantity, claimed, ends_at, trial`

func scanCoupon(sc interface{ Scan(...any) error }) (platform.Coupon, int64, bool, error) {
	var c platform.Coupon
	var n, ends int64
	var trial int
	if err := sc.Scan(&n, &c.Title, &c.DiscountCents, &c.MinSpendCents, &c.Quantity, &c.Claimed, &ends, &trial); err != nil {
		return c, 0, false, err
	}
	c.ID = "cp" + strconv.FormatInt(n, 10)
	c.EndsAt = fromNanos(ends)
	c.Remaining = c.Quantity - c.Claimed
	return c, n, trial != 0, nil
}

func (s *Server) couponByN(ctx context.Context, q queryer, showID string, n int64) (platform.Coupon, bool, error) {
	c, _, trial, err := scanCoupon(q.QueryRowContext(ctx, `SELECT `+couponCols+` FROM coupons WHERE n = ? AND show_id = ?`, n, showID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, fail(ErrNotFound, "there is no coupon cp%d in show %s", n, showID)
	}
	if err != nil {
		return c, false, storageErr("read a coupon", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM coupon_claims WHERE coupon_n = ? AND order_id != ''`, n).Scan(&c.Used); err != nil {
		return c, false, storageErr("count used coupons", err)
	}
	return c, trial, nil
}

func (s *Server) handlePushCoupon(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in platform.NewCoupon
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	in.Title = CleanText(in.Title)
	switch {
	case in.Title == "" || utf8.RuneCountInString(in.Title) > 40:
		return fail(ErrBadRequest, "a coupon needs a title of 1…40 characters")
	case in.DiscountCents < 1:
		return fail(ErrBadRequest, "discount_cents must be at least 1, not %d", in.DiscountCents)
	case in.MinSpendCents < 0:
		return fail(ErrBadRequest, "min_spend_cents cannot be negative")
	case in.MinSpendCents > 0 && in.DiscountCents > in.MinSpendCents:
		return fail(ErrBadRequest, "the discount (%d cents) is larger than the minimum spend (%d cents): raise the minimum spend or lower the discount", in.DiscountCents, in.MinSpendCents)
	case in.Quantity < 1 || in.Quantity > maxCouponQuantity:
		return fail(ErrBadRequest, "quantity must be 1…%d, not %d", maxCouponQuantity, in.Quantity)
	case in.ValidMin < 1 || in.ValidMin > maxCouponMinutes:
		return fail(ErrBadRequest, "valid_min must be 1…%d minutes, not %d", maxCouponMinutes, in.ValidMin)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := broadcastingLocked(sh.row, "push a coupon"); err != nil {
		return err
	}
	ctx := r.Context()
	now := s.clk.Now()
	trial := sh.inTrialLocked()
	res, err := s.db.ExecContext(ctx, `INSERT INTO coupons (show_id, title, discount_cents, min_spend_cents, quantity, created_at, ends_at, trial)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sh.row.ID, in.Title, in.DiscountCents, in.MinSpendCents, in.Quantity, now.UnixNano(),
		now.Add(time.Duration(in.ValidMin)*time.Minute).UnixNano(), boolInt(trial))
	if err != nil {
		return storageErr("store a coupon", err)
	}
	n, _ := res.LastInsertId()
	c, _, err := s.couponByN(ctx, s.db, sh.row.ID, n)
	if err != nil {
		return err
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventCouponPushed, Coupon: &c}, scopePublic, "", trial)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleListCoupons(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := s.coupons(r.Context(), sh.row.ID, "", true, time.Time{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// coupons lists a show's coupons, newest first; with a viewer, Mine says
// what they hold; activeAt non-zero keeps only those still valid then.
func (s *Server) coupons(ctx context.Context, showID, viewerID string, trialView bool, activeAt time.Time) ([]platform.Coupon, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+couponCols+` FROM coupons WHERE show_id = ? AND ends_at > ? ORDER BY n DESC`,
		showID, nanos(activeAt))
	if err != nil {
		return nil, storageErr("read coupons", err)
	}
	type item struct {
		c platform.Coupon
		n int64
	}
	var items []item
	for rows.Next() {
		c, n, trial, err := scanCoupon(rows)
		if err != nil {
			rows.Close()
			return nil, storageErr("read coupons", err)
		}
		if visibleTrial(trial, trialView) {
			items = append(items, item{c, n})
		}
	}
	rows.Close()
	out := []platform.Coupon{}
	for _, it := range items {
		c := it.c
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM coupon_claims WHERE coupon_n = ? AND order_id != ''`, it.n).Scan(&c.Used); err != nil {
			return nil, storageErr("count used coupons", err)
		}
		if viewerID != "" {
			var order string
			err := s.db.QueryRowContext(ctx, `SELECT order_id FROM coupon_claims WHERE coupon_n = ? AND viewer_id = ?`, it.n, viewerID).Scan(&order)
			switch {
			case err == nil && order != "":
				c.Mine = "used"
			case err == nil:
				c.Mine = "claimed"
			case !errors.Is(err, sql.ErrNoRows):
				return nil, storageErr("read a coupon claim", err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Server) handleClaimCoupon(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "claim coupons")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	sh := p.sh
	n, ok := idOf("cp", r.PathValue("cid"))
	if !ok {
		return fail(ErrNotFound, "there is no coupon %q in show %s", r.PathValue("cid"), sh.row.ID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := r.Context()
	var c platform.Coupon
	err = s.inTx(ctx, "claim a coupon", func(tx *sql.Tx) error {
		var err error
		c, _, _, err = scanCoupon(tx.QueryRowContext(ctx, `SELECT `+couponCols+` FROM coupons WHERE n = ? AND show_id = ?`, n, sh.row.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fail(ErrNotFound, "there is no coupon cp%d in show %s", n, sh.row.ID)
		}
		if err != nil {
			return storageErr("read a coupon", err)
		}
		now := s.clk.Now()
		if !now.Before(c.EndsAt) {
			return fail(ErrOfferEnded, "coupon %s ended at %s: watch for the next one", c.ID, c.EndsAt.Format(time.RFC3339))
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM coupon_claims WHERE coupon_n = ? AND viewer_id = ?`, n, p.viewer.ID).Scan(&held); err != nil {
			return storageErr("read a coupon claim", err)
		}
		if held > 0 {
			return fail(ErrAlreadyClaimed, "you have claimed coupon %s already: it is used by your next order that reaches its minimum spend", c.ID)
		}
		// The guarded update is what keeps claims within the quantity, even if
		// another process shared the database: it changes no row once none is left.
		res, err := tx.ExecContext(ctx, `UPDATE coupons SET claimed = claimed + 1 WHERE n = ? AND claimed < quantity`, n)
		if err != nil {
			return storageErr("claim a coupon", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fail(ErrSoldOut, "coupon %s is all claimed: watch for the next one", c.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO coupon_claims (coupon_n, viewer_id, at, trial) VALUES (?, ?, ?, ?)`,
			n, p.viewer.ID, now.UnixNano(), boolInt(sh.inTrialLocked())); err != nil {
			return storageErr("claim a coupon", err)
		}
		c.Claimed++
		c.Remaining--
		c.Mine = "claimed"
		return nil
	})
	if err != nil {
		return err
	}
	sh.tk.mark(&sh.tk.dirtyCoupon, n)
	s.noteViewerLocked(sh, p.viewer.ID)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// bestCoupon is the buyer's claimed, unused, still valid coupon with the
// largest discount whose minimum spend the amount reaches (ties: the one
// ending first, then the older).
func (s *Server) bestCoupon(ctx context.Context, q queryer, showID, viewerID string, amount int64, now time.Time) (n int64, id string, discount int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT c.n, c.discount_cents FROM coupon_claims k JOIN coupons c ON c.n = k.coupon_n
		WHERE k.viewer_id = ? AND c.show_id = ? AND k.order_id = '' AND c.min_spend_cents <= ? AND c.ends_at > ?
		ORDER BY c.discount_cents DESC, c.ends_at, c.n LIMIT 1`, viewerID, showID, amount, now.UnixNano()).Scan(&n, &discount)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", 0, nil
	}
	if err != nil {
		return 0, "", 0, storageErr("find a coupon", err)
	}
	return n, "cp" + strconv.FormatInt(n, 10), min(discount, amount), nil
}
