package app

import (
	"context"
	"strings"
	"time"

	"showcaster/platform"
)

// Reply answers a comment publicly or privately (only its viewer sees a
// private reply).
func (s *Studio) Reply(ctx context.Context, c Comment, text string, private bool) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return ErrEmptyReply
	}
	id, err := s.showID()
	if err != nil {
		return err
	}
	return s.platformClient().Reply(ctx, id, platform.Reply{CommentID: c.ID, Text: text, Private: private, ViewerID: c.Viewer.ID})
}

func (s *Studio) showID() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.hasShow {
		return "", ErrNoShow
	}
	return s.show.ID, nil
}

func (s *Studio) stopEvents() {
	s.mu.Lock()
	cancel := s.subCancel
	s.sub, s.subCancel = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (s *Studio) startEvents(showID string) {
	s.stopEvents()
	ctx, cancel := context.WithCancel(s.ctx)
	sub := s.platformClient().Subscribe(ctx, showID, 0)
	s.mu.Lock()
	s.sub, s.subCancel = sub, cancel
	s.mu.Unlock()
	go s.pumpEvents(ctx, showID, sub)
	go s.flushFeed(ctx)
	go s.watchSession(ctx)
}

// pumpEvents turns the platform's event stream into studio events.
func (s *Studio) pumpEvents(ctx context.Context, showID string, sub *platform.Subscription) {
	defer sub.Close()
	for {
		var ev platform.Event
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C():
			if !ok {
				return
			}
			ev = e
		}
		s.platformEvent(showID, ev)
	}
}

func (s *Studio) platformEvent(showID string, ev platform.Event) {
	if ev.Comment != nil {
		s.knowViewer(ev.Comment.Viewer)
	}
	if ev.Viewer != nil {
		s.knowViewer(*ev.Viewer)
	}
	switch ev.Type {
	case platform.EventComment:
		if ev.Comment != nil {
			s.emit(CommentReceived{Comment: *ev.Comment})
			s.mu.Lock()
			private := s.privateThreads[ev.Comment.Viewer.ID]
			s.mu.Unlock()
			if private {
				s.chime(ChimePrivate, ev.At)
			}
		}
	case platform.EventReply:
		if ev.Reply != nil {
			if ev.Reply.Private && ev.Reply.ViewerID != "" {
				// Once answered privately, the viewer's next words are a
				// private conversation the host wants to hear about.
				s.mu.Lock()
				s.privateThreads[ev.Reply.ViewerID] = true
				s.mu.Unlock()
			}
			r := *ev.Reply
			if r.At.IsZero() {
				r.At = ev.At // stored before replies carried their time
			}
			s.emit(ReplySent{Reply: r})
		}
	case platform.EventGuestJoined, platform.EventGuestLeft:
		if ev.Guest == nil {
			return
		}
		if ev.Type == platform.EventGuestJoined {
			s.emit(Notice{Msg: Say(nil, "%s joined the program.", ev.Guest.Name)})
		} else {
			s.emit(Notice{Msg: Say(nil, "%s left the co-hosting; their name card holds their place on the program.", ev.Guest.Name)})
		}
	case platform.EventLike:
		s.setCounters(func(c *Counters) { c.Likes = ev.Count })
	case platform.EventOnline:
		s.setCounters(func(c *Counters) { c.Online = ev.Count })
	case platform.EventOrder:
		if ev.Order == nil {
			return
		}
		s.setCounters(func(c *Counters) { c.Orders++; c.RevenueCents += ev.Order.AmountCents })
		or := OrderReceived{Order: *ev.Order, Viewer: s.viewerNamed(ev.Order.ViewerID)}
		if d := s.desk; d != nil {
			if p, ok := d.Product(ev.Order.ProductID); ok {
				or.LinkNo, or.Title = p.LinkNo, p.Title
			}
		}
		s.emit(or)
		s.chime(ChimeOrder, ev.At)
	case platform.EventProducts:
		if d := s.desk; d != nil && ev.Products != nil {
			d.ApplyCart(ev.Products)
		}
	case platform.EventModeration:
		s.moderationEvent(ev)
	case platform.EventShowState:
		// The event names the new state only; the show's other fields come
		// from the platform off this path, so comments never wait on it.
		s.refreshShow(showID)
	default:
		s.toolkitEvent(ev)
	}
}

// chime plays a sound for fresh news only: the replay of a show's history
// on selecting it stays quiet.
func (s *Studio) chime(kind Chime, at time.Time) {
	st := s.Settings()
	on := (kind == ChimeOrder && st.ChimeOrders) || (kind == ChimePrivate && st.ChimePrivate)
	if s.chimer == nil || !on || s.clk.Now().Sub(at) > 10*time.Second {
		return
	}
	s.chimer.Play(kind, st.ChimeVolume)
}

func (s *Studio) setCounters(f func(*Counters)) {
	s.mu.Lock()
	f(&s.counters)
	c := s.counters
	s.mu.Unlock()
	s.emit(c)
}

// Counters is the latest online count, likes, orders and revenue.
func (s *Studio) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters
}

// refreshShow fetches the show from the platform in the background and
// hands it on. Requests that pile up while one is on the way are merged
// into the next.
func (s *Studio) refreshShow(showID string) {
	s.mu.Lock()
	if s.refreshing {
		s.refreshAgain = true
		s.mu.Unlock()
		return
	}
	s.refreshing = true
	ctx := s.ctx
	s.mu.Unlock()
	go func() {
		for {
			rctx, cancel := context.WithTimeout(ctx, showRefreshTimeout)
			cur, err := s.platformClient().Show(rctx, showID)
			cancel()
			if err == nil {
				s.updateShow(cur)
			} else if ctx.Err() == nil {
				s.cfg.Logf("show %s: reading its state: %v", showID, err)
			}
			s.mu.Lock()
			again := s.refreshAgain && ctx.Err() == nil
			s.refreshAgain = false
			s.refreshing = again
			s.mu.Unlock()
			if !again {
				return
			}
		}
	}()
}

// maxKnownViewers bounds the names the inbox remembers for order lines.
const maxKnownViewers = 10000

// knowViewer remembers a viewer's name from their comments, gifts and
// welcomes, so an order line can name its buyer.
func (s *Studio) knowViewer(v Viewer) {
	if v.ID == "" || v.Name == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.viewerNames == nil || len(s.viewerNames) >= maxKnownViewers {
		s.viewerNames = map[string]string{}
	}
	s.viewerNames[v.ID] = v.Name
}

// viewerNamed is the viewer with the name the inbox knows ("" when none).
func (s *Studio) viewerNamed(id string) Viewer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Viewer{ID: id, Name: s.viewerNames[id]}
}
