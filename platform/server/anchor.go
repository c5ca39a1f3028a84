package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"showcaster/platform"
	"showcaster/platform/anchor"
)

// handleAnchor answers the anchor's level from this platform's history.
// ?category=consumer|industrial overrides the configured category.
func (s *Server) handleAnchor(w http.ResponseWriter, r *http.Request) error {
	cat := s.cfg.Category
	if q := r.URL.Query().Get("category"); q != "" {
		c, err := anchor.ParseCategory(q)
		if err != nil {
			return fail(ErrBadRequest, "category: %v", err)
		}
		cat = c
	}
	st, err := s.anchorStanding(r.Context(), cat)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) location() *time.Location {
	if s.cfg.Location != nil {
		return s.cfg.Location
	}
	return time.Local
}

// anchorStanding gathers the formal broadcasts (with their exact on-air
// time), the paid orders and the fans, and lets package anchor judge them.
func (s *Server) anchorStanding(ctx context.Context, cat anchor.Category) (platform.Anchor, error) {
	if cat == "" {
		cat = anchor.Consumer
	}
	now := s.clk.Now()
	loc := s.location()
	since := anchor.WindowStart(now, loc)
	h := anchor.History{Category: cat}

	s.mu.Lock()
	shows := make([]*show, 0, len(s.shows))
	for _, sh := range s.shows {
		shows = append(shows, sh)
	}
	s.mu.Unlock()
	for _, sh := range shows {
		sh.mu.Lock()
		b := anchor.Broadcast{ShowID: sh.row.ID, Title: sh.row.Title, Start: sh.row.StartedAt, End: sh.row.EndedAt}
		sh.mu.Unlock()
		if b.Start.IsZero() || b.Start.Before(since) {
			continue // never live, or before the window
		}
		air, err := s.onAir(ctx, b.ShowID)
		if err != nil {
			return platform.Anchor{}, err
		}
		b.OnAir = air
		h.Broadcasts = append(h.Broadcasts, b)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT viewer_id, at FROM orders WHERE trial = 0 AND at >= ?`, nanos(since))
	if err != nil {
		return platform.Anchor{}, fmt.Errorf("%w: read the orders for the anchor level: %v", ErrStorage, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p anchor.Purchase
		var at int64
		if err := rows.Scan(&p.ViewerID, &at); err != nil {
			return platform.Anchor{}, fmt.Errorf("%w: read the orders for the anchor level: %v", ErrStorage, err)
		}
		p.At = fromNanos(at)
		h.Purchases = append(h.Purchases, p)
	}
	if err := rows.Err(); err != nil {
		return platform.Anchor{}, fmt.Errorf("%w: read the orders for the anchor level: %v", ErrStorage, err)
	}
	if h.Fans, err = s.fans(ctx); err != nil {
		return platform.Anchor{}, err
	}
	return anchor.Compute(h, now, loc), nil
}

// fans counts the host's followers (POST /api/shows/{id}/follow, across shows).
func (s *Server) fans(ctx context.Context) (int, error) {
	n, err := s.followers(ctx)
	return int(n), err
}
