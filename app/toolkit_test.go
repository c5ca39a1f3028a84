package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"showcaster/platform"
)

func TestSocialFeedMergesAFlood(t *testing.T) {
	var f SocialFeed
	// 50 viewers send 20 hearts each, one at a time; 200 viewers arrive.
	for round := 0; round < 20; round++ {
		for v := 0; v < 50; v++ {
			vw := platform.Viewer{ID: fmt.Sprintf("v%d", v), Name: fmt.Sprintf("观众%d", v)}
			f.Add(platform.Event{Type: platform.EventGift, Gift: &platform.Gift{Viewer: vw, Kind: "heart", Name: "小心心", Count: 1}})
		}
	}
	for v := 0; v < 200; v++ {
		f.Add(platform.Event{Type: platform.EventViewerJoined, Viewer: &platform.Viewer{ID: fmt.Sprint(v), Name: fmt.Sprintf("新人%d", v)}})
	}
	f.Add(platform.Event{Type: platform.EventComment}) // not the feed's
	lines := f.Flush()
	if len(lines) != 7 {
		t.Fatalf("%d lines for the flood, want 5 gifts + 1 summary + 1 welcome: %+v", len(lines), lines)
	}
	if lines[0].Text != "观众0 送出 小心心 ×20" {
		t.Errorf("first gift line %q", lines[0].Text)
	}
	if lines[5].Text != "还有 45 位观众送出 900 个礼物" || len(lines[5].Viewers) != 45 {
		t.Errorf("summary line %q", lines[5].Text)
	}
	if w := lines[6]; w.Kind != "welcome" || w.Text != "欢迎 新人0、新人1、新人2 等 200 人 来到直播间" {
		t.Errorf("welcome line %q", w.Text)
	}
	// The host's panel reads them in the window's language (the English key here).
	english := func(l FeedLine) string {
		if l.Msg == nil {
			return ""
		}
		return fmt.Sprintf(l.Msg.Key, l.Msg.Args...)
	}
	for i, want := range map[int]string{0: "观众0 sent 小心心 ×20", 5: "45 more viewers sent 900 gifts", 6: "新人0、新人1、新人2 and 197 others came into the show"} {
		if got := english(lines[i]); got != want {
			t.Errorf("line %d in English: %q, want %q", i, got, want)
		}
	}
	if got := ThanksText(lines[0]); got != "谢谢 观众0 的礼物,爱你们!" {
		t.Errorf("thanks %q", got)
	}
	if tag, text := ProgramGreeting(lines[6]); tag != "欢迎" || !strings.HasPrefix(text, "新人0") {
		t.Errorf("greeting %q %q", tag, text)
	}
	if again := f.Flush(); len(again) != 0 {
		t.Errorf("a second flush repeats %d lines", len(again))
	}
}

func TestToolkitStateOnThePlatform(t *testing.T) {
	_, c := localPlatform(t)
	sh := approvedShow(t, c, "工具")
	ctx := context.Background()
	if _, err := c.GoLive(ctx, sh.ID); err != nil {
		t.Fatal(err)
	}
	tk := NewToolkit(c, nil, sh.ID)
	cart, err := tk.PublishProducts(ctx, []Product{{ID: "b", LinkNo: 2, Title: "围巾", PriceCents: 19900}, {ID: "a", LinkNo: 1, Title: "杯子", PriceCents: 9900}})
	if err != nil || len(cart) != 2 || cart[0].ID != "a" {
		t.Fatalf("cart %+v, %v", cart, err)
	}
	if _, err := tk.StartLottery(ctx, NewLottery{Prize: "杯子", Winners: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.PushCoupon(ctx, NewCoupon{Title: "满99减10", DiscountCents: 1000, MinSpendCents: 9900, Quantity: 50, ValidMin: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.StartFlashSale(ctx, NewFlash{ProductID: "a", PriceCents: 4900, Quantity: 20, DurationS: 60}); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.SendRedEnvelope(ctx, NewEnvelope{TotalCents: 888, Count: 8}); err != nil {
		t.Fatal(err)
	}
	st, err := tk.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"lottery": "0 entered", "coupon": "0 of 50 claimed · 0 used · 50 left", "flash-sale": "0 of 20 sold · 20 left", "red-envelope": "0 of 8 grabbed"}
	if len(st) != 4 {
		t.Fatalf("state %+v", st)
	}
	for _, s := range st {
		if s.Status != want[s.Kind] || !s.Active {
			t.Errorf("%s: %q active %v, want %q", s.Kind, s.Status, s.Active, want[s.Kind])
		}
		if s.Kind != "red-envelope" && (s.Left <= 0 || s.Left > 5*60e9) {
			t.Errorf("%s: time left %v", s.Kind, s.Left)
		}
	}
}
