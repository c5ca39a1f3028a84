package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"showcaster/platform"
)

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	rep, err := s.report(r.Context(), sh)
	if err != nil {
		return err
	}
	if err := s.reportBetween(r.Context(), sh, &rep, s.baseURL(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// report sums up the formal broadcast; a trial's activity is left out.
func (s *Server) report(ctx context.Context, sh *show) (platform.Report, error) {
	id := sh.row.ID
	rep := platform.Report{ShowID: id}
	q := func(dst any, query string) error {
		if err := s.db.QueryRowContext(ctx, query, id).Scan(dst); err != nil {
			return fmt.Errorf("%w: build the report of %s: %v", ErrStorage, id, err)
		}
		return nil
	}
	var effective int64
	for _, c := range []struct {
		dst   any
		query string
	}{
		{&rep.Viewers, `SELECT COUNT(*) FROM show_viewers WHERE show_id = ?`},
		{&rep.PeakOnline, `SELECT COALESCE(MAX(online_peak), 0) FROM minutes WHERE show_id = ?`},
		{&effective, `SELECT COUNT(*) FROM minutes WHERE show_id = ? AND publishing = 1`},
		{&rep.Comments, `SELECT COUNT(*) FROM comments WHERE show_id = ? AND trial = 0`},
		{&rep.Likes, `SELECT COALESCE(SUM(count), 0) FROM likes WHERE show_id = ? AND trial = 0`},
		{&rep.Orders, `SELECT COUNT(*) FROM orders WHERE show_id = ? AND trial = 0`},
		{&rep.RevenueCents, `SELECT COALESCE(SUM(amount_cents), 0) FROM orders WHERE show_id = ? AND trial = 0`},
		// A buyer is counted once per calendar day, however many orders they place.
		{&rep.Buyers, `SELECT COUNT(*) FROM (SELECT DISTINCT viewer_id, day FROM orders WHERE show_id = ? AND trial = 0)`},
		{&rep.Gifts, `SELECT COALESCE(SUM(count), 0) FROM gifts WHERE show_id = ? AND trial = 0`},
		{&rep.Follows, `SELECT COUNT(*) FROM follows WHERE show_id = ? AND trial = 0`},
		{&rep.Shares, `SELECT COUNT(*) FROM shares WHERE show_id = ? AND trial = 0`},
		{&rep.CouponsClaimed, `SELECT COUNT(*) FROM coupon_claims k JOIN coupons c ON c.n = k.coupon_n WHERE c.show_id = ? AND k.trial = 0`},
		{&rep.CouponsUsed, `SELECT COUNT(*) FROM coupon_claims k JOIN coupons c ON c.n = k.coupon_n WHERE c.show_id = ? AND k.trial = 0 AND k.order_id != ''`},
		{&rep.Lotteries, `SELECT COUNT(*) FROM lotteries WHERE show_id = ? AND trial = 0 AND state = 'drawn'`},
		{&rep.FlashOrders, `SELECT COUNT(*) FROM flash_orders o JOIN flash_sales f ON f.n = o.flash_n WHERE f.show_id = ? AND o.trial = 0`},
		{&rep.RedEnvelopeCents, `SELECT COALESCE(SUM(g.amount_cents), 0) FROM red_envelope_grabs g JOIN red_envelopes e ON e.n = g.envelope_n WHERE e.show_id = ? AND g.trial = 0`},
	} {
		if err := q(c.dst, c.query); err != nil {
			return rep, err
		}
	}
	rep.EffectiveMin = int(effective)

	sh.mu.Lock()
	started, ended := sh.row.StartedAt, sh.row.EndedAt
	sh.mu.Unlock()
	if started.IsZero() {
		return rep, nil
	}
	if ended.IsZero() {
		ended = s.clk.Now()
	}
	first := started.Unix() / 60 * 60
	last := ended.Unix() / 60 * 60
	if n := (last-first)/60 + 1; n > 24*60 {
		first = last - 24*60*60 // a day of minutes is plenty for a ≤ 4 h slot
	}
	idx := map[int64]int{}
	for m := first; m <= last; m += 60 {
		idx[m] = len(rep.Series)
		rep.Series = append(rep.Series, platform.ReportPoint{At: time.Unix(m, 0)})
	}
	add := func(query string, set func(p *platform.ReportPoint, v int64)) error {
		rows, err := s.db.QueryContext(ctx, query, id)
		if err != nil {
			return fmt.Errorf("%w: build the report series of %s: %v", ErrStorage, id, err)
		}
		defer rows.Close()
		for rows.Next() {
			var m, v int64
			if err := rows.Scan(&m, &v); err != nil {
				return fmt.Errorf("%w: build the report series of %s: %v", ErrStorage, id, err)
			}
			if i, ok := idx[m]; ok {
				set(&rep.Series[i], v)
			}
		}
		return rows.Err()
	}
	for _, a := range []struct {
		query string
		set   func(p *platform.ReportPoint, v int64)
	}{
		{`SELECT minute, online_peak FROM minutes WHERE show_id = ?`, func(p *platform.ReportPoint, v int64) { p.Online = v }},
		{`SELECT minute, count FROM likes WHERE show_id = ? AND trial = 0`, func(p *platform.ReportPoint, v int64) { p.Likes = v }},
		{`SELECT at / 60000000000 * 60, COUNT(*) FROM comments WHERE show_id = ? AND trial = 0 GROUP BY 1`, func(p *platform.ReportPoint, v int64) { p.Comments = v }},
		{`SELECT at / 60000000000 * 60, COUNT(*) FROM orders WHERE show_id = ? AND trial = 0 GROUP BY 1`, func(p *platform.ReportPoint, v int64) { p.Orders = v }},
	} {
		if err := add(a.query, a.set); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
