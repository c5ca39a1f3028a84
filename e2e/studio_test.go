package e2e

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"showcaster/platform"
	"showcaster/platform/server"
)

// platformUnderTest is the local platform, in-process on loopback with its
// state in a temporary directory.
type platformUnderTest struct {
	t     testing.TB
	dir   string
	srv   *server.Server
	url   string
	token string
}

func startPlatform(t testing.TB) *platformUnderTest {
	t.Helper()
	p := &platformUnderTest{t: t, dir: t.TempDir()}
	p.start("127.0.0.1:0")
	t.Cleanup(func() { p.srv.Close() })
	return p
}

func (p *platformUnderTest) start(addr string) {
	p.t.Helper()
	srv, err := server.New(server.Config{
		Addr:        addr,
		DataDir:     p.dir,
		StudioToken: p.token,
		AuditDelay:  200 * time.Millisecond,
		Logf:        p.t.Logf,
	})
	if err != nil {
		p.t.Fatalf("platform: %v", err)
	}
	if err := srv.Start(); err != nil {
		p.t.Fatalf("platform start: %v", err)
	}
	p.srv, p.url, p.token = srv, srv.URL(), srv.StudioToken()
}

// restart stops the platform and starts it again on the same address and
// data: what viewers and the studio see when the platform's process restarts.
func (p *platformUnderTest) restart() {
	p.t.Helper()
	if err := p.srv.Close(); err != nil {
		p.t.Fatalf("platform close: %v", err)
	}
	u, err := url.Parse(p.url)
	if err != nil {
		p.t.Fatal(err)
	}
	// The port was just released; another process could take it, so retry briefly.
	var last error
	for range 50 {
		srv, err := server.New(server.Config{Addr: u.Host, DataDir: p.dir, StudioToken: p.token, AuditDelay: 200 * time.Millisecond, Logf: p.t.Logf})
		if err == nil {
			if err = srv.Start(); err == nil {
				p.srv = srv
				return
			}
			srv.Close()
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("platform restart on %s: %v", u.Host, last)
}

// studio is the studio's side of the platform, through platform.Client as
// the app uses it; every call fails the test on error.
type studio struct {
	t testing.TB
	c *platform.Client
}

func (p *platformUnderTest) studio(t testing.TB) *studio {
	return &studio{t: t, c: platform.NewClient(platform.ClientConfig{BaseURL: p.url, Token: p.token, Logf: t.Logf})}
}

func (s *studio) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), eventDeadline)
}

func (s *studio) check(what string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("studio: %s: %v", what, err)
	}
}

// createApprovedShow creates a show and waits for the platform's audit.
func (s *studio) createApprovedShow(title string) platform.Show {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	sh, err := s.c.CreateShow(ctx, platform.NewShow{
		Title: title, StartsAt: time.Now().Add(time.Minute), DurationMin: 120, ProductIDs: []string{"p1"},
	})
	s.check("create show", err)
	for sh.State == platform.StatePendingAudit && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		sh, err = s.c.Show(ctx, sh.ID)
		s.check("read show", err)
	}
	if sh.State != platform.StateApproved {
		s.t.Fatalf("show %q is %s (%s), want approved", title, sh.State, sh.RejectReason)
	}
	return sh
}

func (s *studio) startTrial(id string) platform.Ingest {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	in, err := s.c.StartTrial(ctx, id)
	s.check("start trial", err)
	return in
}

func (s *studio) goLive(id string) platform.Ingest {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	in, err := s.c.GoLive(ctx, id)
	s.check("go live", err)
	return in
}

func (s *studio) end(id string) {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	_, err := s.c.End(ctx, id)
	s.check("end show", err)
}

func (s *studio) pin(id string, p platform.Product) {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	s.check("pin", s.c.Pin(ctx, id, p))
}

func (s *studio) bulletin(id, text string) {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	s.check("bulletin", s.c.Bulletin(ctx, id, text))
}

func (s *studio) reply(id string, r platform.Reply) {
	s.t.Helper()
	ctx, cancel := s.ctx()
	defer cancel()
	s.check("reply", s.c.Reply(ctx, id, r))
}

// eventStream is the studio's event stream for one show, collected in the
// background.
type eventStream struct {
	t  testing.TB
	mu sync.Mutex
	ev []platform.Event
	ch chan struct{} // closed and replaced on every new event
}

func (s *studio) events(id string) *eventStream {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sub := s.c.Subscribe(ctx, id, 0)
	es := &eventStream{t: s.t, ch: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range sub.C() {
			es.mu.Lock()
			es.ev = append(es.ev, ev)
			close(es.ch)
			es.ch = make(chan struct{})
			es.mu.Unlock()
		}
	}()
	s.t.Cleanup(func() {
		sub.Close()
		cancel()
		<-done
	})
	return es
}

// wait returns the first event that match accepts, waiting for it to come.
func (es *eventStream) wait(what string, match func(platform.Event) bool) platform.Event {
	es.t.Helper()
	deadline := time.After(eventDeadline)
	seen := 0
	for {
		es.mu.Lock()
		evs, ch := es.ev, es.ch
		es.mu.Unlock()
		for ; seen < len(evs); seen++ {
			if match(evs[seen]) {
				return evs[seen]
			}
		}
		select {
		case <-ch:
		case <-deadline:
			es.t.Fatalf("the studio's event stream had no %s within %v (%d events)", what, eventDeadline, len(evs))
		}
	}
}

func (es *eventStream) waitComment(text string) platform.Comment {
	es.t.Helper()
	ev := es.wait(fmt.Sprintf("comment %q", text), func(e platform.Event) bool {
		return e.Type == platform.EventComment && e.Comment != nil && e.Comment.Text == text
	})
	return *ev.Comment
}

func (es *eventStream) waitOrder(productID string) platform.Order {
	es.t.Helper()
	ev := es.wait("order of "+productID, func(e platform.Event) bool {
		return e.Type == platform.EventOrder && e.Order != nil && e.Order.ProductID == productID
	})
	return *ev.Order
}
