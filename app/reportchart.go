package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"showcaster/internal/money"
	"strconv"
	"sync"

	"github.com/go-analyze/charts"
)

// The post-show report drawn as charts (github.com/go-analyze/charts, pure Go
// PNG): the window, `showcaster shows report --png` and the data screen all
// take their pictures from here. Labels are in Chinese and English at once.

// chartFontPaths are TrueType fonts that cover Chinese (the chart library
// reads TrueType, not the CFF outlines of Noto CJK).
var chartFontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
	"C:\\Windows\\Fonts\\msyh.ttc",
	"/System/Library/Fonts/PingFang.ttc",
}

const chartFont = "showcaster-cjk"

var chartFontOnce struct {
	sync.Once
	err error
}

// installChartFont makes the first Chinese-capable font the charts' default, once.
func installChartFont() error {
	chartFontOnce.Do(func() {
		for _, p := range chartFontPaths {
			data, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			if err := charts.InstallFont(chartFont, data); err != nil {
				continue
			}
			chartFontOnce.err = charts.SetDefaultFont(chartFont)
			return
		}
		chartFontOnce.err = ErrNoChartFont
	})
	return chartFontOnce.err
}

// ReportFigures are the report's derived numbers, the same ones the charts
// draw (so a test can hold the picture to the report's JSON).
type ReportFigures struct {
	Minutes       []string  // "20:01" per series point
	Online        []float64 // per minute
	Comments      []float64
	Likes         []float64
	Orders        []float64
	RevenueYuan   []float64 // per minute
	Products      []string  // most revenue first
	ProductOrders []float64
	// Conversion is buyers / viewers in percent; BookedCame is booked viewers who watched.
	Conversion  float64
	Funnel      []float64 // bookings, booked viewers who came, viewers, buyers
	Toolkit     []float64 // gifts, follows, shares, coupons claimed, coupons used
	ToolkitName []string
}

// Figures derives what the charts show from a report.
func Figures(r Report) ReportFigures {
	f := ReportFigures{}
	for _, p := range r.Series {
		f.Minutes = append(f.Minutes, p.At.Local().Format("15:04"))
		f.Online = append(f.Online, float64(p.Online))
		f.Comments = append(f.Comments, float64(p.Comments))
		f.Likes = append(f.Likes, float64(p.Likes))
		f.Orders = append(f.Orders, float64(p.Orders))
		f.RevenueYuan = append(f.RevenueYuan, float64(p.RevenueCents)/100)
	}
	for _, ps := range r.ByProduct {
		name := ps.Title
		if name == "" {
			name = ps.ProductID
		}
		f.Products = append(f.Products, name)
		f.ProductOrders = append(f.ProductOrders, float64(ps.Orders))
	}
	if r.Viewers > 0 {
		f.Conversion = float64(r.Buyers) * 100 / float64(r.Viewers)
	}
	f.Funnel = []float64{float64(r.Bookings), float64(r.BookedViewers), float64(r.Viewers), float64(r.Buyers)}
	f.Toolkit = []float64{float64(r.Gifts), float64(r.Follows), float64(r.Shares), float64(r.CouponsClaimed), float64(r.CouponsUsed)}
	f.ToolkitName = []string{"礼物 gifts", "关注 follows", "分享 shares", "领券 claimed", "用券 used"}
	return f
}

// ReportChartSize is the report picture's size in pixels.
const (
	ReportChartWidth  = 1400
	ReportChartHeight = 1500
)

// ReportPNG draws the report's charts as one PNG.
func ReportPNG(r Report, title string) ([]byte, error) {
	if err := installChartFont(); err != nil {
		return nil, err
	}
	f := Figures(r)
	if len(f.Minutes) == 0 {
		// A show that never went live still gets a picture: one empty minute.
		f.Minutes, f.Online, f.Comments, f.Likes, f.Orders, f.RevenueYuan = []string{"—"}, []float64{0}, []float64{0}, []float64{0}, []float64{0}, []float64{0}
	}
	const w, h, top = ReportChartWidth, ReportChartHeight, 130
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: w, Height: h,
		Theme: charts.GetTheme(charts.ThemeLight)})
	p.FilledRect(0, 0, w, h, charts.ColorWhite, charts.ColorWhite, 0)
	head := charts.FontStyle{FontSize: 26, FontColor: charts.ColorFromHex("#222222")}
	small := charts.FontStyle{FontSize: 16, FontColor: charts.ColorFromHex("#444444")}
	p.Text("直播数据报告 / Show report · "+title, 30, 44, 0, head)
	p.Text(fmt.Sprintf("观看 viewers %d · 峰值在线 peak online %d · 评论 comments %d · 点赞 likes %d · 订单 orders %d · 买家 buyers %d",
		r.Viewers, r.PeakOnline, r.Comments, r.Likes, r.Orders, r.Buyers), 30, 80, 0, small)
	p.Text(fmt.Sprintf("销售额 revenue ¥%s · 转化率 conversion %.1f%% · 有效直播 on air %d:%02d · 预约 bookings %d → 到场 came %d",
		yuan(r.RevenueCents), f.Conversion, r.OnAirS/60, r.OnAirS%60, r.Bookings, r.BookedViewers), 30, 108, 0, small)

	colW, rowH := w/2, (h-top)/3
	box := func(col, row int) *charts.Painter {
		return p.Child(charts.PainterBoxOption(charts.NewBox(col*colW, top+row*rowH, (col+1)*colW, top+(row+1)*rowH)))
	}
	titled := func(t *charts.TitleOption, text string) {
		t.Text = text
		t.FontStyle = charts.FontStyle{FontSize: 16}
	}

	online := charts.NewLineChartOptionWithData([][]float64{f.Online})
	titled(&online.Title, "每分钟在线 / Online viewers per minute")
	online.XAxis.Labels = f.Minutes
	online.Legend.Show = charts.Ptr(false)
	online.FillArea = charts.Ptr(true)
	online.YAxis = fromZero()
	if err := box(0, 0).LineChart(online); err != nil {
		return nil, fmt.Errorf("%w: online chart: %v", ErrChart, err)
	}

	act := charts.NewLineChartOptionWithData([][]float64{f.Comments, f.Likes, f.Orders})
	titled(&act.Title, "每分钟互动 / Comments, likes, orders per minute")
	act.XAxis.Labels = f.Minutes
	act.Legend = charts.LegendOption{SeriesNames: []string{"评论 comments", "点赞 likes", "订单 orders"},
		Offset: charts.OffsetStr{Left: charts.PositionRight, Top: "26"}}
	act.YAxis = fromZero()
	if err := box(1, 0).LineChart(act); err != nil {
		return nil, fmt.Errorf("%w: activity chart: %v", ErrChart, err)
	}

	rev := charts.NewBarChartOptionWithData([][]float64{f.RevenueYuan})
	titled(&rev.Title, "每分钟销售额 (元) / Revenue per minute (yuan)")
	rev.CategoryAxis.Labels = f.Minutes
	rev.Legend.Show = charts.Ptr(false)
	rev.ValueAxis = fromZero()
	if err := box(0, 1).BarChart(rev); err != nil {
		return nil, fmt.Errorf("%w: revenue chart: %v", ErrChart, err)
	}

	prodNames, prodOrders := f.Products, f.ProductOrders
	if len(prodNames) == 0 {
		prodNames, prodOrders = []string{"(无订单 no orders)"}, []float64{0}
	}
	if len(prodNames) > 10 {
		prodNames, prodOrders = prodNames[:10], prodOrders[:10]
	}
	prod := charts.NewBarChartOptionWithData([][]float64{prodOrders})
	prod.Horizontal = true
	titled(&prod.Title, "各商品订单 / Orders by product")
	prod.CategoryAxis.Labels = prodNames
	prod.Legend.Show = charts.Ptr(false)
	prod.ValueAxis = fromZero()
	prod.SeriesList[0].Label.Show = charts.Ptr(true)
	if err := box(1, 1).BarChart(prod); err != nil {
		return nil, fmt.Errorf("%w: products chart: %v", ErrChart, err)
	}

	funnel := charts.NewBarChartOptionWithData([][]float64{f.Funnel})
	titled(&funnel.Title, fmt.Sprintf("预约 → 观看 → 购买 / Bookings → buyers · 转化 %.1f%%", f.Conversion))
	funnel.CategoryAxis.Labels = []string{"预约 booked", "到场 came", "观看 viewers", "买家 buyers"}
	funnel.Legend.Show = charts.Ptr(false)
	funnel.ValueAxis = fromZero()
	funnel.SeriesList[0].Label.Show = charts.Ptr(true)
	if err := box(0, 2).BarChart(funnel); err != nil {
		return nil, fmt.Errorf("%w: funnel chart: %v", ErrChart, err)
	}

	tk := charts.NewBarChartOptionWithData([][]float64{f.Toolkit})
	titled(&tk.Title, "礼物、关注、分享、优惠券 / Gifts, follows, shares, coupons")
	tk.CategoryAxis.Labels = f.ToolkitName
	tk.Legend.Show = charts.Ptr(false)
	tk.ValueAxis = fromZero()
	tk.SeriesList[0].Label.Show = charts.Ptr(true)
	if err := box(1, 2).BarChart(tk); err != nil {
		return nil, fmt.Errorf("%w: toolkit chart: %v", ErrChart, err)
	}
	out, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrChart, err)
	}
	return out, nil
}

// fromZero starts a value axis at 0, so bars and lines compare honestly.
func fromZero() []charts.ValueAxisOption { return []charts.ValueAxisOption{{Min: charts.Ptr(0.0)}} }

func yuan(cents int64) string { return money.Plain(cents) }

// WriteReportCSV writes the report's per-minute series as CSV, with the totals first.
func WriteReportCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	rows := [][]string{
		{"show_id", "viewers", "peak_online", "comments", "likes", "orders", "buyers", "revenue_cents", "on_air_s", "bookings", "booked_viewers",
			"gifts", "follows", "shares", "coupons_claimed", "coupons_used"},
		{r.ShowID, i(r.Viewers), i(r.PeakOnline), i(r.Comments), i(r.Likes), i(r.Orders), i(r.Buyers), i(r.RevenueCents), i(r.OnAirS),
			i(r.Bookings), i(r.BookedViewers), i(r.Gifts), i(r.Follows), i(r.Shares), i(r.CouponsClaimed), i(r.CouponsUsed)},
		{},
		{"minute", "online", "comments", "likes", "orders", "revenue_cents"},
	}
	for _, p := range r.Series {
		rows = append(rows, []string{p.At.Format("2006-01-02T15:04:05Z07:00"), i(p.Online), i(p.Comments), i(p.Likes), i(p.Orders), i(p.RevenueCents)})
	}
	rows = append(rows, []string{}, []string{"product_id", "title", "orders", "qty", "revenue_cents"})
	for _, ps := range r.ByProduct {
		rows = append(rows, []string{ps.ProductID, ps.Title, i(ps.Orders), i(ps.Qty), i(ps.RevenueCents)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write the report as CSV: %w", err)
	}
	return nil
}
