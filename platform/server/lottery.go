package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"showcaster/platform"
)

// claimWindow is how long winners have to send their delivery details.
const claimWindow = 72 * time.Hour

const (
	maxPrizeRunes    = 40
	maxPasswordRunes = 20
)

// lotteryCols are read by scanLottery.
const lotteryCols = `n, prize, winners, condition, password, state, created_at, draws_at, drawn_at, seed, seed_hash, trial`

func scanLottery(sc interface{ Scan(...any) error }) (platform.Lottery, int64, bool, error) {
	var l platform.Lottery
	var n, created, draws, drawn int64
	var trial int
	err := sc.Scan(&n, &l.Prize, &l.Winners, &l.Condition, &l.Password, &l.State, &created, &draws, &drawn, &l.Seed, &l.SeedHash, &trial)
	if err != nil {
		return l, 0, false, err
	}
	l.ID = "l" + strconv.FormatInt(n, 10)
	l.CreatedAt, l.DrawsAt, l.DrawnAt = fromNanos(created), fromNanos(draws), fromNanos(drawn)
	if l.State != platform.LotteryDrawn {
		l.Seed = "" // revealed only after the draw
	} else {
		l.ClaimBy = l.DrawnAt.Add(claimWindow)
	}
	return l, n, trial != 0, nil
}

// lotteryByN reads a lottery as everyone may see it: the entrants count and,
// once drawn, the seed and the winners' names (no delivery details).
func (s *Server) lotteryByN(ctx context.Context, showID string, n int64) (platform.Lottery, bool, error) {
	l, _, trial, err := scanLottery(s.db.QueryRowContext(ctx, `SELECT `+lotteryCols+` FROM lotteries WHERE n = ? AND show_id = ?`, n, showID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, fail(ErrNotFound, "there is no lottery l%d in show %s", n, showID)
	}
	if err != nil {
		return l, false, storageErr("read a lottery", err)
	}
	if err := s.fillLottery(ctx, &l, n, false); err != nil {
		return l, false, err
	}
	return l, trial, nil
}

// fillLottery adds the entrants count and the winners (with delivery details for the studio).
func (s *Server) fillLottery(ctx context.Context, l *platform.Lottery, n int64, studio bool) error {
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM lottery_entries WHERE lottery_n = ?`, n).Scan(&l.Entrants); err != nil {
		return storageErr("count lottery entrants", err)
	}
	if l.State != platform.LotteryDrawn {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT viewer_id, name, claimed_at, d_name, d_phone, d_address FROM lottery_winners
		WHERE lottery_n = ? ORDER BY rank`, n)
	if err != nil {
		return storageErr("read lottery winners", err)
	}
	defer rows.Close()
	l.WinnerList = []platform.LotteryWinner{}
	for rows.Next() {
		var w platform.LotteryWinner
		var claimed int64
		var d platform.Delivery
		if err := rows.Scan(&w.ViewerID, &w.Name, &claimed, &d.Name, &d.Phone, &d.Address); err != nil {
			return storageErr("read lottery winners", err)
		}
		w.Claimed = claimed != 0
		if studio && w.Claimed {
			w.Delivery = &d
		}
		l.WinnerList = append(l.WinnerList, w)
	}
	return rows.Err()
}

func (s *Server) handleCreateLottery(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in platform.NewLottery
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	in.Prize = CleanText(in.Prize)
	in.Password = strings.TrimSpace(in.Password)
	if in.CountdownS == 0 {
		in.CountdownS = platform.DefaultCountdownS
	}
	if in.Condition == "" {
		in.Condition = platform.ConditionNone
	}
	switch {
	case in.Prize == "" || utf8.RuneCountInString(in.Prize) > maxPrizeRunes:
		return fail(ErrBadRequest, "a lottery needs a prize of 1…%d characters", maxPrizeRunes)
	case in.Winners < 1 || in.Winners > platform.MaxWinners:
		return fail(ErrBadRequest, "winners must be 1…%d, not %d", platform.MaxWinners, in.Winners)
	case in.CountdownS < platform.MinCountdownS || in.CountdownS > platform.MaxCountdownS:
		return fail(ErrBadRequest, "countdown_s must be %d…%d seconds, not %d", platform.MinCountdownS, platform.MaxCountdownS, in.CountdownS)
	}
	switch in.Condition {
	case platform.ConditionNone, platform.ConditionFollow, platform.ConditionShare:
		in.Password = ""
	case platform.ConditionPassword:
		if in.Password == "" || utf8.RuneCountInString(in.Password) > maxPasswordRunes {
			return fail(ErrBadRequest, "a password lottery needs a password (口令) of 1…%d characters", maxPasswordRunes)
		}
		if word := s.bannedIn(in.Password); word != "" {
			return fail(ErrBadRequest, "the password holds the banned word %q, so viewers' comments of it would be held back: pick another", word)
		}
	default:
		return fail(ErrBadRequest, "condition must be none, follow, share or password, not %q", in.Condition)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := broadcastingLocked(sh.row, "start a lottery"); err != nil {
		return err
	}
	ctx := r.Context()
	var open string
	err = s.db.QueryRowContext(ctx, `SELECT 'l' || n FROM lotteries WHERE show_id = ? AND state = 'open'`, sh.row.ID).Scan(&open)
	if err == nil {
		return fail(ErrWrongState, "lottery %s is still open: wait for its draw (or cancel it) before starting another", open)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return storageErr("read lotteries", err)
	}
	now := s.clk.Now()
	seed := randomToken(32)
	sum := sha256.Sum256([]byte(seed))
	trial := sh.inTrialLocked()
	drawsAt := now.Add(time.Duration(in.CountdownS) * time.Second)
	res, err := s.db.ExecContext(ctx, `INSERT INTO lotteries (show_id, prize, winners, condition, password, state, created_at, draws_at, seed, seed_hash, trial)
		VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`, sh.row.ID, in.Prize, in.Winners, in.Condition, in.Password,
		now.UnixNano(), drawsAt.UnixNano(), seed, hex.EncodeToString(sum[:]), boolInt(trial))
	if err != nil {
		return storageErr("store a lottery", err)
	}
	n, _ := res.LastInsertId()
	l, _, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		return err
	}
	s.scheduleDraw(sh, n, drawsAt)
	sh.emitQuietLocked(platform.Event{Type: platform.EventLotteryStarted, Lottery: &l}, scopePublic, "", trial)
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) scheduleDraw(sh *show, n int64, at time.Time) {
	s.runAt(at, func() { s.draw(sh, n) })
}

// draw picks the winners of an open lottery once its time has come. It is
// safe to call more than once: only an open lottery is drawn.
func (s *Server) draw(sh *show, n int64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := s.ctx
	var state, seed, prize string
	var winners int
	var drawsAt int64
	var ltrial int
	err := s.db.QueryRowContext(ctx, `SELECT state, seed, prize, winners, draws_at, trial FROM lotteries WHERE n = ?`, n).
		Scan(&state, &seed, &prize, &winners, &drawsAt, &ltrial)
	if err != nil {
		s.logf("platform: draw lottery l%d: %v", n, err)
		return
	}
	now := s.clk.Now()
	if state != platform.LotteryOpen || now.Before(fromNanos(drawsAt)) {
		return
	}
	entrants, err := s.eligibleEntrants(ctx, sh.row.ID, n)
	if err != nil {
		s.logf("platform: draw lottery l%d: %v", n, err)
		return
	}
	picked := drawWinners(seed, entrants, winners)
	err = s.inTx(ctx, "draw a lottery", func(tx *sql.Tx) error {
		for i, vid := range picked {
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT name FROM viewers WHERE id = ?`, vid).Scan(&name); err != nil {
				return storageErr("name a winner", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO lottery_winners (lottery_n, viewer_id, name, rank) VALUES (?, ?, ?, ?)`, n, vid, name, i); err != nil {
				return storageErr("store a winner", err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE lotteries SET state = 'drawn', drawn_at = ? WHERE n = ? AND state = 'open'`, now.UnixNano(), n)
		if err != nil {
			return storageErr("store a draw", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fmt.Errorf("%w: lottery l%d was drawn already", ErrWrongState, n)
		}
		return nil
	})
	if err != nil {
		s.logf("platform: draw lottery l%d: %v", n, err)
		return
	}
	l, trial, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		s.logf("platform: draw lottery l%d: %v", n, err)
		return
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventLotteryDrawn, Lottery: &l}, scopePublic, "", trial)
	claimBy := l.ClaimBy
	for _, vid := range picked {
		won := platform.LotteryWon{LotteryID: l.ID, Prize: prize, ClaimBy: claimBy}
		sh.emitQuietLocked(platform.Event{Type: platform.EventLotteryWon, LotteryWon: &won, LotteryID: l.ID, Prize: prize,
			ClaimBy: &claimBy}, scopePrivate, vid, trial)
	}
	s.logf("platform: lottery %s of %s drawn: %d winners among %d eligible entrants", l.ID, sh.row.ID, len(picked), len(entrants))
}

// eligibleEntrants are the entrants the draw counts, sorted by viewer id:
// entries made during the formal broadcast by viewers not blocked in the show.
func (s *Server) eligibleEntrants(ctx context.Context, showID string, n int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.viewer_id FROM lottery_entries e
		WHERE e.lottery_n = ? AND e.trial = 0 AND NOT EXISTS
		(SELECT 1 FROM moderation m WHERE m.show_id = ? AND m.viewer_id = e.viewer_id AND m.blocked = 1)`, n, showID)
	if err != nil {
		return nil, storageErr("read lottery entrants", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, storageErr("read lottery entrants", err)
		}
		out = append(out, v)
	}
	slices.Sort(out) // byte order of the ids
	return out, rows.Err()
}

// drawWinners picks k distinct entrants uniformly from the seed, by a partial
// Fisher–Yates shuffle of the sorted list whose random numbers come from
// SHA-256: step i (0-based) swaps position i with i + x mod (n−i), where x is
// the first 8 bytes (big-endian) of SHA-256("<seed>:<i>:<c>") for the first
// counter c = 0, 1, … with x < 2^64 − (2^64 mod (n−i)) (rejection keeps it
// unbiased). The winners are positions 0…k−1 in order. docs/platform-api.md
// spells this out with a script to re-check a draw.
func drawWinners(seed string, entrants []string, k int) []string {
	l := slices.Clone(entrants)
	n := len(l)
	k = min(k, n)
	for i := 0; i < k; i++ {
		m := uint64(n - i)
		rem := (math.MaxUint64%m + 1) % m // 2^64 mod m
		for c := 0; ; c++ {
			h := sha256.Sum256([]byte(seed + ":" + strconv.Itoa(i) + ":" + strconv.Itoa(c)))
			x := binary.BigEndian.Uint64(h[:8])
			if rem != 0 && x >= -rem { // -rem is 2^64 − rem
				continue
			}
			j := i + int(x%m)
			l[i], l[j] = l[j], l[i]
			break
		}
	}
	return l[:k]
}

func (s *Server) handleListLotteries(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	rows, err := s.db.QueryContext(ctx, `SELECT `+lotteryCols+` FROM lotteries WHERE show_id = ? ORDER BY n DESC`, sh.row.ID)
	if err != nil {
		return storageErr("read lotteries", err)
	}
	type item struct {
		l platform.Lottery
		n int64
	}
	var items []item
	for rows.Next() {
		l, n, _, err := scanLottery(rows)
		if err != nil {
			rows.Close()
			return storageErr("read lotteries", err)
		}
		items = append(items, item{l, n})
	}
	rows.Close()
	out := []platform.Lottery{}
	for _, it := range items {
		if err := s.fillLottery(ctx, &it.l, it.n, true); err != nil {
			return err
		}
		out = append(out, it.l)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleCancelLottery(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	n, ok := idOf("l", r.PathValue("lid"))
	if !ok {
		return fail(ErrNotFound, "there is no lottery %q in show %s", r.PathValue("lid"), sh.row.ID)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := r.Context()
	res, err := s.db.ExecContext(ctx, `UPDATE lotteries SET state = 'cancelled' WHERE n = ? AND show_id = ? AND state = 'open'`, n, sh.row.ID)
	if err != nil {
		return storageErr("cancel a lottery", err)
	}
	l, trial, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fail(ErrWrongState, "lottery %s is %s: only an open lottery can be cancelled", l.ID, l.State)
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventLotteryCancelled, Lottery: &l}, scopePublic, "", trial)
	writeJSON(w, http.StatusOK, l)
	return nil
}

// openLottery finds the show's open lottery by its id for a viewer call.
func (s *Server) openLotteryLocked(ctx context.Context, sh *show, lid string) (platform.Lottery, int64, error) {
	n, ok := idOf("l", lid)
	if !ok {
		return platform.Lottery{}, 0, fail(ErrNotFound, "there is no lottery %q in this show", lid)
	}
	l, _, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		return l, 0, err
	}
	if l.State != platform.LotteryOpen || !s.clk.Now().Before(l.DrawsAt) {
		return l, n, fail(ErrWrongState, "lottery %s is closed (%s): watch for the next lucky bag", l.ID, l.State)
	}
	return l, n, nil
}

func (s *Server) handleEnterLottery(w http.ResponseWriter, r *http.Request) error {
	p, err := s.participate(r, "enter the lottery")
	if err != nil {
		return err
	}
	if err := s.limits.Take(p.viewer.ID, budgetToolkit); err != nil {
		return err
	}
	sh := p.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := r.Context()
	l, n, err := s.openLotteryLocked(ctx, sh, r.PathValue("lid"))
	if err != nil {
		return err
	}
	switch l.Condition {
	case platform.ConditionFollow:
		ok, err := s.follows(ctx, p.viewer.ID)
		if err != nil {
			return err
		}
		if !ok {
			return fail(ErrNotEligible, "follow the host first (the Follow button), then tap to enter the lucky bag")
		}
	case platform.ConditionShare:
		ok, err := s.shared(ctx, sh.row.ID, p.viewer.ID)
		if err != nil {
			return err
		}
		if !ok {
			return fail(ErrNotEligible, "share the show first (the Share button), then tap to enter the lucky bag")
		}
	case platform.ConditionPassword:
		var in struct {
			Password string `json:"password"`
		}
		if r.ContentLength != 0 {
			_ = readJSON(w, r, &in) // the body is optional
		}
		if strings.TrimSpace(in.Password) != l.Password {
			if entered, err := s.entered(ctx, n, p.viewer.ID); err != nil || !entered {
				if err != nil {
					return err
				}
				return fail(ErrNotEligible, "comment the password 「%s」 to enter the lucky bag", l.Password)
			}
		}
	}
	added, err := s.enterLocked(ctx, sh, n, p.viewer.ID)
	if err != nil {
		return err
	}
	l.Entered = true
	if added {
		l.Entrants++
	}
	status := http.StatusCreated
	if !added {
		status = http.StatusOK
	}
	writeJSON(w, status, l)
	return nil
}

func (s *Server) entered(ctx context.Context, n int64, viewerID string) (bool, error) {
	var k int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM lottery_entries WHERE lottery_n = ? AND viewer_id = ?`, n, viewerID).Scan(&k); err != nil {
		return false, storageErr("read a lottery entry", err)
	}
	return k > 0, nil
}

// enterLocked records an entry once; added is false when the viewer was in already.
func (s *Server) enterLocked(ctx context.Context, sh *show, n int64, viewerID string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO lottery_entries (lottery_n, viewer_id, at, trial) VALUES (?, ?, ?, ?)`,
		n, viewerID, s.clk.Now().UnixNano(), boolInt(sh.inTrialLocked()))
	if err != nil {
		return false, storageErr("store a lottery entry", err)
	}
	k, _ := res.RowsAffected()
	if k > 0 {
		sh.tk.mark(&sh.tk.dirtyLottery, n)
		s.noteViewerLocked(sh, viewerID)
	}
	return k > 0, nil
}

// enterByCommentLocked enters the author of a comment that is the open
// password lottery's password.
func (s *Server) enterByCommentLocked(sh *show, viewerID, text string) {
	ctx := s.ctx
	var n, drawsAt int64
	var password string
	err := s.db.QueryRowContext(ctx, `SELECT n, password, draws_at FROM lotteries WHERE show_id = ? AND state = 'open' AND condition = 'password'`,
		sh.row.ID).Scan(&n, &password, &drawsAt)
	if err != nil || password == "" || strings.TrimSpace(text) != password || !s.clk.Now().Before(fromNanos(drawsAt)) {
		return
	}
	if _, err := s.enterLocked(ctx, sh, n, viewerID); err != nil {
		s.logf("platform: %v", err)
	}
}

func (s *Server) handleClaimLottery(w http.ResponseWriter, r *http.Request) error {
	var in platform.Delivery
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, ok := s.viewerFromCookie(r)
	if !ok {
		return fail(ErrUnauthorized, "no viewer cookie: open the viewer page /watch/%s first", sh.row.ID)
	}
	if err := s.limits.Take(v.ID, budgetToolkit); err != nil {
		return err
	}
	n, ok := idOf("l", r.PathValue("lid"))
	if !ok {
		return fail(ErrNotFound, "there is no lottery %q in show %s", r.PathValue("lid"), sh.row.ID)
	}
	in.Name, in.Phone, in.Address = CleanText(in.Name), CleanText(in.Phone), CleanText(in.Address)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ctx := r.Context()
	l, _, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		return err
	}
	won := false
	for _, w := range l.WinnerList {
		won = won || w.ViewerID == v.ID
	}
	if !won {
		return fail(ErrForbidden, "only the winners of lottery %s can send delivery details", l.ID)
	}
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 40:
		return fail(ErrBadRequest, "the recipient's name needs 1…40 characters")
	case !validPhone(in.Phone):
		return fail(ErrBadRequest, "the phone number needs 5…20 digits (spaces, + and - allowed)")
	case in.Address == "" || utf8.RuneCountInString(in.Address) > 200:
		return fail(ErrBadRequest, "the delivery address needs 1…200 characters")
	case !s.clk.Now().Before(l.ClaimBy):
		return fail(ErrOfferEnded, "the time to claim lottery %s ended at %s", l.ID, l.ClaimBy.Format(time.RFC3339))
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE lottery_winners SET claimed_at = ?, d_name = ?, d_phone = ?, d_address = ?
		WHERE lottery_n = ? AND viewer_id = ?`, s.clk.Now().UnixNano(), in.Name, in.Phone, in.Address, n, v.ID); err != nil {
		return storageErr("store delivery details", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"lottery_id": l.ID, "claimed": true, "delivery": in})
	return nil
}

func validPhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// handleLotteryDraw answers what anyone needs to re-check a draw: the seed,
// its hash, the sorted eligible entrants and the winners.
func (s *Server) handleLotteryDraw(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	n, ok := idOf("l", r.PathValue("lid"))
	if !ok {
		return fail(ErrNotFound, "there is no lottery %q in show %s", r.PathValue("lid"), sh.row.ID)
	}
	ctx := r.Context()
	l, _, err := s.lotteryByN(ctx, sh.row.ID, n)
	if err != nil {
		return err
	}
	if l.State != platform.LotteryDrawn {
		return fail(ErrWrongState, "lottery %s is %s: its draw can be checked once it is drawn (at %s)", l.ID, l.State, l.DrawsAt.Format(time.RFC3339))
	}
	entrants, err := s.eligibleEntrants(ctx, sh.row.ID, n)
	if err != nil {
		return err
	}
	winners := make([]string, 0, len(l.WinnerList))
	for _, w := range l.WinnerList {
		winners = append(winners, w.ViewerID)
	}
	if entrants == nil {
		entrants = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"lottery_id": l.ID, "seed": l.Seed, "seed_hash": l.SeedHash,
		"winners_wanted": l.Winners, "entrants": entrants, "winners": winners})
	return nil
}

// viewerLottery is the lottery a viewer's page shows: the open one, else the
// latest drawn one, with the viewer's own standing.
func (s *Server) viewerLottery(ctx context.Context, sh *show, viewerID string, trialView bool) (*platform.Lottery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT n, trial FROM lotteries WHERE show_id = ? AND state != 'cancelled' ORDER BY n DESC LIMIT 3`, sh.row.ID)
	if err != nil {
		return nil, storageErr("read lotteries", err)
	}
	var ns []int64
	for rows.Next() {
		var n int64
		var trial int
		if err := rows.Scan(&n, &trial); err != nil {
			rows.Close()
			return nil, storageErr("read lotteries", err)
		}
		if visibleTrial(trial != 0, trialView) {
			ns = append(ns, n)
		}
	}
	rows.Close()
	if len(ns) == 0 {
		return nil, nil
	}
	l, _, err := s.lotteryByN(ctx, sh.row.ID, ns[0])
	if err != nil {
		return nil, err
	}
	if l.Entered, err = s.entered(ctx, ns[0], viewerID); err != nil {
		return nil, err
	}
	for _, w := range l.WinnerList {
		if w.ViewerID == viewerID {
			l.Won, l.Claimed = true, w.Claimed
		}
	}
	return &l, nil
}
