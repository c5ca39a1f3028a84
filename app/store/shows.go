package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// SetShowProducts replaces the show's product list with ids, in that order.
// Every id must be in the catalogue and appear once.
func (s *Store) SetShowProducts(showID string, ids []string) error {
	if showID == "" {
		return fmt.Errorf("%w: no show id; pick or create a show first", ErrInvalid)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("%w: product %q is listed twice in the show; list each product once", ErrInvalid, id)
		}
		seen[id] = true
	}
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("store: set show products: %w", err)
	}
	defer tx.Rollback()
	// Products that stay keep what this show changed of them (price,
	// coupon, sold out); only their place moves.
	keep, _ := json.Marshal(ids)
	if _, err := tx.Exec(`DELETE FROM show_products WHERE show_id = ? AND product_id NOT IN (SELECT value FROM json_each(?))`,
		showID, string(keep)); err != nil {
		return fmt.Errorf("store: set show products: %w", err)
	}
	for i, id := range ids {
		var one int
		if err := tx.QueryRow(`SELECT 1 FROM products WHERE id = ?`, id).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: product %q is not in the catalogue; import or add it first", ErrNotFound, id)
			}
			return fmt.Errorf("store: set show products: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO show_products (show_id, product_id, position) VALUES (?, ?, ?)
			ON CONFLICT (show_id, product_id) DO UPDATE SET position = excluded.position`,
			showID, id, i); err != nil {
			return fmt.Errorf("store: set show products: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set show products: %w", err)
	}
	return nil
}

// showProductCols are productCols for a show: the show's own price,
// original price, coupon and sold-out flag where it set them, then whether
// its price or coupon differs from the catalogue's (sold out shows itself).
const showProductCols = `p.id, p.link_no, p.title, p.image,
	COALESCE(sp.price_cents, p.price_cents), COALESCE(sp.original_price_cents, p.original_price_cents),
	p.currency, COALESCE(sp.coupon, p.coupon), p.stock, p.selling_points, p.script,
	COALESCE(sp.sold_out, p.sold_out), p.updated_at,
	(COALESCE(sp.price_cents, p.price_cents) <> p.price_cents
		OR COALESCE(sp.original_price_cents, p.original_price_cents) <> p.original_price_cents
		OR COALESCE(sp.coupon, p.coupon) <> p.coupon)`

func scanShowProduct(r scanner) (Product, error) {
	var own int
	p, err := scanProduct(r, &own)
	p.ShowOwn = own != 0
	return p, err
}

// ShowProducts returns the show's products in their running order, with
// what the show changed of them.
func (s *Store) ShowProducts(showID string) ([]Product, error) {
	rows, err := s.db.Query(`SELECT `+showProductCols+` FROM show_products sp
		JOIN products p ON p.id = sp.product_id
		WHERE sp.show_id = ? ORDER BY sp.position`, showID)
	if err != nil {
		return nil, fmt.Errorf("store: show products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanShowProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("store: show products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ShowProduct is one product as the show sells it; ErrNotFound when the
// show does not list it.
func (s *Store) ShowProduct(showID, productID string) (Product, error) {
	p, err := scanShowProduct(s.db.QueryRow(`SELECT `+showProductCols+` FROM show_products sp
		JOIN products p ON p.id = sp.product_id
		WHERE sp.show_id = ? AND sp.product_id = ?`, showID, productID))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, fmt.Errorf("%w: product %q is not in show %q; add it to the show first", ErrNotFound, productID, showID)
	}
	if err != nil {
		return Product{}, fmt.Errorf("store: show product %q: %w", productID, err)
	}
	return p, nil
}

// updateShow changes one of the show's own columns of a product and returns
// the product as the show sells it. The catalogue does not change.
func (s *Store) updateShow(showID, productID, set string, args ...any) (Product, error) {
	args = append(args, showID, productID)
	res, err := s.db.Exec(`UPDATE show_products SET `+set+` WHERE show_id = ? AND product_id = ?`, args...)
	if err != nil {
		return Product{}, fmt.Errorf("store: update product %q in show %q: %w", productID, showID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Product{}, fmt.Errorf("%w: product %q is not in show %q; add it to the show first", ErrNotFound, productID, showID)
	}
	return s.ShowProduct(showID, productID)
}

// SetShowPrice sets the price and original price (cents; original 0 for
// none) the show sells the product at.
func (s *Store) SetShowPrice(showID, productID string, priceCents, originalCents int64) (Product, error) {
	if err := checkPrices(priceCents, originalCents); err != nil {
		return Product{}, err
	}
	return s.updateShow(showID, productID, `price_cents = ?, original_price_cents = ?`, priceCents, originalCents)
}

// SetShowCoupon sets the coupon text of the product in the show ("" for none).
func (s *Store) SetShowCoupon(showID, productID, coupon string) (Product, error) {
	coupon = strings.TrimSpace(coupon)
	if !utf8.ValidString(coupon) {
		return Product{}, fmt.Errorf("%w: the coupon is not valid UTF-8 text; retype it", ErrInvalid)
	}
	return s.updateShow(showID, productID, `coupon = ?`, coupon)
}

// SetShowSoldOut marks the product sold out in the show (or back on sale).
func (s *Store) SetShowSoldOut(showID, productID string, soldOut bool) (Product, error) {
	return s.updateShow(showID, productID, `sold_out = ?`, boolInt(soldOut))
}

// ShowToCatalogue makes the show's price, original price and coupon of the
// product the catalogue's, for the shows to come. Sold out stays the show's.
func (s *Store) ShowToCatalogue(showID, productID string) (Product, error) {
	p, err := s.ShowProduct(showID, productID)
	if err != nil {
		return Product{}, err
	}
	if _, err := s.update(productID, `price_cents = ?, original_price_cents = ?, coupon = ?`,
		p.PriceCents, p.OriginalPriceCents, p.Coupon); err != nil {
		return Product{}, err
	}
	return s.ShowProduct(showID, productID)
}

// ShowProductIDs returns the ids of the show's products in order.
func (s *Store) ShowProductIDs(showID string) ([]string, error) {
	rows, err := s.db.Query(`SELECT product_id FROM show_products WHERE show_id = ? ORDER BY position`, showID)
	if err != nil {
		return nil, fmt.Errorf("store: show products: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: show products: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MoveProduct moves a product of the show to newIndex (0-based; clamped to
// the list), shifting the others.
func (s *Store) MoveProduct(showID, productID string, newIndex int) error {
	ids, err := s.ShowProductIDs(showID)
	if err != nil {
		return err
	}
	from := -1
	for i, id := range ids {
		if id == productID {
			from = i
			break
		}
	}
	if from < 0 {
		return fmt.Errorf("%w: product %q is not in show %q; add it to the show first", ErrNotFound, productID, showID)
	}
	newIndex = max(0, min(newIndex, len(ids)-1))
	if newIndex == from {
		return nil
	}
	moved := append(ids[:from:from], ids[from+1:]...)
	moved = append(moved[:newIndex], append([]string{productID}, moved[newIndex:]...)...)
	return s.SetShowProducts(showID, moved)
}

// ShowNotes returns the show's free notes on the prompt board ("" when none).
func (s *Store) ShowNotes(showID string) (string, error) {
	var notes string
	err := s.db.QueryRow(`SELECT notes FROM show_notes WHERE show_id = ?`, showID).Scan(&notes)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: show notes: %w", err)
	}
	return notes, nil
}

// SetShowNotes replaces the show's free notes.
func (s *Store) SetShowNotes(showID, notes string) error {
	if showID == "" {
		return fmt.Errorf("%w: no show id; pick or create a show first", ErrInvalid)
	}
	_, err := s.db.Exec(`INSERT INTO show_notes (show_id, notes, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (show_id) DO UPDATE SET notes = excluded.notes, updated_at = excluded.updated_at`,
		showID, notes, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: save show notes: %w", err)
	}
	return nil
}

// CueCard is one product's entry on the prompt board.
type CueCard struct {
	ProductID string
	LinkNo    int
	Title     string
	Script    string
	// Points are the product's selling points, as reminders under the script.
	Points []string
}

// PromptBoard is the host's script for a show: free notes, then a cue card
// per product in running order.
type PromptBoard struct {
	ShowID    string
	Notes     string
	Cards     []CueCard
	UpdatedAt time.Time
}

// PromptBoard assembles the show's prompt board.
func (s *Store) PromptBoard(showID string) (PromptBoard, error) {
	notes, err := s.ShowNotes(showID)
	if err != nil {
		return PromptBoard{}, err
	}
	ps, err := s.ShowProducts(showID)
	if err != nil {
		return PromptBoard{}, err
	}
	b := PromptBoard{ShowID: showID, Notes: notes}
	for _, p := range ps {
		b.Cards = append(b.Cards, CueCard{ProductID: p.ID, LinkNo: p.LinkNo, Title: p.Title,
			Script: p.Script, Points: p.SellingPoints})
		if p.UpdatedAt.After(b.UpdatedAt) {
			b.UpdatedAt = p.UpdatedAt
		}
	}
	return b, nil
}

func prefixed(prefix string) string {
	cols := []string{"id", "link_no", "title", "image", "price_cents", "original_price_cents", "currency",
		"coupon", "stock", "selling_points", "script", "sold_out", "updated_at"}
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += prefix + c
	}
	return out
}
