package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"showcaster/platform"
)

const (
	maxEnvelopeCents = 20000000 // ¥200,000
	maxEnvelopeCount = 1000
	maxOpensInS      = 600
)

// splitPot divides total cents among count grabbers, each at least 1 cent,
// adding up exactly to total: the "double mean" split (二倍均值) — while k
// shares remain of r cents, the next is uniform in [1, 2·⌊r/k⌋ − 1] (the
// last takes what is left) — followed by a uniform shuffle of the shares.
//
// Why: double mean keeps every share below twice the mean of what is left,
// so nobody empties the pot and nobody is left with a cent by design, and
// each share's expected value is the pot's mean; the shuffle then removes
// its one unfairness, that late grabbers' shares vary more than early ones',
// so every grabbing position has the same distribution. The shares are drawn
// when the envelope is sent and stored, so a restart can neither change nor
// re-issue them. Randomness comes from crypto/rand.
func splitPot(total int64, count int) []int64 {
	out := make([]int64, count)
	left := total
	for i := 0; i < count-1; i++ {
		k := int64(count - i)
		hi := 2*(left/k) - 1
		amt := int64(1)
		if hi > 1 {
			amt = 1 + randN(hi) // 1…hi
		}
		out[i] = amt
		left -= amt
	}
	out[count-1] = left
	for i := count - 1; i > 0; i-- {
		j := randN(int64(i + 1))
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// randN is uniform in [0, n) from crypto/rand.
func randN(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS's entropy source is gone; nothing sensible remains
	}
	return v.Int64()
}

const envelopeCols = `n, total_cents, count, grabbed, opens_at, trial`

func scanEnvelope(sc interface{ Scan(...any) error }) (platform.RedEnvelope, int64, bool, error) {
	var e platform.RedEnvelope
	var n, opens int64
	var trial int
	if err := sc.Scan(&n, &e.TotalCents, &e.Count, &e.Grabbed, &opens, &trial); err != nil {
		return e, 0, false, err
	}
	e.ID = "r" + strconv.FormatInt(n, 10)
	e.OpensAt = fromNanos(opens)
	return e, n, trial != 0, nil
}

func (s *Server) envelopeByN(ctx context.Context, q queryer, showID string, n int64) (platform.RedEnvelope, bool, error) {
	e, _, trial, err := scanEnvelope(q.QueryRowContext(ctx, `SELECT `+envelopeCols+` FROM red_envelopes WHERE n = ? AND show_id = ?`, n, showID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, fail(ErrNotFound, "there is no red envelope r%d in show %s", n, showID)
	}
	if err != nil {
		return e, false, storageErr("read a red envelope", err)
	}
	return e, trial, nil
}

func (s *Server) handleSendRedEnvelope(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in platform.NewRedEnvelope
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Count < 1 || in.Count > maxEnvelopeCount:
		return fail(ErrBadRequest, "count must be 1…%d grabbers, not %d", maxEnvelopeCount, in.Count)
	case in.TotalCents < int64(in.Count) || in.TotalCents > maxEnvelopeCents:
		return fail(ErrBadRequest, "total_cents must be at least one cent per grabber (%d) and at most %d, not %d", in.Count, maxEnvelopeCents, in.TotalCents)
	case in.OpensInS < 0 || in.OpensInS > maxOpensInS:
		return fail(ErrBadRequest, "opens_in_s must be 0…%d seconds, not %d", maxOpensInS, in.OpensInS)
	}
	amounts, _ := json.Marshal(splitPot(in.TotalCents, in.Count))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := broadcastingLocked(sh.row, "send a red envelope"); err != nil {
		return err
	}
	ctx := r.Context()
	now := s.clk.Now()
	trial := sh.inTrialLocked()
	res, err := s.db.ExecContext(ctx, `INSERT INTO red_envelopes (show_id, total_cents, count, amounts, created_at, opens_at, trial)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sh.row.ID, in.TotalCents, in.Count, string(amounts), now.UnixNano(),
		now.Add(time.Duration(in.OpensInS)*time.Second).UnixNano(), boolInt(trial))
	if err != nil {
		return storageErr("store a red envelope", err)
	}
	n, _ := res.LastInsertId()
	e, _, err := s.envelopeByN(ctx, s.db, sh.row.ID, n)
	if err != nil {
		return err
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventRedEnvelope, RedEnvelope: &e}, scopePublic, "", trial)
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) handleGrab(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "grab red envelopes")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	sh := p.sh
	n, ok := idOf("r", r.PathValue("rid"))
	if !ok {
		return fail(ErrNotFound, "there is no red envelope %q in show %s", r.PathValue("rid"), sh.row.ID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := r.Context()
	var amount int64
	err = s.inTx(ctx, "grab a red envelope", func(tx *sql.Tx) error {
		e, _, err := s.envelopeByN(ctx, tx, sh.row.ID, n)
		if err != nil {
			return err
		}
		now := s.clk.Now()
		if now.Before(e.OpensAt) {
			return fail(ErrNotOpen, "red envelope %s opens in %d s: grab it then", e.ID, int(e.OpensAt.Sub(now).Seconds()+0.999))
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM red_envelope_grabs WHERE envelope_n = ? AND viewer_id = ?`, n, p.viewer.ID).Scan(&held); err != nil {
			return storageErr("read a grab", err)
		}
		if held > 0 {
			return fail(ErrAlreadyGrabbed, "you have grabbed red envelope %s already: one share per viewer", e.ID)
		}
		if e.Grabbed >= e.Count {
			return fail(ErrEmpty, "red envelope %s is empty: all %d shares were grabbed", e.ID, e.Count)
		}
		var raw string
		if err := tx.QueryRowContext(ctx, `SELECT amounts FROM red_envelopes WHERE n = ?`, n).Scan(&raw); err != nil {
			return storageErr("read a red envelope", err)
		}
		var amounts []int64
		if err := json.Unmarshal([]byte(raw), &amounts); err != nil || len(amounts) != e.Count {
			return storageErr("decode a red envelope", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE red_envelopes SET grabbed = grabbed + 1 WHERE n = ? AND grabbed = ?`, n, e.Grabbed)
		if err != nil {
			return storageErr("grab a red envelope", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fail(ErrEmpty, "red envelope %s is empty", e.ID)
		}
		amount = amounts[e.Grabbed]
		if _, err := tx.ExecContext(ctx, `INSERT INTO red_envelope_grabs (envelope_n, viewer_id, viewer_name, idx, amount_cents, at, trial)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, n, p.viewer.ID, p.viewer.Name, e.Grabbed, amount, now.UnixNano(), boolInt(sh.inTrialLocked())); err != nil {
			return storageErr("grab a red envelope", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sh.tk.mark(&sh.tk.dirtyRed, n)
	s.noteViewerLocked(sh, p.viewer.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"id": "r" + strconv.FormatInt(n, 10), "amount_cents": amount})
	return nil
}

func (s *Server) handleListRedEnvelopes(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := s.envelopes(r.Context(), sh.row.ID, "", true, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// envelopes lists a show's red envelopes, newest first: for the studio with
// the grabs, for a viewer only those not empty or grabbed by them, with Mine.
func (s *Server) envelopes(ctx context.Context, showID, viewerID string, trialView, studio bool) ([]platform.RedEnvelope, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+envelopeCols+` FROM red_envelopes WHERE show_id = ? ORDER BY n DESC LIMIT 50`, showID)
	if err != nil {
		return nil, storageErr("read red envelopes", err)
	}
	type item struct {
		e platform.RedEnvelope
		n int64
	}
	var items []item
	for rows.Next() {
		e, n, trial, err := scanEnvelope(rows)
		if err != nil {
			rows.Close()
			return nil, storageErr("read red envelopes", err)
		}
		if visibleTrial(trial, trialView) {
			items = append(items, item{e, n})
		}
	}
	rows.Close()
	out := []platform.RedEnvelope{}
	for _, it := range items {
		e := it.e
		if studio {
			grabs, err := s.db.QueryContext(ctx, `SELECT viewer_id, viewer_name, amount_cents FROM red_envelope_grabs WHERE envelope_n = ? ORDER BY idx`, it.n)
			if err != nil {
				return nil, storageErr("read grabs", err)
			}
			for grabs.Next() {
				var g platform.Grab
				if err := grabs.Scan(&g.Viewer.ID, &g.Viewer.Name, &g.AmountCents); err != nil {
					grabs.Close()
					return nil, storageErr("read grabs", err)
				}
				e.Grabs = append(e.Grabs, g)
			}
			grabs.Close()
			out = append(out, e)
			continue
		}
		err := s.db.QueryRowContext(ctx, `SELECT amount_cents FROM red_envelope_grabs WHERE envelope_n = ? AND viewer_id = ?`, it.n, viewerID).Scan(&e.Mine)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, storageErr("read a grab", err)
		}
		if e.Mine > 0 || e.Grabbed < e.Count {
			out = append(out, e)
		}
	}
	return out, nil
}
