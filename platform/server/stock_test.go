package server

import (
	"testing"
	"time"

	"showcaster/platform"
)

// Ten of ten sold: every subscriber hears the cart count down after each
// order, and at zero the product is sold out for everyone at once.
func TestStockCountsDownForEveryone(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("库存倒数")
	c := longCtx(t)
	if _, err := p.studio.SetProducts(c, s.ID, []platform.Product{{ID: "p1", LinkNo: 1, Title: "保温杯", PriceCents: 9900, Stock: 10}}); err != nil {
		t.Fatal(err)
	}
	events := p.studio.Events(c, s.ID, 0)
	for i := 0; i < 5; i++ {
		v := p.newViewer(s.ID, "") // five buyers, two units each
		if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 2}, nil); st != 201 {
			t.Fatalf("order %d: %d", i+1, st)
		}
	}
	if st := p.newViewer(s.ID, "").call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, nil); st != 409 {
		t.Fatalf("the 11th unit: %d, want 409 sold out", st)
	}
	var lefts []int
	deadline := time.After(10 * time.Second)
	for len(lefts) == 0 || lefts[len(lefts)-1] != 0 {
		select {
		case ev := <-events:
			if ev.Type != platform.EventProducts || len(ev.Products) != 1 || ev.Products[0].StockLeft == nil {
				continue
			}
			left := *ev.Products[0].StockLeft
			if left == 0 && !ev.Products[0].SoldOut {
				t.Fatalf("none left but not sold out: %+v", ev.Products[0])
			}
			lefts = append(lefts, left)
		case <-deadline:
			t.Fatalf("the cart counted %v and stopped; want it down to 0", lefts)
		}
	}
	if want := []int{10, 8, 6, 4, 2, 0}; len(lefts) != len(want) {
		t.Errorf("the cart counted %v, want %v", lefts, want)
	}
}
