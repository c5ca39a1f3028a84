package server

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"showcaster/platform"
)

// storedEvent is an event as encoded once and sent to many connections.
type storedEvent struct {
	seq    int64
	scope  scope
	viewer string // the one viewer of a private event
	trial  bool   // happened during a trial: only key holders see it
	body   []byte
}

// subscriber is one event connection. Sends never block the show and never
// grow without bound: the live queue holds at most EventQueue events, and a
// connection whose queue overflowed reads what it missed from storage, one
// page at a time, before it takes live events again.
type subscriber struct {
	studio  bool
	viewer  string
	trialOK bool
	ch      chan *storedEvent
	behind  atomic.Bool   // the queue overflowed: events were left out of ch
	wake    chan struct{} // signalled when behind is set
}

func newSubscriber(queue int) *subscriber {
	return &subscriber{ch: make(chan *storedEvent, queue), wake: make(chan struct{}, 1)}
}

func (sub *subscriber) sees(e *storedEvent) bool {
	if sub.studio {
		return true
	}
	if e.trial && !sub.trialOK {
		return false
	}
	switch e.scope {
	case scopePublic:
		return true
	case scopePrivate:
		return e.viewer == sub.viewer
	default:
		return false
	}
}

// visibleSQL is sees() as a WHERE clause over the events table, with its arguments.
func (sub *subscriber) visibleSQL() (string, []any) {
	if sub.studio {
		return "1", nil
	}
	return "(scope = ? OR (scope = ? AND viewer_id = ?)) AND (trial = 0 OR ?)",
		[]any{int(scopePublic), int(scopePrivate), sub.viewer, boolInt(sub.trialOK)}
}

// push queues e; when the queue is full the subscriber is marked behind and
// catches up from storage (every event is stored before it is pushed).
func (sub *subscriber) push(e *storedEvent) {
	select {
	case sub.ch <- e:
	default:
		sub.behind.Store(true)
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// ParseAfter reads the `after` query parameter of the event stream: absent
// means from the start (0); otherwise a whole number ≥ 0 written in decimal
// digits only (no sign, spaces or leading "+").
func ParseAfter(a string) (int64, error) {
	if a == "" {
		return 0, nil
	}
	for _, c := range a {
		if c < '0' || c > '9' {
			return 0, fail(ErrBadRequest, "after must be the seq of the last event received (a whole number ≥ 0), not %q", a)
		}
	}
	n, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return 0, fail(ErrBadRequest, "after must be the seq of the last event received (a whole number ≥ 0), not %q", a)
	}
	return n, nil
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if _, has := bearer(r); has && !s.isStudio(r) {
		writeError(w, fail(ErrUnauthorized, "the platform refused the studio token: check Settings › Platform token"))
		return
	}
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	after, err := ParseAfter(r.URL.Query().Get("after"))
	if err != nil {
		writeError(w, err)
		return
	}
	sub := newSubscriber(s.cfg.EventQueue)
	if s.isStudio(r) {
		sub.studio = true
	} else {
		v, ok := s.viewerFromCookie(r)
		if !ok {
			writeError(w, fail(ErrUnauthorized, "no viewer cookie: open the viewer page /watch/%s first", sh.row.ID))
			return
		}
		sub.viewer = v.ID
		sh.mu.Lock()
		sub.trialOK = r.URL.Query().Get("key") == sh.row.TrialKey
		sh.mu.Unlock()
	}
	sh.mu.Lock()
	newest := sh.seq
	sh.mu.Unlock()
	if after > newest {
		w.Header().Set("X-Newest-Seq", strconv.FormatInt(newest, 10))
		writeError(w, fail(ErrSeqAhead, "after=%d is beyond the newest event of show %s (seq %d): the platform's data is older than what you received (restored or replaced); reconnect with after=0, or after=%d to take only what comes next", after, sh.row.ID, newest, newest))
		return
	}
	if !isWebSocketUpgrade(r) {
		writeError(w, fail(ErrUpgrade, "the event stream is a WebSocket: connect with ws://…/api/shows/%s/events?after=<last seq>", sh.row.ID))
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered the request
	}
	defer c.CloseNow()

	sh.mu.Lock()
	sh.subs[sub] = struct{}{}
	if sub.viewer != "" {
		sh.joinLocked(sub.viewer)
		s.noteViewerLocked(sh, sub.viewer)
		s.welcomeLocked(sh, sub.viewer, sub.trialOK)
	}
	sh.mu.Unlock()
	defer func() {
		sh.mu.Lock()
		delete(sh.subs, sub)
		if sub.viewer != "" {
			sh.leaveLocked(sub.viewer)
		}
		sh.mu.Unlock()
	}()

	// The server only writes; CloseRead answers pings and notices the peer leaving.
	ctx := c.CloseRead(r.Context())
	stop := context.AfterFunc(s.ctx, func() { c.Close(websocket.StatusGoingAway, "the platform is shutting down") })
	defer stop()

	last := after
	if !sub.studio {
		if last, err = s.sendViewerStart(ctx, c, sh.row.ID, sub, after); err != nil {
			return
		}
	}
	if last, err = s.catchUp(ctx, c, sh.row.ID, sub, last); err != nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.wake:
		case e := <-sub.ch:
			if sub.behind.Load() {
				break // what follows a gap comes from storage, in order
			}
			if e.seq <= last {
				continue // already sent from storage
			}
			if err := writeEvent(ctx, c, e.body); err != nil {
				return
			}
			last = e.seq
			continue
		}
		if sub.behind.Load() {
			// Clear the mark, then forget the queue: everything in it is stored,
			// and what is pushed from now on lands in the emptied queue.
			sub.behind.Store(false)
			for drained := false; !drained; {
				select {
				case <-sub.ch:
				default:
					drained = true
				}
			}
			if last, err = s.catchUp(ctx, c, sh.row.ID, sub, last); err != nil {
				return
			}
		}
	}
}

// catchUp sends, page by page, the stored events after `after` that sub may
// see, and returns the last seq sent. Each page is read whole before it is
// written, so no read transaction stays open while a slow socket drains.
func (s *Server) catchUp(ctx context.Context, c *websocket.Conn, showID string, sub *subscriber, after int64) (int64, error) {
	vis, vargs := sub.visibleSQL()
	for {
		page, err := s.eventPage(ctx, `SELECT seq, body FROM events WHERE show_id = ? AND seq > ? AND `+vis+` ORDER BY seq LIMIT ?`,
			append(append([]any{showID, after}, vargs...), s.cfg.EventPage)...)
		if err != nil {
			s.logf("platform: events of %s: read from storage: %v", showID, err)
			return after, err
		}
		for _, e := range page {
			if err := writeEvent(ctx, c, e.body); err != nil {
				return after, err
			}
			after = e.seq
		}
		if len(page) < s.cfg.EventPage {
			return after, nil
		}
	}
}

// eventPage runs a query that yields (seq, body) rows and closes it before returning.
func (s *Server) eventPage(ctx context.Context, query string, args ...any) ([]*storedEvent, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*storedEvent
	for rows.Next() {
		var e storedEvent
		var body string
		if err := rows.Scan(&e.seq, &body); err != nil {
			return nil, err
		}
		e.body = []byte(body)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// stateTypes are the event types whose latest instance is the show's current
// state as a viewer page draws it; a viewer starting from a recent window
// receives the latest of each even when it is older than the window.
var stateTypes = [][]string{
	{platform.EventShowState},
	{platform.EventProductPinned, platform.EventProductUnpin},
	{platform.EventBulletin},
	{platform.EventLike},
	{platform.EventOnline},
}

// sendViewerStart is where a viewer's stream begins: when more than
// ViewerBacklog events it may see lie after `after`, it receives the show's
// current state (the latest show_state, pin or unpin, bulletin, like and
// online events), its own latest private replies, and then continues with the
// last ViewerBacklog events. The events keep their seqs and arrive in seq
// order. It returns the seq to continue after.
func (s *Server) sendViewerStart(ctx context.Context, c *websocket.Conn, showID string, sub *subscriber, after int64) (int64, error) {
	vis, vargs := sub.visibleSQL()
	var start int64
	err := s.db.QueryRowContext(ctx, `SELECT seq FROM events WHERE show_id = ? AND seq > ? AND `+vis+` ORDER BY seq DESC LIMIT 1 OFFSET ?`,
		append(append([]any{showID, after}, vargs...), s.cfg.ViewerBacklog)...).Scan(&start)
	if err != nil {
		// Fewer than ViewerBacklog events to send (sql.ErrNoRows): all of them.
		return after, nil
	}
	// start is the newest event left out of the window.
	var head []*storedEvent
	for _, types := range stateTypes {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(types)), ",")
		args := []any{showID, after}
		for _, t := range types {
			args = append(args, t)
		}
		page, err := s.eventPage(ctx, `SELECT seq, body FROM events WHERE show_id = ? AND seq > ? AND type IN (`+marks+`) AND `+vis+` ORDER BY seq DESC LIMIT 1`,
			append(args, vargs...)...)
		if err != nil {
			return after, err
		}
		if len(page) == 1 && page[0].seq <= start {
			head = append(head, page[0]) // a later one inside the window supersedes it otherwise
		}
	}
	mine, err := s.eventPage(ctx, `SELECT seq, body FROM events WHERE show_id = ? AND seq > ? AND seq <= ? AND scope = ? AND viewer_id = ? AND type = ? AND (trial = 0 OR ?) ORDER BY seq DESC LIMIT ?`,
		showID, after, start, int(scopePrivate), sub.viewer, platform.EventReply, boolInt(sub.trialOK), s.cfg.ViewerBacklog)
	if err != nil {
		return after, err
	}
	head = append(head, mine...)
	sort.Slice(head, func(i, j int) bool { return head[i].seq < head[j].seq })
	for _, e := range head {
		if err := writeEvent(ctx, c, e.body); err != nil {
			return after, err
		}
	}
	return start, nil
}

// isWebSocketUpgrade tells a WebSocket handshake from a plain GET, so the
// latter gets a JSON answer saying what to do.
func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

func writeEvent(ctx context.Context, c *websocket.Conn, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := c.Write(ctx, websocket.MessageText, body)
	if errors.Is(err, context.DeadlineExceeded) {
		c.Close(websocket.StatusPolicyViolation, "too slow: reconnect with ?after=<last seq>")
	}
	return err
}
