package server

import (
	"context"
	"fmt"
	"time"

	"showcaster/platform"
)

// betweenSchema holds what the platform keeps between shows: when a formal
// broadcast was really on air, bookings, and the replays.
const betweenSchema = `
CREATE TABLE IF NOT EXISTS air_spans (
	show_id TEXT NOT NULL, start_at INTEGER NOT NULL, end_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS air_spans_show ON air_spans (show_id);
CREATE TABLE IF NOT EXISTS bookings (
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY (show_id, viewer_id)
);
CREATE TABLE IF NOT EXISTS replays (
	show_id TEXT PRIMARY KEY, file TEXT NOT NULL, ready INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER NOT NULL DEFAULT 0
);
`

// On-air time is the time a publisher was sending during the formal
// broadcast, kept as spans to the nanosecond of the platform's clock: a
// session counts for the anchor level only past 15 minutes of it.

// watchPresence makes the show note its publisher's comings and goings.
func (sh *show) watchPresence() {
	sh.relay.presence = func(p *publisher, on bool) {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		if sh.row.State != platform.StateLive {
			return
		}
		if on {
			sh.openSpanLocked()
		} else {
			sh.closeSpanLocked()
		}
	}
}

// openSpanLocked starts an on-air span unless one is open. The caller holds sh.mu.
func (sh *show) openSpanLocked() {
	if sh.spanOpen {
		return
	}
	if _, err := sh.srv.db.Exec(`INSERT INTO air_spans (show_id, start_at) VALUES (?, ?)`, sh.row.ID, nanos(sh.srv.clk.Now())); err != nil {
		sh.srv.logf("platform: %v: note show %s on air: %v", ErrStorage, sh.row.ID, err)
		return
	}
	sh.spanOpen = true
}

// closeSpanLocked ends the open on-air span, if any. The caller holds sh.mu.
func (sh *show) closeSpanLocked() {
	if !sh.spanOpen {
		return
	}
	if _, err := sh.srv.db.Exec(`UPDATE air_spans SET end_at = ? WHERE show_id = ? AND end_at = 0`, nanos(sh.srv.clk.Now()), sh.row.ID); err != nil {
		sh.srv.logf("platform: %v: note show %s off air: %v", ErrStorage, sh.row.ID, err)
		return
	}
	sh.spanOpen = false
}

// presenceOnTransitionLocked keeps the spans true when the show's state
// changes under a publisher that keeps sending (a trial that goes live).
func (sh *show) presenceOnTransitionLocked(to platform.ShowState) {
	switch {
	case to == platform.StateLive && sh.relay.publishing():
		sh.openSpanLocked()
	case to != platform.StateLive:
		sh.closeSpanLocked()
	}
}

// closeStaleSpans ends the spans a stopped platform left open, at the last
// minute the show was seen publishing (nobody is publishing after a restart).
func (s *Server) closeStaleSpans(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE air_spans SET end_at = MAX(start_at, COALESCE(
		(SELECT (MAX(minute) + 60) * 1000000000 FROM minutes m WHERE m.show_id = air_spans.show_id AND m.publishing = 1 AND (m.minute + 60) * 1000000000 > air_spans.start_at),
		start_at)) WHERE end_at = 0`)
	if err != nil {
		return fmt.Errorf("%w: close the on-air spans of the last run: %v", ErrStorage, err)
	}
	return nil
}

// onAir is how long the show's formal broadcast has had a publisher sending, up to now.
func (s *Server) onAir(ctx context.Context, showID string) (time.Duration, error) {
	var total int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN end_at = 0 THEN ? ELSE end_at END - start_at), 0)
		FROM air_spans WHERE show_id = ?`, nanos(s.clk.Now()), showID).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("%w: read the on-air time of %s: %v", ErrStorage, showID, err)
	}
	return time.Duration(total), nil
}
