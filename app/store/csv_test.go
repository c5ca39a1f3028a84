package store

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func importString(t *testing.T, s *Store, csv string) ImportReport {
	t.Helper()
	rep, err := s.ImportCSV(strings.NewReader(csv), ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

func TestImportGoodAndBadRows(t *testing.T) {
	s := openTest(t)
	// Already stored: must survive the import untouched (link 9) or updated only
	// by good rows.
	keep := mustUpsert(t, s, Product{Product: prod(9, "老客专享礼盒", 29900).Product, Script: "留到最后讲"})

	in := "\ufefflink_no,title,price,original_price,currency,coupon,stock,image,selling_points,script\n" +
		`1,"真丝睡衣, 桑蚕丝",¥199.00,399,CNY,满299减30,120,img/1.jpg,亲肤|透气；不起球,"第一句：""家人们""看过来 
第二句：今天只要199"` + "\n" +
		"2,保温杯 🧋,59.9,,,,,,,\n" +
		"3,坏价格,abc,,,,,,,\n" + // row 4
		"4,,19.9,,,,,,,\n" + // row 5: no title
		"5,围巾,39,29,,,,,,\n" + // row 6: original below price
		"6,帽子,29,,,,-1,,,\n" + // row 7: bad stock
		"2,重复链接,10,,,,,,,\n" + // row 8: duplicate link number
		",,,,,,,,,\n" + // blank row: ignored
		"七,袜子,9.9,,,,,,,\n" + // row 10: bad link number
		"10号链接,手套,19,,,,,,,\n" // row 11: fine
	rep := importString(t, s, in)
	if rep.Imported() != 3 || rep.Created != 3 {
		t.Fatalf("imported %d (created %d); skipped %v", rep.Imported(), rep.Created, rep.Skipped)
	}
	type rowError struct {
		Row    int
		Reason string
	}
	want := []rowError{
		{4, `price "abc" is not a number; write it like 99.00`},
		{5, "the title is empty; every product needs a title"},
		{6, "original price 29.00 is below the price 39.00; leave it empty or raise it"},
		{7, `stock "-1" is not a whole number; write it like 100`},
		{8, "link number 2 is also on row 3; give each product its own link number"},
		{10, `link number "七" is not a number; write it like 3 (for 3号链接)`},
	}
	var got []rowError
	for _, e := range rep.Skipped {
		got = append(got, rowError{e.Row, e.Reason})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("skipped:\n got %v\nwant %v", got, want)
	}
	p1, err := s.ProductByLinkNo(1)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Title != "真丝睡衣, 桑蚕丝" || p1.PriceCents != 19900 || p1.OriginalPriceCents != 39900 ||
		p1.Coupon != "满299减30" || p1.Stock != 120 || p1.ImageURL != "img/1.jpg" ||
		!reflect.DeepEqual(p1.SellingPoints, []string{"亲肤", "透气", "不起球"}) ||
		p1.Script != "第一句：\"家人们\"看过来 \n第二句：今天只要199" {
		t.Fatalf("row 2 stored as %+v", p1)
	}
	if p2, _ := s.ProductByLinkNo(2); p2.Title != "保温杯 🧋" || p2.PriceCents != 5990 || p2.Currency != "CNY" {
		t.Fatalf("row 3 stored as %+v", p2)
	}
	if got, _ := s.Product(keep.ID); got.Title != keep.Title || got.Script != "留到最后讲" {
		t.Fatalf("existing product changed: %+v", got)
	}
}

func TestImportChineseHeadersUpdatesOnlyPresentColumns(t *testing.T) {
	s := openTest(t)
	importString(t, s, "link_no,title,price,coupon,script\n1,口红,129,立减10元,先试色\n")
	before, _ := s.ProductByLinkNo(1)

	// A price update from another spreadsheet: different headers, different
	// order, no coupon or script column.
	rep := importString(t, s, "售价,序号,商品名称,库存\n¥99.9,1号链接,口红 #520,30\n")
	if rep.Updated != 1 || rep.Created != 0 || len(rep.Skipped) != 0 {
		t.Fatalf("report %+v", rep)
	}
	p, _ := s.ProductByLinkNo(1)
	if p.ID != before.ID || p.PriceCents != 9990 || p.Title != "口红 #520" || p.Stock != 30 ||
		p.Coupon != "立减10元" || p.Script != "先试色" {
		t.Fatalf("after update %+v", p)
	}
}

func TestImportUnknownColumnAndTabs(t *testing.T) {
	s := openTest(t)
	rep := importString(t, s, "标题\t价格\t备注\n面膜\t99\t送给妈妈\n")
	if rep.Created != 1 || !reflect.DeepEqual(rep.IgnoredColumns, []string{"备注"}) {
		t.Fatalf("report %+v", rep)
	}
}

func TestImportWholeFileErrors(t *testing.T) {
	s := openTest(t)
	mustUpsert(t, s, prod(1, "keep", 100))
	for name, in := range map[string]string{
		"empty":    "",
		"no price": "link_no,title\n1,a\n",
		"gbk":      "link_no,title,price\n1,\xc3\xe6\xc4\xa4,99\n",
		"dup":      "title,标题,price\na,b,1\n",
	} {
		_, err := s.ImportCSV(strings.NewReader(in), ImportOptions{})
		if !errors.Is(err, ErrCSV) {
			t.Errorf("%s: err = %v; want ErrCSV", name, err)
		}
	}
	if all, _ := s.Products(); len(all) != 1 || all[0].Title != "keep" {
		t.Fatalf("catalogue changed: %+v", all)
	}
}

func TestImportBrokenQuotesReportsRow(t *testing.T) {
	s := openTest(t)
	rep := importString(t, s, "link_no,title,price\n1,ok,1\n2,\"bad\"x,2\n3,fine,3\n")
	if len(rep.Skipped) != 1 || rep.Skipped[0].Row != 3 || !strings.Contains(rep.Skipped[0].Reason, "quotes") {
		t.Fatalf("skipped %v", rep.Skipped)
	}
	if rep.Created != 2 {
		t.Fatalf("created %d; want 2", rep.Created)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	src := openTest(t)
	for _, p := range []Product{
		{Product: prod(1, `引号"和,逗号`, 19900).Product, Script: "多行\n话术\r\n第三行 😀\n"},
		{Product: prod(2, "emoji 🎁🔥 礼盒", 1).Product},
		{Product: prod(7, "plain", 123456).Product, Script: "  缩进保留"},
	} {
		p.OriginalPriceCents = p.PriceCents * 2
		p.Coupon = `券 "满100减10", 限今天`
		p.Stock = 42
		p.ImageURL = "/srv/img/a b,c.png"
		p.SellingPoints = []string{"点一", "point, two", "三 ✨"}
		p.Currency = "USD"
		p.SoldOut = p.LinkNo == 2
		mustUpsert(t, src, p)
	}
	for _, opt := range []ExportOptions{{}, {Chinese: true, BOM: true}} {
		var buf bytes.Buffer
		if err := src.ExportCSV(&buf, opt); err != nil {
			t.Fatal(err)
		}
		dst := openTest(t)
		rep, err := dst.ImportCSV(bytes.NewReader(buf.Bytes()), ImportOptions{})
		if err != nil || rep.Created != 3 || len(rep.Skipped) != 0 || len(rep.IgnoredColumns) != 0 {
			t.Fatalf("%+v: import %+v %v\n%s", opt, rep, err, buf.String())
		}
		a, _ := src.Products()
		b, _ := dst.Products()
		for i := range a {
			a[i].UpdatedAt, b[i].UpdatedAt = b[i].UpdatedAt, a[i].UpdatedAt
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%+v: round trip differs:\n src %+v\n dst %+v", opt, a, b)
		}
	}
}
