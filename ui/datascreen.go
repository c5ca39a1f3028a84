package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"showcaster/app"
)

// The live data screen (数据大屏): a window for the operator during the show,
// meant for a second monitor or a TV across the room: five big numbers and
// the live charts (drawn by app.LiveBoardPNG), redrawn every few seconds.

const (
	dataRefresh    = 5 * time.Second
	dataChartW     = 1600
	dataChartH     = 800
	dataNumberSize = 64
)

type dataScreen struct {
	win     fyne.Window
	numbers map[string]*canvas.Text
	chart   *canvas.Image
	report  app.Report
	stop    context.CancelFunc
	charts  int // charts drawn so far (tests wait on it)
}

func (w *studioWindow) openDataScreen() {
	if w.side.data == nil {
		w.side.data = newDataScreen(w.app)
		d := w.side.data
		d.win.SetCloseIntercept(func() {
			d.stopRefresh()
			d.win.Hide()
		})
		d.win.SetOnClosed(func() { // the studio window closes it at the end
			d.stopRefresh()
			if w.side.data == d {
				w.side.data = nil
			}
		})
	}
	d := w.side.data
	d.setNumbers(app.BoardNumbers(d.report, w.counters))
	d.win.Show()
	d.startRefresh(w)
}

func newDataScreen(a fyne.App) *dataScreen {
	d := &dataScreen{win: a.NewWindow(lang.L("Live data screen")), numbers: map[string]*canvas.Text{}}
	tiles := container.NewGridWithColumns(5)
	for _, k := range []struct{ key, label string }{
		{"online", lang.L("Online now")},
		{"comments", lang.L("Comments per minute")},
		{"orders", lang.L("Orders")},
		{"revenue", lang.L("Revenue (yuan)")},
		{"likes", lang.L("Likes")},
	} {
		value := canvas.NewText("0", color.NRGBA{R: 0xff, G: 0xd6, B: 0x0a, A: 0xff})
		value.TextSize = dataNumberSize
		value.TextStyle.Bold = true
		value.Alignment = fyne.TextAlignCenter
		label := canvas.NewText(k.label, color.NRGBA{R: 0xc7, G: 0xc7, B: 0xcc, A: 0xff})
		label.TextSize = 22
		label.Alignment = fyne.TextAlignCenter
		d.numbers[k.key] = value
		tiles.Add(container.NewVBox(value, label))
	}
	d.chart = canvas.NewImageFromResource(nil)
	d.chart.FillMode = canvas.ImageFillContain
	d.chart.SetMinSize(fyne.NewSize(dataChartW/2, dataChartH/2))
	bg := canvas.NewRectangle(color.NRGBA{R: 0x10, G: 0x10, B: 0x14, A: 0xff})
	d.win.SetContent(container.NewStack(bg, container.NewBorder(container.NewPadded(tiles), nil, nil, nil,
		container.New(layout.NewMaxLayout(), d.chart))))
	d.win.Resize(fyne.NewSize(1366, 768))
	return d
}

func (d *dataScreen) setNumbers(n app.LiveNumbers) {
	set := func(key, v string) {
		if t := d.numbers[key]; t.Text != v {
			t.Text = v
			t.Refresh()
		}
	}
	set("online", fmt.Sprint(n.Online))
	set("comments", fmt.Sprint(n.CommentsPerMin))
	set("orders", fmt.Sprint(n.Orders))
	set("revenue", app.Yuan(n.RevenueCents))
	set("likes", fmt.Sprint(n.Likes))
}

// apply takes the counters the platform pushes: the numbers move at once.
func (d *dataScreen) apply(ev app.Event, w *studioWindow) {
	if c, ok := ev.(app.Counters); ok {
		d.setNumbers(app.BoardNumbers(d.report, c))
	}
}

// startRefresh asks for the running report and redraws the charts every few
// seconds while the screen is open.
func (d *dataScreen) startRefresh(w *studioWindow) {
	if d.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	d.stop = cancel
	tick := w.clk.NewTicker(dataRefresh)
	refresh := func() {
		var r app.Report
		var img []byte
		w.async(func(ctx context.Context) error {
			var err error
			if r, err = w.studio.Report(ctx); err != nil {
				return err
			}
			img, err = app.LiveBoardPNG(r, dataChartW, dataChartH)
			return err
		}, func(err error) {
			if err != nil || ctx.Err() != nil {
				return // no show yet, or the platform is away: the numbers still move
			}
			d.report = r
			d.setNumbers(app.BoardNumbers(r, w.counters))
			d.chart.Resource = fyne.NewStaticResource(fmt.Sprintf("board-%d.png", d.charts), img)
			d.chart.Refresh()
			d.charts++
		})
	}
	refresh()
	go func() {
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C():
				refresh()
			}
		}
	}()
}

func (d *dataScreen) stopRefresh() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}
