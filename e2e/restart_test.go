package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/platform"
)

// TestViewerPageAcrossRestart restarts the platform under a playing viewer
// page: the page gets its picture back by itself, its comments resume where
// they stopped (nothing lost, nothing twice), and it can comment again.
func TestViewerPageAcrossRestart(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("重启不掉线 · restart")
	ingest := st.goLive(show.ID)
	events := st.events(show.ID)
	startPublisher(t, ingest.WHIPURL, ingest.Token, pubConfig{Width: 640, Height: 360, FPS: 30, BitrateBps: 800_000})

	v := b.newTab("viewer")
	v.navigate(ingest.ViewerURL)
	waitPlaying(v)

	v.do(chromedp.SendKeys(chromedp.ID("comment-input"), "重启前 before"), chromedp.Click(chromedp.ID("send")))
	before := events.waitComment("重启前 before")
	v.waitFor("the comment on the page", `__showcaster.comments().some(c => c.id === `+jsString(before.ID)+`)`, eventDeadline, pageState)
	connects := mustEval[int](v, `__showcaster.eventConnects()`)

	p.restart()

	// Something happens while the page is still reconnecting: it must arrive.
	st.reply(show.ID, platform.Reply{CommentID: before.ID, Text: "重启后的回复 after", Private: false})
	v.waitFor("the events to reconnect", fmt.Sprintf(`__showcaster.eventConnects() > %d`, connects), playDeadline, pageState)
	v.waitFor("the reply sent during the restart", `__showcaster.comments().some(c => c.replies.some(r => r.text === "重启后的回复 after"))`, eventDeadline, pageState)

	// The picture comes back: frames rise again.
	n := mustEval[int](v, `__showcaster.framesDecoded()`)
	v.waitFor("frames after the restart", fmt.Sprintf(`__showcaster.framesDecoded() >= %d`, n+30), 90*time.Second, pageState)
	v.waitFor("the page to play", `__showcaster.state() === "playing"`, eventDeadline, pageState)
	if m := mustEval[int](v, `__showcaster.mediaConnects()`); m < 2 {
		t.Errorf("the page connected its picture %d times; after a restart it needs a new WHEP session", m)
	}

	v.do(chromedp.SendKeys(chromedp.ID("comment-input"), "重启后 after"), chromedp.Click(chromedp.ID("send")))
	after := events.waitComment("重启后 after")
	v.waitFor("the new comment on the page", `__showcaster.comments().some(c => c.id === `+jsString(after.ID)+`)`, eventDeadline, pageState)

	type item struct {
		ID      string `json:"id"`
		Replies []struct {
			Text string `json:"text"`
		} `json:"replies"`
	}
	comments := mustEval[[]item](v, `__showcaster.comments()`)
	seen := map[string]int{}
	replies := 0
	for _, c := range comments {
		seen[c.ID]++
		for _, r := range c.Replies {
			if r.Text == "重启后的回复 after" {
				replies++
			}
		}
	}
	for id, k := range seen {
		if k > 1 {
			t.Errorf("comment %s shown %d times", id, k)
		}
	}
	if seen[before.ID] != 1 || seen[after.ID] != 1 || replies != 1 {
		t.Errorf("after the restart the page holds %+v; want the two comments once each and the reply once", comments)
	}
}
