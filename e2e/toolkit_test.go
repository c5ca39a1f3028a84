package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/platform"
)

const toolkitState = `JSON.stringify({
  lottery: window.__showcasterToolkit && __showcasterToolkit.lottery(),
  won: window.__showcasterToolkit && __showcasterToolkit.won(),
  coupons: window.__showcasterToolkit && __showcasterToolkit.coupons(),
  flash: window.__showcasterToolkit && __showcasterToolkit.flash(),
  cards: document.getElementById("tk-cards") && document.getElementById("tk-cards").innerText,
  flashLine: document.getElementById("product-flash") && document.getElementById("product-flash").innerText,
  toast: document.getElementById("toast").innerText,
})`

var clockRE = regexp.MustCompile(`(\d\d):(\d\d)`)

// countdown reads the mm:ss an element shows, in seconds (-1 when none).
func countdown(tb *tab, id string) int {
	tb.t.Helper()
	text := mustEval[string](tb, `(document.getElementById(`+jsString(id)+`) || {}).textContent || ""`)
	m := clockRE.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	mm, _ := strconv.Atoi(m[1])
	ss, _ := strconv.Atoi(m[2])
	return mm*60 + ss
}

// waitCountdownBelow waits until the countdown in id shows less than s seconds.
func waitCountdownBelow(tb *tab, id string, s int) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf("%s to count below %d s", id, s), fmt.Sprintf(`(() => {
		const m = /(\d\d):(\d\d)/.exec((document.getElementById(%s) || {}).textContent || "");
		return m && (+m[1]) * 60 + (+m[2]) < %d;
	})()`, jsString(id), s), eventDeadline, toolkitState)
}

// TestViewerPageToolkit runs the selling toolkit in headless Chromium: the
// cart, the lucky bag's countdown, entering it by commenting the password,
// the winner's private notice and delivery form (on the winner's page only),
// a coupon claimed from its card, and the flash sale's countdown on the buy card.
func TestViewerPageToolkit(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("福袋专场 · 冬季上新")
	st.goLive(show.ID)
	ctx, cancel := st.ctx()
	defer cancel()
	img := productImage(t)
	_, err := st.c.SetProducts(ctx, show.ID, []platform.Product{
		{ID: "p1", LinkNo: 1, Title: "羊毛大衣 · 驼色", ImageURL: img, PriceCents: 59900, OriginalPriceCents: 89900, Stock: 50, Coupon: "满500减50"},
		{ID: "p2", LinkNo: 2, Title: "保温杯 500ml", ImageURL: img, PriceCents: 9900, Stock: 200},
		{ID: "p3", LinkNo: 3, Title: "羊绒围巾", ImageURL: img, PriceCents: 19900, SoldOut: true},
	})
	st.check("set products", err)
	st.pin(show.ID, platform.Product{ID: "p2", LinkNo: 2, Title: "保温杯 500ml", ImageURL: img, PriceCents: 9900, Currency: "CNY", Stock: 200})
	studioEvents := st.events(show.ID)

	winner := b.newTab("winner")
	other := b.newTab("other")
	for _, v := range []*tab{winner, other} {
		v.navigate(p.url + "/watch/" + show.ID)
		v.waitFor("the cart", `window.__showcasterToolkit && __showcasterToolkit.products().length === 3`, eventDeadline, toolkitState)
		v.waitFor("the event stream", `__showcaster.eventConnects() > 0`, eventDeadline, pageState)
	}

	// The cart: every link, the one on air highlighted, the sold-out one marked.
	other.do(chromedp.Click(chromedp.ID("tk-cart-toggle")))
	other.waitFor("the cart's rows", `document.querySelectorAll("#tk-cart-list .tk-item").length === 3`, eventDeadline, toolkitState)
	if got := mustEval[string](other, `document.querySelector("#tk-cart-list .tk-item.on-air").dataset.productId`); got != "p2" {
		t.Errorf("the highlighted link is %q, want the pinned p2", got)
	}
	if got := mustEval[string](other, `document.querySelector("#tk-cart-list .tk-item.sold-out").innerText`); !strings.Contains(got, "已售罄") || !strings.Contains(got, "Sold out") {
		t.Errorf("the sold-out link reads %q", got)
	}
	if got := mustEval[string](other, `document.querySelector("#tk-cart-list .tk-item[data-product-id=p1]").innerText`); !strings.Contains(got, "¥599.00") || !strings.Contains(got, "50 left") {
		t.Errorf("link 1 reads %q, want its price and stock left", got)
	}
	// Buying link 1 while link 2 is on air.
	other.do(chromedp.Click(chromedp.CSS(`#tk-cart-list .tk-item[data-product-id="p1"] .tk-buy`)))
	studioEvents.waitOrder("p1")
	other.do(chromedp.Click(chromedp.ID("tk-cart-toggle")))

	// A snapshot of the show asked for before the lucky bag starts and
	// answered after it (a refresh after an order, on a slow line) must not
	// take the lucky bag away: the event that started it is newer.
	mustEval[bool](other, `window.__staleAsked = performance.now(); window.__stale = null;
		fetch(location.pathname.replace("/watch/", "/api/shows/") + "/public", { credentials: "same-origin" })
			.then((r) => r.json()).then((j) => { window.__stale = j; }); true`)
	other.waitFor("the snapshot from before the lucky bag", `window.__stale !== null`, eventDeadline, toolkitState)

	// The lucky bag: a countdown, what to do, entering by the password comment.
	lot, err := st.c.StartLottery(ctx, show.ID, platform.NewLottery{Prize: "保温杯一个", Winners: 1, Condition: platform.ConditionPassword, Password: "想要福袋", CountdownS: 15})
	st.check("start the lottery", err)
	for _, v := range []*tab{winner, other} {
		v.waitFor("the lucky bag's countdown", `/\d\d:\d\d/.test((document.getElementById("tk-lottery-countdown") || {}).textContent || "")`, eventDeadline, toolkitState)
		card := mustEval[string](v, `document.getElementById("tk-lottery").innerText`)
		if !strings.Contains(card, "福袋") || !strings.Contains(card, "想要福袋") || !strings.Contains(card, "password") {
			t.Errorf("[%s] the lucky bag card reads %q, want the badge and the password to comment", v.name, card)
		}
	}
	mustEval[bool](other, `window.dispatchEvent(new CustomEvent("showcaster:public", { detail: { public: window.__stale, asked: window.__staleAsked } })); true`)
	if card := mustEval[string](other, `(document.getElementById("tk-lottery") || {}).innerText || ""`); !strings.Contains(card, "想要福袋") {
		t.Errorf("after a snapshot from before it arrived, the lucky bag card reads %q, want it still there", card)
	}
	first := countdown(winner, "tk-lottery-countdown")
	// Whole seconds round up, so a fresh 15 s countdown may read 00:16 for a moment.
	if first < 1 || first > 16 {
		t.Errorf("the lucky bag counts down from %d s, want ≤ 15", first)
	}
	waitCountdownBelow(winner, "tk-lottery-countdown", first)
	winner.do(chromedp.SendKeys(chromedp.ID("comment-input"), "想要福袋"), chromedp.Click(chromedp.ID("send")))
	winner.waitFor("the page to say it entered", `document.getElementById("tk-lottery").innerText.includes("已参与")`, eventDeadline, toolkitState)
	studioEvents.wait("one entrant", func(e platform.Event) bool {
		return e.Type == platform.EventLotteryEntrants && e.Lottery != nil && e.Lottery.Entrants == 1
	})

	// While the bag counts down: a coupon pushed and claimed from its card.
	cp, err := st.c.PushCoupon(ctx, show.ID, platform.NewCoupon{Title: "直播间专享券", DiscountCents: 1000, MinSpendCents: 5000, Quantity: 5, ValidMin: 3})
	st.check("push the coupon", err)
	sel := `#tk-cards .tk-coupon[data-coupon-id="` + cp.ID + `"]`
	other.waitFor("the coupon card", `document.querySelector(`+jsString(sel)+`)`, eventDeadline, toolkitState)
	card := mustEval[string](other, `document.querySelector(`+jsString(sel)+`).innerText`)
	if !strings.Contains(card, "剩 5 张") || !clockRE.MatchString(card) || !strings.Contains(card, "¥10.00") {
		t.Errorf("the coupon card reads %q, want ¥10.00, 5 left and a countdown", card)
	}
	other.do(chromedp.Click(chromedp.CSS(sel + ` .tk-coupon-action`)))
	other.waitFor("the coupon claimed", `document.querySelector(`+jsString(sel)+`).innerText.includes("已领取")`, eventDeadline, toolkitState)
	winner.waitFor("the remaining count on the other page", `document.querySelector(`+jsString(sel)+`) && document.querySelector(`+jsString(sel)+`).innerText.includes("剩 4 张")`, eventDeadline, toolkitState)

	// The draw: everyone sees the winner; only the winner's page has the notice and the form.
	for _, v := range []*tab{winner, other} {
		v.waitFor("the draw", `document.getElementById("tk-winners")`, eventDeadline+15*time.Second, toolkitState)
	}
	if got := mustEval[string](other, `document.getElementById("tk-winners").innerText`); !strings.Contains(got, "中奖") {
		t.Errorf("the other page's winners line reads %q", got)
	}
	winner.waitFor("the winner's notice and form", `document.getElementById("tk-won") && document.getElementById("tk-claim-form")`, eventDeadline, toolkitState)
	if notice := mustEval[string](winner, `document.getElementById("tk-won").innerText`); !strings.Contains(notice, "恭喜你中奖") || !strings.Contains(notice, "保温杯一个") {
		t.Errorf("the winner's notice reads %q", notice)
	}
	if mustEval[bool](other, `!!document.getElementById("tk-won") || !!document.getElementById("tk-claim-form") || !!__showcasterToolkit.won()`) {
		t.Errorf("the other viewer's page shows the winner's notice or form: %s", mustEval[string](other, toolkitState))
	}
	shots := os.Getenv("SHOWCASTER_TOOLKIT_SHOTS")
	if shots != "" {
		os.WriteFile(filepath.Join(shots, "viewer-winner.png"), winner.screenshot(), 0o644)
		os.WriteFile(filepath.Join(shots, "viewer-other.png"), other.screenshot(), 0o644)
	}
	winner.do(
		chromedp.SendKeys(chromedp.CSS(`#tk-claim-form input[name=name]`), "王小明"),
		chromedp.SendKeys(chromedp.CSS(`#tk-claim-form input[name=phone]`), "13800000000"),
		chromedp.SendKeys(chromedp.CSS(`#tk-claim-form input[name=address]`), "上海市徐汇区漕溪北路1号"),
		chromedp.Click(chromedp.CSS(`#tk-claim-form button[type=submit]`)),
	)
	winner.waitFor("the form sent", `document.getElementById("tk-won").innerText.includes("已提交")`, eventDeadline, toolkitState)
	ls, err := st.c.Lotteries(ctx, show.ID)
	st.check("read the lotteries", err)
	if len(ls) != 1 || ls[0].ID != lot.ID || len(ls[0].WinnerList) != 1 || ls[0].WinnerList[0].Delivery == nil ||
		ls[0].WinnerList[0].Delivery.Address != "上海市徐汇区漕溪北路1号" {
		t.Errorf("the studio's lottery: %+v", ls)
	}
	coupons, err := st.c.Coupons(ctx, show.ID)
	st.check("read the coupons", err)
	if len(coupons) != 1 || coupons[0].Claimed != 1 {
		t.Errorf("coupons after one claim: %+v", coupons)
	}

	// A flash sale of the product on air: its countdown on the buy card.
	fs, err := st.c.StartFlashSale(ctx, show.ID, platform.NewFlashSale{ProductID: "p2", PriceCents: 4900, Quantity: 10, DurationS: 60})
	st.check("start the flash sale", err)
	other.waitFor("the flash line on the buy card", `!document.getElementById("product-flash").hidden && /\d\d:\d\d/.test(document.getElementById("product-flash").innerText)`, eventDeadline, toolkitState)
	line := mustEval[string](other, `document.getElementById("product-flash").innerText`)
	if !strings.Contains(line, "¥49.00") || !strings.Contains(line, "10 left") || !strings.Contains(line, "秒杀") {
		t.Errorf("the flash line reads %q", line)
	}
	start := countdown(other, "tk-flash-countdown")
	if start < 1 || start > 61 {
		t.Errorf("the flash sale counts down from %d s, want ≤ 60", start)
	}
	waitCountdownBelow(other, "tk-flash-countdown", start)
	if shots != "" {
		os.WriteFile(filepath.Join(shots, "viewer-flash.png"), other.screenshot(), 0o644)
	}
	other.do(chromedp.Click(chromedp.ID("buy")))
	o := studioEvents.waitOrder("p2")
	// The coupon claimed above (¥10 off from ¥50) does not reach ¥49: the flash price alone.
	if o.AmountCents != 4900 || o.FlashSaleID != fs.ID {
		t.Errorf("the buy card's order: %+v, want the flash price", o)
	}
	for _, v := range []*tab{winner, other} {
		if ex := v.exceptions(); len(ex) > 0 {
			t.Errorf("[%s] page errors: %v", v.name, ex)
		}
	}
}
