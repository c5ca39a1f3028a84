package e2e

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coder/websocket"

	"showcaster/assets"
)

// TestCommentFlood sends the page 5000 comments as fast as a socket carries
// them, as a big show's comment storm would (the platform's per-viewer rate
// limits make such a storm the sum of many viewers, so a stand-in for the
// events socket sends it here). The page keeps every event in order, shows
// the newest comment, and keeps its list at the newest 200 rows.
func TestCommentFlood(t *testing.T) {
	const n = 5000
	static, err := fs.Sub(assets.Viewer, "viewer")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("/watch/s1", func(w http.ResponseWriter, r *http.Request) { http.ServeFileFS(w, r, static, "index.html") })
	mux.HandleFunc("/api/shows/s1/public", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"s1","title":"评论风暴 · flood","state":"live","likes":0,"online":0,"pinned":null,"viewer":{"id":"v1","name":"观众1"}}`)
	})
	mux.HandleFunc("/api/shows/s1/events", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for i := 1; i <= n; i++ {
			msg := fmt.Sprintf(`{"seq":%d,"type":"comment","comment":{"id":"c%d","viewer":{"id":"v%d","name":"观众%d"},"text":"第%d条 还有货吗"}}`, i, i, i%97, i%97, i)
			if err := c.Write(r.Context(), websocket.MessageText, []byte(msg)); err != nil {
				return
			}
		}
		<-r.Context().Done()
	})
	mux.HandleFunc("/whep/s1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"not_started","message":"no picture in this test"}}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := newBrowser(t)
	tb := b.newTab("flood")
	tb.navigate(srv.URL + "/watch/s1")
	tb.waitFor("every comment", fmt.Sprintf(`__showcaster.lastSeq() === %d`, n), eventDeadline, pageState)
	tb.waitFor("the newest comment on screen", fmt.Sprintf(`(document.querySelector("#comments li:last-child .comment-text") || {}).textContent === "第%d条 还有货吗"`, n), eventDeadline, pageState)
	if rows := mustEval[int](tb, `document.querySelectorAll("#comments > li").length`); rows > 200 {
		t.Errorf("the list holds %d rows, want at most 200", rows)
	}
	if kept := mustEval[int](tb, `__showcaster.comments().length`); kept != 200 {
		t.Errorf("the page keeps %d comments, want the newest 200", kept)
	}
	if ex := tb.exceptions(); len(ex) > 0 {
		t.Errorf("the page threw: %v", ex)
	}
}
