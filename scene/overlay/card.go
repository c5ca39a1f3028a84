package overlay

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // product photos come as JPEG or PNG
	_ "image/png"
	"math"
	"os"
	"strconv"
	"strings"

	"showcaster/internal/money"
)

// Palette of the on-air graphics: white cards, the shop red for prices and
// badges (it reads over skin tones and most backdrops), grey for secondary text.
var (
	colRed      = rgba(255, 36, 66, 1)
	colOrange   = rgba(255, 106, 61, 1)
	colInk      = rgba(31, 31, 31, 1)
	colGrey     = rgba(138, 138, 138, 1)
	colCardBG   = rgba(255, 255, 255, 0.97)
	colPinkBG   = rgba(255, 236, 239, 1)
	colShadow   = rgba(0, 0, 0, 0.32)
	colWhite    = rgba(255, 255, 255, 1)
	colDimmer   = rgba(255, 255, 255, 0.55)
	colHolderBG = rgba(244, 245, 247, 1)
	colHolderFG = rgba(205, 209, 216, 1)
)

// Card is what a product card shows.
type Card struct {
	LinkNo             int
	Title              string
	Image              image.Image // nil draws a placeholder
	PriceCents         int64
	OriginalPriceCents int64 // struck through when above the price
	Currency           string
	Coupon             string
	SellingPoints      []string
	SoldOut            bool
}

// Renderer draws the overlays with one set of fonts.
type Renderer struct {
	fonts *Fonts
}

// NewRenderer returns a renderer drawing with fonts.
func NewRenderer(fonts *Fonts) *Renderer { return &Renderer{fonts: fonts} }

// Fonts returns the fonts the renderer draws with.
func (r *Renderer) Fonts() *Fonts { return r.fonts }

// unit is one pixel at 720p: every size on the overlays is a multiple of it,
// so a card covers the same share of the picture at 720p and 1080p.
func unit(canvasH int) float64 { return math.Max(float64(canvasH), 240) / 720 }

// Shadow is the transparent margin around cards and banners that holds their
// drop shadow, in 720p pixels.
const shadowPad = 10

// ShadowPad is the transparent margin, in pixels, around the visible part of
// an overlay made for a canvas canvasH pixels high.
func ShadowPad(canvasH int) int { return int(math.Round(shadowPad * unit(canvasH))) }

// ProductCard draws a product card for a canvasW×canvasH program: photo with
// the link number (3号链接), title, selling points, coupon badge, price with
// the original struck through, and a stamp when sold out.
func (r *Renderer) ProductCard(c Card, canvasW, canvasH int) *image.RGBA {
	u := unit(canvasH)
	const cardW, cardH, pad = 480.0, 184.0, 14.0
	sp := float64(ShadowPad(canvasH))
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(cardW*u+2*sp)), int(math.Ceil(cardH*u+2*sp))))
	card := frect{sp, sp, sp + cardW*u, sp + cardH*u}
	radius := 16 * u

	shadow(img, frect{card.x0, card.y0 + 3*u, card.x1, card.y1 + 3*u}, radius, sp*0.9, colShadow)
	fillRound(img, card, radius, colCardBG, nil)

	// Photo, or a placeholder bag, with the link number on it.
	side := (cardH - 2*pad) * u
	photo := frect{card.x0 + pad*u, card.y0 + pad*u, card.x0 + pad*u + side, card.y0 + pad*u + side}
	if c.Image != nil {
		drawCover(img, photo, 10*u, c.Image)
	} else {
		placeholder(img, photo, 10*u)
	}
	if c.LinkNo > 0 {
		f := r.fonts.Face(15*u, true)
		label := strconv.Itoa(c.LinkNo) + "号链接"
		bw, bh := f.Measure(label)+18*u, 26*u
		badge := frect{photo.x0 + 6*u, photo.y0 + 6*u, photo.x0 + 6*u + bw, photo.y0 + 6*u + bh}
		fillRound(img, badge, bh/2, colRed, gradientX(badge, colRed, colOrange))
		f.Draw(img, badge.x0+9*u, badge.y0+bh/2+f.CapTop()/2-1*u, label, colWhite)
	}

	// Text column.
	x0 := photo.x1 + 16*u
	colW := card.x1 - 16*u - x0
	y := card.y0 + pad*u

	title := r.fonts.Face(23*u, true)
	for _, line := range title.Wrap(c.Title, colW, 2) {
		title.Draw(img, x0, y+title.CapTop(), line, colInk)
		y += 30 * u
	}

	if len(c.SellingPoints) > 0 {
		f := r.fonts.Face(15*u, false)
		y += 2 * u
		f.Draw(img, x0, y+f.CapTop(), f.Ellipsize(strings.Join(c.SellingPoints, " · "), colW), colGrey)
		y += 22 * u
	}

	if c.Coupon != "" {
		y += 6 * u
		r.couponBadge(img, x0, y, colW, c.Coupon, u)
	}

	r.priceLine(img, x0, card.y1-(pad+1)*u, colW, c, u, colRed, colGrey)

	if c.SoldOut {
		fillRound(img, card, radius, colDimmer, nil)
		r.soldOutStamp(img, card, u)
	}
	return img
}

// couponBadge draws 券 | text as a two-part ticket.
func (r *Renderer) couponBadge(img *image.RGBA, x, y, maxW float64, text string, u float64) {
	f := r.fonts.Face(15*u, false)
	fb := r.fonts.Face(15*u, true)
	h := 26 * u
	tag := fb.Measure("券") + 14*u
	text = f.Ellipsize(text, maxW-tag-16*u)
	w := tag + f.Measure(text) + 16*u
	all := frect{x, y, x + w, y + h}
	fillRound(img, all, 5*u, colPinkBG, nil)
	strokeRound(img, all, 5*u, math.Max(1, 1.2*u), colRed)
	fillRound(img, frect{x, y, x + tag, y + h}, 5*u, colRed, nil)
	// square off the tag's right side so it meets the text part cleanly
	fillRound(img, frect{x + tag - 6*u, y, x + tag, y + h}, 0, colRed, nil)
	base := y + h/2 + f.CapTop()/2 - 1*u
	fb.Draw(img, x+7*u, base, "券", colWhite)
	f.Draw(img, x+tag+8*u, base, text, colRed)
}

// priceLine draws ¥99.9 big in the price colour, then the original price
// struck through in its own, shrinking both when a long price would
// overflow the column.
func (r *Renderer) priceLine(img *image.RGBA, x, baseline, maxW float64, c Card, u float64, price, was color.RGBA) {
	sign, whole, frac := money.Parts(c.PriceCents, c.Currency)
	orig := ""
	if c.OriginalPriceCents > c.PriceCents {
		orig = money.Format(c.OriginalPriceCents, c.Currency)
	}
	scale := 1.0
	for ; scale > 0.5; scale -= 0.05 {
		if r.priceWidth(sign, whole, frac, orig, u*scale) <= maxW {
			break
		}
	}
	s := u * scale
	fs, fw, ff := r.fonts.Face(22*s, true), r.fonts.Face(44*s, true), r.fonts.Face(24*s, true)
	xx := fs.Draw(img, x, baseline, sign, price) + 1*s
	xx = fw.Draw(img, xx, baseline, whole, price)
	xx = ff.Draw(img, xx, baseline, frac, price)
	if orig != "" {
		fo := r.fonts.Face(17*s, false)
		ox := xx + 12*s
		end := fo.Draw(img, ox, baseline, orig, was)
		mid := baseline - 17*s*0.32
		fillRound(img, frect{ox - 1*s, mid - 0.7*s, end + 1*s, mid + 0.7*s + math.Max(0, 1-1.4*s)}, 0, was, nil)
	}
}

func (r *Renderer) priceWidth(sign, whole, frac, orig string, s float64) float64 {
	w := r.fonts.Face(22*s, true).Measure(sign) + 1*s + r.fonts.Face(44*s, true).Measure(whole) +
		r.fonts.Face(24*s, true).Measure(frac)
	if orig != "" {
		w += 12*s + r.fonts.Face(17*s, false).Measure(orig)
	}
	return w
}

// soldOutStamp draws a tilted red 已售罄 stamp over the card.
func (r *Renderer) soldOutStamp(img *image.RGBA, card frect, u float64) {
	f := r.fonts.Face(34*u, true)
	text := "已售罄"
	tw := f.Measure(text)
	w, h := tw+40*u, 64*u
	st := image.NewRGBA(image.Rect(0, 0, int(w+4*u), int(h+4*u)))
	outer := frect{2 * u, 2 * u, 2*u + w, 2*u + h}
	red := rgba(230, 20, 50, 0.92)
	strokeRound(st, outer, 12*u, 3*u, red)
	strokeRound(st, frect{outer.x0 + 6*u, outer.y0 + 6*u, outer.x1 - 6*u, outer.y1 - 6*u}, 8*u, 1.5*u, red)
	f.Draw(st, outer.x0+(w-tw)/2, outer.y0+h/2+f.CapTop()/2-2*u, text, red)
	rot := rotated(st, 12)
	at := image.Pt(int((card.x0+card.x1)/2+60*u)-rot.Rect.Dx()/2, int((card.y0+card.y1)/2)-rot.Rect.Dy()/2)
	over(img, rot, at)
}

// placeholder draws a neat empty-photo tile: a soft grey square with a
// shopping-bag outline.
func placeholder(img *image.RGBA, r frect, radius float64) {
	fillRound(img, r, radius, colHolderBG, nil)
	s := r.w()
	cx, cy := (r.x0+r.x1)/2, (r.y0+r.y1)/2
	body := frect{cx - s*0.2, cy - s*0.08, cx + s*0.2, cy + s*0.26}
	lw := math.Max(1.5, s*0.035)
	strokeRound(img, body, s*0.04, lw, colHolderFG)
	// the handle: the upper half of a ring
	hr := s * 0.11
	b := frect{cx - hr - lw, cy - 0.08*s - hr - lw, cx + hr + lw, cy - 0.08*s}.bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			d := math.Abs(math.Hypot(px-cx, py-(cy-0.08*s))-hr) - lw/2
			blend(img, x, y, colHolderFG, 0.5-d)
		}
	}
}

// over composites src onto dst with src's origin at at.
func over(dst, src *image.RGBA, at image.Point) {
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		for x := src.Rect.Min.X; x < src.Rect.Max.X; x++ {
			c := src.RGBAAt(x, y)
			if c.A == 0 {
				continue
			}
			blend(dst, at.X+x-src.Rect.Min.X, at.Y+y-src.Rect.Min.Y, c, 1)
		}
	}
}

// gradientX paints from a at the left of r to b at its right.
func gradientX(r frect, a, b color.RGBA) func(x, y float64) color.RGBA {
	return func(x, _ float64) color.RGBA { return lerp(a, b, (x-r.x0)/r.w()) }
}

// LoadImage reads a PNG or JPEG product photo.
func LoadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v; check the product's image path", ErrImage, path, err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v; use a PNG or JPEG file", ErrImage, path, err)
	}
	return img, nil
}
