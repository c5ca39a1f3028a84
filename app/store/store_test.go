package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"showcaster/platform"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	now := time.Date(2025, 6, 1, 20, 0, 0, 0, time.UTC)
	s, err := OpenConfig(Config{Dir: t.TempDir(), Now: func() time.Time { now = now.Add(time.Second); return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustUpsert(t *testing.T, s *Store, p Product) Product {
	t.Helper()
	got, err := s.UpsertProduct(p)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func prod(link int, title string, price int64) Product {
	return Product{Product: platform.Product{LinkNo: link, Title: title, PriceCents: price}}
}

func TestOpenCreatesDirAndReopens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := mustUpsert(t, s, prod(1, "真丝睡衣", 19900))
	s.Close()

	s, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	got, err := s.Product(p.ID)
	if err != nil || got.Title != "真丝睡衣" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	var mode string
	s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	var fk int
	s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Fatalf("journal_mode=%s foreign_keys=%d; want wal, 1", mode, fk)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec(`PRAGMA user_version = 99`)
	s.Close()
	if _, err := Open(dir); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v; want ErrNewerSchema", err)
	}
}

func TestProductCRUD(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, Product{Product: platform.Product{LinkNo: 1, Title: " 羊毛围巾 ", PriceCents: 9900,
		OriginalPriceCents: 19900, Coupon: "满199减20", Stock: 50, SellingPoints: []string{"澳洲羊毛", "不扎脖"}},
		Script: "先摸一下质感"})
	if a.ID == "" || a.Title != "羊毛围巾" || a.Currency != "CNY" || a.UpdatedAt.IsZero() {
		t.Fatalf("created %+v", a)
	}
	b := mustUpsert(t, s, prod(0, "保温杯", 5900))
	if b.LinkNo != 2 {
		t.Fatalf("auto link number = %d; want 2", b.LinkNo)
	}
	if _, err := s.UpsertProduct(prod(1, "冲突", 100)); !errors.Is(err, ErrLinkNoTaken) {
		t.Fatalf("duplicate link number: err = %v", err)
	}
	if _, err := s.UpsertProduct(prod(3, "", 100)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty title: err = %v", err)
	}

	got, err := s.Product(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Script != "先摸一下质感" || len(got.SellingPoints) != 2 || got.OriginalPriceCents != 19900 {
		t.Fatalf("read back %+v", got)
	}
	if byLink, err := s.ProductByLinkNo(2); err != nil || byLink.ID != b.ID {
		t.Fatalf("by link: %+v %v", byLink, err)
	}

	p, err := s.UpdatePrice(a.ID, 8900, 19900)
	if err != nil || p.PriceCents != 8900 || !p.UpdatedAt.After(got.UpdatedAt) {
		t.Fatalf("update price: %+v %v", p, err)
	}
	if p, err = s.UpdateCoupon(a.ID, "  立减10元 "); err != nil || p.Coupon != "立减10元" {
		t.Fatalf("coupon: %+v %v", p, err)
	}
	if p, err = s.SetSoldOut(a.ID, true); err != nil || !p.SoldOut {
		t.Fatalf("sold out: %+v %v", p, err)
	}
	if p, err = s.UpdateStock(a.ID, 0); err != nil || p.Stock != 0 {
		t.Fatalf("stock: %+v %v", p, err)
	}
	if _, err := s.UpdatePrice("nope", 1, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}

	all, _ := s.Products()
	if len(all) != 2 || all[0].LinkNo != 1 || all[1].LinkNo != 2 {
		t.Fatalf("products: %+v", all)
	}
	if err := s.DeleteProduct(b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Product(b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted product still there: %v", err)
	}
}
