package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

// TestGiftsReachThePanel: a viewer of the trial sends hearts; the studio's panel gets merged lines, the host thanks by
// name with one click, the greeting goes on the program, and the Tools tab's
// toolkit starts a lottery whose changes the studio hears about.
func TestGiftsReachThePanel(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	sh, err := s.CreateShow(ctx, "礼物 welcome", time.Now().Add(time.Hour), 60*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.StartTrial(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "trial state", func(e ShowStateChanged) bool { return e.Show.State == platform.StateTrial })

	v := newViewer(t, s.PlatformURL())
	v.comment(t, s.ViewerURL(), sh.ID, "来了")
	key := s.ViewerURL()[strings.Index(s.ViewerURL(), "key=")+4:]
	for i := 0; i < 3; i++ {
		resp, err := v.http.Post(s.PlatformURL()+"/api/shows/"+sh.ID+"/gifts?key="+key, "application/json", strings.NewReader(`{"kind":"heart","count":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("gift: %s", resp.Status)
		}
	}
	gift := waitEvent(t, s, "the merged gift line", func(e SocialReceived) bool { return e.Line.Kind == "gift" }).Line
	if !strings.HasSuffix(gift.Text, "送出 小心心 ×3") {
		t.Errorf("gift line %q, want the three hearts merged", gift.Text)
	}
	if err := s.Thank(ctx, gift); err != nil {
		t.Fatal(err)
	}
	r := waitEvent(t, s, "the public thank-you", func(e ReplySent) bool { return e.Reply.CommentID == "" }).Reply
	if r.Private || !strings.Contains(r.Text, gift.Viewers[0].Name) {
		t.Errorf("thank-you %+v", r)
	}
	if err := s.GreetOnProgram(gift); err != nil {
		t.Fatal(err)
	}
	s.GreetOffProgram()

	tk := s.Toolkit()
	if tk == nil {
		t.Fatal("no toolkit for the selected show")
	}
	if _, err := tk.StartLottery(ctx, NewLottery{Prize: "杯子", Winners: 1, CountdownS: 30}); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "the toolkit change", func(ToolkitChanged) bool { return true })
	st, err := tk.State(ctx)
	if err != nil || len(st) != 1 || !st[0].Active {
		t.Fatalf("toolkit state %+v, %v", st, err)
	}
}

// TestToolCardsOnProgram: the running lucky bag and flash sale go on the
// program as cards and come down again.
func TestToolCardsOnProgram(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	if _, err := s.CreateShow(ctx, "卡片", time.Now().Add(time.Hour), 60*time.Minute); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.StartTrial(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "trial state", func(e ShowStateChanged) bool { return e.Show.State == platform.StateTrial })
	if err := s.ShowToolCard(ctx, ToolCardLottery); !errors.Is(err, ErrNoTool) {
		t.Fatalf("a lucky-bag card with no lucky bag: %v", err)
	}
	tk := s.Toolkit()
	if _, err := tk.StartLottery(ctx, NewLottery{Prize: "杯子", Winners: 1, Condition: "password", Password: "想要", CountdownS: 30}); err != nil {
		t.Fatal(err)
	}
	if err := s.ShowToolCard(ctx, ToolCardLottery); err != nil {
		t.Fatal(err)
	}
	if s.ToolCardOnProgram() != ToolCardLottery {
		t.Errorf("card on program: %q", s.ToolCardOnProgram())
	}
	if _, err := tk.PublishProducts(ctx, []Product{{ID: "p1", LinkNo: 1, Title: "杯子", PriceCents: 9900}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.StartFlashSale(ctx, NewFlash{ProductID: "p1", PriceCents: 4900, Quantity: 5, DurationS: 30}); err != nil {
		t.Fatal(err)
	}
	if err := s.ShowToolCard(ctx, ToolCardFlashSale); err != nil {
		t.Fatal(err)
	}
	if s.ToolCardOnProgram() != ToolCardFlashSale {
		t.Errorf("card on program: %q", s.ToolCardOnProgram())
	}
	s.HideToolCard()
	if s.ToolCardOnProgram() != "" {
		t.Errorf("card still on program: %q", s.ToolCardOnProgram())
	}
}
