package store

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sameCatalogue compares two catalogues field by field (not the update times).
func sameCatalogue(t testing.TB, a, b []Product) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d products became %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		x.UpdatedAt, y.UpdatedAt = time.Time{}, time.Time{}
		if !slices.Equal(x.SellingPoints, y.SellingPoints) || x.Script != y.Script {
			t.Fatalf("product %d changed in the round trip:\n%#v\n%#v", i, a[i], b[i])
		}
		x.SellingPoints, y.SellingPoints = nil, nil
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("product %d changed in the round trip:\n%#v\n%#v", i, a[i], b[i])
		}
	}
}

// roundTrip exports s and imports the file into a fresh store; both must hold the same catalogue.
func roundTrip(t testing.TB, s *Store, opt ExportOptions) {
	t.Helper()
	roundTripInto(t, s, openTemp(t), opt)
}

func roundTripInto(t testing.TB, s, fresh *Store, opt ExportOptions) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportCSV(&buf, opt); err != nil {
		t.Fatal(err)
	}
	want, err := s.Products()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := fresh.ImportCSV(bytes.NewReader(buf.Bytes()), ImportOptions{})
	if err != nil {
		t.Fatalf("the export does not import: %v\n%s", err, buf.Bytes())
	}
	if len(rep.Skipped) > 0 {
		t.Fatalf("the import of an export skipped rows: %v\n%s", rep.Skipped, buf.Bytes())
	}
	got, err := fresh.Products()
	if err != nil {
		t.Fatal(err)
	}
	sameCatalogue(t, want, got)
}

// Row 15: whatever the store accepts comes back from its CSV unchanged; what
// a CSV cannot carry, the store refuses.
func TestCSVRoundTripLossless(t *testing.T) {
	s := openTemp(t)
	for _, p := range []Product{
		{Product: platform.Product{Title: "围巾", PriceCents: 9900, SellingPoints: []string{"显瘦|百搭", "a;b", "全角；分号", "两\n行", "[不是列表]"}}},
		{Product: platform.Product{Title: "  手套  ", PriceCents: 100, SellingPoints: []string{"", "  ", "暖和"}, Coupon: " 券 "}},
		{Product: platform.Product{Title: "帽子", PriceCents: 0, Currency: "usd", SellingPoints: []string{"[\"x\"]"}}},
		{Product: platform.Product{Title: "袜子", PriceCents: MaxCents, OriginalPriceCents: MaxCents}, Script: "第一行\r\n第二行\r第三行"},
	} {
		if _, err := s.UpsertProduct(p); err != nil {
			t.Fatalf("%s: %v", p.Title, err)
		}
	}
	roundTrip(t, s, ExportOptions{})
	roundTrip(t, s, ExportOptions{Chinese: true, BOM: true})
	for name, p := range map[string]Product{
		"a currency that is not a code": {Product: platform.Product{Title: "x", PriceCents: 1, Currency: "元"}},
		"original below the price":      {Product: platform.Product{Title: "x", PriceCents: 200, OriginalPriceCents: 100}},
		"invalid UTF-8":                 {Product: platform.Product{Title: "x\xff", PriceCents: 1}},
		"a price too long to write":     {Product: platform.Product{Title: "x", PriceCents: MaxCents + 1}},
	} {
		if _, err := s.UpsertProduct(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: stored (%v)", name, err)
		}
	}
}

// FuzzImportCSV: any file imports without panicking, and what it imported
// survives an export and a second import unchanged.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("link_no,title,price,selling_points\n1,围巾,99.00,显瘦|百搭\n"))
	f.Add([]byte("\ufeff链接号,标题,价格,原价,币种,库存,卖点,话术\n2,\"帽\"\"子\",¥12,15,CNY,3,\"[\"\"a|b\"\"]\",\"一\n二\"\n"))
	f.Add([]byte("title;price\nx;$1.5\n"))
	f.Add([]byte("title\tprice\tsold_out\n\"a\tb\"\t0.01\t是\n"))
	stores := [2]*Store{openTemp(f), openTemp(f)}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		// Two stores for the whole run, emptied per input: opening SQLite per
		// input would spend the minute on file creation.
		s, fresh := stores[0], stores[1]
		for _, st := range stores {
			if _, err := st.db.Exec(`DELETE FROM products`); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ImportCSV(bytes.NewReader(data), ImportOptions{}); err != nil {
			return
		}
		roundTripInto(t, s, fresh, ExportOptions{})
	})
}

// FuzzParsePrice: any text parses or is refused; a parsed price is written
// back by FormatCents as text that parses to the same cents.
func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"99.00", "¥12", "12元", "$1,234.5", ".5", "-1", "9999999999999.99", "1e3", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, _, err := ParsePrice(s)
		if err != nil {
			return
		}
		if c < 0 || c > MaxCents {
			t.Fatalf("ParsePrice(%q) = %d", s, c)
		}
		back, cur, err := ParsePrice(FormatCents(c))
		if err != nil || back != c || cur != "" {
			t.Fatalf("ParsePrice(FormatCents(%d)) = %d %q %v", c, back, cur, err)
		}
		if strings.TrimSpace(s) == "" {
			t.Fatalf("an empty price parsed as %d", c)
		}
	})
}
