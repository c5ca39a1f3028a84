package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// A viewer page on a long show starts from a recent window plus the show's
// current state, not from seq 0; the studio still gets every event.
func TestViewerStartsFromRecentWindow(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("长直播")
	c := ctx(t)
	a := p.newViewer(s.ID, "")
	ca, st := a.comment(s.ID, "有优惠吗")
	if st != 201 {
		t.Fatal(st)
	}
	if err := p.studio.Reply(c, s.ID, platform.Reply{CommentID: ca.ID, Text: "私信优惠券", Private: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.studio.Pin(c, s.ID, platform.Product{ID: "p1", Title: "围巾", PriceCents: 9900, Currency: "CNY"}); err != nil {
		t.Fatal(err)
	}
	if err := p.studio.Bulletin(c, s.ID, "今晚包邮"); err != nil {
		t.Fatal(err)
	}
	const extra = 200
	for i := 0; i < extra; i++ {
		if err := p.studio.Reply(c, s.ID, platform.Reply{CommentID: ca.ID, Text: fmt.Sprint("回复", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.studio.Bulletin(c, s.ID, "end"); err != nil {
		t.Fatal(err)
	}
	got := readUntil(t, a.dialEvents(s.ID, 0), "end")
	checkSeqs(t, got)
	if max := defaultViewerBacklog + len(stateTypes) + 1; len(got) > max {
		t.Fatalf("a new viewer page received %d events, want at most %d (a recent window and the state)", len(got), max)
	}
	var pinned, bulletin, private, state bool
	for _, e := range got {
		switch {
		case e.Type == platform.EventProductPinned && e.Product.ID == "p1":
			pinned = true
		case e.Type == platform.EventBulletin && e.Text == "今晚包邮":
			bulletin = true
		case e.Type == platform.EventReply && e.Reply.Private:
			private = true
		case e.Type == platform.EventShowState && e.State == platform.StateLive:
			state = true
		}
	}
	if !pinned || !state || !private {
		t.Fatalf("the start misses the current state: pinned %v, live %v, private reply %v", pinned, state, private)
	}
	if bulletin {
		t.Fatal("a bulletin replaced by a later one was sent as the current state")
	}
	all := readUntil(t, dialStudio(t, p, s.ID, 0), "end")
	if last := all[len(all)-1].Seq; len(all) != int(last) {
		t.Fatalf("the studio got %d events up to seq %d, want all of them", len(all), last)
	}
	// A viewer resuming inside the window gets exactly what followed.
	mid := got[len(got)-10].Seq
	if rest := readUntil(t, a.dialEvents(s.ID, mid), "end"); len(rest) != 9 || rest[0].Seq <= mid {
		t.Fatalf("resume after %d: %d events", mid, len(rest))
	}
}

// A connection whose live queue overflows reads what it missed from storage
// and delivers every event once, in order.
func TestEventStreamWithTinyQueueLosesNothing(t *testing.T) {
	clk := clock.NewFake(epoch)
	srv, err := New(Config{DataDir: t.TempDir(), Clock: clk, StudioToken: "studio-secret", AuditDelay: time.Second,
		EventQueue: 1, EventPage: 3, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p := &testPlatform{t: t, srv: srv, clk: clk, studio: platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "studio-secret"})}
	s, _ := p.liveShow("小队列")
	ws := dialStudio(t, p, s.ID, 0)
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 60; i++ {
			if err := p.studio.Bulletin(ctx(t), s.ID, fmt.Sprint(i)); err != nil {
				done <- err
				return
			}
		}
		done <- p.studio.Bulletin(ctx(t), s.ID, "end")
	}()
	got := readUntil(t, ws, "end")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: missed or repeated", i, e.Seq)
		}
	}
}

// `after` beyond the newest seq (a studio after a data restore) is answered
// with 409 seq_ahead and the newest seq, not with silence.
func TestEventsAfterBeyondNewest(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("恢复")
	u := strings.Replace(p.srv.URL(), "http", "ws", 1) + "/api/shows/" + s.ID + "/events?after=999"
	h := http.Header{"Authorization": {"Bearer " + p.srv.StudioToken()}}
	_, resp, err := websocket.Dial(ctx(t), u, &websocket.DialOptions{HTTPHeader: h})
	if err == nil || resp == nil || resp.StatusCode != http.StatusConflict {
		t.Fatalf("after=999 on a show with 2 events: %v %v", err, resp)
	}
	var e apiErr
	jsonNewDecoder(resp).Decode(&e)
	if e.Error.Code != "seq_ahead" || resp.Header.Get("X-Newest-Seq") != "2" || !strings.Contains(e.Error.Message, "after=0") {
		t.Fatalf("answer: %+v, X-Newest-Seq %q", e, resp.Header.Get("X-Newest-Seq"))
	}
	// The studio's client follows on after the platform's newest seq.
	cl := platform.NewClient(platform.ClientConfig{BaseURL: p.srv.URL(), Token: p.srv.StudioToken(), Logf: t.Logf})
	sub := cl.Subscribe(ctx(t), s.ID, 999)
	defer sub.Close()
	eventually(t, "the studio's stream reconnects after the platform's newest seq", sub.Connected)
	if err := p.studio.Bulletin(ctx(t), s.ID, "恢复后"); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-sub.C():
		if ev.Type != platform.EventBulletin || ev.Seq != 3 {
			t.Fatalf("first event after the restore: %+v", ev)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the studio heard nothing after the restore (%v)", sub.Err())
	}
	// A plain GET (no upgrade) is told to use a WebSocket, in JSON.
	req, _ := http.NewRequest("GET", p.srv.URL()+"/api/shows/"+s.ID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+p.srv.StudioToken())
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var e2 apiErr
	jsonNewDecoder(resp2).Decode(&e2)
	if resp2.StatusCode != http.StatusUpgradeRequired || e2.Error.Code != "upgrade_required" {
		t.Fatalf("plain GET of the event stream: %d %+v", resp2.StatusCode, e2)
	}
}

func TestParseAfter(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "17": 17, "9223372036854775807": 1<<63 - 1} {
		if got, err := ParseAfter(in); err != nil || got != want {
			t.Errorf("ParseAfter(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"-1", "+1", " 1", "1 ", "1e3", "0x10", "9223372036854775808", "١"} {
		if _, err := ParseAfter(in); !errors.Is(err, ErrBadRequest) {
			t.Errorf("ParseAfter(%q) accepted", in)
		}
	}
}
