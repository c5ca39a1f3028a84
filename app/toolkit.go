package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// The selling toolkit in the studio: what the assistant's Tools tab starts
// (lottery, coupon, flash sale, red envelope), their running state, and the
// social feed of gifts, follows and welcomes for the comment panel, merged
// under a flood.

// Toolkit types as the app speaks them.
type (
	Lottery     = platform.Lottery
	NewLottery  = platform.NewLottery
	Coupon      = platform.Coupon
	NewCoupon   = platform.NewCoupon
	FlashSale   = platform.FlashSale
	NewFlash    = platform.NewFlashSale
	RedEnvelope = platform.RedEnvelope
	NewEnvelope = platform.NewRedEnvelope
	Gift        = platform.Gift
	Viewer      = platform.Viewer
)

// ToolkitPlatform is the part of the platform client the toolkit uses.
type ToolkitPlatform interface {
	SetProducts(ctx context.Context, showID string, products []Product) ([]Product, error)
	StartLottery(ctx context.Context, showID string, l NewLottery) (Lottery, error)
	Lotteries(ctx context.Context, showID string) ([]Lottery, error)
	CancelLottery(ctx context.Context, showID, lotteryID string) (Lottery, error)
	PushCoupon(ctx context.Context, showID string, c NewCoupon) (Coupon, error)
	Coupons(ctx context.Context, showID string) ([]Coupon, error)
	StartFlashSale(ctx context.Context, showID string, f NewFlash) (FlashSale, error)
	StopFlashSale(ctx context.Context, showID, flashID string) (FlashSale, error)
	FlashSales(ctx context.Context, showID string) ([]FlashSale, error)
	SendRedEnvelope(ctx context.Context, showID string, e NewEnvelope) (RedEnvelope, error)
	RedEnvelopes(ctx context.Context, showID string) ([]RedEnvelope, error)
}

// Toolkit runs the selling toolkit of one show.
type Toolkit struct {
	p    ToolkitPlatform
	clk  clock.Clock
	show string
}

// NewToolkit returns the toolkit of a show on the platform.
func NewToolkit(p ToolkitPlatform, clk clock.Clock, showID string) *Toolkit {
	return &Toolkit{p: p, clk: clock.OrReal(clk), show: showID}
}

// PublishProducts puts the show's product list in the viewers' cart, in link order.
func (t *Toolkit) PublishProducts(ctx context.Context, products []Product) ([]Product, error) {
	list := append([]Product{}, products...)
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].LinkNo, list[j].LinkNo
		if (a == 0) != (b == 0) {
			return a != 0
		}
		return a < b
	})
	return t.p.SetProducts(ctx, t.show, list)
}

// StartLottery opens a lucky bag (one at a time; the platform draws it).
func (t *Toolkit) StartLottery(ctx context.Context, l NewLottery) (Lottery, error) {
	return t.p.StartLottery(ctx, t.show, l)
}

// PushCoupon offers a coupon to the room.
func (t *Toolkit) PushCoupon(ctx context.Context, c NewCoupon) (Coupon, error) {
	return t.p.PushCoupon(ctx, t.show, c)
}

// StartFlashSale starts a flash price on a product.
func (t *Toolkit) StartFlashSale(ctx context.Context, f NewFlash) (FlashSale, error) {
	return t.p.StartFlashSale(ctx, t.show, f)
}

// SendRedEnvelope sends a pot to the room.
func (t *Toolkit) SendRedEnvelope(ctx context.Context, e NewEnvelope) (RedEnvelope, error) {
	return t.p.SendRedEnvelope(ctx, t.show, e)
}

// ToolState is one running tool as the Tools tab lists it.
type ToolState struct {
	Kind   string // "lottery", "coupon", "flash-sale", "red-envelope"
	ID     string
	Title  string
	Status string        // a short line: "128 entered", "37 of 50 claimed · 12 used", …
	Left   time.Duration // time left; 0 when over or not timed
	Active bool
	// Details are a drawn lottery's winners with the delivery details they
	// sent (the studio's eyes only).
	Details []string
}

// State reads the running state of every tool of the show, the active ones first.
func (t *Toolkit) State(ctx context.Context) ([]ToolState, error) {
	now := t.clk.Now()
	var out []ToolState
	ls, err := t.p.Lotteries(ctx, t.show)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		st := ToolState{Kind: "lottery", ID: l.ID, Title: "福袋 " + l.Prize}
		switch l.State {
		case platform.LotteryOpen:
			st.Active, st.Left = true, max(l.DrawsAt.Sub(now), 0)
			st.Status = fmt.Sprintf("%d entered", l.Entrants)
		case platform.LotteryDrawn:
			var names []string
			claimed := 0
			for _, w := range l.WinnerList {
				names = append(names, w.Name)
				if w.Claimed {
					claimed++
				}
				if d := w.Delivery; d != nil {
					st.Details = append(st.Details, fmt.Sprintf("%s: %s · %s · %s", w.Name, d.Name, d.Phone, d.Address))
				} else {
					st.Details = append(st.Details, w.Name+": no delivery details yet")
				}
			}
			st.Status = fmt.Sprintf("drawn among %d: %s (%d of %d sent delivery details)", l.Entrants, strings.Join(names, ", "), claimed, len(l.WinnerList))
		default:
			st.Status = l.State
		}
		out = append(out, st)
	}
	cs, err := t.p.Coupons(ctx, t.show)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		st := ToolState{Kind: "coupon", ID: c.ID, Title: c.Title,
			Status: fmt.Sprintf("%d of %d claimed · %d used · %d left", c.Claimed, c.Quantity, c.Used, c.Remaining)}
		if left := c.EndsAt.Sub(now); left > 0 {
			st.Active, st.Left = true, left
		}
		out = append(out, st)
	}
	fs, err := t.p.FlashSales(ctx, t.show)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		st := ToolState{Kind: "flash-sale", ID: f.ID, Title: "秒杀 " + f.ProductID,
			Status: fmt.Sprintf("%d of %d sold · %d left", f.Quantity-f.Remaining, f.Quantity, f.Remaining)}
		if left := f.EndsAt.Sub(now); f.State == "open" && left > 0 {
			st.Active, st.Left = true, left
		}
		out = append(out, st)
	}
	es, err := t.p.RedEnvelopes(ctx, t.show)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		st := ToolState{Kind: "red-envelope", ID: e.ID, Title: "红包 " + MoneyFigure(e.TotalCents, ""),
			Status: fmt.Sprintf("%d of %d grabbed", e.Grabbed, e.Count), Active: e.Grabbed < e.Count}
		if left := e.OpensAt.Sub(now); left > 0 {
			st.Left = left
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Active && !out[j].Active })
	return out, nil
}

// FeedLine is one line of the social feed for the comment panel.
type FeedLine struct {
	Kind string // "gift", "welcome", "follow"
	// Viewers named by the line (for thanking by name); Text is the line in
	// Chinese, as the program's greeting shows it; Msg, when set, is the
	// same line for the host's panel in the window's language.
	Viewers []Viewer
	Text    string
	Msg     *Message
}

// SocialFeed merges gifts, follows and welcomes for the comment panel: the
// same viewer's gifts of a kind within a window become one line ("小王 送出
// 小心心 ×3"), and welcomes are batched ("欢迎 小王、小李 等 12 人来到直播间"),
// so a flood never buries the comments. Lines come out on Flush, which the
// caller runs once per Window on the injected clock.
type SocialFeed struct {
	// Window is how long gifts and welcomes gather before a line; default 2 s.
	Window time.Duration
	// MaxNames is how many welcomed names one line spells out; default 3.
	MaxNames int

	mu       sync.Mutex
	gifts    []*giftAgg
	welcomes []platform.Viewer
	follows  []platform.Viewer
}

type giftAgg struct {
	viewer platform.Viewer
	kind   string
	name   string
	count  int
}

// Add takes a platform event; the ones that are not gifts, follows or welcomes are ignored.
func (f *SocialFeed) Add(ev platform.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ev.Type {
	case platform.EventGift:
		g := ev.Gift
		if g == nil {
			return
		}
		for _, a := range f.gifts {
			if a.viewer.ID == g.Viewer.ID && a.kind == g.Kind {
				a.count += g.Count
				return
			}
		}
		f.gifts = append(f.gifts, &giftAgg{viewer: g.Viewer, kind: g.Kind, name: g.Name, count: g.Count})
	case platform.EventViewerJoined:
		if ev.Viewer != nil {
			f.welcomes = append(f.welcomes, *ev.Viewer)
		}
	case platform.EventFollow:
		if ev.Viewer != nil {
			f.follows = append(f.follows, *ev.Viewer)
		}
	}
}

// Flush returns the lines gathered since the last flush.
func (f *SocialFeed) Flush() []FeedLine {
	f.mu.Lock()
	defer f.mu.Unlock()
	maxNames := f.MaxNames
	if maxNames <= 0 {
		maxNames = 3
	}
	var out []FeedLine
	const maxGiftLines = 5
	for i, a := range f.gifts {
		if i == maxGiftLines {
			rest, n := f.gifts[i:], 0
			var vs []platform.Viewer
			for _, r := range rest {
				n += r.count
				vs = append(vs, r.viewer)
			}
			out = append(out, FeedLine{Kind: "gift", Viewers: vs, Text: fmt.Sprintf("还有 %d 位观众送出 %d 个礼物", len(rest), n),
				Msg: Say(nil, "%d more viewers sent %d gifts", len(rest), n)})
			break
		}
		out = append(out, FeedLine{Kind: "gift", Viewers: []platform.Viewer{a.viewer},
			Text: fmt.Sprintf("%s 送出 %s ×%d", a.viewer.Name, a.name, a.count),
			Msg:  Say(nil, "%s sent %s ×%d", a.viewer.Name, a.name, a.count)})
	}
	if len(f.follows) > 0 {
		msg := Say(nil, "%s followed the host", names(f.follows, maxNames))
		if more := len(f.follows) - maxNames; more > 0 {
			msg = Say(nil, "%s and %d others followed the host", names(f.follows, maxNames), more)
		}
		out = append(out, FeedLine{Kind: "follow", Viewers: f.follows, Text: namesLine(f.follows, maxNames, "关注了主播"), Msg: msg})
	}
	if len(f.welcomes) > 0 {
		msg := Say(nil, "%s came into the show", names(f.welcomes, maxNames))
		if more := len(f.welcomes) - maxNames; more > 0 {
			msg = Say(nil, "%s and %d others came into the show", names(f.welcomes, maxNames), more)
		}
		out = append(out, FeedLine{Kind: "welcome", Viewers: f.welcomes, Text: "欢迎 " + namesLine(f.welcomes, maxNames, "来到直播间"), Msg: msg})
	}
	f.gifts, f.welcomes, f.follows = nil, nil, nil
	return out
}

// namesLine spells out up to max names, then "等 N 人".
func namesLine(vs []platform.Viewer, max int, tail string) string {
	s := names(vs, max)
	if len(vs) > max {
		s += fmt.Sprintf(" 等 %d 人", len(vs))
	}
	return s + " " + tail
}

// names joins up to max of the viewers' names, as the feed lists them.
func names(vs []platform.Viewer, max int) string {
	out := make([]string, 0, max)
	for i, v := range vs {
		if i == max {
			break
		}
		out = append(out, v.Name)
	}
	return strings.Join(out, "、")
}

// ThanksText is the one-click public thank-you for a feed line: by name.
func ThanksText(l FeedLine) string {
	names := make([]string, 0, len(l.Viewers))
	for i, v := range l.Viewers {
		if i == 3 {
			break
		}
		names = append(names, v.Name)
	}
	who := strings.Join(names, "、")
	if len(l.Viewers) > 3 {
		who += " 等朋友"
	}
	switch l.Kind {
	case "gift":
		return "谢谢 " + who + " 的礼物,爱你们!"
	case "follow":
		return "谢谢 " + who + " 的关注!"
	default:
		return "欢迎 " + who + " 来到直播间,喜欢的宝宝点点关注!"
	}
}

// ProgramGreeting is the line a welcome or thank-you puts on the program:
// the overlay's tag and text.
func ProgramGreeting(l FeedLine) (tag, text string) {
	switch l.Kind {
	case "gift":
		return "感谢", l.Text
	case "follow":
		return "感谢", l.Text
	default:
		return "欢迎", strings.TrimPrefix(l.Text, "欢迎 ")
	}
}
