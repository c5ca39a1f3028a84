package app

import (
	"context"
	"image"
	"time"

	"showcaster/platform"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// SocialReceived is a line of the social feed for the comment panel: gifts,
// follows and welcomes, merged under a flood (see SocialFeed).
type SocialReceived struct{ Line FeedLine }

// ToolkitChanged says a lottery, coupon, flash sale or red envelope of the
// show moved (started, entered, claimed, drawn, ended): the Tools tab reads
// the state again. It coalesces.
type ToolkitChanged struct{}

func (SocialReceived) isEvent() {}
func (ToolkitChanged) isEvent() {}

// feedWindow is how long gifts and welcomes gather before they reach the panel.
const feedWindow = 2 * time.Second

// OverlayGreeting is the scene id of a welcome or thank-you line.
const OverlayGreeting = "greeting"

// Toolkit is the selling toolkit of the selected show (nil before one is selected).
func (s *Studio) Toolkit() *Toolkit {
	id, err := s.showID()
	if err != nil {
		return nil
	}
	return NewToolkit(s.platformClient(), s.clk, id)
}

// toolkitEvent takes the platform events of the selling toolkit.
func (s *Studio) toolkitEvent(ev platform.Event) {
	switch ev.Type {
	case platform.EventGift, platform.EventViewerJoined, platform.EventFollow:
		s.feed.Add(ev)
	case platform.EventLotteryStarted, platform.EventLotteryEntrants, platform.EventLotteryDrawn, platform.EventLotteryCancelled,
		platform.EventCouponPushed, platform.EventCouponUpdated, platform.EventFlashSaleStarted, platform.EventFlashSaleUpdated,
		platform.EventFlashSaleEnded, platform.EventRedEnvelope, platform.EventRedEnvelopeUpdated:
		s.emit(ToolkitChanged{})
	}
}

// flushFeed hands the merged feed lines to the panel once per window while
// the show's events are followed.
func (s *Studio) flushFeed(ctx context.Context) {
	t := s.clk.NewTicker(feedWindow)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			for _, l := range s.feed.Flush() {
				s.emit(SocialReceived{Line: l})
			}
		}
	}
}

// Thank answers a feed line with a public reply naming its viewers
// ("谢谢 小王 的礼物"): one click in the comment panel.
func (s *Studio) Thank(ctx context.Context, l FeedLine) error {
	id, err := s.showID()
	if err != nil {
		return err
	}
	if len(l.Viewers) == 0 {
		return ErrEmptyReply
	}
	return s.platformClient().Reply(ctx, id, platform.Reply{ViewerID: l.Viewers[0].ID, Text: ThanksText(l)})
}

// GreetOnProgram puts a feed line on the program as a welcome or thank-you
// banner (top left, above the comments); GreetOffProgram takes it down.
func (s *Studio) GreetOnProgram(l FeedLine) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	cfg := eng.Config()
	tag, text := ProgramGreeting(l)
	img := s.renderer.Greeting(tag, text, cfg.Width, cfg.Height)
	m := overlay.Margin(cfg.Height)
	at := image.Pt(m, m+overlay.Margin(cfg.Height)*3)
	return eng.Scene().SetOverlay(scene.Overlay{ID: OverlayGreeting, Image: img, At: at, Z: 31, Visible: true})
}

// GreetOffProgram removes the welcome or thank-you line.
func (s *Studio) GreetOffProgram() {
	if eng := s.currentEngine(); eng != nil {
		eng.Scene().RemoveOverlay(OverlayGreeting)
	}
}
