package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

// page is a viewer's browser for the test: its own cookie jar.
type page struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func openPage(t *testing.T, base, show string) *page {
	jar, _ := cookiejar.New(nil)
	p := &page{t: t, base: base, hc: &http.Client{Jar: jar}}
	p.post("GET", "/api/shows/"+show+"/public", nil)
	return p
}

func (p *page) post(method, path string, body any) int {
	p.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestReportChartsMatchTheReport runs a small show (bookings, comments,
// likes, orders of two products), draws its report and checks that what
// the charts draw is what the report's JSON says.
func TestReportChartsMatchTheReport(t *testing.T) {
	srv, c := localPlatform(t)
	ctx := context.Background()
	sh := approvedShow(t, c, "秋冬上新 · 羊毛大衣专场")
	id := sh.ID
	viewers := []*page{openPage(t, srv.URL(), id), openPage(t, srv.URL(), id), openPage(t, srv.URL(), id)}
	for _, v := range viewers[:2] {
		if st := v.post("POST", "/api/shows/"+id+"/bookings", nil); st != 200 {
			t.Fatalf("booking: %d", st)
		}
	}
	if _, err := c.SetProducts(ctx, id, []platform.Product{
		{ID: "p1", LinkNo: 1, Title: "羊毛大衣", PriceCents: 59900, Currency: "CNY"},
		{ID: "p2", LinkNo: 2, Title: "羊绒围巾", PriceCents: 12900, Currency: "CNY"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GoLive(ctx, id); err != nil {
		t.Fatal(err)
	}
	for i, v := range viewers {
		if st := v.post("POST", "/api/shows/"+id+"/comments", map[string]string{"text": "好看 " + strings.Repeat("!", i+1)}); st != 201 {
			t.Fatalf("comment: %d", st)
		}
		v.post("POST", "/api/shows/"+id+"/likes", nil)
	}
	for _, o := range []struct {
		v    int
		prod string
		qty  int
	}{{0, "p1", 1}, {1, "p2", 2}, {1, "p1", 1}} {
		if st := viewers[o.v].post("POST", "/api/shows/"+id+"/orders", map[string]any{"product_id": o.prod, "qty": o.qty}); st != 201 {
			t.Fatalf("order %+v: %d", o, st)
		}
	}
	if _, err := c.End(ctx, id); err != nil {
		t.Fatal(err)
	}
	r, err := c.Report(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Bookings != 2 || r.BookedViewers != 2 || r.Viewers != 3 || r.Orders != 3 || r.Buyers != 2 || r.RevenueCents != 59900*2+12900*2 {
		t.Fatalf("report: %+v", r)
	}

	f := Figures(r)
	sum := func(v []float64) (s float64) {
		for _, x := range v {
			s += x
		}
		return s
	}
	if sum(f.Comments) != float64(r.Comments) || sum(f.Orders) != float64(r.Orders) || sum(f.RevenueYuan)*100 != float64(r.RevenueCents) || sum(f.Likes) != float64(r.Likes) {
		t.Errorf("series sums: comments %v orders %v revenue %v likes %v; report %+v", sum(f.Comments), sum(f.Orders), sum(f.RevenueYuan), sum(f.Likes), r)
	}
	if len(f.Products) != 2 || f.Products[0] != "羊毛大衣" || f.ProductOrders[0] != 2 || f.ProductOrders[1] != 1 {
		t.Errorf("orders by product: %v %v", f.Products, f.ProductOrders)
	}
	if want := []float64{2, 2, 3, 2}; !equalFloats(f.Funnel, want) {
		t.Errorf("funnel %v, want %v", f.Funnel, want)
	}
	if f.Conversion < 66.6 || f.Conversion > 66.7 {
		t.Errorf("conversion %.2f%%, want 2/3", f.Conversion)
	}

	img, err := ReportPNG(r, sh.Title)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != ReportChartWidth || cfg.Height != ReportChartHeight {
		t.Fatalf("PNG %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if out := os.Getenv("SHOWCASTER_REPORT_PNG"); out != "" {
		os.WriteFile(out, img, 0o644)
	}
	var csv bytes.Buffer
	if err := WriteReportCSV(&csv, r); err != nil || !strings.Contains(csv.String(), "p1,羊毛大衣,2,2,119800") {
		t.Fatalf("CSV (%v):\n%s", err, csv.String())
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// exampleReport is a 40-minute evening show, for the picture in docs/.
func exampleReport() Report {
	start := time.Date(2026, 11, 23, 20, 0, 0, 0, time.Local)
	r := Report{ShowID: "s12", Viewers: 1186, PeakOnline: 412, Buyers: 97, OnAirS: 40*60 + 12, Bookings: 260, BookedViewers: 171,
		Gifts: 58, Follows: 133, Shares: 41, CouponsClaimed: 214, CouponsUsed: 76}
	for m := range 40 {
		online := int64(60 + m*14)
		if m > 25 {
			online = int64(410 - (m-25)*9)
		}
		p := ReportPoint{At: start.Add(time.Duration(m) * time.Minute), Online: online,
			Comments: int64(20 + (m*37)%45), Likes: int64(80 + (m*53)%120), Orders: int64((m * 7) % 6)}
		if m%10 == 4 { // the price is announced: orders jump
			p.Orders += 9
		}
		p.RevenueCents = p.Orders * 15900
		r.Comments += p.Comments
		r.Likes += p.Likes
		r.Orders += p.Orders
		r.RevenueCents += p.RevenueCents
		r.Series = append(r.Series, p)
	}
	r.ByProduct = []platform.ProductSales{
		{ProductID: "p1", Title: "羊毛大衣", Orders: r.Orders / 2}, {ProductID: "p2", Title: "羊绒围巾", Orders: r.Orders / 4},
		{ProductID: "p3", Title: "针织帽", Orders: r.Orders / 6}, {ProductID: "p4", Title: "加厚手套", Orders: r.Orders - r.Orders/2 - r.Orders/4 - r.Orders/6},
	}
	return r
}

// TestReportExamplePicture draws the example report (SHOWCASTER_REPORT_EXAMPLE=docs/report-example.png keeps it).
func TestReportExamplePicture(t *testing.T) {
	img, err := ReportPNG(exampleReport(), "秋冬上新 · 羊毛大衣专场")
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("SHOWCASTER_REPORT_EXAMPLE"); out != "" {
		if err := os.WriteFile(out, img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
