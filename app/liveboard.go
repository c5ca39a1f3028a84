package app

import (
	"fmt"

	"github.com/go-analyze/charts"
)

// The live data screen (数据大屏): the big numbers an operator reads from
// across the room during the show, and its live charts, drawn here so the
// window only shows pictures.

// LiveNumbers are the data screen's big figures.
type LiveNumbers struct {
	Online         int64
	Likes          int64
	Orders         int64
	RevenueCents   int64
	CommentsPerMin int64 // in the last full minute
	Comments       int64
	Buyers         int64
}

// BoardNumbers puts together the latest counters and the running report.
// The counters (pushed by the platform) win over the report (asked every few seconds).
func BoardNumbers(r Report, c Counters) LiveNumbers {
	n := LiveNumbers{Online: c.Online, Likes: max(c.Likes, r.Likes), Orders: max(c.Orders, r.Orders),
		RevenueCents: max(c.RevenueCents, r.RevenueCents), Comments: r.Comments, Buyers: r.Buyers}
	if k := len(r.Series); k >= 2 {
		n.CommentsPerMin = r.Series[k-2].Comments // the minute now running is not over
	} else if k == 1 {
		n.CommentsPerMin = r.Series[0].Comments
	}
	return n
}

// Yuan formats cents as yuan with two decimals ("1456.00").
func Yuan(cents int64) string { return yuan(cents) }

// LiveBoardPNG draws the data screen's charts: online and comments per minute,
// orders and revenue per minute, and the top products, on a dark ground.
func LiveBoardPNG(r Report, width, height int) ([]byte, error) {
	if err := installChartFont(); err != nil {
		return nil, err
	}
	f := Figures(r)
	if len(f.Minutes) == 0 {
		f.Minutes, f.Online, f.Comments, f.Orders, f.RevenueYuan = []string{"—"}, []float64{0}, []float64{0}, []float64{0}, []float64{0}
	}
	// The last 30 minutes are what the room looks at.
	if k := len(f.Minutes); k > 30 {
		cut := k - 30
		f.Minutes, f.Online, f.Comments, f.Orders, f.RevenueYuan = f.Minutes[cut:], f.Online[cut:], f.Comments[cut:], f.Orders[cut:], f.RevenueYuan[cut:]
	}
	theme := charts.GetTheme(charts.ThemeDark)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: height, Theme: theme})
	bg := charts.ColorFromHex("#101014")
	p.FilledRect(0, 0, width, height, bg, bg, 0)
	colW, rowH := width/2, height/2
	box := func(col, row int) *charts.Painter {
		return p.Child(charts.PainterBoxOption(charts.NewBox(col*colW, row*rowH, (col+1)*colW, (row+1)*rowH)))
	}
	big := func(t *charts.TitleOption, text string) {
		t.Text = text
		t.FontStyle = charts.FontStyle{FontSize: 20, FontColor: charts.ColorFromHex("#f2f2f7")}
	}
	axis := charts.FontStyle{FontSize: 14, FontColor: charts.ColorFromHex("#c7c7cc")}

	online := charts.NewLineChartOptionWithData([][]float64{f.Online})
	online.Theme = theme
	big(&online.Title, "在线人数 / Online")
	online.XAxis.Labels, online.XAxis.LabelFontStyle = f.Minutes, axis
	online.Legend.Show = charts.Ptr(false)
	online.FillArea = charts.Ptr(true)
	online.YAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: axis}}
	online.LineStrokeWidth = 3
	if err := box(0, 0).LineChart(online); err != nil {
		return nil, fmt.Errorf("%w: online: %v", ErrChart, err)
	}

	cm := charts.NewBarChartOptionWithData([][]float64{f.Comments})
	cm.Theme = theme
	big(&cm.Title, "每分钟评论 / Comments per minute")
	cm.CategoryAxis.Labels, cm.CategoryAxis.LabelFontStyle = f.Minutes, axis
	cm.Legend.Show = charts.Ptr(false)
	cm.ValueAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: axis}}
	if err := box(1, 0).BarChart(cm); err != nil {
		return nil, fmt.Errorf("%w: comments: %v", ErrChart, err)
	}

	orders := charts.NewLineChartOptionWithData([][]float64{f.Orders, f.RevenueYuan})
	orders.Theme = theme
	big(&orders.Title, "订单与销售额 / Orders and revenue")
	orders.XAxis.Labels, orders.XAxis.LabelFontStyle = f.Minutes, axis
	orders.Legend = charts.LegendOption{SeriesNames: []string{"订单 orders", "销售额 ¥ revenue"}, Offset: charts.OffsetStr{Left: charts.PositionRight, Top: "30"},
		FontStyle: axis}
	orders.SeriesList[1].YAxisIndex = 1
	orders.YAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: axis}, {Min: charts.Ptr(0.0), LabelFontStyle: axis}}
	orders.LineStrokeWidth = 3
	if err := box(0, 1).LineChart(orders); err != nil {
		return nil, fmt.Errorf("%w: orders: %v", ErrChart, err)
	}

	names, counts := f.Products, f.ProductOrders
	if len(names) == 0 {
		names, counts = []string{"(暂无订单 no orders yet)"}, []float64{0}
	}
	if len(names) > 5 {
		names, counts = names[:5], counts[:5]
	}
	// The best seller on top.
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
		counts[i], counts[j] = counts[j], counts[i]
	}
	top := charts.NewBarChartOptionWithData([][]float64{counts})
	top.Theme = theme
	top.Horizontal = true
	big(&top.Title, "热卖商品 / Top products")
	top.CategoryAxis.Labels, top.CategoryAxis.LabelFontStyle = names, charts.FontStyle{FontSize: 16, FontColor: charts.ColorFromHex("#f2f2f7")}
	top.Legend.Show = charts.Ptr(false)
	top.ValueAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: axis}}
	top.SeriesList[0].Label.Show = charts.Ptr(true)
	top.SeriesList[0].Label.FontStyle = charts.FontStyle{FontSize: 16, FontColor: charts.ColorFromHex("#f2f2f7")}
	if err := box(1, 1).BarChart(top); err != nil {
		return nil, fmt.Errorf("%w: top products: %v", ErrChart, err)
	}
	out, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrChart, err)
	}
	return out, nil
}
