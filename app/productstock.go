package app

import (
	"slices"

	"showcaster/app/store"
)

// The platform counts what is sold: its cart carries each stock-limited
// product's stock_left and marks it sold out at zero. The desk follows that
// count, so the product window, the card on the program and the viewers'
// buy links agree as orders come in. The catalogue keeps the stock the
// operator set; what the desk shows is what is left of it in this show.

// ApplyCart takes the platform's cart (after every order of a limited
// product, and after each change of the list).
func (d *ProductDesk) ApplyCart(cart []Product) {
	d.mu.Lock()
	if d.left == nil {
		d.left = map[string]int{}
	}
	changed := false
	for _, p := range cart {
		if p.StockLeft == nil {
			continue
		}
		if old, ok := d.left[p.ID]; !ok || old != *p.StockLeft {
			d.left[p.ID] = *p.StockLeft
			changed = true
		}
	}
	var err error
	if changed && d.onAir != "" {
		if i := d.indexLocked(d.onAir); i >= 0 {
			err = d.showCardLocked(d.products[i], false)
		}
	}
	d.mu.Unlock()
	if changed {
		d.cfg.Emit(ProductsChanged{})
	}
	if err != nil {
		d.cfg.Emit(Notice{Err: err})
	}
}

// withLeftLocked is a product as the show sees it: its stock is what is
// left, and at zero it is sold out.
func (d *ProductDesk) withLeftLocked(p store.Product) store.Product {
	if left, ok := d.left[p.ID]; ok && p.Stock > 0 {
		p.Stock = left
		if left == 0 {
			p.SoldOut = true
		}
	}
	return p
}

// soldLocked is how many of a product this show has sold, as the platform counts.
func (d *ProductDesk) soldLocked(id string) int {
	i := d.indexLocked(id)
	if i < 0 {
		return 0
	}
	if left, ok := d.left[id]; ok && d.products[i].Stock > 0 {
		return max(d.products[i].Stock-left, 0)
	}
	return 0
}

// rawProducts is the list as the catalogue holds it: what the platform is
// given (it subtracts what it sold itself).
func (d *ProductDesk) rawProducts() []store.Product {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.products)
}
