package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Backoff of the event stream's reconnects.
const (
	eventsMinBackoff = 250 * time.Millisecond
	eventsMaxBackoff = 10 * time.Second
)

// Subscription is a show's event stream that survives drops: after a lost
// connection (or a platform restart) it reconnects with backoff and resumes
// after the last seq it delivered, so no event is missed or repeated.
type Subscription struct {
	c      *Client
	show   string
	ch     chan Event
	cancel context.CancelFunc

	mu        sync.Mutex
	last      int64
	err       error
	connected bool
}

// Events streams a show's events with seq > after until ctx ends or the
// platform refuses the stream for good (then the channel closes; use
// Subscribe to learn why).
func (c *Client) Events(ctx context.Context, showID string, after int64) <-chan Event {
	return c.Subscribe(ctx, showID, after).C()
}

// Subscribe starts a resumable event stream for the show.
func (c *Client) Subscribe(ctx context.Context, showID string, after int64) *Subscription {
	ctx, cancel := context.WithCancel(ctx)
	s := &Subscription{c: c, show: showID, ch: make(chan Event, 64), cancel: cancel, last: after}
	go s.run(ctx)
	return s
}

// C delivers the events in seq order; it is closed when the subscription ends.
func (s *Subscription) C() <-chan Event { return s.ch }

// LastSeq is the seq of the last event delivered (to resume a later subscription).
func (s *Subscription) LastSeq() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Connected reports whether the stream is connected right now.
func (s *Subscription) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Err says why the subscription ended (nil while it runs or after Close).
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription.
func (s *Subscription) Close() { s.cancel() }

func (s *Subscription) run(ctx context.Context) {
	defer close(s.ch)
	backoff := eventsMinBackoff
	for {
		delivered, err := s.once(ctx)
		if ctx.Err() != nil {
			return
		}
		var apiErr *APIError
		var ahead *seqAheadError
		if errors.As(err, &ahead) {
			// The platform's history ends before what this subscription
			// delivered (its data was restored from an older copy): what it
			// holds up to its newest seq was delivered already, so follow on
			// from there rather than hear nothing.
			s.c.logf("platform: events of %s: the platform's newest seq is %d, below the %d delivered: resuming after %d", s.show, ahead.newest, s.LastSeq(), ahead.newest)
			s.mu.Lock()
			s.last = ahead.newest
			s.mu.Unlock()
			continue
		}
		if errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusNotFound ||
			apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusBadRequest) {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			return // retrying cannot help
		}
		if delivered {
			backoff = eventsMinBackoff
		}
		// Jitter spreads the reconnects of many studios after a platform restart.
		wait := backoff/2 + rand.N(backoff/2+1)
		s.c.logf("platform: events of %s dropped (%v); reconnecting in %v", s.show, err, wait)
		select {
		case <-ctx.Done():
			return
		case <-s.c.clk.After(wait):
		}
		backoff = min(backoff*2, eventsMaxBackoff)
	}
}

// once runs one connection; delivered says whether it got anywhere.
func (s *Subscription) once(ctx context.Context) (delivered bool, err error) {
	u, err := url.Parse(s.c.base)
	if err != nil {
		return false, &APIError{Status: http.StatusBadRequest, Op: "follow the show's events", Message: fmt.Sprintf("the platform URL %q is not valid: fix it in Settings", s.c.base)}
	}
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.Path = strings.TrimRight(u.Path, "/") + showPath(s.show, "/events")
	u.RawQuery = "after=" + strconv.FormatInt(s.LastSeq(), 10)
	h := http.Header{}
	h.Set("Authorization", "Bearer "+s.c.token)
	hc := &http.Client{Transport: s.c.http.Transport} // no overall timeout: the stream lives long
	dialCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, resp, err := websocket.Dial(dialCtx, u.String(), &websocket.DialOptions{HTTPClient: hc, HTTPHeader: h})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode >= 400 {
			var data []byte
			if resp.Body != nil {
				data = make([]byte, 4096)
				n, _ := resp.Body.Read(data)
				data = data[:n]
			}
			apiErr := decodeAPIError("follow the show's events", resp.StatusCode, data)
			if apiErr.Code == "seq_ahead" {
				if n, perr := strconv.ParseInt(resp.Header.Get("X-Newest-Seq"), 10, 64); perr == nil && n >= 0 {
					return false, &seqAheadError{APIError: apiErr, newest: n}
				}
			}
			return false, apiErr
		}
		return false, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	s.setConnected(true)
	defer s.setConnected(false)
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return true, err
		}
		var ev Event
		if err := json.Unmarshal(data, &ev); err != nil {
			return true, fmt.Errorf("%w: an event is not valid JSON: %v", ErrProtocol, err)
		}
		s.mu.Lock()
		dup := ev.Seq <= s.last
		s.mu.Unlock()
		if dup {
			continue
		}
		select {
		case s.ch <- ev:
		case <-ctx.Done():
			return true, ctx.Err()
		}
		s.mu.Lock()
		s.last = ev.Seq
		s.mu.Unlock()
	}
}

// seqAheadError is the platform's answer to an `after` beyond its newest event.
type seqAheadError struct {
	*APIError
	newest int64
}

func (e *seqAheadError) Unwrap() error { return e.APIError }

func (s *Subscription) setConnected(v bool) {
	s.mu.Lock()
	s.connected = v
	s.mu.Unlock()
}
