package store

import (
	"errors"
	"slices"
	"testing"
)

func ids(ps []Product) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}

func TestShowPlanOrderAndMove(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, prod(1, "A", 100))
	b := mustUpsert(t, s, prod(2, "B", 100))
	c := mustUpsert(t, s, prod(3, "C", 100))
	d := mustUpsert(t, s, prod(4, "D", 100))

	if err := s.SetShowProducts("show1", []string{c.ID, a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.ShowProducts("show1")
	if want := []string{"C", "A", "B"}; !slices.Equal(ids(got), want) {
		t.Fatalf("order %v; want %v", ids(got), want)
	}
	for _, tc := range []struct {
		id   string
		to   int
		want []string
	}{
		{b.ID, 0, []string{"B", "C", "A"}},
		{b.ID, 2, []string{"C", "A", "B"}},
		{c.ID, 1, []string{"A", "C", "B"}},
		{a.ID, 99, []string{"C", "B", "A"}},
		{a.ID, -5, []string{"A", "C", "B"}},
	} {
		if err := s.MoveProduct("show1", tc.id, tc.to); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ShowProducts("show1")
		if !slices.Equal(ids(got), tc.want) {
			t.Fatalf("move to %d: %v; want %v", tc.to, ids(got), tc.want)
		}
	}
	if err := s.MoveProduct("show1", d.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("move product not in show: %v", err)
	}
	if err := s.SetShowProducts("show1", []string{a.ID, a.ID}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := s.SetShowProducts("show1", []string{a.ID, "ghost"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown product: %v", err)
	}
	// A failed replace leaves the plan as it was.
	got, _ = s.ShowProducts("show1")
	if !slices.Equal(ids(got), []string{"A", "C", "B"}) {
		t.Fatalf("after failed set: %v", ids(got))
	}
	// Deleting a product takes it out of every show.
	if err := s.DeleteProduct(c.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ShowProducts("show1")
	if !slices.Equal(ids(got), []string{"A", "B"}) {
		t.Fatalf("after delete: %v", ids(got))
	}
	if other, _ := s.ShowProducts("show2"); len(other) != 0 {
		t.Fatalf("show2 has %v", ids(other))
	}
}

func TestPromptBoard(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, prod(1, "面膜", 9900))
	if _, err := s.SetScript(a.ID, "第一句：家人们看过来！\n第二句：今天只要99"); err != nil {
		t.Fatal(err)
	}
	b := mustUpsert(t, s, prod(2, "口红", 12900))
	s.SetShowProducts("s", []string{b.ID, a.ID})
	if n, _ := s.ShowNotes("s"); n != "" {
		t.Fatalf("notes before set: %q", n)
	}
	if err := s.SetShowNotes("s", "开场：欢迎新朋友\n结尾：预告下周三"); err != nil {
		t.Fatal(err)
	}
	s.SetShowNotes("s", "开场：欢迎新朋友\n结尾：预告下周四")
	board, err := s.PromptBoard("s")
	if err != nil {
		t.Fatal(err)
	}
	if board.Notes != "开场：欢迎新朋友\n结尾：预告下周四" || len(board.Cards) != 2 ||
		board.Cards[0].Title != "口红" || board.Cards[1].Script != "第一句：家人们看过来！\n第二句：今天只要99" {
		t.Fatalf("board %+v", board)
	}
}

// What a show changes of a product — price, coupon, sold out — is that
// show's: the catalogue and the next show keep the catalogue's, a reorder
// keeps the show's, and only ShowToCatalogue carries it over.
func TestShowEditsStayWithTheShow(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, prod(1, "A", 9900))
	b := mustUpsert(t, s, prod(2, "B", 5000))
	for _, show := range []string{"show1", "show2"} {
		if err := s.SetShowProducts(show, []string{a.ID, b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.SetShowPrice("show1", a.ID, 6900, 9900)
	if err != nil || p.PriceCents != 6900 || p.OriginalPriceCents != 9900 || !p.ShowOwn {
		t.Fatalf("show price: %+v %v", p, err)
	}
	if p, err = s.SetShowSoldOut("show1", b.ID, true); err != nil || !p.SoldOut || p.ShowOwn {
		t.Fatalf("show sold out: %+v %v", p, err)
	}
	if p, err = s.SetShowCoupon("show1", a.ID, " 立减10元 "); err != nil || p.Coupon != "立减10元" {
		t.Fatalf("show coupon: %+v %v", p, err)
	}
	if _, err := s.SetShowPrice("show1", a.ID, 6900, 100); !errors.Is(err, ErrInvalid) {
		t.Errorf("an original price below the price: %v, want ErrInvalid", err)
	}
	if _, err := s.SetShowPrice("show3", a.ID, 100, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a product the show does not list: %v, want ErrNotFound", err)
	}

	cat, _ := s.Product(a.ID)
	catB, _ := s.Product(b.ID)
	if cat.PriceCents != 9900 || cat.Coupon != a.Coupon || catB.SoldOut {
		t.Errorf("the catalogue changed: A %d %q, B sold out %v", cat.PriceCents, cat.Coupon, catB.SoldOut)
	}
	next, _ := s.ShowProducts("show2")
	if next[0].PriceCents != 9900 || next[0].ShowOwn || next[1].SoldOut {
		t.Errorf("the next show sells A at %d (own %v), B sold out %v; want the catalogue's", next[0].PriceCents, next[0].ShowOwn, next[1].SoldOut)
	}

	// Reordering the show keeps its own values.
	if err := s.MoveProduct("show1", b.ID, 0); err != nil {
		t.Fatal(err)
	}
	got, _ := s.ShowProducts("show1")
	if got[0].ID != b.ID || !got[0].SoldOut || got[1].PriceCents != 6900 {
		t.Errorf("after a reorder: %+v", got)
	}
	// Dropping a product from the show and adding it back starts afresh.
	s.SetShowProducts("show1", []string{a.ID})
	s.SetShowProducts("show1", []string{a.ID, b.ID})
	if p, _ := s.ShowProduct("show1", b.ID); p.SoldOut {
		t.Error("a product added back kept the sold-out flag of before")
	}

	// Asked for, the show's price becomes the catalogue's.
	if _, err := s.ShowToCatalogue("show1", a.ID); err != nil {
		t.Fatal(err)
	}
	if cat, _ := s.Product(a.ID); cat.PriceCents != 6900 || cat.OriginalPriceCents != 9900 || cat.Coupon != "立减10元" {
		t.Errorf("after saving to the catalogue: %+v", cat)
	}
	if p, _ := s.ShowProduct("show1", a.ID); p.ShowOwn {
		t.Error("a show price equal to the catalogue's is still marked the show's own")
	}
	if next, _ := s.ShowProduct("show2", a.ID); next.PriceCents != 6900 {
		t.Errorf("show2 sells A at %d after saving to the catalogue, want 6900", next.PriceCents)
	}
}
