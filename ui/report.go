package ui

import (
	"context"
	"fmt"
	"image/color"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// openReport fetches the selected show's report and shows it: the figures
// an operator reviews after a show, and the online count minute by minute.
func (w *studioWindow) openReport() {
	var r app.Report
	w.async(func(ctx context.Context) error {
		var err error
		r, err = w.studio.Report(ctx)
		return err
	}, func(err error) {
		if err != nil {
			w.fail(lang.L("The report could not be loaded"), err)
			return
		}
		w.report = newReportView(r)
		dialog.ShowCustom(lang.L("Show report"), lang.L("Close"), w.report.content, w.win)
	})
}

// reportView lays out a report; kept on the window so tests can read it.
type reportView struct {
	values  map[string]*widget.Label
	chart   *canvas.Image // the report's charts, drawn by app.ReportPNG; nil if they could not be drawn
	content fyne.CanvasObject
}

func newReportView(r app.Report) *reportView {
	v := &reportView{values: map[string]*widget.Label{}}
	form := container.NewGridWithColumns(2)
	add := func(key, label, value string) {
		l := widget.NewLabel(value)
		l.TextStyle.Bold = true
		v.values[key] = l
		form.Add(widget.NewLabel(label))
		form.Add(l)
	}
	add("viewers", lang.L("Viewers"), fmt.Sprint(r.Viewers))
	add("peak", lang.L("Peak online"), fmt.Sprint(r.PeakOnline))
	add("comments", lang.L("Comments"), fmt.Sprint(r.Comments))
	add("likes", lang.L("Likes"), fmt.Sprint(r.Likes))
	add("orders", lang.L("Orders"), fmt.Sprint(r.Orders))
	add("buyers", lang.L("Buyers"), fmt.Sprint(r.Buyers))
	add("revenue", lang.L("Revenue"), app.MoneyFigure(r.RevenueCents, ""))
	add("minutes", lang.L("Effective minutes"), fmt.Sprint(r.EffectiveMin))
	add("bookings", lang.L("Bookings ➔ came"), fmt.Sprintf("%d ➔ %d", r.Bookings, r.BookedViewers))
	add("gifts", lang.L("Gifts"), fmt.Sprint(r.Gifts))
	add("follows", lang.L("Follows"), fmt.Sprint(r.Follows))
	add("shares", lang.L("Shares"), fmt.Sprint(r.Shares))
	add("coupons", lang.L("Coupons claimed ➔ used"), fmt.Sprintf("%d ➔ %d", r.CouponsClaimed, r.CouponsUsed))
	note := widget.NewLabel(lang.L("Counts as a session: more than 15 minutes on air."))
	if !app.CountsAsSession(r) {
		note.SetText(lang.L("Does not count as a session: a session needs more than 15 minutes on air."))
		note.Importance = widget.WarningImportance
	}
	note.Wrapping = fyne.TextWrapWord
	var pictures fyne.CanvasObject
	if img, err := app.ReportPNG(r, r.ShowID); err == nil {
		v.chart = canvas.NewImageFromResource(fyne.NewStaticResource("report-"+r.ShowID+".png", img))
		v.chart.FillMode = canvas.ImageFillContain
		v.chart.SetMinSize(fyne.NewSize(app.ReportChartWidth/2, app.ReportChartHeight/2))
		pictures = v.chart
	} else {
		pictures = container.NewVBox(widget.NewLabel(lang.L("Online viewers, minute by minute")), onlineBars(r.Series))
	}
	body := container.NewVBox(form, note)
	if r.ReplayURL != "" {
		if u, err := url.Parse(r.ReplayURL); err == nil {
			body.Add(container.NewHBox(widget.NewLabel(lang.L("Replay")), widget.NewHyperlink(r.ReplayURL, u)))
		}
	}
	scroll := container.NewVScroll(container.NewVBox(body, pictures))
	scroll.SetMinSize(fyne.NewSize(app.ReportChartWidth/2+20, 600))
	v.content = scroll
	return v
}

// onlineBars draws the per-minute online count as bars: enough to see when
// the room filled and emptied, without a charting dependency for one shape.
func onlineBars(series []app.ReportPoint) fyne.CanvasObject {
	const h = 80
	if len(series) == 0 {
		return widget.NewLabel(lang.L("No minutes on air yet."))
	}
	var peak int64 = 1
	for _, p := range series {
		peak = max(peak, p.Online)
	}
	bars := container.NewWithoutLayout()
	barW := float32(max(2, min(12, 480/len(series))))
	for i, p := range series {
		bh := float32(h) * float32(p.Online) / float32(peak)
		r := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		r.Resize(fyne.NewSize(barW-1, max(bh, 1)))
		r.Move(fyne.NewPos(float32(i)*barW, h-max(bh, 1)))
		bars.Add(r)
	}
	bg := canvas.NewRectangle(color.Transparent)
	bg.SetMinSize(fyne.NewSize(float32(len(series))*barW, h))
	return container.NewStack(bg, bars)
}
