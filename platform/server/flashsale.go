package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"showcaster/platform"
)

const (
	maxFlashSeconds = 3600
	maxFlashUnits   = 100000
)

const flashCols = `n, product_id, price_cents, quantity, sold, starts_at, ends_at, state, trial`

func scanFlash(sc interface{ Scan(...any) error }) (platform.FlashSale, int64, bool, error) {
	var f platform.FlashSale
	var n, starts, ends int64
	var sold, trial int
	if err := sc.Scan(&n, &f.ProductID, &f.PriceCents, &f.Quantity, &sold, &starts, &ends, &f.State, &trial); err != nil {
		return f, 0, false, err
	}
	f.ID = "f" + strconv.FormatInt(n, 10)
	f.StartsAt, f.EndsAt = fromNanos(starts), fromNanos(ends)
	f.Remaining = f.Quantity - sold
	return f, n, trial != 0, nil
}

func (s *Server) flashByN(ctx context.Context, q queryer, showID string, n int64) (platform.FlashSale, bool, error) {
	f, _, trial, err := scanFlash(q.QueryRowContext(ctx, `SELECT `+flashCols+` FROM flash_sales WHERE n = ? AND show_id = ?`, n, showID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, fail(ErrNotFound, "there is no flash sale f%d in show %s", n, showID)
	}
	if err != nil {
		return f, false, storageErr("read a flash sale", err)
	}
	return f, trial, nil
}

func (s *Server) handleStartFlashSale(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in platform.NewFlashSale
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.ProductID == "":
		return fail(ErrBadRequest, "a flash sale needs product_id (a product of the show's list)")
	case in.PriceCents < 1:
		return fail(ErrBadRequest, "price_cents must be at least 1, not %d", in.PriceCents)
	case in.Quantity < 1 || in.Quantity > maxFlashUnits:
		return fail(ErrBadRequest, "quantity must be 1…%d, not %d", maxFlashUnits, in.Quantity)
	case in.DurationS < 5 || in.DurationS > maxFlashSeconds:
		return fail(ErrBadRequest, "duration_s must be 5…%d seconds, not %d", maxFlashSeconds, in.DurationS)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := broadcastingLocked(sh.row, "start a flash sale"); err != nil {
		return err
	}
	ctx := r.Context()
	prod, _, err := s.product(ctx, sh.row.ID, in.ProductID)
	if errors.Is(err, ErrNotFound) {
		return fail(ErrNotFound, "product %q is not in show %s: put it in the show's products (or pin it) first", in.ProductID, sh.row.ID)
	}
	if err != nil {
		return err
	}
	if in.PriceCents >= prod.PriceCents {
		return fail(ErrBadRequest, "the flash price (%d cents) must be below the price of %s (%d cents)", in.PriceCents, prod.Title, prod.PriceCents)
	}
	now := s.clk.Now()
	if f, _, err := s.activeFlash(ctx, s.db, sh.row.ID, in.ProductID, now); err != nil {
		return err
	} else if f != nil {
		return fail(ErrWrongState, "flash sale %s of %s is still running: wait for it to end (or stop it) first", f.ID, prod.Title)
	}
	trial := sh.inTrialLocked()
	ends := now.Add(time.Duration(in.DurationS) * time.Second)
	res, err := s.db.ExecContext(ctx, `INSERT INTO flash_sales (show_id, product_id, price_cents, quantity, starts_at, ends_at, state, trial)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?)`, sh.row.ID, in.ProductID, in.PriceCents, in.Quantity, now.UnixNano(), ends.UnixNano(), boolInt(trial))
	if err != nil {
		return storageErr("store a flash sale", err)
	}
	n, _ := res.LastInsertId()
	f, _, err := s.flashByN(ctx, s.db, sh.row.ID, n)
	if err != nil {
		return err
	}
	s.scheduleFlashEnd(sh, n, ends)
	sh.emitQuietLocked(platform.Event{Type: platform.EventFlashSaleStarted, FlashSale: &f}, scopePublic, "", trial)
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) scheduleFlashEnd(sh *show, n int64, at time.Time) {
	s.runAt(at, func() {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		s.endFlashLocked(sh, n, false)
	})
}

// endFlashLocked closes an open flash sale when its time or its units are
// up (or when stop is set) and announces it; the price is the normal one again.
func (s *Server) endFlashLocked(sh *show, n int64, stop bool) bool {
	ctx := s.ctx
	f, trial, err := s.flashByN(ctx, s.db, sh.row.ID, n)
	if err != nil {
		s.logf("platform: end flash sale f%d: %v", n, err)
		return false
	}
	if f.State != "open" || !stop && f.Remaining > 0 && s.clk.Now().Before(f.EndsAt) {
		return false
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE flash_sales SET state = 'ended' WHERE n = ?`, n); err != nil {
		s.logf("platform: end flash sale f%d: %v", n, err)
		return false
	}
	f.State = "ended"
	delete(sh.tk.dirtyFlash, n)
	sh.emitQuietLocked(platform.Event{Type: platform.EventFlashSaleEnded, FlashSale: &f}, scopePublic, "", trial)
	return true
}

func (s *Server) handleStopFlashSale(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	n, ok := idOf("f", r.PathValue("fid"))
	if !ok {
		return fail(ErrNotFound, "there is no flash sale %q in show %s", r.PathValue("fid"), sh.row.ID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, _, err := s.flashByN(r.Context(), s.db, sh.row.ID, n); err != nil {
		return err
	}
	if !s.endFlashLocked(sh, n, true) {
		return fail(ErrWrongState, "flash sale f%d has ended already", n)
	}
	f, _, err := s.flashByN(r.Context(), s.db, sh.row.ID, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) handleListFlashSales(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := s.flashSales(r.Context(), sh.row.ID, true, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// flashSales lists a show's flash sales, newest first (only the open ones with openOnly).
func (s *Server) flashSales(ctx context.Context, showID string, trialView, openOnly bool) ([]platform.FlashSale, error) {
	q := `SELECT ` + flashCols + ` FROM flash_sales WHERE show_id = ?`
	if openOnly {
		q += ` AND state = 'open' AND ends_at > ` + strconv.FormatInt(s.clk.Now().UnixNano(), 10)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY n DESC`, showID)
	if err != nil {
		return nil, storageErr("read flash sales", err)
	}
	defer rows.Close()
	out := []platform.FlashSale{}
	for rows.Next() {
		f, _, trial, err := scanFlash(rows)
		if err != nil {
			return nil, storageErr("read flash sales", err)
		}
		if visibleTrial(trial, trialView) {
			out = append(out, f)
		}
	}
	return out, rows.Err()
}

// activeFlash is the product's running flash sale at now, if any.
func (s *Server) activeFlash(ctx context.Context, q queryer, showID, productID string, now time.Time) (*platform.FlashSale, int64, error) {
	f, n, _, err := scanFlash(q.QueryRowContext(ctx, `SELECT `+flashCols+` FROM flash_sales WHERE show_id = ? AND product_id = ?
		AND state = 'open' AND ends_at > ? AND sold < quantity ORDER BY n DESC LIMIT 1`, showID, productID, now.UnixNano()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, storageErr("read a flash sale", err)
	}
	return &f, n, nil
}

// placeOrderLocked prices and stores an order in one transaction: the flash
// price while the product's flash sale runs (at most the units left), then
// the buyer's best coupon; it updates stock, flash units and the coupon.
func (s *Server) placeOrderLocked(ctx context.Context, sh *show, viewerID string, prod platform.Product, qty int) (platform.Order, error) {
	now := s.clk.Now()
	trial := sh.inTrialLocked()
	o := platform.Order{ViewerID: viewerID, ProductID: prod.ID, Qty: qty, Currency: prod.Currency}
	var flashN, couponN int64
	var flashLeft int
	err := s.inTx(ctx, "store an order", func(tx *sql.Tx) error {
		unit := prod.PriceCents
		f, fn, err := s.activeFlash(ctx, tx, sh.row.ID, prod.ID, now)
		if err != nil {
			return err
		}
		if f != nil {
			if qty > f.Remaining {
				return fail(ErrSoldOut, "only %d of %s are left at the flash price: order at most %d", f.Remaining, prod.Title, f.Remaining)
			}
			// Guarded, so that no flash unit can be sold twice.
			res, err := tx.ExecContext(ctx, `UPDATE flash_sales SET sold = sold + ? WHERE n = ? AND sold + ? <= quantity`, qty, fn, qty)
			if err != nil {
				return storageErr("sell flash units", err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return fail(ErrSoldOut, "the flash units of %s are sold out", prod.Title)
			}
			unit, flashN, flashLeft, o.FlashSaleID = f.PriceCents, fn, f.Remaining-qty, f.ID
		}
		gross, ok := MulCents(unit, qty)
		if !ok {
			return fail(ErrOverflow, "%d × %s is more than the platform can count: order fewer", qty, prod.Title)
		}
		cn, cid, discount, err := s.bestCoupon(ctx, tx, sh.row.ID, viewerID, gross, now)
		if err != nil {
			return err
		}
		couponN, o.CouponID, o.DiscountCents = cn, cid, discount
		o.AmountCents = gross - discount
		res, err := tx.ExecContext(ctx, `INSERT INTO orders (show_id, viewer_id, product_id, qty, amount_cents, currency, at, day, trial)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sh.row.ID, o.ViewerID, o.ProductID, o.Qty, o.AmountCents, o.Currency,
			now.UnixNano(), now.Format(time.DateOnly), boolInt(trial))
		if err != nil {
			return storageErr("store an order", err)
		}
		id, _ := res.LastInsertId()
		o.ID = fmt.Sprintf("o%d", id)
		if _, err := tx.ExecContext(ctx, `UPDATE products SET sold = sold + ? WHERE show_id = ? AND id = ?`, o.Qty, sh.row.ID, prod.ID); err != nil {
			return storageErr("update stock", err)
		}
		if flashN != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO flash_orders (flash_n, order_id, qty, trial) VALUES (?, ?, ?, ?)`, flashN, o.ID, qty, boolInt(trial)); err != nil {
				return storageErr("store a flash order", err)
			}
		}
		if couponN != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE coupon_claims SET order_id = ? WHERE coupon_n = ? AND viewer_id = ?`, o.ID, couponN, viewerID); err != nil {
				return storageErr("use a coupon", err)
			}
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	if couponN != 0 {
		sh.tk.mark(&sh.tk.dirtyCoupon, couponN)
	}
	if flashN != 0 {
		if flashLeft == 0 {
			s.endFlashLocked(sh, flashN, false)
		} else {
			sh.tk.mark(&sh.tk.dirtyFlash, flashN)
		}
	}
	return o, nil
}
