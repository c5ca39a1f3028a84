package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"time"
	"unicode/utf8"

	"showcaster/platform"
)

const viewerCookie = "viewer_id"

// viewerRec is a viewer with the secret their cookie holds.
type viewerRec struct {
	platform.Viewer
	secret string
	seen   time.Time // last request, for evicting idle viewers from memory
}

// viewerFromCookie finds the viewer whose secret the request's cookie carries.
func (s *Server) viewerFromCookie(r *http.Request) (viewerRec, bool) {
	c, err := r.Cookie(viewerCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return viewerRec{}, false
	}
	now := s.clk.Now()
	s.mu.Lock()
	v, ok := s.viewers[c.Value]
	if ok {
		v.seen = now
		s.viewers[c.Value] = v
	}
	s.mu.Unlock()
	if ok {
		return v, true
	}
	v.secret = c.Value
	err = s.db.QueryRow(`SELECT id, name FROM viewers WHERE secret = ?`, c.Value).Scan(&v.ID, &v.Name)
	if err != nil {
		return viewerRec{}, false
	}
	v.seen = now
	s.mu.Lock()
	s.viewers[v.secret] = v
	s.mu.Unlock()
	return v, true
}

// ensureViewer returns the request's viewer, creating one and setting the cookie when there is none.
func (s *Server) ensureViewer(w http.ResponseWriter, r *http.Request) (viewerRec, error) {
	if v, ok := s.viewerFromCookie(r); ok {
		return v, nil
	}
	// Cookies cost nothing to mint, and every viewer is a row and a cache
	// entry: one client address gets a budget of them.
	if err := s.mints.Take(clientAddr(r), s.lim.NewViewers); err != nil {
		return viewerRec{}, err
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(9000))
	// 128 random bits: a public id never collides with another's.
	v := viewerRec{Viewer: platform.Viewer{ID: "v" + randomToken(16), Name: fmt.Sprintf("观众%d", 1000+n.Int64())},
		secret: randomToken(16), seen: s.clk.Now()}
	if _, err := s.db.Exec(`INSERT INTO viewers (id, secret, name, created_at) VALUES (?, ?, ?, ?)`,
		v.ID, v.secret, v.Name, s.clk.Now().UnixNano()); err != nil {
		return viewerRec{}, fmt.Errorf("%w: store a new viewer: %v", ErrStorage, err)
	}
	s.mu.Lock()
	s.viewers[v.secret] = v
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: viewerCookie, Value: v.secret, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return v, nil
}

// clientAddr is the address a request came from, without its port. Behind a
// reverse proxy every request comes from the proxy: see docs/security.md.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// noteViewerLocked records that a viewer took part in the formal broadcast (for the report).
func (s *Server) noteViewerLocked(sh *show, viewerID string) {
	if sh.row.State != platform.StateLive {
		return
	}
	if _, err := s.db.Exec(`INSERT OR IGNORE INTO show_viewers (show_id, viewer_id, first_at) VALUES (?, ?, ?)`,
		sh.row.ID, viewerID, s.clk.Now().UnixNano()); err != nil {
		s.logf("platform: note viewer %s of %s: %v", viewerID, sh.row.ID, err)
	}
}

// publicStateLocked is the show's state as this caller may see it.
func (sh *show) publicStateLocked(key string) string {
	switch sh.row.State {
	case platform.StateLive:
		return platform.PublicLive
	case platform.StateEnded:
		return platform.PublicEnded
	case platform.StateTrial:
		if key == sh.row.TrialKey {
			return platform.PublicTrial
		}
	}
	return platform.PublicNotStarted
}

func (s *Server) handleWatch(w http.ResponseWriter, r *http.Request) {
	if _, err := s.lookup(r.PathValue("show")); err != nil {
		writeError(w, fail(ErrNotFound, "找不到这场直播:请核对您收到的链接。This show does not exist on this platform: check the link you were given."))
		return
	}
	if _, err := s.ensureViewer(w, r); err != nil {
		writeError(w, err)
		return
	}
	page, err := fs.ReadFile(s.viewer, "index.html")
	if err != nil {
		writeError(w, fmt.Errorf("%w: the viewer page is missing from this build: %v", ErrStorage, err))
		return
	}
	pageHeaders(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page)
}

func (s *Server) handlePublic(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.ensureViewer(w, r)
	if err != nil {
		return err
	}
	sh.mu.Lock()
	p := platform.Public{ID: sh.row.ID, Title: sh.row.Title, CoverURL: sh.row.CoverURL, StartsAt: sh.row.StartsAt,
		State: sh.publicStateLocked(r.URL.Query().Get("key")), Likes: sh.row.Likes, Online: int64(len(sh.online)),
		Viewer: v.Viewer, Bookings: sh.bookings, Booked: sh.bookedLocked(v.ID), ReplayURL: sh.replayURLLocked(s.baseURL(r))}
	if st := sh.row.State; st == platform.StatePendingAudit || st == platform.StateRejected {
		p.Title, p.CoverURL = "", "" // not shown to anyone before the audit approves them
	}
	pinned := sh.row.Pinned
	if p.State != platform.PublicNotStarted {
		p.Bulletin = sh.row.Bulletin
	} else {
		pinned = "" // a trial's pins stay with the trial's audience
	}
	sh.mu.Unlock()
	if pinned != "" {
		prod, sold, err := s.product(r.Context(), sh.row.ID, pinned)
		if err == nil {
			withStock(&prod, sold)
			p.Pinned = &prod
		}
	}
	if err := s.toolkitPublic(r.Context(), sh, &p); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) handleViewerName(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	name := CleanText(in.Name)
	if n := utf8.RuneCountInString(name); n == 0 || n > maxNameRunes {
		return fail(ErrBadRequest, "a display name needs 1 to %d visible characters", maxNameRunes)
	}
	v, err := s.ensureViewer(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Exec(`UPDATE viewers SET name = ? WHERE id = ?`, name, v.ID); err != nil {
		return fmt.Errorf("%w: rename viewer: %v", ErrStorage, err)
	}
	v.Name = name
	s.mu.Lock()
	s.viewers[v.secret] = v
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, v.Viewer)
	return nil
}

// participant is a viewer allowed to act on a show right now.
type participant struct {
	sh     *show
	viewer viewerRec
}

// participate checks the viewer's cookie, the show's state, the trial key and moderation.
func (s *Server) participate(r *http.Request, action string) (participant, error) {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return participant{}, err
	}
	v, ok := s.viewerFromCookie(r)
	if !ok {
		return participant{}, fail(ErrUnauthorized, "no viewer cookie: open the viewer page /watch/%s first", sh.row.ID)
	}
	sh.mu.Lock()
	state, key := sh.row.State, sh.row.TrialKey
	sh.mu.Unlock()
	switch state {
	case platform.StateLive:
	case platform.StateTrial:
		if r.URL.Query().Get("key") != key {
			return participant{}, fail(ErrForbidden, "this show has not started for the public: only the trial link may %s", action)
		}
	case platform.StateEnded:
		return participant{}, fail(ErrWrongState, "the show has ended: you can no longer %s", action)
	default:
		return participant{}, fail(ErrWrongState, "the show has not started yet: you can %s once it is live", action)
	}
	_, blocked, err := s.moderationOf(r.Context(), sh.row.ID, v.ID)
	if err != nil {
		return participant{}, err
	}
	if blocked {
		return participant{}, fail(ErrForbidden, "the host has blocked you from taking part in this show")
	}
	return participant{sh: sh, viewer: v}, nil
}

func (s *Server) moderationOf(ctx context.Context, showID, viewerID string) (muted, blocked bool, err error) {
	var m, b int
	err = s.db.QueryRowContext(ctx, `SELECT muted, blocked FROM moderation WHERE show_id = ? AND viewer_id = ?`, showID, viewerID).Scan(&m, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("%w: read moderation: %v", ErrStorage, err)
	}
	return m != 0, b != 0, nil
}

func (s *Server) handleComment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.participate(r, "comment")
	if err != nil {
		return err
	}
	text := CleanText(in.Text)
	n := utf8.RuneCountInString(text)
	if n == 0 {
		return fail(ErrBadRequest, "a comment cannot be empty (invisible and control characters do not count)")
	}
	if n > maxCommentRunes {
		return fail(ErrBadRequest, "a comment may hold at most %d characters; this one has %d", maxCommentRunes, n)
	}
	if err := s.limits.Take(p.viewer.ID, budgetComment); err != nil {
		return err
	}
	muted, _, err := s.moderationOf(r.Context(), p.sh.row.ID, p.viewer.ID)
	if err != nil {
		return err
	}
	c := platform.Comment{Viewer: p.viewer.Viewer, Text: text, At: s.clk.Now()}
	if word := s.bannedIn(text); word != "" {
		c.Flagged, c.FlagReason = true, fmt.Sprintf("banned word %q", word)
	} else if muted {
		c.Flagged, c.FlagReason = true, "muted"
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	trial := sh.inTrialLocked()
	res, err := s.db.Exec(`INSERT INTO comments (show_id, viewer_id, viewer_name, text, at, flagged, flag_reason, trial)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sh.row.ID, c.Viewer.ID, c.Viewer.Name, c.Text, c.At.UnixNano(),
		boolInt(c.Flagged), c.FlagReason, boolInt(trial))
	if err != nil {
		return fmt.Errorf("%w: store a comment: %v", ErrStorage, err)
	}
	id, _ := res.LastInsertId()
	c.ID = fmt.Sprintf("c%d", id)
	sc := scopePublic
	if c.Flagged {
		sc = scopeStudio
	}
	s.noteViewerLocked(sh, c.Viewer.ID)
	if err := sh.emitLocked(platform.Event{Type: platform.EventComment, At: c.At, Comment: &c}, sc, "", trial); err != nil {
		return err
	}
	if !c.Flagged {
		s.enterByCommentLocked(sh, c.Viewer.ID, c.Text)
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleLike(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "like")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetLike); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := s.clk.Now()
	if _, err := s.db.Exec(`INSERT INTO likes (show_id, minute, trial, count) VALUES (?, ?, ?, 1)
		ON CONFLICT (show_id, minute, trial) DO UPDATE SET count = count + 1`,
		sh.row.ID, now.Unix()/60*60, boolInt(sh.inTrialLocked())); err != nil {
		return fmt.Errorf("%w: store a like: %v", ErrStorage, err)
	}
	if _, err := s.db.Exec(`UPDATE shows SET likes = likes + 1 WHERE id = ?`, sh.row.ID); err != nil {
		return fmt.Errorf("%w: store a like: %v", ErrStorage, err)
	}
	sh.row.Likes++
	s.noteViewerLocked(sh, p.viewer.ID)
	writeJSON(w, http.StatusOK, map[string]int64{"count": sh.row.Likes})
	return nil
}

func (s *Server) handleOrder(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProductID string `json:"product_id"`
		Qty       int    `json:"qty"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.ProductID == "" {
		return fail(ErrBadRequest, "an order needs product_id")
	}
	if in.Qty < 1 || in.Qty > 99 {
		return fail(ErrBadRequest, "qty must be 1…99, not %d", in.Qty)
	}
	p, err := s.participate(r, "order")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetOrder); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	prod, sold, err := s.product(r.Context(), sh.row.ID, in.ProductID)
	if errors.Is(err, ErrNotFound) {
		return fail(ErrNotOnSale, "product %q is not on sale in this show: buy the pinned product", in.ProductID)
	}
	if err != nil {
		return err
	}
	if ok, err := s.orderableLocked(r.Context(), sh, prod.ID); err != nil {
		return err
	} else if !ok {
		return fail(ErrNotOnSale, "product %q is not in this show's cart any more: buy one of the cart's links", in.ProductID)
	}
	if prod.SoldOut {
		return fail(ErrSoldOut, "%s is sold out", prod.Title)
	}
	if prod.Stock > 0 && sold+in.Qty > prod.Stock {
		if left := prod.Stock - sold; left > 0 {
			return fail(ErrSoldOut, "only %d of %s are left: order at most %d", left, prod.Title, left)
		}
		return fail(ErrSoldOut, "%s is sold out", prod.Title)
	}
	now := s.clk.Now()
	trial := sh.inTrialLocked()
	o, err := s.placeOrderLocked(r.Context(), sh, p.viewer.ID, prod, in.Qty)
	if err != nil {
		return err
	}
	s.noteViewerLocked(sh, p.viewer.ID)
	if err := sh.emitLocked(platform.Event{Type: platform.EventOrder, At: now, Order: &o}, scopePrivate, o.ViewerID, trial); err != nil {
		return err
	}
	if prod.Stock > 0 {
		// What is left changed: every page's buy card and cart, and the
		// studio, count down together (and show sold out at zero).
		if cart, err := s.cart(r.Context(), s.db, sh.row.ID); err == nil {
			sh.emitQuietLocked(platform.Event{Type: platform.EventProducts, Products: cart}, scopePublic, "", trial)
		}
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

// product reads a product the studio pinned in this show, with the quantity sold.
func (s *Server) product(ctx context.Context, showID, id string) (platform.Product, int, error) {
	var body string
	var sold int
	err := s.db.QueryRowContext(ctx, `SELECT body, sold FROM products WHERE show_id = ? AND id = ?`, showID, id).Scan(&body, &sold)
	if errors.Is(err, sql.ErrNoRows) {
		return platform.Product{}, 0, fail(ErrNotFound, "product %q was never pinned in show %s", id, showID)
	}
	if err != nil {
		return platform.Product{}, 0, fmt.Errorf("%w: read product: %v", ErrStorage, err)
	}
	var p platform.Product
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return platform.Product{}, 0, fmt.Errorf("%w: decode product %s: %v", ErrStorage, id, err)
	}
	return p, sold, nil
}
