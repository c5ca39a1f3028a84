package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http"
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
	ShowProduct(showID, productID string) (store.Product, error)
	SetShowProducts(showID string, ids []string) error
	MoveProduct(showID, productID string, newIndex int) error
	SetSoldOut(id string, soldOut bool) (store.Product, error)
	UpdatePrice(id string, priceCents, originalCents int64) (store.Product, error)
	UpdateCoupon(id, coupon string) (store.Product, error)
	UpdateStock(id string, stock int) (store.Product, error)
	SetScript(id, script string) (store.Product, error)
	SetShowPrice(showID, productID string, priceCents, originalCents int64) (store.Product, error)
	SetShowCoupon(showID, productID, coupon string) (store.Product, error)
	SetShowSoldOut(showID, productID string, soldOut bool) (store.Product, error)
	ShowToCatalogue(showID, productID string) (store.Product, error)
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
	// left is what the platform says is left of each stock-limited product
	// in this show (productstock.go).
	left map[string]int

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
	if d.showID != showID {
		d.left = nil // another show: the platform's cart for it follows
	}
	d.showID, d.products = showID, ps
	d.prefetchLocked()
	d.mu.Unlock()
	d.cfg.Emit(ProductsChanged{})
	d.publishCart(showID)
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
	out := slices.Clone(d.products)
	for i := range out {
		out[i] = d.withLeftLocked(out[i])
	}
	return out
}

// Product returns one product of the list.
func (d *ProductDesk) Product(id string) (store.Product, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := d.indexLocked(id)
	if i < 0 {
		return store.Product{}, false
	}
	return d.withLeftLocked(d.products[i]), true
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
// gets its stamp and the buy link says so. In a show it is the show's flag:
// the catalogue and the next show are untouched.
func (d *ProductDesk) SoldOut(id string, soldOut bool) error {
	return d.edit(id, func(showID string) (store.Product, error) {
		if showID == "" {
			return d.cfg.Store.SetSoldOut(id, soldOut)
		}
		return d.cfg.Store.SetShowSoldOut(showID, id, soldOut)
	})
}

// UpdatePrice changes the price and original price (cents; original 0 for
// none) on air and on the buy link. In a show it is the show's price: the
// catalogue keeps its own unless SaveToCatalogue is asked for.
func (d *ProductDesk) UpdatePrice(id string, priceCents, originalCents int64) error {
	return d.edit(id, func(showID string) (store.Product, error) {
		if showID == "" {
			return d.cfg.Store.UpdatePrice(id, priceCents, originalCents)
		}
		return d.cfg.Store.SetShowPrice(showID, id, priceCents, originalCents)
	})
}

// UpdateCoupon changes the coupon text ("" removes it) on air and on the
// buy link; in a show, for that show only, like UpdatePrice.
func (d *ProductDesk) UpdateCoupon(id, coupon string) error {
	return d.edit(id, func(showID string) (store.Product, error) {
		if showID == "" {
			return d.cfg.Store.UpdateCoupon(id, coupon)
		}
		return d.cfg.Store.SetShowCoupon(showID, id, coupon)
	})
}

// SaveToCatalogue makes the show's price, original price and coupon of a
// product the catalogue's, so the next shows sell it so too (the host asked
// for it). Sold out stays the show's. Without a show there is nothing to do:
// edits went to the catalogue already.
func (d *ProductDesk) SaveToCatalogue(id string) error {
	return d.edit(id, func(showID string) (store.Product, error) {
		if showID == "" {
			return d.cfg.Store.Product(id)
		}
		return d.cfg.Store.ShowToCatalogue(showID, id)
	})
}

// UpdateStock changes how many are left; the buy link follows. Stock is the
// warehouse's, so it is the catalogue's: what this show already sold is
// added back, so the catalogue keeps the whole stock.
func (d *ProductDesk) UpdateStock(id string, stock int) error {
	d.mu.Lock()
	if stock > 0 {
		stock += d.soldLocked(id)
	}
	delete(d.left, id) // the platform's next cart says what is left now
	d.mu.Unlock()
	return d.edit(id, func(string) (store.Product, error) { return d.cfg.Store.UpdateStock(id, stock) })
}

// SetScript changes the product's cue card on the prompt board.
func (d *ProductDesk) SetScript(id, script string) error {
	return d.edit(id, func(string) (store.Product, error) { return d.cfg.Store.SetScript(id, script) })
}

// edit stores a change (save gets the loaded show, "" for the catalogue),
// then re-renders the card and re-pins when the product is on air. In a
// show the list holds the product as the show sells it.
func (d *ProductDesk) edit(id string, save func(showID string) (store.Product, error)) error {
	d.mu.Lock()
	if d.indexLocked(id) < 0 {
		d.mu.Unlock()
		return fmt.Errorf("edit %q: %w", id, ErrProductUnknown)
	}
	showID := d.showID
	d.mu.Unlock()
	p, err := save(showID)
	if err == nil && showID != "" {
		p, err = d.cfg.Store.ShowProduct(showID, id)
	}
	if err != nil {
		return err
	}
	d.mu.Lock()
	if d.showID != showID {
		d.mu.Unlock()
		return nil // another show was loaded meanwhile; its list is its own
	}
	if i := d.indexLocked(id); i >= 0 {
		d.products[i] = p
	}
	live := d.onAir == id
	if live {
		err = errors.Join(d.showCardLocked(p, false), d.prompterLocked())
	}
	d.mu.Unlock()
	d.cfg.Emit(ProductsChanged{})
	if live {
		d.pin(showID, p)
	}
	d.publishCart(showID)
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

// --- program overlays -----------------------------------------------------

// --- platform -------------------------------------------------------------
