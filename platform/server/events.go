package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// storedEvent is an event as encoded once and sent to many connections.
type storedEvent struct {
	seq    int64
	scope  scope
	viewer string // the one viewer of a private event
	trial  bool   // happened during a trial: only key holders see it
	body   []byte
}

// subscriber is one event connection. Sends never block the show: a
// connection whose queue is full is dropped and resumes with ?after=seq.
type subscriber struct {
	studio  bool
	viewer  string
	trialOK bool
	ch      chan *storedEvent
	gone    chan struct{}
	once    sync.Once
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

// push queues e; false when the queue was full and the connection is dropped.
func (sub *subscriber) push(e *storedEvent) bool {
	select {
	case sub.ch <- e:
		return true
	default:
		sub.drop()
		return false
	}
}

func (sub *subscriber) drop() { sub.once.Do(func() { close(sub.gone) }) }

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if _, has := bearer(r); has && !s.isStudio(r) {
		writeError(w, fail(ErrUnauthorized, "the platform refused the studio token: check Settings → Platform token"))
		return
	}
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	after := int64(0)
	if a := r.URL.Query().Get("after"); a != "" {
		if after, err = strconv.ParseInt(a, 10, 64); err != nil || after < 0 {
			writeError(w, fail(ErrBadRequest, "after must be the seq of the last event received (a whole number ≥ 0), not %q", a))
			return
		}
	}
	sub := &subscriber{ch: make(chan *storedEvent, s.cfg.EventQueue), gone: make(chan struct{})}
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

	last, err := s.replay(ctx, c, sh.row.ID, sub, after)
	if err != nil {
		s.logf("platform: events of %s: replay: %v", sh.row.ID, err)
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.gone:
			c.Close(websocket.StatusPolicyViolation, "too slow: reconnect with ?after=<last seq>")
			return
		case e := <-sub.ch:
			if e.seq <= last {
				continue // already sent by the replay
			}
			if err := writeEvent(ctx, c, e.body); err != nil {
				return
			}
			last = e.seq
		}
	}
}

// replay sends the stored events after `after` that sub may see and returns the last seq sent.
func (s *Server) replay(ctx context.Context, c *websocket.Conn, showID string, sub *subscriber, after int64) (int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, scope, viewer_id, trial, body FROM events WHERE show_id = ? AND seq > ? ORDER BY seq`, showID, after)
	if err != nil {
		return 0, err
	}
	var batch []*storedEvent
	for rows.Next() {
		var e storedEvent
		var sc, trial int
		var body string
		if err := rows.Scan(&e.seq, &sc, &e.viewer, &trial, &body); err != nil {
			rows.Close()
			return 0, err
		}
		e.scope, e.trial, e.body = scope(sc), trial != 0, []byte(body)
		if sub.sees(&e) {
			batch = append(batch, &e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	last := after
	for _, e := range batch {
		if err := writeEvent(ctx, c, e.body); err != nil {
			return 0, err
		}
		last = e.seq
	}
	return last, nil
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
