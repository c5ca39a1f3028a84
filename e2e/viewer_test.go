package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/platform"
)

// Deadlines bound how long a condition may take on a loaded 2-core machine;
// nothing waits for them when things work.
const (
	playDeadline  = 60 * time.Second
	eventDeadline = 30 * time.Second
)

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// productImage serves a product photo stand-in (a coat's outline on a warm
// background) and returns its URL, so the buy card loads a real image.
func productImage(t testing.TB) string {
	img := image.NewRGBA(image.Rect(0, 0, 160, 160))
	for y := range 160 {
		for x := range 160 {
			img.Set(x, y, color.RGBA{uint8(235 - y/4), uint8(200 - y/3), uint8(170 - y/4), 255})
		}
	}
	coat := color.RGBA{120, 72, 48, 255}
	for y := 30; y < 145; y++ {
		half := 22 + (y-30)/4
		for x := 80 - half; x < 80+half; x++ {
			img.Set(x, y, coat)
		}
	}
	for y := 34; y < 110; y++ { // sleeves
		for x := 26; x < 42; x++ {
			img.Set(x+(y-34)/8, y, coat)
			img.Set(159-x-(y-34)/8, y, coat)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/coat.png"
}

// waitPlaying waits until the page decodes frames and the count keeps rising.
func waitPlaying(tb *tab) {
	tb.t.Helper()
	tb.waitFor("the first decoded frames", `__showcaster.framesDecoded() >= 10`, playDeadline, pageState)
	n := mustEval[int](tb, `__showcaster.framesDecoded()`)
	tb.waitFor(fmt.Sprintf("more frames than %d", n+15), fmt.Sprintf(`__showcaster.framesDecoded() >= %d`, n+15), playDeadline, pageState)
	tb.waitFor("the page to say it plays", `__showcaster.state() === "playing"`, eventDeadline, pageState)
}

// TestViewerPage plays a live show in headless Chromium and runs a viewer's
// part of it: watching, commenting, reading replies (public ones everywhere,
// private ones only where they belong), the buy card, and a trial that the
// public cannot see.
func TestViewerPage(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)

	// --- A trial first: invisible to the public, playing for the trial link.
	trial := st.createApprovedShow("试播彩排 · 新品预热")
	trialIngest := st.startTrial(trial.ID)
	trialPub := startPublisher(t, trialIngest.WHIPURL, trialIngest.Token, pubConfig{Width: 640, Height: 360, FPS: 30, BitrateBps: 800_000})

	public := b.newTab("public-of-trial")
	public.navigate(p.url + "/watch/" + trial.ID)
	keyed := b.newTab("trial-link")
	rec := newRecorder(t, p.url)
	keyed.navigate(rec.via(trialIngest.ViewerURL))
	if !strings.Contains(trialIngest.ViewerURL, "key=") {
		t.Fatalf("trial viewer URL %q carries no key", trialIngest.ViewerURL)
	}
	waitPlaying(keyed)
	public.waitFor("the public page to say not started", `__showcaster.state() === "not-started"`, eventDeadline, pageState)
	card := mustEval[string](public, `document.getElementById("state").innerText`)
	if !strings.Contains(card, "直播尚未开始") || !strings.Contains(card, "not started") {
		t.Errorf("public page of a trial shows %q, want the bilingual not-started message", card)
	}
	// The trial has played for a while by now; the public page still has no picture.
	if n := mustEval[int](public, `__showcaster.framesDecoded()`); n != 0 {
		t.Errorf("public page decoded %d frames of a trial", n)
	}
	// Leaving the page ends its playback session on the platform.
	keyed.navigate(rec.url + "/static/viewer.css")
	rec.waitRequest("DELETE", "/whep/"+trial.ID+"/", eventDeadline)
	trialPub.stop()
	public.close()
	keyed.close()

	// --- The formal broadcast, with two viewers (two cookie jars).
	show := st.createApprovedShow("秋冬上新 · 羊毛大衣专场")
	ingest := st.goLive(show.ID)
	events := st.events(show.ID)
	startPublisher(t, ingest.WHIPURL, ingest.Token, pubConfig{Width: 1280, Height: 720, FPS: 30, BitrateBps: 2_500_000})

	st.pin(show.ID, platform.Product{
		ID: "p1", LinkNo: 1, Title: "双面羊毛大衣 女款 中长款", ImageURL: productImage(t),
		PriceCents: 29900, OriginalPriceCents: 59900, Currency: "CNY", Coupon: "满299减30",
	})
	st.bulletin(show.ID, "拍1号链接,前100名送围巾")

	alice := b.newTab("viewer-a")
	alice.navigate(ingest.ViewerURL)
	bob := b.newTab("viewer-b")
	bob.navigate(ingest.ViewerURL)
	waitPlaying(alice)
	waitPlaying(bob)
	for _, v := range []*tab{alice, bob} {
		v.waitFor("the pinned product card", `!document.getElementById("product").hidden && __showcaster.pinned() && __showcaster.pinned().id === "p1"`, eventDeadline, pageState)
		v.waitFor("the bulletin", `document.getElementById("bulletin-text").textContent.includes("前100名送围巾")`, eventDeadline, pageState)
	}
	// The picture carries the card and the bulletin; the page's own parts
	// sit beside it (desktop) or under it (phone), never over it.
	for _, size := range []viewport{desktop, phone} {
		checkBesidePicture(bob, size)
	}
	bob.do(chromedp.EmulateReset())

	aliceID := mustEval[string](alice, `__showcaster.viewerID()`)
	bobID := mustEval[string](bob, `__showcaster.viewerID()`)
	if aliceID == "" || aliceID == bobID {
		t.Fatalf("viewer ids %q and %q: want two different viewers", aliceID, bobID)
	}

	// A comment typed into the page, as a person would, reaches the studio.
	question := "M码适合160cm吗?"
	alice.do(
		chromedp.Click(chromedp.ID("comment-input")),
		chromedp.SendKeys(chromedp.ID("comment-input"), question),
		chromedp.Click(chromedp.ID("send")),
	)
	got := events.waitComment(question)
	if got.Viewer.ID != aliceID {
		t.Errorf("studio saw the comment from viewer %q, want %q", got.Viewer.ID, aliceID)
	}
	// Wait for what a person sees: the page draws in batches, so its state
	// may hold a comment a frame before the list shows it.
	bob.waitFor("alice's comment on bob's page", shownComment(question), eventDeadline, pageState)
	alice.waitFor("the input to clear", `document.getElementById("comment-input").value === ""`, eventDeadline, pageState)

	// A public reply appears under the comment on every page.
	st.reply(show.ID, platform.Reply{CommentID: got.ID, Text: "适合的,建议M码", Private: false})
	for _, v := range []*tab{alice, bob} {
		v.waitFor("the public reply under the comment", shownReply("适合的,建议M码", false), eventDeadline, pageState)
	}

	// A private reply appears on alice's page only, marked private.
	st.reply(show.ID, platform.Reply{CommentID: got.ID, Text: "私下给您发个尺码表", Private: true})
	alice.waitFor("the private reply", shownReply("私下给您发个尺码表", true), eventDeadline, pageState)
	marked := mustEval[string](alice, `[...document.querySelectorAll(".reply.private")].map(e => e.innerText).join("\n")`)
	if !strings.Contains(marked, "私信") || !strings.Contains(marked, "private") || !strings.Contains(marked, "私下给您发个尺码表") {
		t.Errorf("alice's private reply reads %q; want it marked 私信 / private", marked)
	}
	// Events arrive in seq order: once bob has a public reply posted after
	// the private one, he would have had the private one too.
	st.reply(show.ID, platform.Reply{CommentID: got.ID, Text: "库存充足,放心拍", Private: false})
	bob.waitFor("the later public reply", shownReply("库存充足,放心拍", false), eventDeadline, pageState)
	if leaked := mustEval[bool](bob, `document.body.innerText.includes("私下给您发个尺码表")`); leaked {
		t.Error("bob's page shows the private reply meant for alice")
	}

	// Markup in a comment stays text on every page.
	xss := `<img src=x onerror="window.__xss=1">买买买`
	bob.do(
		chromedp.SendKeys(chromedp.ID("comment-input"), xss),
		chromedp.Click(chromedp.ID("send")),
	)
	events.waitComment(xss)
	for _, v := range []*tab{alice, bob} {
		v.waitFor("the markup comment as text", `[...document.querySelectorAll("#comments .comment-text")].some(e => e.textContent === `+jsString(xss)+`)`, eventDeadline, pageState)
		if n := mustEval[int](v, `document.querySelectorAll("#comments img").length`); n != 0 {
			t.Errorf("[%s] a comment turned into %d <img> elements", v.name, n)
		}
		if ran := mustEval[bool](v, `window.__xss === 1`); ran {
			t.Errorf("[%s] a comment's markup ran script", v.name)
		}
	}

	// Buying the pinned product creates an order the studio sees.
	alice.do(chromedp.Click(chromedp.ID("buy")))
	order := events.waitOrder("p1")
	if order.ViewerID != aliceID || order.AmountCents != 29900 {
		t.Errorf("order %+v: want viewer %s paying 29900", order, aliceID)
	}
	alice.waitFor("the order confirmation", `document.getElementById("toast").innerText.includes("下单成功")`, eventDeadline, pageState)

	// A like raises the count.
	alice.do(chromedp.Click(chromedp.ID("like")))
	bob.waitFor("the like count", `document.getElementById("likes").textContent !== "0"`, eventDeadline, pageState)

	// The frame count still rises at the end: the page kept playing throughout.
	waitPlaying(bob)

	if path := os.Getenv("SHOWCASTER_SCREENSHOT"); path != "" {
		// A livelier room for the picture in the docs.
		for _, c := range []struct {
			v    *tab
			text string
		}{{bob, "颜色好看!有黑色吗"}, {alice, "已拍,期待发货"}, {bob, "主播讲下面料"}} {
			c.v.do(chromedp.SendKeys(chromedp.ID("comment-input"), c.text), chromedp.Click(chromedp.ID("send")))
			alice.waitFor("comment "+c.text, shownComment(c.text), eventDeadline, pageState)
		}
		alice.waitFor("the toast to go", `document.getElementById("toast").hidden`, eventDeadline, pageState)
		// The room on a laptop and on a phone held upright.
		for _, size := range []viewport{desktop, phone} {
			checkBesidePicture(alice, size)
			waitPlaying(alice) // a few frames drawn at the new size
			out := path
			if size.mobile {
				out = strings.TrimSuffix(path, filepath.Ext(path)) + "-mobile" + filepath.Ext(path)
			}
			if err := os.WriteFile(out, alice.screenshot(), 0o644); err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(out)
			t.Logf("screenshot of the viewer page (%s): %s", size.name, abs)
		}
		alice.do(chromedp.EmulateReset())
	}

	// Commenting too fast: the page shows the platform's message and keeps the text.
	alice.waitFor("earlier messages to go", `document.getElementById("toast").hidden`, eventDeadline, pageState)
	limited := false
	for i := range 8 {
		text := fmt.Sprintf("第%d条 快速评论", i+1)
		alice.do(chromedp.SendKeys(chromedp.ID("comment-input"), text), chromedp.Click(chromedp.ID("send")))
		alice.waitFor("the comment to be sent or refused", `document.getElementById("comment-input").value === "" || document.getElementById("toast").innerText.includes("发送失败")`, eventDeadline, pageState)
		if mustEval[bool](alice, `!document.getElementById("toast").hidden && document.getElementById("toast").innerText.includes("发送失败")`) {
			limited = true
			if kept := mustEval[string](alice, `document.getElementById("comment-input").value`); kept != text {
				t.Errorf("the refused comment's text is %q in the input, want %q kept", kept, text)
			}
			break
		}
	}
	if !limited {
		t.Error("eight comments in a row were all accepted; want the rate limit's message on the page")
	} else if msg := mustEval[string](alice, `document.getElementById("toast").innerText`); !strings.Contains(msg, "操作太快了") {
		// The platform's reason reads in Chinese too, not only its English sentence.
		t.Errorf("rate limit on the page reads %q; want it in Chinese as well", msg)
	}

	// Ending the show: both pages say so.
	st.end(show.ID)
	for _, v := range []*tab{alice, bob} {
		v.waitFor("the ended message", `__showcaster.state() === "ended"`, eventDeadline, pageState)
	}
	for _, v := range []*tab{alice, bob} {
		if ex := v.exceptions(); len(ex) > 0 {
			t.Errorf("[%s] the page threw: %s", v.name, strings.Join(ex, "; "))
		}
	}
}

// viewport is a screen the page is laid out for.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1366, 768, false}
	phone   = viewport{"phone", 390, 844, true}
)

func (v viewport) emulate(tb *tab) {
	tb.t.Helper()
	if v.mobile {
		tb.do(chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	} else {
		tb.do(chromedp.EmulateViewport(v.width, v.height))
	}
	tb.waitFor(fmt.Sprintf("the %s layout", v.name), fmt.Sprintf(`window.innerWidth === %d && window.innerHeight === %d`, v.width, v.height), eventDeadline, pageState)
}

// overPicture lists the page's own visible parts whose rectangles meet the
// <video> element's, parts that stick out of the window, and what keeps
// the Buy button from being pressed; empty when the layout is right.
const overPicture = `(() => {
  const bad = [];
  const v = document.getElementById("video").getBoundingClientRect();
  if (v.width < 100 || v.height < 100) bad.push("the picture is " + v.width + "x" + v.height);
  const box = (r) => [r.left, r.top, r.right, r.bottom].map(Math.round).join(",");
  for (const sel of ["#topbar", "#unmute", "#product", "#buy", "#bulletin", "#comments", "#comments > li", "#toolkit", "#composer"]) {
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
      if (sel === "#comments > li") {
        // A comment scrolled out of its list is clipped by it, not shown.
        const l = document.getElementById("comments").getBoundingClientRect();
        if (r.bottom <= l.top || r.top >= l.bottom) continue;
      }
      if (r.left < v.right && r.right > v.left && r.top < v.bottom && r.bottom > v.top)
        bad.push(sel + " [" + box(r) + "] meets the picture [" + box(v) + "]");
      if (sel !== "#comments > li" && (r.top < 0 || r.left < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5))
        bad.push(sel + " [" + box(r) + "] is outside the window " + innerWidth + "x" + innerHeight);
    }
  }
  const buy = document.getElementById("buy");
  const b = buy.getBoundingClientRect();
  const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
  if (buy.disabled || b.width === 0 || !hit || !buy.contains(hit))
    bad.push("the Buy button [" + box(b) + "] cannot be pressed (disabled " + buy.disabled + ", on top: " + (hit ? hit.id || hit.className : "nothing") + ")");
  return bad;
})()`

// checkBesidePicture lays the page out at size and waits until none of its
// parts covers the picture and the Buy button can be pressed.
func checkBesidePicture(tb *tab, size viewport) {
	tb.t.Helper()
	size.emulate(tb)
	tb.waitFor("the page's parts beside the picture at "+size.name+" size", overPicture+`.length === 0`, eventDeadline, overPicture)
}

// shownComment is true once the page's comment list shows text.
func shownComment(text string) string {
	return `[...document.querySelectorAll("#comments .comment-text")].some(e => e.textContent === ` + jsString(text) + `)`
}

// shownReply is true once the page shows a reply with text, marked private
// or not, under its comment.
func shownReply(text string, private bool) string {
	sel := `#comments .reply:not(.private)`
	if private {
		sel = `#comments .reply.private`
	}
	return `[...document.querySelectorAll(` + jsString(sel) + `)].some(e => e.innerText.includes(` + jsString(text) + `))`
}
