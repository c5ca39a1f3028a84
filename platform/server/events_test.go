package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"showcaster/platform"
)

// dialEvents opens an event socket as this viewer.
func (v *viewer) dialEvents(showID string, after int64) *websocket.Conn {
	v.t.Helper()
	u := strings.Replace(v.base, "http", "ws", 1) + fmt.Sprintf("/api/shows/%s/events?after=%d", showID, after)
	if v.key != "" {
		u += "&key=" + v.key
	}
	c, _, err := websocket.Dial(ctx(v.t), u, &websocket.DialOptions{HTTPClient: v.hc})
	if err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { c.CloseNow() })
	return c
}

func dialStudio(t *testing.T, p *testPlatform, showID string, after int64) *websocket.Conn {
	t.Helper()
	u := strings.Replace(p.srv.URL(), "http", "ws", 1) + fmt.Sprintf("/api/shows/%s/events?after=%d", showID, after)
	h := http.Header{"Authorization": {"Bearer " + p.srv.StudioToken()}}
	c, _, err := websocket.Dial(ctx(t), u, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// readUntil reads events until one is a bulletin with the marker text.
func readUntil(t *testing.T, c *websocket.Conn, marker string) []platform.Event {
	t.Helper()
	cx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []platform.Event
	for {
		_, data, err := c.Read(cx)
		if err != nil {
			t.Fatalf("read events (have %d): %v", len(out), err)
		}
		var e platform.Event
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		if e.Type == platform.EventBulletin && e.Text == marker {
			return out
		}
	}
}

func checkSeqs(t *testing.T, evs []platform.Event) {
	t.Helper()
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq {
			t.Fatalf("seq not increasing: %d after %d", evs[i].Seq, evs[i-1].Seq)
		}
	}
}

func TestEventsPrivacyAndReplay(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("直播间")
	c := ctx(t)
	a := p.newViewer(s.ID, "")
	b := p.newViewer(s.ID, "")
	wsA := a.dialEvents(s.ID, 0)
	wsB := b.dialEvents(s.ID, 0)
	studio := dialStudio(t, p, s.ID, 0)

	ca, st := a.comment(s.ID, "1号链接还有货吗?")
	if st != 201 || ca.ID == "" || ca.Viewer.ID != a.me.ID || ca.Flagged {
		t.Fatalf("comment: %d %+v", st, ca)
	}
	cb, st := b.comment(s.ID, "这是假货吧")
	if st != 201 || !cb.Flagged || !strings.Contains(cb.FlagReason, "假货") {
		t.Fatalf("flagged comment: %d %+v", st, cb)
	}
	if err := p.studio.Reply(c, s.ID, platform.Reply{CommentID: ca.ID, Text: "私信给你优惠券", Private: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.studio.Reply(c, s.ID, platform.Reply{CommentID: ca.ID, Text: "有的,马上上架"}); err != nil {
		t.Fatal(err)
	}
	if err := p.studio.Moderate(c, s.ID, b.me.ID, platform.ModerationMute); err != nil {
		t.Fatal(err)
	}
	cm, _ := b.comment(s.ID, "我被禁言了吗")
	if !cm.Flagged || cm.FlagReason != "muted" {
		t.Fatalf("muted comment: %+v", cm)
	}
	if err := p.studio.Bulletin(c, s.ID, "end"); err != nil {
		t.Fatal(err)
	}

	all := readUntil(t, studio, "end")
	gotA := readUntil(t, wsA, "end")
	gotB := readUntil(t, wsB, "end")
	for _, evs := range [][]platform.Event{all, gotA, gotB} {
		checkSeqs(t, evs)
	}
	count := func(evs []platform.Event, pred func(platform.Event) bool) int {
		n := 0
		for _, e := range evs {
			if pred(e) {
				n++
			}
		}
		return n
	}
	private := func(e platform.Event) bool { return e.Type == platform.EventReply && e.Reply.Private }
	flagged := func(e platform.Event) bool { return e.Type == platform.EventComment && e.Comment.Flagged }
	moderation := func(e platform.Event) bool { return e.Type == platform.EventModeration }
	if count(all, private) != 1 || count(all, flagged) != 2 || count(all, moderation) != 1 {
		t.Fatalf("studio misses events: %+v", all)
	}
	if count(gotA, private) != 1 || count(gotB, private) != 0 {
		t.Fatalf("private reply: A got %d, B got %d", count(gotA, private), count(gotB, private))
	}
	if count(gotA, flagged)+count(gotB, flagged)+count(gotA, moderation)+count(gotB, moderation) != 0 {
		t.Fatal("a viewer received a flagged comment or a moderation event")
	}
	for _, e := range gotA {
		if e.Type == platform.EventReply && !e.Reply.Private && e.Reply.CommentText != ca.Text {
			t.Fatalf("public reply lacks its quote: %+v", e.Reply)
		}
	}

	// Replay: a new studio socket after the third event gets exactly the rest.
	after := all[2].Seq
	replayed := readUntil(t, dialStudio(t, p, s.ID, after), "end")
	if len(replayed) != len(all)-3 || replayed[0].Seq != all[3].Seq {
		t.Fatalf("replay after %d: got %d events from %d, want %d", after, len(replayed), replayed[0].Seq, len(all)-3)
	}
	// A viewer's replay is filtered the same way as its live stream.
	if r := readUntil(t, b.dialEvents(s.ID, 0), "end"); count(r, private)+count(r, flagged) != 0 {
		t.Fatal("viewer replay leaked a private or flagged event")
	}
}

func TestTrialInvisibleToPublic(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("试播")
	in, err := p.studio.StartTrial(ctx(t), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := in.ViewerURL[strings.Index(in.ViewerURL, "key=")+4:]
	public := p.newViewer(s.ID, "")
	insider := p.newViewer(s.ID, key)
	var pub platform.Public
	public.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.State != platform.PublicNotStarted {
		t.Fatalf("public sees %q", pub.State)
	}
	insider.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.State != platform.PublicTrial {
		t.Fatalf("trial link sees %q", pub.State)
	}
	if _, st := public.comment(s.ID, "hello"); st != 403 {
		t.Fatalf("public comment on a trial: %d", st)
	}
	if st := public.call("POST", "/whep/"+s.ID, nil, nil); st != 404 {
		t.Fatalf("public WHEP on a trial: %d", st)
	}
	wsPub := public.dialEvents(s.ID, 0)
	wsIn := insider.dialEvents(s.ID, 0)
	if _, st := insider.comment(s.ID, "试播能看到"); st != 201 {
		t.Fatalf("trial comment: %d", st)
	}
	if _, err := p.studio.EndTrial(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.studio.GoLive(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.studio.Bulletin(ctx(t), s.ID, "end"); err != nil {
		t.Fatal(err)
	}
	for _, e := range readUntil(t, wsPub, "end") {
		if e.Type == platform.EventComment || e.Type == platform.EventShowState && e.State == platform.StateTrial {
			t.Fatalf("public saw trial event %+v", e)
		}
	}
	n := 0
	for _, e := range readUntil(t, wsIn, "end") {
		if e.Type == platform.EventComment {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("trial link saw %d trial comments, want 1", n)
	}
}

func TestEventsResumeAcrossRestart(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("重启不丢")
	addr := strings.TrimPrefix(p.srv.URL(), "http://")
	sub := p.studio.Subscribe(context.Background(), s.ID, 0)
	defer sub.Close()
	v := p.newViewer(s.ID, "")
	for i := 0; i < 5; i++ {
		if _, st := v.comment(s.ID, fmt.Sprintf("第%d条", i)); st != 201 {
			t.Fatal(st)
		}
	}
	var got []platform.Event
	next := func() platform.Event {
		t.Helper()
		select {
		case e, ok := <-sub.C():
			if !ok {
				t.Fatalf("subscription ended: %v", sub.Err())
			}
			got = append(got, e)
			return e
		case <-time.After(10 * time.Second):
			t.Fatalf("no event after %d", len(got))
		}
		return platform.Event{}
	}
	for len(got) < 2+5 { // show_state approved, live, then the comments
		next()
	}
	p.srv.Close()
	// Events stored while the studio is away are replayed on resume.
	srv, err := New(Config{Addr: addr, DataDir: p.dir, Clock: p.clk, StudioToken: "studio-secret", Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	q := &testPlatform{t: t, srv: srv, clk: p.clk, dir: p.dir}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	q.studio = platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "studio-secret"})
	v.base = srv.URL()
	for i := 5; i < 10; i++ {
		if _, st := v.comment(s.ID, fmt.Sprintf("第%d条", i)); st != 201 {
			t.Fatal(st)
		}
	}
	if err := q.studio.Bulletin(ctx(t), s.ID, "end"); err != nil {
		t.Fatal(err)
	}
	for e := next(); e.Type != platform.EventBulletin; e = next() {
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: missed or repeated across the restart", i, e.Seq)
		}
	}
	if len(got) != 2+10+1 {
		t.Fatalf("got %d events, want 13", len(got))
	}
}

func TestOverflowingQueueCatchesUpFromStorage(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("慢")
	sh, err := p.srv.lookup(s.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A subscriber that does not drain its queue is marked behind (it will
	// read the rest from storage); it stays subscribed and the show goes on.
	slow := newSubscriber(2)
	slow.studio = true
	sh.mu.Lock()
	sh.subs[slow] = struct{}{}
	sh.mu.Unlock()
	for i := 0; i < 5; i++ {
		if err := p.studio.Bulletin(ctx(t), s.ID, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if !slow.behind.Load() || len(slow.ch) != 2 {
		t.Fatalf("behind %v with %d queued, want behind with 2", slow.behind.Load(), len(slow.ch))
	}
	sh.mu.Lock()
	_, still := sh.subs[slow]
	sh.mu.Unlock()
	if !still {
		t.Fatal("the slow subscriber was dropped")
	}
}
