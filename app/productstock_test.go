package app

import (
	"image"
	"testing"

	"showcaster/scene/overlay"
)

// Orders count the show's stock down on the desk as the platform's cart
// says: the product window shows what is left, and at zero the card on air
// gets its sold-out stamp, while the catalogue keeps the stock the operator set.
func TestCartCountsStockDownOnTheDesk(t *testing.T) {
	st, ids := deskStore(t)
	if _, err := st.UpdateStock(ids["A"], 10); err != nil {
		t.Fatal(err)
	}
	sc := newScene(t, nil)
	var ev events
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Program: sc, Renderer: deskRenderer(t), Slide: -1, Emit: ev.emit})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	if err := d.ExplainNow(ids["A"]); err != nil {
		t.Fatal(err)
	}
	onAir := render(sc)
	cart := func(left int) []Product {
		return []Product{{ID: ids["A"], Stock: 10, StockLeft: &left, SoldOut: left == 0}}
	}
	d.ApplyCart(cart(4))
	if p, _ := d.Product(ids["A"]); p.Stock != 4 || p.SoldOut {
		t.Fatalf("after 6 of 10 sold the desk shows stock %d sold out %v; want 4 left", p.Stock, p.SoldOut)
	}
	d.ApplyCart(cart(0))
	if p, _ := d.Product(ids["A"]); p.Stock != 0 || !p.SoldOut {
		t.Fatalf("after 10 of 10 sold the desk shows stock %d sold out %v; want sold out", p.Stock, p.SoldOut)
	}
	card, _ := d.CardImage(ids["A"])
	at := overlay.CardPosition(overlay.BottomRight, card.Rect.Size(), image.Pt(1280, 720))
	rect := image.Rectangle{Min: at, Max: at.Add(card.Rect.Size())}
	if n := lumaChanged(onAir, render(sc), rect); n < 1000 {
		t.Fatalf("the card on air changed %d pixels at sold out; want the stamp", n)
	}
	if p, _ := st.Product(ids["A"]); p.Stock != 10 || p.SoldOut {
		t.Fatalf("the catalogue holds stock %d sold out %v; want the 10 the operator set", p.Stock, p.SoldOut)
	}
	// The assistant restocks: 5 more left now, on top of the 10 sold.
	if err := d.UpdateStock(ids["A"], 5); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Product(ids["A"]); p.Stock != 15 {
		t.Fatalf("restocking 5 with 10 sold stored %d; want 15", p.Stock)
	}
}
