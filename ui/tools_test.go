package ui

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

func (f *fakeStudio) Toolkit() *app.Toolkit                      { return nil }
func (f *fakeStudio) Thank(context.Context, app.FeedLine) error  { return nil }
func (f *fakeStudio) GreetOnProgram(app.FeedLine) error          { return nil }
func (f *fakeStudio) GreetOffProgram()                           {}
func (f *fakeStudio) ShowToolCard(context.Context, string) error { return nil }
func (f *fakeStudio) HideToolCard()                              {}

// fakeToolkit records what the Tools tab starts and answers a state.
type fakeToolkit struct {
	mu       sync.Mutex
	lottery  []app.NewLottery
	coupons  []app.NewCoupon
	flashes  []app.NewFlash
	reds     []app.NewEnvelope
	state    []app.ToolState
	failNext error
	reads    int // State calls
}

func (f *fakeToolkit) fail() error {
	err := f.failNext
	f.failNext = nil
	return err
}

func (f *fakeToolkit) StartLottery(_ context.Context, l app.NewLottery) (app.Lottery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return app.Lottery{}, err
	}
	f.lottery = append(f.lottery, l)
	f.state = append(f.state, app.ToolState{Kind: "lottery", ID: "l1", Title: "福袋 " + l.Prize, Status: "0 entered",
		Left: time.Duration(l.CountdownS) * time.Second, Active: true})
	return app.Lottery{ID: "l1", Prize: l.Prize}, nil
}

func (f *fakeToolkit) PushCoupon(_ context.Context, c app.NewCoupon) (app.Coupon, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return app.Coupon{}, err
	}
	f.coupons = append(f.coupons, c)
	f.state = append(f.state, app.ToolState{Kind: "coupon", ID: "cp1", Title: c.Title, Status: "0 of 50 claimed · 0 used · 50 left",
		Left: time.Duration(c.ValidMin) * time.Minute, Active: true})
	return app.Coupon{ID: "cp1", Remaining: c.Quantity}, nil
}

func (f *fakeToolkit) StartFlashSale(_ context.Context, fl app.NewFlash) (app.FlashSale, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flashes = append(f.flashes, fl)
	return app.FlashSale{ID: "f1", Quantity: fl.Quantity}, nil
}

func (f *fakeToolkit) SendRedEnvelope(_ context.Context, e app.NewEnvelope) (app.RedEnvelope, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reds = append(f.reds, e)
	return app.RedEnvelope{ID: "r1", Count: e.Count}, nil
}

func (f *fakeToolkit) State(context.Context) ([]app.ToolState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return append([]app.ToolState{}, f.state...), nil
}

// uiQueue stands in for the UI thread: the tab's background work queues its
// redraws here and waitUntil runs them on the test's goroutine, so widgets
// are only ever touched from one goroutine.
var uiQueue = queue{ch: make(chan func(), 1024)}

type queue struct{ ch chan func() }

func (q queue) put(f func()) { q.ch <- f }

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case f := <-uiQueue.ch:
			f()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func runningText(tt *toolsTab) string {
	var b strings.Builder
	for _, o := range tt.running.Objects {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// TestToolsTab drives the Tools tab as the assistant does: a lucky bag with a
// password, a coupon in yuan, a flash sale on the product on air, a red
// envelope, the running list with time left, and the platform's refusal shown.
func TestToolsTab(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, order := deskFixture(t)
	if err := desk.ExplainNow(order[1]); err != nil {
		t.Fatal(err)
	}
	fk := &fakeToolkit{}
	w := newProductWindow(a, desk)
	var cardsMu sync.Mutex
	var cards []string
	tt := newToolsTab(func() toolkitAPI { return fk }, desk, func(kind string) error {
		cardsMu.Lock()
		defer cardsMu.Unlock()
		cards = append(cards, kind)
		return nil
	}, uiQueue.put)
	w.addTools(tt)
	if w.tabs == nil || len(w.tabs.Items) != 2 || w.tabs.Items[1].Text != "Tools" {
		t.Fatalf("the product window's tabs: %+v", w.tabs)
	}
	w.tabs.SelectIndex(1)
	if got := runningText(tt); !strings.Contains(got, "Nothing running") {
		t.Errorf("running list before anything started: %q", got)
	}

	test.Type(tt.prize, "保温杯")
	tt.winners.SetText("2")
	tt.condition.SetSelectedIndex(3)
	if tt.password.Disabled() {
		t.Error("the password entry stays disabled for a password lucky bag")
	}
	test.Type(tt.password, "想要福袋")
	tt.countdown.SetText("45")
	test.Tap(tt.startLottery)
	waitUntil(t, "the lottery to start", func() bool { fk.mu.Lock(); defer fk.mu.Unlock(); return len(fk.lottery) == 1 })
	if l := fk.lottery[0]; l.Prize != "保温杯" || l.Winners != 2 || l.Condition != "password" || l.Password != "想要福袋" || l.CountdownS != 45 {
		t.Errorf("lottery asked for %+v", l)
	}
	waitUntil(t, "the running list", func() bool { return strings.Contains(runningText(tt), "福袋 保温杯 — 0 entered — 00:4") })
	if !strings.Contains(tt.status.Text, "l1") {
		t.Errorf("status after starting: %q", tt.status.Text)
	}

	test.Type(tt.couponTitle, "满99减10")
	tt.discount.SetText("10")
	tt.minSpend.SetText("99")
	tt.quantity.SetText("50")
	tt.valid.SetText("5")
	test.Tap(tt.pushCoupon)
	waitUntil(t, "the coupon", func() bool { fk.mu.Lock(); defer fk.mu.Unlock(); return len(fk.coupons) == 1 })
	if c := fk.coupons[0]; c.DiscountCents != 1000 || c.MinSpendCents != 9900 || c.Quantity != 50 || c.ValidMin != 5 {
		t.Errorf("coupon asked for %+v", c)
	}
	waitUntil(t, "the coupon's running line", func() bool { return strings.Contains(runningText(tt), "0 of 50 claimed") })

	// The flash sale's product is the one on air.
	if got := tt.productIDs[tt.flashProduct.SelectedIndex()]; got != order[1] {
		t.Errorf("flash sale product preselected %q, want the one on air %q", got, order[1])
	}
	tt.flashPrice.SetText("49.9")
	test.Tap(tt.startFlash)
	waitUntil(t, "the flash sale", func() bool { fk.mu.Lock(); defer fk.mu.Unlock(); return len(fk.flashes) == 1 })
	if f := fk.flashes[0]; f.ProductID != order[1] || f.PriceCents != 4990 || f.Quantity != 20 || f.DurationS != 60 {
		t.Errorf("flash sale asked for %+v", f)
	}

	tt.redTotal.SetText("88.88")
	tt.redCount.SetText("8")
	test.Tap(tt.sendRed)
	waitUntil(t, "the red envelope", func() bool { fk.mu.Lock(); defer fk.mu.Unlock(); return len(fk.reds) == 1 })
	if e := fk.reds[0]; e.TotalCents != 8888 || e.Count != 8 {
		t.Errorf("red envelope asked for %+v", e)
	}

	// A bad amount never reaches the platform; the platform's refusal is shown.
	tt.discount.SetText("ten")
	test.Tap(tt.pushCoupon)
	waitUntil(t, "the bad amount's message", func() bool { return strings.Contains(tt.status.Text, "yuan") })
	fk.mu.Lock()
	fk.failNext = errors.New("lottery l1 is still open: wait for its draw (or cancel it) before starting another")
	fk.mu.Unlock()
	test.Tap(tt.startLottery)
	waitUntil(t, "the refusal", func() bool { return strings.Contains(tt.status.Text, "still open") })
	if tt.status.Importance != widget.DangerImportance {
		t.Error("a refusal is not shown as an error")
	}
	if len(fk.coupons) != 1 {
		t.Errorf("the bad amount reached the platform: %d coupons", len(fk.coupons))
	}
	// A drawn bag lists its winners with what they sent.
	fk.mu.Lock()
	fk.state[0] = app.ToolState{Kind: "lottery", ID: "l1", Title: "福袋 保温杯", Status: "drawn among 57: 小王 (1 of 1 sent delivery details)",
		Details: []string{"小王: 王小明 · 13800000000 · 上海市徐汇区漕溪北路1号"}}
	fk.mu.Unlock()
	go tt.refresh()
	waitUntil(t, "the winner's delivery details", func() bool { return strings.Contains(runningText(tt), "漕溪北路") })
	if dir := os.Getenv("SHOWCASTER_TOOLKIT_SHOTS"); dir != "" {
		w.win.Resize(fyne.NewSize(980, 720))
		var buf bytes.Buffer
		png.Encode(&buf, w.win.Canvas().Capture())
		os.WriteFile(filepath.Join(dir, "tools-tab.png"), buf.Bytes(), 0o644)
	}
	test.Tap(tt.lotteryCard)
	waitUntil(t, "the card on the program", func() bool { cardsMu.Lock(); defer cardsMu.Unlock(); return len(cards) == 1 })
	test.Tap(tt.cardDown)
	waitUntil(t, "the card taken down", func() bool { cardsMu.Lock(); defer cardsMu.Unlock(); return len(cards) == 2 })
	if cards[0] != app.ToolCardLottery || cards[1] != "" {
		t.Errorf("card calls %q", cards)
	}
}

func TestSocialStripThanksAndProgram(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	line := app.FeedLine{Kind: "gift", Viewers: []app.Viewer{{ID: "v1", Name: "小王"}}, Text: "小王 送出 小心心 ×3"}
	fs.events <- app.SocialReceived{Line: line}
	h.waitFor("the gift line in the panel", func() bool { return len(h.w.comments.social.lines) == 1 })
	if len(h.w.comments.social.box.Objects) != 1 {
		t.Fatalf("%d rows in the strip", len(h.w.comments.social.box.Objects))
	}
	for i := 0; i < 6; i++ {
		fs.events <- app.SocialReceived{Line: app.FeedLine{Kind: "welcome", Text: "欢迎 新人 来到直播间"}}
	}
	h.waitFor("the strip to keep the newest lines", func() bool { return len(h.w.comments.social.lines) == maxSocialLines })
}

// TestToolsTabIdle: a hidden Tools tab neither reads the platform nor
// redraws, and a shown one rebuilds its running list only when a line
// changed (every rebuild relays out and repaints the whole window).
func TestToolsTabIdle(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, _ := deskFixture(t)
	fk := &fakeToolkit{state: []app.ToolState{{Kind: "coupon", ID: "c1", Title: "满99减10", Status: "3 of 50 claimed", Active: true}}}
	w := newProductWindow(a, desk)
	tt := newToolsTab(func() toolkitAPI { return fk }, desk, nil, uiQueue.put)
	w.addTools(tt)
	tt.close() // the seconds are stepped by hand below
	reads := func() int { fk.mu.Lock(); defer fk.mu.Unlock(); return fk.reads }

	tt.step(3) // a read of the platform, then a draw
	waitUntil(t, "the coupon's line", func() bool { return strings.Contains(runningText(tt), "3 of 50 claimed") })
	drawn := tt.redraws
	for n := 4; n <= 9; n++ {
		tt.step(n)
	}
	waitUntil(t, "two more reads", func() bool { return reads() >= 3 })
	for len(uiQueue.ch) > 0 {
		(<-uiQueue.ch)()
	}
	if tt.redraws != drawn {
		t.Errorf("the unchanged list was rebuilt %d times in 6 s", tt.redraws-drawn)
	}

	tt.setShown(false)
	before := reads()
	for n := 10; n <= 30; n++ {
		tt.step(n)
	}
	if got := reads(); got != before || len(uiQueue.ch) != 0 {
		t.Errorf("hidden, the tab read the platform %d times and queued %d redraws", got-before, len(uiQueue.ch))
	}

	fk.mu.Lock()
	fk.state[0].Status = "4 of 50 claimed"
	fk.mu.Unlock()
	tt.setShown(true) // shown again: read at once
	waitUntil(t, "the new count", func() bool { return strings.Contains(runningText(tt), "4 of 50 claimed") })
	if tt.redraws != drawn+1 {
		t.Errorf("one changed line: %d rebuilds", tt.redraws-drawn)
	}
}
