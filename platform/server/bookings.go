package server

import (
	"fmt"
	"net/http"

	"showcaster/platform"
)

// Bookings (预约): before the show, a viewer books it from the preview page;
// the count shows on the page, in the studio and in the report, and booked
// viewers who keep the page open see it switch to the picture at the start.

// loadBookingsLocked reads the show's booking count. The caller holds sh.mu
// or owns a show nobody else sees yet.
func (sh *show) loadBookingsLocked() {
	if err := sh.srv.db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE show_id = ?`, sh.row.ID).Scan(&sh.bookings); err != nil {
		sh.srv.logf("platform: %v: count the bookings of %s: %v", ErrStorage, sh.row.ID, err)
	}
}

// bookedLocked reports whether the viewer booked the show.
func (sh *show) bookedLocked(viewerID string) bool {
	var n int
	_ = sh.srv.db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE show_id = ? AND viewer_id = ?`, sh.row.ID, viewerID).Scan(&n)
	return n > 0
}

// bookable: a show may be booked until it starts (a trial looks not started to the public).
func bookable(st platform.ShowState) bool {
	switch st {
	case platform.StatePendingAudit, platform.StateApproved, platform.StateTrial:
		return true
	}
	return false
}

func (s *Server) handleBooking(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, ok := s.viewerFromCookie(r)
	if !ok {
		return fail(ErrUnauthorized, "open the show's page (/watch/%s) before booking it", sh.row.ID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !bookable(sh.row.State) {
		switch sh.row.State {
		case platform.StateLive:
			return fail(ErrWrongState, "show %s is already live: watch it now instead of booking it", sh.row.ID)
		case platform.StateEnded:
			return fail(ErrWrongState, "show %s has ended: it can no longer be booked", sh.row.ID)
		default:
			return fail(ErrWrongState, "show %s was rejected by the audit and will not take place", sh.row.ID)
		}
	}
	res, err := s.db.Exec(`INSERT OR IGNORE INTO bookings (show_id, viewer_id, at) VALUES (?, ?, ?)`, sh.row.ID, v.ID, nanos(s.clk.Now()))
	if err != nil {
		return fmt.Errorf("%w: store the booking of show %s: %v", ErrStorage, sh.row.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		sh.bookings++
		// The count is public: the preview page shows it; a trial stays hidden.
		if err := sh.emitLocked(platform.Event{Type: platform.EventBookings, Count: sh.bookings}, scopePublic, "", false); err != nil {
			s.logf("platform: %v", err)
		}
	}
	writeJSON(w, http.StatusOK, platform.Booking{Booked: true, Bookings: sh.bookings})
	return nil
}
