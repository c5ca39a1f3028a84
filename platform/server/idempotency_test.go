package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

// A reply sent twice with one Idempotency-Key (the HTTP client resending
// after a dropped connection) is posted once; the repeat gets the first answer.
func TestIdempotentRepliesArePostedOnce(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("幂等")
	v := p.newViewer(s.ID, "")
	c, st := v.comment(s.ID, "在吗")
	if st != 201 {
		t.Fatalf("comment: %d", st)
	}
	send := func() *http.Response {
		req, _ := http.NewRequest("POST", p.srv.URL()+"/api/shows/"+s.ID+"/replies",
			strings.NewReader(`{"comment_id":"`+c.ID+`","text":"在的","private":false}`))
		req.Header.Set("Authorization", "Bearer "+p.srv.StudioToken())
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "k-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first, second := send(), send()
	if first.StatusCode != 201 || second.StatusCode != 201 || second.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("answers %d and %d (replayed %q): want 201 twice, the second replayed", first.StatusCode, second.StatusCode, second.Header.Get("Idempotent-Replayed"))
	}
	// The stream replays the show's history at once; a quiet half second
	// after it means everything was seen.
	replies := 0
	evs := p.studio.Events(ctx(t), s.ID, 0)
	for quiet := false; !quiet; {
		select {
		case ev := <-evs:
			if ev.Type == platform.EventReply {
				replies++
			}
		case <-time.After(500 * time.Millisecond):
			quiet = true
		}
	}
	if replies != 1 {
		t.Errorf("the show's events hold %d replies, want 1", replies)
	}
}
