package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"showcaster/platform"
	"showcaster/platform/server"
)

// platformUnderTest is the local platform, in-process on loopback with its
// state in a temporary directory.
type platformUnderTest struct {
	srv   *server.Server
	url   string
	token string
}

func startPlatform(t testing.TB) *platformUnderTest {
	t.Helper()
	srv, err := server.New(server.Config{
		Addr:       "127.0.0.1:0",
		DataDir:    t.TempDir(),
		AuditDelay: 200 * time.Millisecond,
		Logf:       t.Logf,
	})
	if err != nil {
		t.Fatalf("platform: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("platform start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return &platformUnderTest{srv: srv, url: srv.URL(), token: srv.StudioToken()}
}

// studio is the studio's side of the platform API, as the app uses it.
type studio struct {
	t     testing.TB
	base  string
	token string
}

func (p *platformUnderTest) studio(t testing.TB) *studio {
	return &studio{t: t, base: p.url, token: p.token}
}

// call sends a studio request and decodes the answer into out (when not nil).
func (s *studio) call(method, path string, body, out any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		s.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// createApprovedShow creates a show and waits for the platform's audit.
func (s *studio) createApprovedShow(title string) platform.Show {
	s.t.Helper()
	var sh platform.Show
	s.call("POST", "/api/shows", platform.NewShow{
		Title: title, StartsAt: time.Now().Add(time.Minute), DurationMin: 120, ProductIDs: []string{"p1"},
	}, &sh)
	end := time.Now().Add(eventDeadline)
	for sh.State == platform.StatePendingAudit && time.Now().Before(end) {
		time.Sleep(50 * time.Millisecond)
		s.call("GET", "/api/shows/"+sh.ID, nil, &sh)
	}
	if sh.State != platform.StateApproved {
		s.t.Fatalf("show %q is %s (%s), want approved", title, sh.State, sh.RejectReason)
	}
	return sh
}

func (s *studio) startTrial(id string) platform.Ingest {
	s.t.Helper()
	var in platform.Ingest
	s.call("POST", "/api/shows/"+id+"/trial", nil, &in)
	return in
}

func (s *studio) goLive(id string) platform.Ingest {
	s.t.Helper()
	var in platform.Ingest
	s.call("POST", "/api/shows/"+id+"/live", nil, &in)
	return in
}

func (s *studio) end(id string) {
	s.t.Helper()
	s.call("POST", "/api/shows/"+id+"/end", nil, nil)
}

func (s *studio) pin(id string, p platform.Product) {
	s.t.Helper()
	s.call("POST", "/api/shows/"+id+"/pins", map[string]any{"product": p}, nil)
}

func (s *studio) bulletin(id, text string) {
	s.t.Helper()
	s.call("POST", "/api/shows/"+id+"/bulletins", map[string]string{"text": text}, nil)
}

func (s *studio) reply(id string, r platform.Reply) {
	s.t.Helper()
	s.call("POST", "/api/shows/"+id+"/replies", r, nil)
}

// eventStream is the studio's event WebSocket for one show, collected in
// the background.
type eventStream struct {
	t  testing.TB
	mu sync.Mutex
	ev []platform.Event
	ch chan struct{} // closed and replaced on every new event
}

func (s *studio) events(id string) *eventStream {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	url := "ws" + strings.TrimPrefix(s.base, "http") + "/api/shows/" + id + "/events?after=0"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + s.token}},
	})
	if err != nil {
		cancel()
		s.t.Fatalf("studio events: %v", err)
	}
	conn.SetReadLimit(1 << 20)
	es := &eventStream{t: s.t, ch: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var ev platform.Event
			if json.Unmarshal(data, &ev) != nil {
				continue
			}
			es.mu.Lock()
			es.ev = append(es.ev, ev)
			close(es.ch)
			es.ch = make(chan struct{})
			es.mu.Unlock()
		}
	}()
	s.t.Cleanup(func() {
		cancel()
		conn.CloseNow()
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
