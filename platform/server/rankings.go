package server

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"time"

	"showcaster/platform"
)

// Rankings: the venue's hourly and weekly popularity lists, as the selling
// platforms publish them. A show is listed when its formal broadcast was on
// at some moment of the period (live now, or ended within it); its score
// counts only what happened in the period, never during a trial:
//
//	score = viewers + 2 × comments + likes / 10 + 5 × buyers + 3 × shares + 2 × follows
//
// viewers who arrived, and the rest by when it happened. Buying and sharing
// weigh most because they bring the room more people than a like does.

// rankingPeriods are the lists and how far back each reaches.
var rankingPeriods = map[string]time.Duration{"hour": time.Hour, "week": 7 * 24 * time.Hour}

const maxRanked = 50

func (s *Server) handleRankings(w http.ResponseWriter, r *http.Request) error {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = "hour"
	}
	d, ok := rankingPeriods[period]
	if !ok {
		return fail(ErrBadRequest, "period must be hour or week, not %q", period)
	}
	out, err := s.rankings(r.Context(), d, s.baseURL(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) rankings(ctx context.Context, period time.Duration, base string) ([]platform.Ranking, error) {
	now := s.clk.Now()
	since := now.Add(-period)
	s.mu.Lock()
	shows := make([]*show, 0, len(s.shows))
	for _, sh := range s.shows {
		shows = append(shows, sh)
	}
	s.mu.Unlock()
	out := []platform.Ranking{}
	for _, sh := range shows {
		sh.mu.Lock()
		row := sh.row.Show
		live := row.State == platform.StateLive
		sh.mu.Unlock()
		if row.StartedAt.IsZero() || !(live || row.State == platform.StateEnded && !row.EndedAt.Before(since)) {
			continue
		}
		score, err := s.score(ctx, row.ID, since)
		if err != nil {
			return nil, err
		}
		out = append(out, platform.Ranking{ShowID: row.ID, Title: row.Title, Score: score, Live: live,
			CoverURL: row.CoverURL, WatchURL: base + "/watch/" + row.ID})
	}
	// Most popular first; a tie goes to the show on air, then to the newer show.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].Live != out[j].Live {
			return out[i].Live
		}
		return showNumber(out[i].ShowID) > showNumber(out[j].ShowID)
	})
	if len(out) > maxRanked {
		out = out[:maxRanked]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

func showNumber(id string) int {
	var n int
	fmt.Sscanf(id, "s%d", &n)
	return n
}

// score adds up a show's popularity since the period began.
func (s *Server) score(ctx context.Context, id string, since time.Time) (int64, error) {
	from := nanos(since)
	var viewers, comments, likes, buyers, shares, follows int64
	for _, q := range []struct {
		dst   *int64
		query string
		arg   int64
	}{
		{&viewers, `SELECT COUNT(*) FROM show_viewers WHERE show_id = ? AND first_at >= ?`, from},
		{&comments, `SELECT COUNT(*) FROM comments WHERE show_id = ? AND trial = 0 AND at >= ?`, from},
		{&likes, `SELECT COALESCE(SUM(count), 0) FROM likes WHERE show_id = ? AND trial = 0 AND minute >= ?`, since.Unix() / 60 * 60},
		{&buyers, `SELECT COUNT(DISTINCT viewer_id) FROM orders WHERE show_id = ? AND trial = 0 AND at >= ?`, from},
		{&shares, `SELECT COUNT(*) FROM shares WHERE show_id = ? AND trial = 0 AND at >= ?`, from},
		{&follows, `SELECT COUNT(*) FROM follows WHERE show_id = ? AND trial = 0 AND at >= ?`, from},
	} {
		if err := s.db.QueryRowContext(ctx, q.query, id, q.arg).Scan(q.dst); err != nil {
			return 0, fmt.Errorf("%w: score show %s for the rankings: %v", ErrStorage, id, err)
		}
	}
	return viewers + 2*comments + likes/10 + 5*buyers + 3*shares + 2*follows, nil
}

// handleVenue serves the venue page: the rankings, live shows first to the eye.
func (s *Server) handleVenue(w http.ResponseWriter, r *http.Request) {
	page, err := fs.ReadFile(s.viewer, "venue.html")
	if err != nil {
		writeError(w, fmt.Errorf("%w: the venue page is missing from this build: %v", ErrStorage, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page)
}
