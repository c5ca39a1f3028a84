package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// studioCall sends a studio request with the given headers and returns status and error code.
func studioCall(t *testing.T, p *testPlatform, method, path, body string, hdr map[string]string) (int, apiErr, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, p.srv.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.srv.StudioToken())
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var e apiErr
	json.Unmarshal(data, &e)
	return resp.StatusCode, e, resp.Header
}

// Row 9: an Idempotency-Key is bound to its call; reused for another, 422.
func TestIdempotencyKeyBoundToCall(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("幂等")
	key := map[string]string{"Idempotency-Key": "k-1"}
	if st, e, _ := studioCall(t, p, "POST", "/api/shows/"+s.ID+"/bulletins", `{"text":"公告"}`, key); st != 201 {
		t.Fatalf("bulletin: %d %+v", st, e)
	}
	if st, _, h := studioCall(t, p, "POST", "/api/shows/"+s.ID+"/bulletins", `{"text":"公告"}`, key); st != 201 || h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the same call again: %d, replayed %q", st, h.Get("Idempotent-Replayed"))
	}
	create := `{"title":"新场次","starts_at":"2026-11-23T20:00:00+08:00","duration_min":60}`
	if st, e, _ := studioCall(t, p, "POST", "/api/shows", create, key); st != http.StatusUnprocessableEntity || e.Error.Code != "idempotency_key_reused" {
		t.Fatalf("the key reused on create-show: %d %+v", st, e)
	}
	if st, e, _ := studioCall(t, p, "POST", "/api/shows/"+s.ID+"/bulletins", `{"text":"另一条"}`, key); st != http.StatusUnprocessableEntity {
		t.Fatalf("the key reused with another body: %d %+v", st, e)
	}
	if st, e, _ := studioCall(t, p, "POST", "/api/shows", create, map[string]string{"Idempotency-Key": "k-2"}); st != 201 {
		t.Fatalf("create-show with its own key: %d %+v", st, e)
	}
}

// Row 10: money cannot overflow.
func TestMoneyOverflowRefused(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("溢出")
	huge := platform.Product{ID: "p1", Title: "金条", PriceCents: 1 << 62, Currency: "CNY"}
	if err := p.studio.Pin(ctx(t), s.ID, huge); err == nil {
		t.Fatal("a price of 2^62 cents was pinned")
	}
	if _, ok := MulCents(MaxPriceCents, 99); !ok {
		t.Fatal("the highest price × 99 overflows")
	}
	if _, ok := MulCents(1<<62, 99); ok {
		t.Fatal("2^62 × 99 did not overflow")
	}
	if err := p.studio.Pin(ctx(t), s.ID, platform.Product{ID: "p1", Title: "金条", PriceCents: MaxPriceCents, Currency: "CNY"}); err != nil {
		t.Fatal(err)
	}
	v := p.newViewer(s.ID, "")
	var o platform.Order
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 99}, &o); st != 201 || o.AmountCents != MaxPriceCents*99 {
		t.Fatalf("order: %d %+v", st, o)
	}
	rep, err := p.studio.Report(ctx(t), s.ID)
	if err != nil || rep.RevenueCents != MaxPriceCents*99 {
		t.Fatalf("report: %+v %v", rep, err)
	}
}

// Row 11: ids are parsed exactly.
func TestIDsParsedExactly(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("编号")
	v := p.newViewer(s.ID, "")
	c, _ := v.comment(s.ID, "你好")
	for _, bad := range []string{c.ID + " OR 1=1", c.ID + "x", "c0" + c.ID[1:], " " + c.ID, "c-1", "c"} {
		err := p.studio.Reply(ctx(t), s.ID, platform.Reply{CommentID: bad, Text: "回复"})
		if statusOfErr(err) != 404 {
			t.Errorf("reply to %q: %v", bad, err)
		}
	}
	if err := p.studio.Reply(ctx(t), s.ID, platform.Reply{CommentID: c.ID, Text: "回复"}); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]int64{"c1": 1, "c41": 41, "s9": 9} {
		if n, ok := ParseID(in[:1], in); !ok || n != want {
			t.Errorf("ParseID(%q) = %d %v", in, n, ok)
		}
	}
}

// Row 12: banned words match through invisible characters and spaces;
// text that is only invisible or control characters is empty.
func TestTextNormalisedBeforeChecks(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("文字")
	v := p.newViewer(s.ID, "")
	for _, text := range []string{"假\u200b货", "假 货", "假\u00a0货", "ＦＯＯ假货", "假\u202e货"} {
		c, st := v.comment(s.ID, text)
		if st != 201 || !c.Flagged {
			t.Errorf("comment %q: %d flagged=%v", text, st, c.Flagged)
		}
		p.clk.Advance(2 * time.Second)
	}
	for _, text := range []string{"\u200b\u200b", "\x00", "\u202e", " \u2060 ", "\ufeff"} {
		if _, st := v.comment(s.ID, text); st != 400 {
			t.Errorf("comment %q: %d, want 400", text, st)
		}
	}
	c, st := v.comment(s.ID, "ok\x00\u202egood")
	if st != 201 || c.Text != "okgood" {
		t.Errorf("controls kept: %d %q", st, c.Text)
	}
	if st := v.call("POST", "/api/viewer/name", map[string]string{"name": "\u200b\u200d"}, nil); st != 400 {
		t.Errorf("an invisible name: %d", st)
	}
	if got := CleanText("ＡＢＣ\u3000１２３"); got != "ABC 123" {
		t.Errorf("NFKC: %q", got)
	}
}

// Row 13: JSON endpoints take application/json only, one value only; viewer
// calls from another origin are refused; the viewer page carries its policy.
func TestJSONEndpointsAndPageHeaders(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("跨站")
	v := p.newViewer(s.ID, "")
	post := func(ct, body, origin string) int {
		req, _ := http.NewRequest("POST", p.srv.URL()+"/api/shows/"+s.ID+"/comments", strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := v.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("text/plain", `{"text":"csrf"}`, ""); st != 415 {
		t.Errorf("text/plain comment: %d", st)
	}
	if st := post("application/json", `{"text":"a"} trailing`, ""); st != 400 {
		t.Errorf("trailing garbage: %d", st)
	}
	if st := post("application/json", `{"text":"a"}{"text":"b"}`, ""); st != 400 {
		t.Errorf("two values: %d", st)
	}
	if st := post("application/json", `{"text":"csrf"}`, "http://127.0.0.1:1"); st != 403 {
		t.Errorf("a comment from another origin: %d", st)
	}
	if st := post("application/json; charset=utf-8", `{"text":"好"}`, p.srv.URL()); st != 201 {
		t.Errorf("a comment from the viewer page: %d", st)
	}
	resp, err := v.hc.Get(p.srv.URL() + "/watch/" + s.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "script-src 'self'") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("viewer page headers: CSP %q, nosniff %q", csp, resp.Header.Get("X-Content-Type-Options"))
	}
}

// Row 17, small things: JSON 404s, count 0 present, no zero times, pending
// titles hidden, short studio tokens refused.
func TestSmallAnswers(t *testing.T) {
	p := newPlatform(t)
	for _, path := range []string{"/static/nope.js", "/watch/s999"} {
		resp, err := http.Get(p.srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		var e apiErr
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 404 || e.Error.Code != "not_found" {
			t.Errorf("GET %s: %d %+v", path, resp.StatusCode, e)
		}
	}
	b, _ := json.Marshal(platform.Event{Seq: 3, Type: platform.EventOnline})
	if !bytes.Contains(b, []byte(`"count":0`)) {
		t.Errorf("online 0: %s", b)
	}
	sh, err := p.studio.CreateShow(ctx(t), platform.NewShow{Title: "待审核的标题", StartsAt: epoch, DurationMin: 60})
	if err != nil {
		t.Fatal(err)
	}
	raw := p.newViewer(sh.ID, "")
	var pub map[string]any
	raw.call("GET", "/api/shows/"+sh.ID+"/public", nil, &pub)
	if pub["title"] != "" && pub["title"] != nil {
		t.Errorf("a pending show's title is public: %v", pub["title"])
	}
	b, _ = json.Marshal(sh)
	if bytes.Contains(b, []byte("0001-01-01")) {
		t.Errorf("zero times in %s", b)
	}
	if _, err := New(Config{DataDir: t.TempDir(), Clock: clock.NewFake(epoch), StudioToken: "ab"}); !errors.Is(err, ErrBadToken) {
		t.Errorf("a 2-character studio token: %v", err)
	}
}
