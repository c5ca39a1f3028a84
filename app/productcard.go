package app

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"showcaster/app/store"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// SetCorner moves the card (and the bulletin, which keeps clear of it).
func (d *ProductDesk) SetCorner(c overlay.Corner) error {
	if c == overlay.CornerUnknown {
		c = overlay.DefaultCorner
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.corner = c
	return d.relayoutLocked()
}

// SetCanvas follows a change of program size: the overlays are drawn again
// at the new scale.
func (d *ProductDesk) SetCanvas(w, h int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.canvas = image.Pt(w, h)
	return d.relayoutLocked()
}

func (d *ProductDesk) relayoutLocked() error {
	var errs []error
	if i := d.indexLocked(d.onAir); i >= 0 {
		errs = append(errs, d.showCardLocked(d.products[i], false))
	}
	if d.bulletin != "" {
		errs = append(errs, d.showBulletinLocked(d.bulletin))
	}
	errs = append(errs, d.prompterLocked())
	return errors.Join(errs...)
}

// CardImage draws a product's card as it would go on air (for previews
// and snapshots).
func (d *ProductDesk) CardImage(id string) (*image.RGBA, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := d.indexLocked(id)
	if i < 0 {
		return nil, fmt.Errorf("card %q: %w", id, ErrProductUnknown)
	}
	return d.cfg.Renderer.ProductCard(d.cardLocked(d.products[i]), d.canvas.X, d.canvas.Y), nil
}

func (d *ProductDesk) cardLocked(p store.Product) overlay.Card {
	p = d.withLeftLocked(p)
	return overlay.Card{
		LinkNo: p.LinkNo, Title: p.Title, Image: d.imageLocked(p.ImageURL),
		PriceCents: p.PriceCents, OriginalPriceCents: p.OriginalPriceCents, Currency: p.Currency,
		Coupon: p.Coupon, SellingPoints: p.SellingPoints, SoldOut: p.SoldOut,
	}
}

// imageLocked loads a product image once; a missing one draws the
// placeholder and is reported once, so the show goes on.
func (d *ProductDesk) imageLocked(ref string) image.Image {
	if ref == "" {
		return nil
	}
	if img, ok := d.images[ref]; ok {
		return img
	}
	if isWebImage(ref) {
		d.prefetchLocked()
		return nil
	}
	img, err := d.cfg.LoadImage(ref)
	d.images[ref] = img
	if err != nil {
		// Emit must not block, so calling it under the lock is safe.
		d.cfg.Emit(Notice{Err: err, Msg: Say(err, "The product image %s cannot be shown; the card shows a placeholder. Fix the image path in the catalogue.", ref)})
	}
	return img
}

// showCardLocked draws p's card and puts it on the program: sliding in from
// the side when slideIn, else in place at its corner.
func (d *ProductDesk) showCardLocked(p store.Product, slideIn bool) error {
	img := d.cfg.Renderer.ProductCard(d.cardLocked(p), d.canvas.X, d.canvas.Y)
	d.cardSize = img.Rect.Size()
	rest := overlay.CardPosition(d.corner, d.cardSize, d.canvas)
	if d.cfg.Program == nil {
		d.cardAt = rest
		return nil
	}
	at := rest
	animate := slideIn && d.cfg.Slide > 0
	if animate {
		at = overlay.Offscreen(d.corner, d.cardSize, d.canvas)
	}
	d.stopAnimLocked()
	if err := d.cfg.Program.SetOverlay(scene.Overlay{ID: OverlayProductCard, Image: img, At: at, Z: zProductCard, Visible: true}); err != nil {
		return fmt.Errorf("put the card on air: %w", err)
	}
	d.cardAt = at
	if animate {
		d.slideLocked(at, rest, nil)
	}
	return nil
}

// hideCardLocked slides the card out and removes it.
func (d *ProductDesk) hideCardLocked() {
	if d.cfg.Program == nil {
		return
	}
	d.stopAnimLocked()
	if d.cfg.Slide <= 0 {
		d.cfg.Program.RemoveOverlay(OverlayProductCard)
		return
	}
	out := overlay.Offscreen(d.corner, d.cardSize, d.canvas)
	d.slideLocked(d.cardAt, out, func() { d.cfg.Program.RemoveOverlay(OverlayProductCard) })
}

// slideLocked moves the card from→to along an ease-out on the desk clock,
// then runs done (under the lock). Starting another slide or a new card
// cancels it.
func (d *ProductDesk) slideLocked(from, to image.Point, done func()) {
	stop := make(chan struct{})
	d.anim = stop
	start := d.cfg.Clock.Now()
	t := d.cfg.Clock.NewTicker(time.Second / time.Duration(d.cfg.FPS))
	go func() {
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C():
			}
			d.mu.Lock()
			if d.anim != stop {
				d.mu.Unlock()
				return
			}
			// Position by elapsed time, not by ticks: a late tick lands the
			// card where it should be by now.
			elapsed := d.cfg.Clock.Now().Sub(start)
			d.cardAt = overlay.SlideAt(from, to, elapsed, d.cfg.Slide)
			d.cfg.Program.MoveOverlay(OverlayProductCard, d.cardAt)
			finished := elapsed >= d.cfg.Slide
			if finished {
				d.anim = nil
				if done != nil {
					done()
				}
			}
			d.mu.Unlock()
			if finished {
				return
			}
		}
	}()
}

func (d *ProductDesk) stopAnimLocked() {
	if d.anim != nil {
		close(d.anim)
		d.anim = nil
	}
}

// animating reports a slide in progress (tests wait on it).
func (d *ProductDesk) animating() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.anim != nil
}

func (d *ProductDesk) showBulletinLocked(text string) error {
	if d.cfg.Program == nil {
		return nil
	}
	if text == "" {
		d.cfg.Program.RemoveOverlay(OverlayBulletin)
		return nil
	}
	img := d.cfg.Renderer.Bulletin(text, d.canvas.X, d.canvas.Y)
	at := overlay.BulletinPosition(d.corner, img.Rect.Size(), d.canvas)
	if err := d.cfg.Program.SetOverlay(scene.Overlay{ID: OverlayBulletin, Image: img, At: at, Z: zBulletin, Visible: true}); err != nil {
		return fmt.Errorf("put the bulletin on air: %w", err)
	}
	return nil
}

// loadLocalImage reads a picture file; web pictures are fetched in the
// background instead (see prefetchLocked).
func loadLocalImage(ref string) (image.Image, error) {
	if strings.Contains(ref, "://") {
		return nil, nil
	}
	return overlay.LoadImage(ref)
}
