package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"showcaster/platform"
)

// DefaultCurrency is used when a product names none.
const DefaultCurrency = "CNY"

// Product is a catalogue entry: what the platform shows on the buy card, plus
// the host's script for it and when it last changed.
type Product struct {
	platform.Product
	// Script is the host's cue card for this product on the prompt board.
	Script    string    `json:"script,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// ShowOwn is set on a show's product whose price, original price or
	// coupon the show changed: the catalogue still has its own.
	ShowOwn bool `json:"show_own,omitempty"`
}

const productCols = `id, link_no, title, image, price_cents, original_price_cents, currency,
	coupon, stock, selling_points, script, sold_out, updated_at`

type scanner interface{ Scan(dest ...any) error }

// scanProduct reads the columns of productCols, then any extra ones.
func scanProduct(r scanner, extra ...any) (Product, error) {
	var (
		p       Product
		points  string
		soldOut int
		updated int64
	)
	err := r.Scan(append([]any{&p.ID, &p.LinkNo, &p.Title, &p.ImageURL, &p.PriceCents, &p.OriginalPriceCents,
		&p.Currency, &p.Coupon, &p.Stock, &points, &p.Script, &soldOut, &updated}, extra...)...)
	if err != nil {
		return Product{}, err
	}
	if points != "" && points != "[]" {
		if err := json.Unmarshal([]byte(points), &p.SellingPoints); err != nil {
			return Product{}, fmt.Errorf("selling points of %s: %w", p.ID, err)
		}
	}
	p.SoldOut = soldOut != 0
	p.UpdatedAt = time.UnixMilli(updated)
	return p, nil
}

// Products lists the whole catalogue by link number.
func (s *Store) Products() ([]Product, error) {
	rows, err := s.db.Query(`SELECT ` + productCols + ` FROM products ORDER BY link_no`)
	if err != nil {
		return nil, fmt.Errorf("store: list products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Product returns one product; ErrNotFound when there is none with that id.
func (s *Store) Product(id string) (Product, error) {
	p, err := scanProduct(s.db.QueryRow(`SELECT `+productCols+` FROM products WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, fmt.Errorf("%w: product %q", ErrNotFound, id)
	}
	if err != nil {
		return Product{}, fmt.Errorf("store: product %q: %w", id, err)
	}
	return p, nil
}

// ProductByLinkNo returns the product with link number n (n号链接).
func (s *Store) ProductByLinkNo(n int) (Product, error) {
	p, err := scanProduct(s.db.QueryRow(`SELECT `+productCols+` FROM products WHERE link_no = ?`, n))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, fmt.Errorf("%w: no product has link number %d", ErrNotFound, n)
	}
	if err != nil {
		return Product{}, fmt.Errorf("store: link number %d: %w", n, err)
	}
	return p, nil
}

// validate normalises p in place and says what is wrong with it.
func validate(p *Product) error {
	// What the store keeps, the catalogue CSV carries back unchanged: text is
	// trimmed as an import trims it, blank selling points are dropped, and what
	// a CSV cannot carry (invalid UTF-8, a currency that is not a code, an
	// original price below the price, a price too long to write) is refused.
	for _, f := range []struct{ name, v string }{{"title", p.Title}, {"coupon", p.Coupon}, {"image", p.ImageURL},
		{"script", p.Script}, {"id", p.ID}, {"currency", p.Currency}} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%w: the %s is not valid UTF-8 text; retype it", ErrInvalid, f.name)
		}
	}
	p.Title = strings.TrimSpace(p.Title)
	p.Coupon = strings.TrimSpace(p.Coupon)
	p.ImageURL = strings.TrimSpace(p.ImageURL)
	p.ID = strings.TrimSpace(p.ID)
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	// One line ending everywhere, as CSV cells and text widgets give back.
	p.Script = strings.ReplaceAll(p.Script, "\r\n", "\n")
	p.Script = strings.ReplaceAll(p.Script, "\r", "\n")
	var points []string
	for _, pt := range p.SellingPoints {
		if !utf8.ValidString(pt) {
			return fmt.Errorf("%w: a selling point is not valid UTF-8 text; retype it", ErrInvalid)
		}
		if pt = strings.TrimSpace(pt); pt != "" {
			points = append(points, pt)
		}
	}
	p.SellingPoints = points
	if p.Currency == "" {
		p.Currency = DefaultCurrency
	}
	switch {
	case !isCurrencyCode(p.Currency):
		return fmt.Errorf("%w: currency %q is not a 3-letter code; write CNY, USD, HKD…", ErrInvalid, p.Currency)
	case p.PriceCents > MaxCents || p.OriginalPriceCents > MaxCents:
		return fmt.Errorf("%w: the price is too large (at most %s); check the digits", ErrInvalid, FormatCents(MaxCents))
	case p.OriginalPriceCents > 0 && p.OriginalPriceCents < p.PriceCents:
		return fmt.Errorf("%w: original price %s is below the price %s; leave it empty or raise it", ErrInvalid,
			FormatCents(p.OriginalPriceCents), FormatCents(p.PriceCents))
	case p.Title == "":
		return fmt.Errorf("%w: the title is empty; every product needs a title", ErrInvalid)
	case p.LinkNo < 0:
		return fmt.Errorf("%w: link number %d; use 1, 2, 3…", ErrInvalid, p.LinkNo)
	case p.PriceCents < 0:
		return fmt.Errorf("%w: the price is negative; enter it like 99.00", ErrInvalid)
	case p.OriginalPriceCents < 0:
		return fmt.Errorf("%w: the original price is negative; leave it empty when there is none", ErrInvalid)
	case p.Stock < 0:
		return fmt.Errorf("%w: stock %d is negative; enter 0 or more", ErrInvalid, p.Stock)
	}
	return nil
}

// UpsertProduct creates p (when p.ID is empty or unknown) or replaces the
// stored product with that id. A zero LinkNo takes the next free number.
// It returns the product as stored.
func (s *Store) UpsertProduct(p Product) (Product, error) {
	if err := validate(&p); err != nil {
		return Product{}, err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return Product{}, fmt.Errorf("store: save product: %w", err)
	}
	defer tx.Rollback()
	if err := s.upsertTx(tx, &p); err != nil {
		return Product{}, err
	}
	if err := tx.Commit(); err != nil {
		return Product{}, fmt.Errorf("store: save product: %w", err)
	}
	return p, nil
}

func (s *Store) upsertTx(tx *sql.Tx, p *Product) error {
	if p.ID == "" {
		p.ID = newID()
	}
	if p.LinkNo == 0 {
		if err := tx.QueryRow(`SELECT COALESCE(MAX(link_no), 0) + 1 FROM products`).Scan(&p.LinkNo); err != nil {
			return fmt.Errorf("store: next link number: %w", err)
		}
	}
	var other string
	err := tx.QueryRow(`SELECT id FROM products WHERE link_no = ? AND id <> ?`, p.LinkNo, p.ID).Scan(&other)
	switch {
	case err == nil:
		return fmt.Errorf("%w: %d号链接 is product %s; pick another number or edit that product", ErrLinkNoTaken, p.LinkNo, other)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: check link number: %w", err)
	}
	points := "[]"
	if len(p.SellingPoints) > 0 {
		b, err := json.Marshal(p.SellingPoints)
		if err != nil {
			return fmt.Errorf("store: selling points: %w", err)
		}
		points = string(b)
	}
	p.UpdatedAt = s.now().Truncate(time.Millisecond)
	_, err = tx.Exec(`INSERT INTO products (`+productCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET link_no = excluded.link_no, title = excluded.title,
			image = excluded.image, price_cents = excluded.price_cents,
			original_price_cents = excluded.original_price_cents, currency = excluded.currency,
			coupon = excluded.coupon, stock = excluded.stock, selling_points = excluded.selling_points,
			script = excluded.script, sold_out = excluded.sold_out, updated_at = excluded.updated_at`,
		p.ID, p.LinkNo, p.Title, p.ImageURL, p.PriceCents, p.OriginalPriceCents, p.Currency,
		p.Coupon, p.Stock, points, p.Script, boolInt(p.SoldOut), p.UpdatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: save product %s: %w", p.ID, err)
	}
	return nil
}

// DeleteProduct removes a product from the catalogue and from every show plan.
func (s *Store) DeleteProduct(id string) error {
	res, err := s.db.Exec(`DELETE FROM products WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete product %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: product %q", ErrNotFound, id)
	}
	return nil
}

// update applies one column change and returns the product as stored.
func (s *Store) update(id, set string, args ...any) (Product, error) {
	args = append(args, s.now().UnixMilli(), id)
	res, err := s.db.Exec(`UPDATE products SET `+set+`, updated_at = ? WHERE id = ?`, args...)
	if err != nil {
		return Product{}, fmt.Errorf("store: update product %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Product{}, fmt.Errorf("%w: product %q", ErrNotFound, id)
	}
	return s.Product(id)
}

// SetSoldOut marks a product sold out (or back in stock).
func (s *Store) SetSoldOut(id string, soldOut bool) (Product, error) {
	return s.update(id, `sold_out = ?`, boolInt(soldOut))
}

// UpdatePrice sets the price and the original (struck-through) price, in
// cents; original 0 means there is none.
func (s *Store) UpdatePrice(id string, priceCents, originalCents int64) (Product, error) {
	if priceCents < 0 || originalCents < 0 {
		return Product{}, fmt.Errorf("%w: prices cannot be negative; enter them like 99.00", ErrInvalid)
	}
	return s.update(id, `price_cents = ?, original_price_cents = ?`, priceCents, originalCents)
}

// checkPrices refuses a price and original price the buy card cannot show.
func checkPrices(priceCents, originalCents int64) error {
	switch {
	case priceCents < 0 || originalCents < 0:
		return fmt.Errorf("%w: prices cannot be negative; enter them like 99.00", ErrInvalid)
	case priceCents > MaxCents || originalCents > MaxCents:
		return fmt.Errorf("%w: the price is too large (at most %s); check the digits", ErrInvalid, FormatCents(MaxCents))
	case originalCents > 0 && originalCents < priceCents:
		return fmt.Errorf("%w: original price %s is below the price %s; leave it empty or raise it", ErrInvalid,
			FormatCents(originalCents), FormatCents(priceCents))
	}
	return nil
}

// UpdateCoupon sets the coupon text ("" removes it).
func (s *Store) UpdateCoupon(id, coupon string) (Product, error) {
	return s.update(id, `coupon = ?`, strings.TrimSpace(coupon))
}

// UpdateStock sets how many are left.
func (s *Store) UpdateStock(id string, stock int) (Product, error) {
	if stock < 0 {
		return Product{}, fmt.Errorf("%w: stock %d is negative; enter 0 or more", ErrInvalid, stock)
	}
	return s.update(id, `stock = ?`, stock)
}

// SetScript sets the product's cue card on the prompt board.
func (s *Store) SetScript(id, script string) (Product, error) {
	return s.update(id, `script = ?`, strings.ReplaceAll(script, "\r\n", "\n"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
