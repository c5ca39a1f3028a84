package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"showcaster/platform"
)

// shot keeps a screenshot of the tab in $SHOWCASTER_SHOTS (when set), to look at.
func shot(tb *tab, name string) {
	dir := os.Getenv("SHOWCASTER_SHOTS")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), tb.screenshot(), 0o644); err != nil {
		tb.t.Logf("keep screenshot %s: %v", name, err)
	}
}

// TestBookingThenTheShowStarts opens the viewer link before the start: the
// preview page with its countdown and Book button; booking counts; when the
// show goes live, the booked page switches to the picture by itself.
func TestBookingThenTheShowStarts(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("双十二预告 · 羊绒专场")

	page := b.newTab("booked")
	page.navigate(p.url + "/watch/" + show.ID)
	page.waitFor("the preview", `window.__showcasterBetween && __showcasterBetween.previewShown()`, eventDeadline, pageState)
	page.waitFor("the countdown", `document.getElementById("preview-countdown").textContent.includes("Starts in")`, eventDeadline, pageState)
	shot(page, "preview-before-booking.png")
	page.do(chromedp.Click(chromedp.ID("book")))
	page.waitFor("the booking", `__showcasterBetween.booked() && __showcasterBetween.bookings() === 1`, eventDeadline, pageState)
	if got := mustEval[string](page, `document.getElementById("book-count").textContent`); got != "已有 1 人预约 / 1 booked" {
		t.Errorf("booking count reads %q", got)
	}
	shot(page, "preview-booked.png")
	ctx, cancel := st.ctx()
	defer cancel()
	sh, err := st.c.Show(ctx, show.ID)
	st.check("read show", err)
	if sh.Bookings != 1 {
		t.Fatalf("the studio sees %d bookings, want 1", sh.Bookings)
	}

	// A second viewer's booking reaches the first page live.
	other := b.newTab("second")
	other.navigate(p.url + "/watch/" + show.ID)
	other.waitFor("the preview", `window.__showcasterBetween && __showcasterBetween.previewShown()`, eventDeadline, pageState)
	other.do(chromedp.Click(chromedp.ID("book")))
	page.waitFor("the second booking on the first page", `__showcasterBetween.bookings() === 2`, eventDeadline, pageState)
	other.close()

	ingest := st.goLive(show.ID)
	startPublisher(t, ingest.WHIPURL, ingest.Token, pubConfig{Width: 640, Height: 360, FPS: 30, BitrateBps: 800_000})
	waitPlaying(page)
	if mustEval[bool](page, `__showcasterBetween.previewShown()`) {
		t.Error("the preview still covers the picture after the start")
	}
	shot(page, "preview-switched-to-live.png")
}

// TestReplayPlaysAndSeeks records a short formal broadcast (after a trial,
// which stays out of the replay) and plays its replay after the end in
// Chromium's own <video>, seeking into the middle.
func TestReplayPlaysAndSeeks(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("回放测试 · 短场")
	trial := st.startTrial(show.ID)
	pub := startPublisher(t, trial.WHIPURL, trial.Token, pubConfig{Width: 640, Height: 360, FPS: 30, BitrateBps: 800_000})
	// A trial that plays for a while: the replay must not hold it.
	trialTab := b.newTab("trial")
	trialTab.navigate(trial.ViewerURL)
	waitPlaying(trialTab)
	trialTab.close()
	ingest := st.goLive(show.ID)
	if ingest.WHIPURL != trial.WHIPURL {
		t.Fatalf("live ingest %s differs from the trial's %s", ingest.WHIPURL, trial.WHIPURL)
	}
	// The same publisher carries on into the formal broadcast; wait until its
	// picture has been relayed for a while.
	watcher := b.newTab("live")
	watcher.navigate(p.url + "/watch/" + show.ID)
	waitPlaying(watcher)
	watcher.waitFor("eight seconds of the broadcast", `__showcaster.framesDecoded() >= 240`, playDeadline, pageState)
	st.end(show.ID)
	pub.stop()

	page := b.newTab("replay")
	page.navigate(p.url + "/watch/" + show.ID)
	page.waitFor("the replay", `window.__showcasterBetween && __showcasterBetween.replayURL() !== ""`, playDeadline, pageState)
	const replayState = `JSON.stringify((() => { const v = document.getElementById("replay");
	  return { src: v.currentSrc, ready: v.readyState, t: v.currentTime, d: v.duration, w: v.videoWidth,
	    err: v.error && v.error.message, frames: v.getVideoPlaybackQuality().totalVideoFrames, paused: v.paused }; })())`
	page.waitFor("the replay's metadata", `document.getElementById("replay").readyState >= 1`, playDeadline, replayState)
	d := mustEval[float64](page, `document.getElementById("replay").duration`)
	if d < 6 || d > 30 {
		t.Fatalf("the replay lasts %.1f s; the broadcast was about 8–15 s and the trial must not be in it", d)
	}
	if w := mustEval[int](page, `document.getElementById("replay").videoWidth`); w != 640 {
		t.Errorf("replay picture is %d wide, want 640", w)
	}
	mustEval[bool](page, `(document.getElementById("replay").play(), true)`)
	page.waitFor("the replay to play", `document.getElementById("replay").currentTime > 1`, playDeadline, replayState)
	target := d / 2
	mustEval[bool](page, fmt.Sprintf(`(document.getElementById("replay").currentTime = %f, true)`, target))
	page.waitFor("the seek", fmt.Sprintf(`!document.getElementById("replay").seeking && document.getElementById("replay").currentTime >= %f`, target), playDeadline, replayState)
	frames := mustEval[int](page, `document.getElementById("replay").getVideoPlaybackQuality().totalVideoFrames`)
	page.waitFor("frames after the seek", fmt.Sprintf(`document.getElementById("replay").getVideoPlaybackQuality().totalVideoFrames > %d && document.getElementById("replay").currentTime > %f`, frames+10, target+0.3), playDeadline, replayState)
	shot(page, "replay.png")

	ctx, cancel := st.ctx()
	defer cancel()
	if sh, err := st.c.Show(ctx, show.ID); err != nil || sh.State != platform.StateEnded {
		t.Fatalf("show after the end: %+v %v", sh, err)
	}
}

// TestVenuePage lists the live shows by popularity on the venue page.
func TestVenuePage(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	for _, title := range []string{"秋冬上新 · 羊毛大衣专场", "年货节 · 坚果礼盒"} {
		sh := st.createApprovedShow(title)
		st.goLive(sh.ID)
	}
	page := b.newTab("venue")
	page.navigate(p.url + "/venue")
	page.waitFor("two shows listed", `window.__showcasterVenue && __showcasterVenue.rows() === 2`, eventDeadline, `document.body.innerText`)
	if text := mustEval[string](page, `document.getElementById("list").innerText`); !strings.Contains(text, "直播中 / LIVE") || !strings.Contains(text, "年货节") {
		t.Errorf("venue list reads %q", text)
	}
	shot(page, "venue.png")
	page.do(chromedp.Click(chromedp.ID("tab-week")))
	page.waitFor("the week's list", `__showcasterVenue.period() === "week" && __showcasterVenue.loaded() >= 2`, eventDeadline, `document.body.innerText`)
}
