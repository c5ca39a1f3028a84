package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"showcaster/platform"
)

const maxCartProducts = 200

// handlePutProducts replaces the show's cart (小黄车) with the studio's list.
func (s *Server) handlePutProducts(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in []platform.Product
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if len(in) > maxCartProducts {
		return fail(ErrBadRequest, "a show's cart holds at most %d products, not %d", maxCartProducts, len(in))
	}
	seen := map[string]bool{}
	for i := range in {
		p := &in[i]
		p.ID = strings.TrimSpace(p.ID)
		switch {
		case p.ID == "" || len(p.ID) > 64:
			return fail(ErrBadRequest, "product %d of the list needs an id of 1…64 characters", i+1)
		case seen[p.ID]:
			return fail(ErrBadRequest, "product %q appears twice in the list: send each product once", p.ID)
		case p.PriceCents < 0 || p.OriginalPriceCents < 0:
			return fail(ErrBadRequest, "the price of %s cannot be negative", p.ID)
		case p.Stock < 0:
			return fail(ErrBadRequest, "the stock of %s cannot be negative (0 means unlimited)", p.ID)
		case utf8.RuneCountInString(p.Title) > 200:
			return fail(ErrBadRequest, "the title of %s may hold at most 200 characters", p.ID)
		}
		seen[p.ID] = true
		if p.Currency == "" {
			p.Currency = "CNY"
		}
		p.StockLeft = nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := openForStudio(sh.row, "set its products"); err != nil {
		return err
	}
	ctx := r.Context()
	err = s.inTx(ctx, "store the show's products", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cart WHERE show_id = ?`, sh.row.ID); err != nil {
			return storageErr("store the show's products", err)
		}
		for i, p := range in {
			body, _ := json.Marshal(p)
			if _, err := tx.ExecContext(ctx, `INSERT INTO products (show_id, id, body) VALUES (?, ?, ?)
				ON CONFLICT (show_id, id) DO UPDATE SET body = excluded.body`, sh.row.ID, p.ID, string(body)); err != nil {
				return storageErr("store the show's products", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cart (show_id, product_id, pos) VALUES (?, ?, ?)`, sh.row.ID, p.ID, i); err != nil {
				return storageErr("store the show's products", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cart, err := s.cart(ctx, s.db, sh.row.ID)
	if err != nil {
		return err
	}
	sh.emitQuietLocked(platform.Event{Type: platform.EventProducts, Products: cart}, scopePublic, "", sh.inTrialLocked())
	writeJSON(w, http.StatusOK, cart)
	return nil
}

// handleGetProducts answers the cart (no credentials needed: it is the shop window).
func (s *Server) handleGetProducts(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	cart, err := s.cart(r.Context(), s.db, sh.row.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cart)
	return nil
}

// cart is the show's product list in link order, with what is left in stock.
func (s *Server) cart(ctx context.Context, q queryer, showID string) ([]platform.Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.body, p.sold FROM cart c JOIN products p ON p.show_id = c.show_id AND p.id = c.product_id
		WHERE c.show_id = ? ORDER BY c.pos`, showID)
	if err != nil {
		return nil, storageErr("read the show's products", err)
	}
	defer rows.Close()
	out := []platform.Product{}
	for rows.Next() {
		var body string
		var sold int
		if err := rows.Scan(&body, &sold); err != nil {
			return nil, storageErr("read the show's products", err)
		}
		var p platform.Product
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return nil, storageErr("decode a product", err)
		}
		withStock(&p, sold)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, storageErr("read the show's products", err)
	}
	// Link numbers first, in order; products without one keep the studio's order after them.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].LinkNo, out[j].LinkNo
		if (a == 0) != (b == 0) {
			return a != 0
		}
		return a < b
	})
	return out, nil
}

// withStock fills in stock_left and marks a product whose stock ran out as sold out.
func withStock(p *platform.Product, sold int) {
	if p.Stock <= 0 {
		p.StockLeft = nil
		return
	}
	left := max(p.Stock-sold, 0)
	p.StockLeft = &left
	if left == 0 {
		p.SoldOut = true
	}
}

// orderableLocked says whether an order may name this product: one of the
// cart, or the pinned one (a show without a cart sells whatever was pinned).
func (s *Server) orderableLocked(ctx context.Context, sh *show, productID string) (bool, error) {
	if productID == sh.row.Pinned {
		return true, nil
	}
	var inCart, any int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(product_id = ?), 0), COUNT(*) FROM cart WHERE show_id = ?`,
		productID, sh.row.ID).Scan(&inCart, &any)
	if err != nil {
		return false, storageErr("read the show's products", err)
	}
	return inCart > 0 || any == 0, nil
}
