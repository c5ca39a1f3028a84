package server

import (
	"net/http"

	"showcaster/platform"
)

// giftKinds are the free gifts a viewer can send; their pictures are SVGs of
// the viewer page (assets/viewer/gifts).
var giftKinds = []platform.GiftKind{
	{Kind: "heart", Name: "小心心", NameEN: "Little heart", ImageURL: "/static/gifts/heart.svg"},
	{Kind: "rose", Name: "玫瑰", NameEN: "Rose", ImageURL: "/static/gifts/rose.svg"},
	{Kind: "cheer", Name: "加油", NameEN: "Cheer", ImageURL: "/static/gifts/cheer.svg"},
	{Kind: "lightstick", Name: "荧光棒", NameEN: "Light stick", ImageURL: "/static/gifts/lightstick.svg"},
}

const maxGiftCount = 99

func giftKind(kind string) (platform.GiftKind, bool) {
	for _, g := range giftKinds {
		if g.Kind == kind {
			return g, true
		}
	}
	return platform.GiftKind{}, false
}

func (s *Server) handleGiftKinds(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "max-age=300")
	writeJSON(w, http.StatusOK, giftKinds)
	return nil
}

func (s *Server) handleGift(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	g, ok := giftKind(in.Kind)
	if !ok {
		return fail(ErrBadRequest, "there is no gift %q: pick one of GET /api/gifts (heart, rose, cheer, lightstick)", in.Kind)
	}
	if in.Count == 0 {
		in.Count = 1
	}
	if in.Count < 1 || in.Count > maxGiftCount {
		return fail(ErrBadRequest, "count must be 1…%d, not %d", maxGiftCount, in.Count)
	}
	p, err := s.participate(r, "send gifts")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetGift); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	trial := sh.inTrialLocked()
	now := s.clk.Now()
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO gifts (show_id, viewer_id, kind, count, at, trial) VALUES (?, ?, ?, ?, ?, ?)`,
		sh.row.ID, p.viewer.ID, g.Kind, in.Count, now.UnixNano(), boolInt(trial)); err != nil {
		return storageErr("store a gift", err)
	}
	gift := platform.Gift{Viewer: p.viewer.Viewer, Kind: g.Kind, Name: g.Name, Count: in.Count}
	v := p.viewer.Viewer
	s.noteViewerLocked(sh, p.viewer.ID)
	if err := sh.emitLocked(platform.Event{Type: platform.EventGift, At: now, Gift: &gift, Viewer: &v, Kind: g.Kind,
		Name: g.Name, Count: int64(in.Count)}, scopePublic, "", trial); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, gift)
	return nil
}
