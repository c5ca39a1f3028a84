package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"showcaster/app/store"
	"showcaster/internal/clock"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

// Errors of the product desk.
var (
	ErrProductUnknown = errors.New("that product is not in the show's list: reload the list or add the product to the show")
	ErrProductEnd     = errors.New("no product there: the list ends here")
	ErrProductPin     = errors.New("the platform did not take the change")
	ErrDeskClosed     = errors.New("the product desk is closed")
)

// Overlay ids and stacking of the desk's graphics on the program.
const (
	OverlayProductCard = "product-card"
	OverlayBulletin    = "bulletin"
	zProductCard       = 100
	zBulletin          = 110
)

// Corner is where the product card sits; the UI picks one without
// importing the overlay package.
type Corner = overlay.Corner

const (
	CornerTopLeft     = overlay.TopLeft
	CornerTopRight    = overlay.TopRight
	CornerBottomLeft  = overlay.BottomLeft
	CornerBottomRight = overlay.BottomRight
)

// OverlayTarget is the part of the program compositor the desk draws on
// (scene.Scene has these methods).
type OverlayTarget interface {
	SetOverlay(o scene.Overlay) error
	MoveOverlay(id string, at image.Point) error
	RemoveOverlay(id string)
}

// Pinner is the part of the platform client the desk uses (platform.Client
// has these methods).
type Pinner interface {
	Pin(ctx context.Context, showID string, p Product) error
	Unpin(ctx context.Context, showID string) error
	Bulletin(ctx context.Context, showID, text string) error
}

// ProductStore is the part of the studio store the desk reads and edits
// (store.Store has these methods).
type ProductStore interface {
	Product(id string) (store.Product, error)
	Products() ([]store.Product, error)
	ShowProducts(showID string) ([]store.Product, error)
	SetShowProducts(showID string, ids []string) error
	MoveProduct(showID, productID string, newIndex int) error
	SetSoldOut(id string, soldOut bool) (store.Product, error)
	UpdatePrice(id string, priceCents, originalCents int64) (store.Product, error)
	UpdateCoupon(id, coupon string) (store.Product, error)
	UpdateStock(id string, stock int) (store.Product, error)
	SetScript(id, script string) (store.Product, error)
	PromptBoard(showID string) (store.PromptBoard, error)
	SetShowNotes(showID, notes string) error
}

// ProductDeskConfig wires the desk to the program, the platform and the store.
type ProductDeskConfig struct {
	Store ProductStore
	// Program receives the card and bulletin overlays; nil draws nothing.
	Program OverlayTarget
	// Platform pins products and posts bulletins; nil keeps them local.
	Platform Pinner
	// Renderer draws the overlays; nil finds a Chinese-capable system font.
	Renderer *overlay.Renderer
	// Canvas is the program size; default 1280×720.
	Canvas image.Point
	// Corner is where the card sits; default bottom right.
	Corner overlay.Corner
	// Slide is how long the card takes to slide in or out; 0 means 400 ms,
	// negative means no animation.
	Slide time.Duration
	// FPS paces the slide; default 30.
	FPS   int
	Clock clock.Clock
	// Emit receives ProductOnAir, ProductsChanged, BulletinChanged and
	// Notice. It must not block.
	Emit func(Event)
	// LoadImage reads a product image by its path or URL; default: local
	// PNG/JPEG files, a placeholder for anything else.
	LoadImage func(ref string) (image.Image, error)
	// PlatformTimeout bounds each platform call; default 5 s.
	PlatformTimeout time.Duration
	// HTTP fetches product pictures given as web addresses; default a
	// client with a 15 s timeout.
	HTTP *http.Client
}

func (c ProductDeskConfig) withDefaults() ProductDeskConfig {
	if c.Canvas.X <= 0 || c.Canvas.Y <= 0 {
		c.Canvas = image.Pt(1280, 720)
	}
	if c.Corner == overlay.CornerUnknown {
		c.Corner = overlay.DefaultCorner
	}
	if c.Slide == 0 {
		c.Slide = 400 * time.Millisecond
	}
	if c.FPS <= 0 {
		c.FPS = 30
	}
	c.Clock = clock.OrReal(c.Clock)
	if c.Emit == nil {
		c.Emit = func(Event) {}
	}
	if c.LoadImage == nil {
		c.LoadImage = loadLocalImage
	}
	if c.PlatformTimeout <= 0 {
		c.PlatformTimeout = 5 * time.Second
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	return c
}

// ProductDesk is the assistant's product list during a show: it puts the
// product being explained on air as a card and pins it on the platform,
// steps through the list, and carries price, coupon and stock changes to the
// card and the buy link at once. Its methods are safe to call from any
// goroutine; platform calls run in order on a goroutine of their own, so
// no button waits for the network.
type ProductDesk struct {
	cfg ProductDeskConfig

	mu       sync.Mutex
	showID   string
	products []store.Product
	onAir    string
	bulletin string
	// prompterOnAir: the operator chose to show the cue card on the program.
	prompterOnAir bool
	corner        overlay.Corner
	canvas        image.Point
	cardSize      image.Point // size of the card image on air
	cardAt        image.Point // where the card is now (mid-slide too)
	anim          chan struct{}
	images        map[string]image.Image
	closed        bool

	plat platformQueue
	// uploaded maps a local picture (path, size, mtime) to its platform URL.
	uploaded map[string]string
	// fetching are the web pictures being downloaded.
	fetching map[string]bool
}

// NewProductDesk starts a desk with an empty list; Load fills it.
func NewProductDesk(cfg ProductDeskConfig) (*ProductDesk, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("product desk: no store given")
	}
	if cfg.Renderer == nil {
		fonts, err := overlay.NewFonts(overlay.FontConfig{})
		if err != nil {
			return nil, fmt.Errorf("product desk: %w", err)
		}
		cfg.Renderer = overlay.NewRenderer(fonts)
	}
	cfg = cfg.withDefaults()
	d := &ProductDesk{cfg: cfg, corner: cfg.Corner, canvas: cfg.Canvas, images: map[string]image.Image{}, uploaded: map[string]string{}, fetching: map[string]bool{}}
	d.plat.start()
	return d, nil
}

// Close stops animations and waits for platform calls already asked for.
func (d *ProductDesk) Close() {
	d.mu.Lock()
	d.closed = true
	d.stopAnimLocked()
	d.mu.Unlock()
	d.plat.close()
}

// Load reads the show's products in running order; showID "" loads the
// whole catalogue (rehearsals, snapshots) and keeps pins local.
func (d *ProductDesk) Load(showID string) error {
	var ps []store.Product
	var err error
	if showID == "" {
		ps, err = d.cfg.Store.Products()
	} else {
		ps, err = d.cfg.Store.ShowProducts(showID)
	}
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.showID, d.products = showID, ps
	d.prefetchLocked()
	d.mu.Unlock()
	d.cfg.Emit(ProductsChanged{})
	return nil
}

// Catalogue is every product in the store, in link order: what a show's
// list is chosen from.
func (d *ProductDesk) Catalogue() ([]store.Product, error) { return d.cfg.Store.Products() }

// SetShowProducts makes ids (in running order) the loaded show's products.
// A product on air that leaves the list is taken down first.
func (d *ProductDesk) SetShowProducts(ids []string) error {
	showID := d.ShowID()
	if showID == "" {
		return ErrNoShow
	}
	if on := d.OnAir(); on != "" && !slices.Contains(ids, on) {
		d.TakeDown()
	}
	if err := d.cfg.Store.SetShowProducts(showID, ids); err != nil {
		return err
	}
	return d.Load(showID)
}

// ShowID is the show loaded ("" for the catalogue).
func (d *ProductDesk) ShowID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.showID
}

// Products returns the list in running order.
func (d *ProductDesk) Products() []store.Product {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.products)
}

// Product returns one product of the list.
func (d *ProductDesk) Product(id string) (store.Product, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := d.indexLocked(id)
	if i < 0 {
		return store.Product{}, false
	}
	return d.products[i], true
}

// OnAir is the id of the product being explained ("" when none).
func (d *ProductDesk) OnAir() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.onAir
}

// Bulletin is the bulletin line on air ("" when none).
func (d *ProductDesk) Bulletin() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bulletin
}

// Corner is where the card sits.
func (d *ProductDesk) Corner() overlay.Corner {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.corner
}

func (d *ProductDesk) indexLocked(id string) int {
	return slices.IndexFunc(d.products, func(p store.Product) bool { return p.ID == id })
}

// ExplainNow puts the product on air: its card slides in (or replaces the
// card on air in place) and the platform pins it for buyers.
func (d *ProductDesk) ExplainNow(id string) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrDeskClosed
	}
	i := d.indexLocked(id)
	if i < 0 {
		d.mu.Unlock()
		return fmt.Errorf("explain %q: %w", id, ErrProductUnknown)
	}
	p := d.products[i]
	err := d.showCardLocked(p, d.onAir == "")
	if err == nil {
		d.onAir = id
		err = d.prompterLocked()
	}
	showID := d.showID
	d.mu.Unlock()
	if err != nil {
		return err
	}
	d.cfg.Emit(ProductOnAir{ProductID: id})
	d.pin(showID, p)
	return nil
}

// Next explains the product after the one on air (the first when none is).
func (d *ProductDesk) Next() error { return d.step(+1) }

// Previous explains the product before the one on air (the last when none is).
func (d *ProductDesk) Previous() error { return d.step(-1) }

func (d *ProductDesk) step(dir int) error {
	d.mu.Lock()
	n := len(d.products)
	i := d.indexLocked(d.onAir)
	var next int
	switch {
	case i < 0 && dir > 0:
		next = 0
	case i < 0:
		next = n - 1
	default:
		next = i + dir
	}
	if n == 0 || next < 0 || next >= n {
		d.mu.Unlock()
		which := "last"
		if dir < 0 {
			which = "first"
		}
		return fmt.Errorf("%w: this is the %s product", ErrProductEnd, which)
	}
	id := d.products[next].ID
	d.mu.Unlock()
	return d.ExplainNow(id)
}

// TakeDown slides the card out and unpins the product.
func (d *ProductDesk) TakeDown() {
	d.mu.Lock()
	if d.onAir == "" {
		d.mu.Unlock()
		return
	}
	d.onAir = ""
	d.hideCardLocked()
	d.prompterLocked()
	showID := d.showID
	d.mu.Unlock()
	d.cfg.Emit(ProductOnAir{})
	d.unpin(showID)
}

// SoldOut marks a product sold out (or back in stock); a card on air
// gets its stamp and the buy link says so.
func (d *ProductDesk) SoldOut(id string, soldOut bool) error {
	return d.edit(id, func() (store.Product, error) { return d.cfg.Store.SetSoldOut(id, soldOut) })
}

// UpdatePrice changes the price and original price (cents; original 0 for
// none) in the store, on air and on the buy link.
func (d *ProductDesk) UpdatePrice(id string, priceCents, originalCents int64) error {
	return d.edit(id, func() (store.Product, error) { return d.cfg.Store.UpdatePrice(id, priceCents, originalCents) })
}

// UpdateCoupon changes the coupon text ("" removes it) everywhere.
func (d *ProductDesk) UpdateCoupon(id, coupon string) error {
	return d.edit(id, func() (store.Product, error) { return d.cfg.Store.UpdateCoupon(id, coupon) })
}

// UpdateStock changes how many are left; the buy link follows.
func (d *ProductDesk) UpdateStock(id string, stock int) error {
	return d.edit(id, func() (store.Product, error) { return d.cfg.Store.UpdateStock(id, stock) })
}

// SetScript changes the product's cue card on the prompt board.
func (d *ProductDesk) SetScript(id, script string) error {
	return d.edit(id, func() (store.Product, error) { return d.cfg.Store.SetScript(id, script) })
}

// edit stores a change, then re-renders the card and re-pins when the
// product is on air.
func (d *ProductDesk) edit(id string, save func() (store.Product, error)) error {
	d.mu.Lock()
	if d.indexLocked(id) < 0 {
		d.mu.Unlock()
		return fmt.Errorf("edit %q: %w", id, ErrProductUnknown)
	}
	d.mu.Unlock()
	p, err := save()
	if err != nil {
		return err
	}
	d.mu.Lock()
	if i := d.indexLocked(id); i >= 0 {
		d.products[i] = p
	}
	live := d.onAir == id
	if live {
		err = errors.Join(d.showCardLocked(p, false), d.prompterLocked())
	}
	showID := d.showID
	d.mu.Unlock()
	d.cfg.Emit(ProductsChanged{})
	if live {
		d.pin(showID, p)
	}
	return err
}

// Move puts a product at index (0-based) in the show's running order.
func (d *ProductDesk) Move(id string, index int) error {
	d.mu.Lock()
	showID := d.showID
	from := d.indexLocked(id)
	d.mu.Unlock()
	if from < 0 {
		return fmt.Errorf("move %q: %w", id, ErrProductUnknown)
	}
	if showID == "" {
		return fmt.Errorf("reorder: %w", ErrNoShow)
	}
	if err := d.cfg.Store.MoveProduct(showID, id, index); err != nil {
		return err
	}
	return d.Load(showID)
}

// SetBulletin puts a bulletin line on air as a banner and on the viewer
// page; "" takes it down from both.
func (d *ProductDesk) SetBulletin(text string) error {
	text = strings.TrimSpace(text)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrDeskClosed
	}
	err := d.showBulletinLocked(text)
	if err == nil {
		d.bulletin = text
	}
	showID := d.showID
	d.mu.Unlock()
	if err != nil {
		return err
	}
	d.cfg.Emit(BulletinChanged{Text: text})
	d.postBulletin(showID, text)
	return nil
}

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

// PromptBoard is the host's script for the loaded show.
func (d *ProductDesk) PromptBoard() (store.PromptBoard, error) {
	d.mu.Lock()
	showID := d.showID
	d.mu.Unlock()
	if showID == "" {
		// The catalogue has no show notes: cue cards of every product.
		b := store.PromptBoard{}
		for _, p := range d.Products() {
			b.Cards = append(b.Cards, store.CueCard{ProductID: p.ID, LinkNo: p.LinkNo, Title: p.Title,
				Script: p.Script, Points: p.SellingPoints})
		}
		return b, nil
	}
	return d.cfg.Store.PromptBoard(showID)
}

// SetNotes changes the show's free notes on the prompt board.
func (d *ProductDesk) SetNotes(notes string) error {
	showID := d.ShowID()
	if showID == "" {
		return fmt.Errorf("notes: %w", ErrNoShow)
	}
	if err := d.cfg.Store.SetShowNotes(showID, notes); err != nil {
		return err
	}
	d.cfg.Emit(ProductsChanged{})
	return nil
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

// PrompterPage lays text out for the teleprompter: light text on black,
// wrapped to width pixels with size-pixel characters, one page as tall as the
// text needs. Lines starting with "# " are headings (a product's title) in
// yellow. mirror flips the page left to right for a beam-splitter glass.
func (d *ProductDesk) PrompterPage(text string, width int, size float64, mirror bool) *image.RGBA {
	width = max(width, 64)
	size = max(size, 8)
	fonts := d.cfg.Renderer.Fonts()
	body, head := fonts.Face(size, false), fonts.Face(size, true)
	margin := size * 0.8
	lineH := size * 1.45
	type line struct {
		text    string
		heading bool
	}
	var lines []line
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		heading := strings.HasPrefix(para, "# ")
		f := body
		if heading {
			para, f = strings.TrimPrefix(para, "# "), head
		}
		for _, l := range f.Wrap(para, float64(width)-2*margin, 0) {
			lines = append(lines, line{l, heading})
		}
	}
	h := int(margin*2 + lineH*float64(len(lines)))
	page := image.NewRGBA(image.Rect(0, 0, width, max(h, 1)))
	for i := 3; i < len(page.Pix); i += 4 {
		page.Pix[i] = 255 // opaque black
	}
	y := margin
	for _, l := range lines {
		f, c := body, color.RGBA{240, 240, 240, 255}
		if l.heading {
			f, c = head, color.RGBA{255, 214, 10, 255}
		}
		f.Draw(page, margin, y+f.CapTop()+(lineH-size)/2, l.text, c)
		y += lineH
	}
	if mirror {
		for row := 0; row < page.Rect.Dy(); row++ {
			px := page.Pix[row*page.Stride : row*page.Stride+4*width]
			for a, b := 0, width-1; a < b; a, b = a+1, b-1 {
				pa, pb := px[4*a:4*a+4], px[4*b:4*b+4]
				for k := 0; k < 4; k++ {
					pa[k], pb[k] = pb[k], pa[k]
				}
			}
		}
	}
	return page
}

// --- program overlays -----------------------------------------------------

func (d *ProductDesk) cardLocked(p store.Product) overlay.Card {
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
		d.cfg.Emit(Notice{Err: err, Text: fmt.Sprintf("the product image %s cannot be shown; the card shows a placeholder. Fix the image path in the catalogue.", ref)})
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

// --- platform -------------------------------------------------------------

func (d *ProductDesk) pin(showID string, p store.Product) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("pin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		pp := p.Product
		pp.ImageURL = d.publicImage(ctx, pp.ImageURL)
		if err := d.cfg.Platform.Pin(ctx, showID, pp); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: pin %d号链接: %w", ErrProductPin, p.LinkNo, err),
				Text: fmt.Sprintf("%d号链接 is on air, but the platform did not pin it for buyers. Check the connection, then press Explain now again.", p.LinkNo)})
		}
	})
}

// ImageUploader is a platform that hosts product images for the viewer
// page (platform.Client is one).
type ImageUploader interface {
	UploadImage(ctx context.Context, data []byte) (string, error)
}

// publicImage turns a product image the viewers' browsers cannot reach (a
// file on this computer) into one the platform serves, uploading it once per
// file version. Web addresses pass through; a failure leaves the buy card
// without a picture and says why, but never holds up the pin.
func (d *ProductDesk) publicImage(ctx context.Context, ref string) string {
	if ref == "" || strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
		return ref
	}
	up, ok := d.cfg.Platform.(ImageUploader)
	if !ok {
		return ""
	}
	info, err := os.Stat(ref)
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s|%d|%d", ref, info.Size(), info.ModTime().UnixNano())
	d.mu.Lock()
	url, done := d.uploaded[key]
	d.mu.Unlock()
	if done {
		return url
	}
	data, err := os.ReadFile(ref)
	if err == nil {
		url, err = up.UploadImage(ctx, data)
	}
	if err != nil {
		d.cfg.Emit(Notice{Err: fmt.Errorf("the product picture %s could not go to the platform, so the buy card shows none: %w", ref, err)})
		return ""
	}
	d.mu.Lock()
	d.uploaded[key] = url
	d.mu.Unlock()
	return url
}

func (d *ProductDesk) unpin(showID string) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("pin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		if err := d.cfg.Platform.Unpin(ctx, showID); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: unpin: %w", ErrProductPin, err),
				Text: "The card is off air, but the platform still shows the buy link. Check the connection, then press Take down again."})
		}
	})
}

func (d *ProductDesk) postBulletin(showID, text string) {
	if d.cfg.Platform == nil || showID == "" {
		return
	}
	d.plat.put("bulletin", func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.PlatformTimeout)
		defer cancel()
		if err := d.cfg.Platform.Bulletin(ctx, showID, text); err != nil {
			d.cfg.Emit(Notice{Err: fmt.Errorf("%w: bulletin: %w", ErrProductPin, err),
				Text: "The bulletin is on air, but the viewer page did not get it. Check the connection, then post it again."})
		}
	})
}

// Sync waits until the platform calls asked for so far are done.
func (d *ProductDesk) Sync() { d.plat.sync() }

// platformQueue runs platform calls one at a time, in order, keeping only
// the newest pending call of each kind: after "pin A, pin B, unpin" only the
// unpin needs to reach the platform, and a slow network cannot make an old
// pin land after a new one.
type platformQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	order   []string
	pending map[string]func()
	busy    bool
	closed  bool
	done    chan struct{}
}

func (q *platformQueue) start() {
	q.cond = sync.NewCond(&q.mu)
	q.pending = map[string]func(){}
	q.done = make(chan struct{})
	go q.run()
}

func (q *platformQueue) put(kind string, job func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if _, ok := q.pending[kind]; !ok {
		q.order = append(q.order, kind)
	}
	q.pending[kind] = job
	q.cond.Broadcast()
}

func (q *platformQueue) run() {
	defer close(q.done)
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		for len(q.order) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.order) == 0 {
			return
		}
		kind := q.order[0]
		q.order = q.order[1:]
		job := q.pending[kind]
		delete(q.pending, kind)
		q.busy = true
		q.mu.Unlock()
		job()
		q.mu.Lock()
		q.busy = false
		q.cond.Broadcast()
	}
}

func (q *platformQueue) sync() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.order) > 0 || q.busy {
		q.cond.Wait()
	}
}

func (q *platformQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	<-q.done
}
