package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

func TestBadInput(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("坏输入")
	v := p.newViewer(s.ID, "")
	studioReq := func(method, path string, body []byte) (int, apiErr) {
		req, _ := http.NewRequest(method, p.srv.URL()+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+p.srv.StudioToken())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e apiErr
		_ = jsonDecode(resp, &e)
		return resp.StatusCode, e
	}
	cases := []struct {
		name   string
		status int
		code   string
		do     func() (int, apiErr)
	}{
		{"malformed JSON", 400, "bad_json", func() (int, apiErr) { return studioReq("POST", "/api/shows", []byte(`{"title":`)) }},
		{"oversize body", 413, "too_large", func() (int, apiErr) {
			return studioReq("POST", "/api/shows", []byte(`{"title":"`+strings.Repeat("x", 70<<10)+`"}`))
		}},
		{"unknown show", 404, "not_found", func() (int, apiErr) { return studioReq("GET", "/api/shows/s999", nil) }},
		{"unknown comment", 404, "not_found", func() (int, apiErr) {
			return studioReq("POST", "/api/shows/"+s.ID+"/replies", []byte(`{"comment_id":"c77","text":"hi"}`))
		}},
		{"unknown route", 404, "not_found", func() (int, apiErr) { return studioReq("GET", "/nope", nil) }},
		{"201-character comment", 400, "bad_request", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/api/shows/"+s.ID+"/comments", map[string]string{"text": strings.Repeat("好", 201)}, &e), e
		}},
		{"empty comment", 400, "bad_request", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/api/shows/"+s.ID+"/comments", map[string]string{"text": "   "}, &e), e
		}},
		{"malformed viewer JSON", 400, "bad_json", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/api/shows/"+s.ID+"/comments", []byte(`[1,2`), &e), e
		}},
		{"comment on unknown show", 404, "not_found", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/api/shows/s999/comments", map[string]string{"text": "hi"}, &e), e
		}},
		{"WHIP without token", 401, "unauthorized", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/whip/"+s.ID, []byte("v=0"), &e), e
		}},
		{"WHEP not SDP", 415, "bad_content_type", func() (int, apiErr) {
			var e apiErr
			return v.call("POST", "/whep/"+s.ID, []byte("{}"), &e), e
		}},
	}
	for _, c := range cases {
		st, e := c.do()
		if st != c.status || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%s: got %d %+v, want %d %s with a message", c.name, st, e, c.status, c.code)
		}
	}
	if c, st := v.comment(s.ID, "  "+strings.Repeat("好", 200)+"  "); st != 201 || len([]rune(c.Text)) != 200 {
		t.Errorf("200 characters after trimming: %d", st)
	}
}

func TestRateLimit(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("限流")
	v := p.newViewer(s.ID, "")
	for i := 0; i < 5; i++ {
		if _, st := v.comment(s.ID, "刷屏"); st != 201 {
			t.Fatalf("comment %d: %d", i, st)
		}
	}
	var e apiErr
	if st := v.call("POST", "/api/shows/"+s.ID+"/comments", map[string]string{"text": "刷屏"}, &e); st != 429 || e.Error.Code != "rate_limited" || !strings.Contains(e.Error.Message, "wait") {
		t.Fatalf("6th comment: %d %+v", st, e)
	}
	// Another viewer has a budget of their own; time refills the first one's.
	if _, st := p.newViewer(s.ID, "").comment(s.ID, "我也说"); st != 201 {
		t.Fatalf("other viewer: %d", st)
	}
	p.clk.Advance(2 * time.Second)
	if _, st := v.comment(s.ID, "又可以了"); st != 201 {
		t.Fatalf("after refill: %d", st)
	}
}

func TestOrdersLikesReport(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("带货")
	c := ctx(t)
	v := p.newViewer(s.ID, "")
	var o platform.Order
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, nil); st != 409 {
		t.Fatalf("order before any pin: %d", st)
	}
	prod := platform.Product{ID: "p1", LinkNo: 1, Title: "羊毛围巾", PriceCents: 9900, Currency: "CNY", Stock: 3}
	if err := p.studio.Pin(c, s.ID, prod); err != nil {
		t.Fatal(err)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 2, "amount_cents": 1}, &o); st != 201 || o.AmountCents != 19800 || o.ID == "" {
		t.Fatalf("order: %d %+v", st, o)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 2}, nil); st != 409 {
		t.Fatalf("over stock: %d", st)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, nil); st != 201 {
		t.Fatalf("last one: %d", st)
	}
	for i := 0; i < 3; i++ {
		if st := v.call("POST", "/api/shows/"+s.ID+"/likes", nil, nil); st != 200 {
			t.Fatalf("like: %d", st)
		}
	}
	var pub platform.Public
	v.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.Pinned == nil || pub.Pinned.ID != "p1" || pub.Likes != 3 || pub.Online != 0 || pub.Viewer.ID != v.me.ID {
		t.Fatalf("public: %+v", pub)
	}
	if err := p.studio.Moderate(c, s.ID, v.me.ID, platform.ModerationBlock); err != nil {
		t.Fatal(err)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/likes", nil, nil); st != 403 {
		t.Fatalf("blocked like: %d", st)
	}
	p.clk.Advance(time.Second) // the stats tick samples the minute
	time.Sleep(50 * time.Millisecond)
	if _, err := p.studio.End(c, s.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := p.studio.Report(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Orders != 2 || rep.Buyers != 1 || rep.RevenueCents != 29700 || rep.Likes != 3 || rep.Viewers != 1 || len(rep.Series) == 0 {
		t.Fatalf("report: %+v", rep)
	}
}

func jsonDecode(resp *http.Response, v any) error {
	return jsonNewDecoder(resp).Decode(v)
}
