package overlay

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"time"
)

// The selling toolkit's cards on the program: the lucky bag (福袋) with its
// countdown and what to do, the flash sale (秒杀) with its price, units left
// and countdown, and a welcome or thank-you line. The caller redraws a card
// once a second with the time left.

// Lottery is what the lucky-bag card shows.
type Lottery struct {
	Prize   string
	Winners int
	// Help says what to do, e.g. `评论口令「想要福袋」参与`.
	Help     string
	Left     time.Duration // until the draw
	Entrants int
	// WinnerNames, once drawn, replace the countdown.
	Drawn       bool
	WinnerNames []string
}

// FlashSale is what the flash-sale card shows.
type FlashSale struct {
	Title              string
	PriceCents         int64
	OriginalPriceCents int64
	Currency           string
	Remaining          int
	Left               time.Duration
}

var (
	colGold     = rgba(255, 196, 0, 1)
	colAmber    = rgba(255, 122, 26, 1)
	colDeepRed  = rgba(196, 18, 48, 1)
	colNight    = rgba(38, 14, 20, 0.94)
	colCream    = rgba(255, 240, 200, 1)
	colCountBox = rgba(0, 0, 0, 0.28)
)

// Countdown formats the time left as mm:ss, rounding up a started second.
func Countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(math.Ceil(d.Seconds()))
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// LotteryCard draws the lucky bag for a canvasW×canvasH program.
func (r *Renderer) LotteryCard(l Lottery, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	const cardW, cardH, pad = 400.0, 172.0, 16.0
	sp := float64(ShadowPad(canvasH))
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(cardW*u+2*sp)), int(math.Ceil(cardH*u+2*sp))))
	card := frect{sp, sp, sp + cardW*u, sp + cardH*u}
	radius := 18 * u
	shadow(img, frect{card.x0, card.y0 + 3*u, card.x1, card.y1 + 3*u}, radius, sp*0.9, colShadow)
	fillRound(img, card, radius, colRed, func(x, y float64) color.RGBA { return lerp(colRed, colDeepRed, (y-card.y0)/card.h()) })
	strokeRound(img, frect{card.x0 + 3*u, card.y0 + 3*u, card.x1 - 3*u, card.y1 - 3*u}, radius-3*u, 1.5*u, rgba(255, 214, 102, 0.7))

	// The bag: a gold pouch with a tied neck, left of the text.
	bag := frect{card.x0 + pad*u, card.y0 + 40*u, card.x0 + (pad+78)*u, card.y0 + 132*u}
	drawBag(img, bag, u)

	x0 := bag.x1 + 16*u
	colW := card.x1 - pad*u - x0
	y := card.y0 + pad*u
	// Badge and countdown on the first line.
	bf := r.fonts.Face(17*u, true)
	badge := "福袋"
	bw, bh := bf.Measure(badge)+20*u, 28*u
	b := frect{x0, y, x0 + bw, y + bh}
	fillRound(img, b, bh/2, colGold, gradientX(b, colGold, colAmber))
	bf.Draw(img, b.x0+10*u, b.y0+bh/2+bf.CapTop()/2-1*u, badge, colDeepRed)
	if !l.Drawn {
		cf := r.fonts.Face(22*u, true)
		text := Countdown(l.Left)
		cw := cf.Measure("00:00") + 18*u
		box := frect{card.x1 - pad*u - cw, y - 1*u, card.x1 - pad*u, y + bh + 1*u}
		fillRound(img, box, 8*u, colCountBox, nil)
		cf.Draw(img, box.x0+(cw-cf.Measure(text))/2, box.y0+box.h()/2+cf.CapTop()/2-1*u, text, colCream)
	}
	y += bh + 10*u

	pf := r.fonts.Face(24*u, true)
	prize := l.Prize
	if l.Winners > 1 {
		prize += fmt.Sprintf(" ×%d", l.Winners)
	}
	pf.Draw(img, x0, y+pf.CapTop(), pf.Ellipsize(prize, colW), colWhite)
	y += 34 * u

	hf := r.fonts.Face(17*u, false)
	if l.Drawn {
		names := "本轮无人中奖"
		if len(l.WinnerNames) > 0 {
			names = "中奖：" + strings.Join(l.WinnerNames, "、")
		}
		for _, line := range hf.Wrap(names, colW, 2) {
			hf.Draw(img, x0, y+hf.CapTop(), line, colCream)
			y += 24 * u
		}
		return img
	}
	hf.Draw(img, x0, y+hf.CapTop(), hf.Ellipsize(l.Help, colW), colCream)
	y += 26 * u
	sf := r.fonts.Face(15*u, false)
	sf.Draw(img, x0, y+sf.CapTop(), fmt.Sprintf("%d 人已参与", l.Entrants), rgba(255, 255, 255, 0.78))
	return img
}

// drawBag draws a lucky bag: a rounded gold pouch, a knot and a red 福 tag.
func drawBag(img *image.RGBA, r frect, u float64) {
	body := frect{r.x0, r.y0 + r.h()*0.28, r.x1, r.y1}
	fillRound(img, body, r.w()*0.32, colGold, func(x, y float64) color.RGBA { return lerp(colGold, colAmber, (y-body.y0)/body.h()) })
	neck := frect{r.x0 + r.w()*0.28, r.y0 + r.h()*0.12, r.x1 - r.w()*0.28, r.y0 + r.h()*0.34}
	fillRound(img, neck, neck.h()*0.4, colAmber, nil)
	top := frect{r.x0 + r.w()*0.18, r.y0, r.x1 - r.w()*0.18, r.y0 + r.h()*0.16}
	fillRound(img, top, top.h()/2, colGold, nil)
	knot := frect{r.x0 + r.w()*0.36, r.y0 + r.h()*0.26, r.x1 - r.w()*0.36, r.y0 + r.h()*0.38}
	fillRound(img, knot, knot.h()/2, colDeepRed, nil)
	tag := frect{r.x0 + r.w()*0.3, r.y0 + r.h()*0.5, r.x1 - r.w()*0.3, r.y0 + r.h()*0.84}
	fillRound(img, tag, 4*u, colDeepRed, nil)
	strokeRound(img, frect{tag.x0 + 2*u, tag.y0 + 2*u, tag.x1 - 2*u, tag.y1 - 2*u}, 3*u, 1*u, colGold)
}

// FlashSaleCard draws the flash sale: 秒杀 badge and countdown, the title,
// the flash price with the normal one struck through, and the units left.
func (r *Renderer) FlashSaleCard(f FlashSale, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	const cardW, cardH, pad = 420.0, 150.0, 16.0
	sp := float64(ShadowPad(canvasH))
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(cardW*u+2*sp)), int(math.Ceil(cardH*u+2*sp))))
	card := frect{sp, sp, sp + cardW*u, sp + cardH*u}
	radius := 16 * u
	shadow(img, frect{card.x0, card.y0 + 3*u, card.x1, card.y1 + 3*u}, radius, sp*0.9, colShadow)
	fillRound(img, card, radius, colNight, nil)
	head := frect{card.x0, card.y0, card.x1, card.y0 + 48*u}
	fillRound(img, head, radius, colRed, gradientX(head, colRed, colOrange))
	fillRound(img, frect{head.x0, head.y1 - radius, head.x1, head.y1}, 0, colRed, gradientX(head, colRed, colOrange))

	bf := r.fonts.Face(22*u, true)
	bf.Draw(img, head.x0+pad*u, head.y0+head.h()/2+bf.CapTop()/2-1*u, "限时秒杀", colWhite)
	cf := r.fonts.Face(22*u, true)
	label := r.fonts.Face(15*u, false)
	text := Countdown(f.Left)
	cw := cf.Measure("00:00") + 16*u
	box := frect{head.x1 - pad*u - cw, head.y0 + 8*u, head.x1 - pad*u, head.y1 - 8*u}
	fillRound(img, box, 7*u, colCountBox, nil)
	cf.Draw(img, box.x0+(cw-cf.Measure(text))/2, box.y0+box.h()/2+cf.CapTop()/2-1*u, text, colCream)
	lw := label.Measure("距结束")
	label.Draw(img, box.x0-8*u-lw, head.y0+head.h()/2+label.CapTop()/2-1*u, "距结束", colCream)

	x0 := card.x0 + pad*u
	colW := card.w() - 2*pad*u
	tf := r.fonts.Face(20*u, true)
	tf.Draw(img, x0, head.y1+12*u+tf.CapTop(), tf.Ellipsize(f.Title, colW), colWhite)

	baseline := card.y1 - 18*u
	left := fmt.Sprintf("仅剩 %d 件", f.Remaining)
	if f.Remaining <= 0 {
		left = "已抢光"
	}
	lf := r.fonts.Face(18*u, true)
	lwid := lf.Measure(left) + 20*u
	pill := frect{card.x1 - pad*u - lwid, baseline - 26*u, card.x1 - pad*u, baseline + 4*u}
	fillRound(img, pill, pill.h()/2, colGold, nil)
	lf.Draw(img, pill.x0+10*u, pill.y0+pill.h()/2+lf.CapTop()/2-1*u, left, colDeepRed)

	c := Card{PriceCents: f.PriceCents, OriginalPriceCents: f.OriginalPriceCents, Currency: f.Currency}
	r.priceLine(img, x0, baseline, pill.x0-x0-10*u, c, u, rgba(255, 214, 102, 1), rgba(255, 255, 255, 0.6))
	return img
}

// Greeting draws a welcome or thank-you line ("欢迎 小王 来到直播间",
// "感谢 小王 送出的小心心 ×3") as a gold banner with a tag, like the bulletin.
func (r *Renderer) Greeting(tag, text string, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	sp := float64(ShadowPad(canvasH))
	f := r.fonts.Face(24*u, true)
	tagF := r.fonts.Face(16*u, true)
	const h, pad = 50.0, 8.0
	tagW, tagH := tagF.Measure(tag)+20*u, (h-2*pad)*u
	maxW := float64(canvasW)*0.6 - 2*sp
	text = f.Ellipsize(text, maxW-tagW-pad*u-12*u-22*u)
	w := pad*u + tagW + 12*u + f.Measure(text) + 22*u
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(w+2*sp)), int(math.Ceil(h*u+2*sp))))
	band := frect{sp, sp, sp + w, sp + h*u}
	shadow(img, frect{band.x0, band.y0 + 3*u, band.x1, band.y1 + 3*u}, band.h()/2, sp*0.9, colShadow)
	fillRound(img, band, band.h()/2, colGold, gradientX(band, colGold, colAmber))
	t := frect{band.x0 + pad*u, band.y0 + pad*u, band.x0 + pad*u + tagW, band.y0 + pad*u + tagH}
	fillRound(img, t, tagH/2, colDeepRed, nil)
	tagF.Draw(img, t.x0+10*u, t.y0+tagH/2+tagF.CapTop()/2-1*u, tag, colWhite)
	f.Draw(img, t.x1+12*u, band.y0+band.h()/2+f.CapTop()/2-1.5*u, text, colDeepRed)
	return img
}
