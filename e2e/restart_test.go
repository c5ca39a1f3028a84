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
	v.waitFor("the comment on the page", shownComment("重启前 before"), eventDeadline, pageState)
	connects := mustEval[int](v, `__showcaster.eventConnects()`)

	p.restart()

	// Something happens while the page is still reconnecting: it must arrive.
	st.reply(show.ID, platform.Reply{CommentID: before.ID, Text: "重启后的回复 after", Private: false})
	v.waitFor("the events to reconnect", fmt.Sprintf(`__showcaster.eventConnects() > %d`, connects), playDeadline, pageState)
	v.waitFor("the reply sent during the restart", shownReply("重启后的回复 after", false), eventDeadline, pageState)

	// The picture comes back: frames rise again.
	n := mustEval[int](v, `__showcaster.framesDecoded()`)
	v.waitFor("frames after the restart", fmt.Sprintf(`__showcaster.framesDecoded() >= %d`, n+30), 90*time.Second, pageState)
	v.waitFor("the page to play", `__showcaster.state() === "playing"`, eventDeadline, pageState)
	if m := mustEval[int](v, `__showcaster.mediaConnects()`); m < 2 {
		t.Errorf("the page connected its picture %d times; after a restart it needs a new WHEP session", m)
	}

	v.do(chromedp.SendKeys(chromedp.ID("comment-input"), "重启后 after"), chromedp.Click(chromedp.ID("send")))
	events.waitComment("重启后 after")
	v.waitFor("the new comment on the page", shownComment("重启后 after"), eventDeadline, pageState)

	// What the viewer sees: each comment once, the reply once.
	count := func(sel, text string) int {
		return mustEval[int](v, `[...document.querySelectorAll(`+jsString(sel)+`)].filter(e => e.textContent.includes(`+jsString(text)+`)).length`)
	}
	if b, a, r := count("#comments .comment-text", "重启前 before"), count("#comments .comment-text", "重启后 after"), count("#comments .reply", "重启后的回复 after"); b != 1 || a != 1 || r != 1 {
		t.Errorf("after the restart the page shows the first comment %d times, the second %d times and the reply %d times; want each once", b, a, r)
	}
}
