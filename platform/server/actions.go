package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"showcaster/platform"
)

func (s *Server) handleReply(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in platform.Reply
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	in.Text = CleanText(in.Text)
	if in.Text == "" {
		return fail(ErrBadRequest, "a reply cannot be empty (invisible and control characters do not count)")
	}
	if n := utf8.RuneCountInString(in.Text); n > maxCommentRunes {
		return fail(ErrBadRequest, "a reply may hold at most %d characters; this one has %d", maxCommentRunes, n)
	}
	var viewerID, viewerName, text string
	var flagged int
	if in.CommentID == "" && in.ViewerID != "" {
		// A reply to a viewer rather than to a comment: thanks for a gift, a welcome.
		viewerID, viewerName, err = s.replyToViewer(r.Context(), in.ViewerID)
	} else {
		viewerID, viewerName, text, flagged, err = s.replyToComment(r.Context(), sh.row.ID, in.CommentID)
	}
	if err != nil {
		return err
	}
	in.ViewerID, in.ViewerName = viewerID, viewerName
	if flagged == 0 || in.Private {
		in.CommentText = text // a public reply never quotes a held comment
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.row.State == platform.StateEnded {
		return stateError(sh.row, "take replies")
	}
	now := s.clk.Now()
	in.At = now
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO replies (show_id, comment_id, text, private, viewer_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
		sh.row.ID, in.CommentID, in.Text, boolInt(in.Private), viewerID, now.UnixNano()); err != nil {
		return fmt.Errorf("%w: store a reply: %v", ErrStorage, err)
	}
	sc, to := scopePublic, ""
	if in.Private {
		sc, to = scopePrivate, viewerID
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventReply, At: now, Reply: &in}, sc, to, sh.inTrialLocked()); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, in)
	return nil
}

// openForStudio refuses actions on shows that are over or never happen.
func openForStudio(r *showRow, action string) error {
	if r.State == platform.StateEnded || r.State == platform.StateRejected {
		return stateError(r, action)
	}
	return nil
}

func (s *Server) handlePin(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in struct {
		Product *platform.Product `json:"product"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	p := in.Product
	switch {
	case p == nil:
		return fail(ErrBadRequest, "a pin needs {\"product\": {…}}")
	case strings.TrimSpace(p.ID) == "":
		return fail(ErrBadRequest, "the pinned product needs an id")
	case p.PriceCents < 0:
		return fail(ErrBadRequest, "the price of %s cannot be negative", p.ID)
	case p.PriceCents > MaxPriceCents || p.OriginalPriceCents > MaxPriceCents:
		return fail(ErrOverflow, "the price of %s is over the platform's limit of %d cents", p.ID, int64(MaxPriceCents))
	}
	if p.Currency == "" {
		p.Currency = "CNY"
	}
	body, _ := json.Marshal(p)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := openForStudio(sh.row, "pin products"); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO products (show_id, id, body) VALUES (?, ?, ?)
		ON CONFLICT (show_id, id) DO UPDATE SET body = excluded.body`, sh.row.ID, p.ID, string(body)); err != nil {
		return fmt.Errorf("%w: store product: %v", ErrStorage, err)
	}
	prev := sh.row.Pinned
	sh.row.Pinned = p.ID
	if err := s.saveShow(r.Context(), sh.row); err != nil {
		sh.row.Pinned = prev
		return err
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventProductPinned, Product: p}, scopePublic, "", sh.inTrialLocked()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) handleUnpin(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := openForStudio(sh.row, "unpin products"); err != nil {
		return err
	}
	prev := sh.row.Pinned
	sh.row.Pinned = ""
	if err := s.saveShow(r.Context(), sh.row); err != nil {
		sh.row.Pinned = prev
		return err
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventProductUnpin}, scopePublic, "", sh.inTrialLocked()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleBulletin(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	in.Text = CleanText(in.Text)
	if n := utf8.RuneCountInString(in.Text); n > maxBulletinRunes {
		return fail(ErrBadRequest, "a bulletin may hold at most %d characters; this one has %d", maxBulletinRunes, n)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := openForStudio(sh.row, "post bulletins"); err != nil {
		return err
	}
	prev := sh.row.Bulletin
	sh.row.Bulletin = in.Text
	if err := s.saveShow(r.Context(), sh.row); err != nil {
		sh.row.Bulletin = prev
		return err
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventBulletin, Text: in.Text}, scopePublic, "", sh.inTrialLocked()); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, in)
	return nil
}

func (s *Server) handleModeration(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in struct {
		ViewerID string `json:"viewer_id"`
		Action   string `json:"action"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	muted, blocked, ok := platform.ModerationOutcome(in.Action)
	if !ok {
		return fail(ErrBadRequest, "action must be mute, block, unmute or unblock, not %q", in.Action)
	}
	var exists int
	if err := s.db.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM viewers WHERE id = ?`, in.ViewerID).Scan(&exists); err != nil {
		return fmt.Errorf("%w: read viewer: %v", ErrStorage, err)
	}
	if exists == 0 {
		return fail(ErrNotFound, "there is no viewer %q on this platform", in.ViewerID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO moderation (show_id, viewer_id, muted, blocked) VALUES (?, ?, ?, ?)
		ON CONFLICT (show_id, viewer_id) DO UPDATE SET muted = excluded.muted, blocked = excluded.blocked`,
		sh.row.ID, in.ViewerID, boolInt(muted), boolInt(blocked)); err != nil {
		return fmt.Errorf("%w: store moderation: %v", ErrStorage, err)
	}
	if err := sh.emitLocked(platform.Event{Type: platform.EventModeration, ViewerID: in.ViewerID, Action: in.Action}, scopeStudio, "", sh.inTrialLocked()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, platform.Moderated{ViewerID: in.ViewerID, Action: in.Action, Muted: muted, Blocked: blocked})
	return nil
}

func (s *Server) handleGetBanned(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	words := append([]string{}, s.banned...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, words)
	return nil
}

func (s *Server) handlePutBanned(w http.ResponseWriter, r *http.Request) error {
	var in []string
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if len(in) > 10000 {
		return fail(ErrBadRequest, "at most 10000 banned words, not %d", len(in))
	}
	if err := s.storeBannedWords(r.Context(), in); err != nil {
		return err
	}
	words, err := s.readBannedWords(r.Context())
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.banned = words
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, words)
	return nil
}

// storeBannedWords replaces the list: trimmed, de-duplicated, empties dropped.
func (s *Server) storeBannedWords(ctx context.Context, words []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: store banned words: %v", ErrStorage, err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM banned_words`); err != nil {
		return fmt.Errorf("%w: store banned words: %v", ErrStorage, err)
	}
	for _, w := range words {
		w = CleanText(w)
		if matchKey(w) == "" {
			continue
		}
		if utf8.RuneCountInString(w) > 50 {
			return fail(ErrBadRequest, "a banned word may hold at most 50 characters: %q", w)
		}
		if _, err := tx.Exec(`INSERT OR IGNORE INTO banned_words (word) VALUES (?)`, w); err != nil {
			return fmt.Errorf("%w: store banned words: %v", ErrStorage, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: store banned words: %v", ErrStorage, err)
	}
	return nil
}

func (s *Server) readBannedWords(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT word FROM banned_words`)
	if err != nil {
		return nil, fmt.Errorf("%w: read banned words: %v", ErrStorage, err)
	}
	defer rows.Close()
	words := []string{}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("%w: read banned words: %v", ErrStorage, err)
		}
		words = append(words, w)
	}
	sort.Strings(words)
	return words, rows.Err()
}

// bannedIn returns the first banned word text holds (case-insensitively), or "".
func (s *Server) bannedIn(text string) string {
	s.mu.Lock()
	words := s.banned
	s.mu.Unlock()
	key := matchKey(text)
	for _, w := range words {
		if k := matchKey(w); k != "" && strings.Contains(key, k) {
			return w
		}
	}
	return ""
}

func sortShows(v []platform.Show) {
	sort.Slice(v, func(i, j int) bool {
		if !v[i].CreatedAt.Equal(v[j].CreatedAt) {
			return v[i].CreatedAt.After(v[j].CreatedAt)
		}
		a, _ := ParseID("s", v[i].ID)
		b, _ := ParseID("s", v[j].ID)
		return a > b
	})
}
