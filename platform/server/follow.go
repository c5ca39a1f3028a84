package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"showcaster/platform"
)

// The platform has one host (one studio), so a follow is of that host and
// lasts across shows; the show it was made in is kept for the report.

func (s *Server) handleFollow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "follow the host")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	res, err := s.db.ExecContext(r.Context(), `INSERT OR IGNORE INTO follows (viewer_id, show_id, at, trial) VALUES (?, ?, ?, ?)`,
		p.viewer.ID, sh.row.ID, s.clk.Now().UnixNano(), boolInt(sh.inTrialLocked()))
	if err != nil {
		return storageErr("store a follow", err)
	}
	n, err := s.followers(r.Context())
	if err != nil {
		return err
	}
	if added, _ := res.RowsAffected(); added > 0 {
		v := p.viewer.Viewer
		sh.emitQuietLocked(platform.Event{Type: platform.EventFollow, Viewer: &v, Count: n}, scopePublic, "", sh.inTrialLocked())
	}
	s.noteViewerLocked(sh, p.viewer.ID)
	writeJSON(w, http.StatusOK, map[string]any{"following": true, "followers": n})
	return nil
}

func (s *Server) handleUnfollow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "unfollow the host")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	p.sh.mu.Lock()
	defer p.sh.mu.Unlock()
	if _, err := s.db.ExecContext(r.Context(), `DELETE FROM follows WHERE viewer_id = ?`, p.viewer.ID); err != nil {
		return storageErr("remove a follow", err)
	}
	n, err := s.followers(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"following": false, "followers": n})
	return nil
}

func (s *Server) followers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM follows`).Scan(&n); err != nil {
		return 0, storageErr("count followers", err)
	}
	return n, nil
}

func (s *Server) follows(ctx context.Context, viewerID string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM follows WHERE viewer_id = ?`, viewerID).Scan(&n); err != nil {
		return false, storageErr("read a follow", err)
	}
	return n > 0, nil
}

func (s *Server) handleShare(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "share the show")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	res, err := s.db.ExecContext(r.Context(), `INSERT OR IGNORE INTO shares (show_id, viewer_id, at, trial) VALUES (?, ?, ?, ?)`,
		sh.row.ID, p.viewer.ID, s.clk.Now().UnixNano(), boolInt(sh.inTrialLocked()))
	if err != nil {
		return storageErr("store a share", err)
	}
	n, err := s.shareCount(r.Context(), sh.row.ID)
	if err != nil {
		return err
	}
	if added, _ := res.RowsAffected(); added > 0 {
		v := p.viewer.Viewer
		sh.emitQuietLocked(platform.Event{Type: platform.EventShare, Viewer: &v, Count: n}, scopeStudio, "", sh.inTrialLocked())
	}
	s.noteViewerLocked(sh, p.viewer.ID)
	writeJSON(w, http.StatusOK, map[string]int64{"shares": n})
	return nil
}

func (s *Server) shareCount(ctx context.Context, showID string) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM shares WHERE show_id = ?`, showID).Scan(&n); err != nil {
		return 0, storageErr("count shares", err)
	}
	return n, nil
}

func (s *Server) shared(ctx context.Context, showID, viewerID string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM shares WHERE show_id = ? AND viewer_id = ?`, showID, viewerID).Scan(&n); err != nil {
		return false, storageErr("read a share", err)
	}
	return n > 0, nil
}

// welcomeLocked tells the studio that a viewer opened the show (the first
// time per show, while it is on air for them), so the host can welcome them by name.
func (s *Server) welcomeLocked(sh *show, viewerID string, trialOK bool) {
	switch {
	case sh.row.State == platform.StateLive:
	case sh.row.State == platform.StateTrial && trialOK:
	default:
		return
	}
	res, err := s.db.Exec(`INSERT OR IGNORE INTO joins (show_id, viewer_id, at) VALUES (?, ?, ?)`, sh.row.ID, viewerID, s.clk.Now().UnixNano())
	if err != nil {
		s.logf("platform: note a join: %v", err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return
	}
	v := platform.Viewer{ID: viewerID}
	if err := s.db.QueryRow(`SELECT name FROM viewers WHERE id = ?`, viewerID).Scan(&v.Name); err != nil {
		s.logf("platform: name of %s: %v", viewerID, err)
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventViewerJoined, Viewer: &v}, scopeStudio, "", sh.inTrialLocked())
}

// replyToComment finds the comment a reply answers.
func (s *Server) replyToComment(ctx context.Context, showID, commentID string) (viewerID, viewerName, text string, flagged int, err error) {
	n, ok := ParseID("c", commentID)
	if !ok {
		return "", "", "", 0, fail(ErrNotFound, "there is no comment %q in show %s", commentID, showID)
	}
	err = s.db.QueryRowContext(ctx, `SELECT viewer_id, viewer_name, text, flagged FROM comments WHERE n = ? AND show_id = ?`,
		n, showID).Scan(&viewerID, &viewerName, &text, &flagged)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", 0, fail(ErrNotFound, "there is no comment %q in show %s", commentID, showID)
	}
	if err != nil {
		return "", "", "", 0, fmt.Errorf("%w: read comment: %v", ErrStorage, err)
	}
	return viewerID, viewerName, text, flagged, nil
}

// replyToViewer finds the viewer a reply without a comment addresses (the
// host thanking a gift's sender or welcoming a newcomer by name).
func (s *Server) replyToViewer(ctx context.Context, viewerID string) (string, string, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM viewers WHERE id = ?`, viewerID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fail(ErrNotFound, "there is no viewer %q on this platform", viewerID)
	}
	if err != nil {
		return "", "", storageErr("read a viewer", err)
	}
	return viewerID, name, nil
}
