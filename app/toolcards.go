package app

import (
	"context"
	"image"
	"strings"
	"sync"
	"time"

	"showcaster/platform"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// OverlayToolCard is the scene id of the lucky-bag or flash-sale card.
const OverlayToolCard = "toolcard"

// Tool cards on the program.
const (
	ToolCardLottery   = "lottery"
	ToolCardFlashSale = "flash-sale"
)

// toolCard is the card on the program and the goroutine that redraws it.
type toolCard struct {
	mu     sync.Mutex
	kind   string
	cancel context.CancelFunc
}

// ShowToolCard puts the running lucky bag (ToolCardLottery) or flash sale
// (ToolCardFlashSale) of the show on the program, top left, and redraws it
// every second with the time left; a drawn lucky bag shows its winners for
// a while, an ended flash sale leaves the program.
func (s *Studio) ShowToolCard(ctx context.Context, kind string) error {
	eng := s.currentEngine()
	if eng == nil {
		return ErrNotStarted
	}
	tk := s.Toolkit()
	if tk == nil {
		return ErrNoShow
	}
	draw, err := s.toolCardDrawer(ctx, tk, kind)
	if err != nil {
		return err
	}
	s.HideToolCard()
	cctx, cancel := context.WithCancel(s.ctx)
	s.tools.mu.Lock()
	s.tools.kind, s.tools.cancel = kind, cancel
	s.tools.mu.Unlock()
	if _, err := draw(cctx); err != nil {
		cancel()
		return err
	}
	go func() {
		t := s.clk.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-cctx.Done():
				return
			case <-t.C():
				more, err := draw(cctx)
				if err != nil || !more {
					if cctx.Err() == nil {
						s.HideToolCard()
					}
					return
				}
			}
		}
	}()
	return nil
}

// HideToolCard takes the tool card off the program.
func (s *Studio) HideToolCard() {
	s.tools.mu.Lock()
	cancel := s.tools.cancel
	s.tools.kind, s.tools.cancel = "", nil
	s.tools.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if eng := s.currentEngine(); eng != nil {
		eng.Scene().RemoveOverlay(OverlayToolCard)
	}
}

// ToolCardOnProgram says which card is on the program ("" for none).
func (s *Studio) ToolCardOnProgram() string {
	s.tools.mu.Lock()
	defer s.tools.mu.Unlock()
	return s.tools.kind
}

// toolCardDrawer finds the running tool and returns what draws its card
// once; more is false when the card has had its time.
func (s *Studio) toolCardDrawer(ctx context.Context, tk *Toolkit, kind string) (func(context.Context) (bool, error), error) {
	put := func(img *image.RGBA) error {
		eng := s.currentEngine()
		if eng == nil {
			return ErrNotStarted
		}
		m := overlay.Margin(eng.Config().Height)
		return eng.Scene().SetOverlay(scene.Overlay{ID: OverlayToolCard, Image: img, At: image.Pt(m, m*4), Z: 32, Visible: true})
	}
	size := func() (int, int) {
		if eng := s.currentEngine(); eng != nil {
			return eng.Config().Width, eng.Config().Height
		}
		return 1280, 720
	}
	switch kind {
	case ToolCardLottery:
		ls, err := tk.p.Lotteries(ctx, tk.show)
		if err != nil {
			return nil, err
		}
		if len(ls) == 0 || ls[0].State == platform.LotteryCancelled {
			return nil, ErrNoTool
		}
		l := ls[0]
		var shownDrawnAt time.Time
		return func(ctx context.Context) (bool, error) {
			now := s.clk.Now()
			if l.State == platform.LotteryOpen && !now.Before(l.DrawsAt) || l.State == platform.LotteryOpen && now.Second()%3 == 0 {
				// Read the entrants now and then, and the winners once drawn.
				if fresh, err := tk.p.Lotteries(ctx, tk.show); err == nil && len(fresh) > 0 && fresh[0].ID == l.ID {
					l = fresh[0]
				}
			}
			w, h := size()
			card := overlay.Lottery{Prize: l.Prize, Winners: l.Winners, Help: lotteryHelp(l), Left: l.DrawsAt.Sub(now), Entrants: l.Entrants}
			if l.State == platform.LotteryDrawn {
				card.Drawn = true
				for _, wn := range l.WinnerList {
					card.WinnerNames = append(card.WinnerNames, wn.Name)
				}
				if shownDrawnAt.IsZero() {
					shownDrawnAt = now
				}
			}
			if err := put(s.renderer.LotteryCard(card, w, h)); err != nil {
				return false, err
			}
			return shownDrawnAt.IsZero() || now.Sub(shownDrawnAt) < 15*time.Second, nil
		}, nil
	case ToolCardFlashSale:
		fs, err := tk.p.FlashSales(ctx, tk.show)
		if err != nil {
			return nil, err
		}
		var f *FlashSale
		for i := range fs {
			if fs[i].State == "open" {
				f = &fs[i]
				break
			}
		}
		if f == nil {
			return nil, ErrNoTool
		}
		title, price, orig, currency := f.ProductID, int64(0), int64(0), "CNY"
		if s.desk != nil {
			if p, ok := s.desk.Product(f.ProductID); ok {
				title, price, orig, currency = p.Title, p.PriceCents, p.OriginalPriceCents, p.Currency
			}
		}
		if orig < price {
			orig = price
		}
		return func(ctx context.Context) (bool, error) {
			now := s.clk.Now()
			if now.Second()%2 == 0 {
				if fresh, err := tk.p.FlashSales(ctx, tk.show); err == nil {
					for _, x := range fresh {
						if x.ID == f.ID {
							*f = x
						}
					}
				}
			}
			if f.State != "open" || !now.Before(f.EndsAt) || f.Remaining <= 0 {
				return false, nil
			}
			w, h := size()
			card := overlay.FlashSale{Title: title, PriceCents: f.PriceCents, OriginalPriceCents: orig, Currency: currency,
				Remaining: f.Remaining, Left: f.EndsAt.Sub(now)}
			return true, put(s.renderer.FlashSaleCard(card, w, h))
		}, nil
	default:
		return nil, ErrNoTool
	}
}

// lotteryHelp says on the card what viewers do to enter.
func lotteryHelp(l Lottery) string {
	switch l.Condition {
	case platform.ConditionPassword:
		return "评论口令「" + strings.TrimSpace(l.Password) + "」参与"
	case platform.ConditionFollow:
		return "关注主播即可参与"
	case platform.ConditionShare:
		return "分享直播间即可参与"
	default:
		return "点击福袋即可参与"
	}
}
