package server

import (
	"context"
	"fmt"
	"time"

	"showcaster/platform"
)

// reportBetween adds what the report's charts need beyond the counters: the
// exact on-air time, bookings and how many booked viewers came, orders by
// product and revenue per minute.
func (s *Server) reportBetween(ctx context.Context, sh *show, rep *platform.Report, base string) error {
	id := rep.ShowID
	storage := func(err error) error {
		return fmt.Errorf("%w: build the report of %s: %v", ErrStorage, id, err)
	}
	air, err := s.onAir(ctx, id)
	if err != nil {
		return err
	}
	rep.OnAirS = int64(air / time.Second)
	// Effective minutes are whole minutes of exact on-air time (publisher
	// present), never calendar minutes touched: 13.5 minutes are 13.
	rep.EffectiveMin = int(rep.OnAirS / 60)
	sh.mu.Lock()
	rep.Bookings = sh.bookings
	rep.ReplayURL = sh.replayURLLocked(base)
	sh.mu.Unlock()
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings b JOIN show_viewers v
		ON v.show_id = b.show_id AND v.viewer_id = b.viewer_id WHERE b.show_id = ?`, id).Scan(&rep.BookedViewers); err != nil {
		return storage(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.product_id, COALESCE(json_extract(p.body, '$.title'), ''),
		COUNT(*), SUM(o.qty), SUM(o.amount_cents)
		FROM orders o LEFT JOIN products p ON p.show_id = o.show_id AND p.id = o.product_id
		WHERE o.show_id = ? AND o.trial = 0 GROUP BY o.product_id ORDER BY 5 DESC, 1`, id)
	if err != nil {
		return storage(err)
	}
	defer rows.Close()
	rep.ByProduct = []platform.ProductSales{}
	for rows.Next() {
		var ps platform.ProductSales
		if err := rows.Scan(&ps.ProductID, &ps.Title, &ps.Orders, &ps.Qty, &ps.RevenueCents); err != nil {
			return storage(err)
		}
		rep.ByProduct = append(rep.ByProduct, ps)
	}
	if err := rows.Err(); err != nil {
		return storage(err)
	}
	if len(rep.Series) == 0 {
		return nil
	}
	idx := map[int64]int{}
	for i, p := range rep.Series {
		idx[p.At.Unix()] = i
	}
	mrows, err := s.db.QueryContext(ctx, `SELECT at / 60000000000 * 60, SUM(amount_cents) FROM orders
		WHERE show_id = ? AND trial = 0 GROUP BY 1`, id)
	if err != nil {
		return storage(err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var m, v int64
		if err := mrows.Scan(&m, &v); err != nil {
			return storage(err)
		}
		if i, ok := idx[m]; ok {
			rep.Series[i].RevenueCents = v
		}
	}
	return mrows.Err()
}
