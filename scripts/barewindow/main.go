// Command barewindow is the floor of what a Fyne window repainted 20 times
// a second costs under software GL, for docs/benchmarks.md: a 1280x720
// window with one 366x206 image replaced every 50 ms (the studio's preview
// at its idle size). WIDGETS=1 adds 12 rows of ordinary widgets beside it
// (WIDGETS=button, entry, label or select: 48 of one kind);
// FLAT=1 squares the theme's corners. Measure it with the window half of
// scripts/bench-window.sh and SHOWCASTER_BIN set to this program.
package main

import (
	"image"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// flat is the default theme with square corners.
type flat struct{ fyne.Theme }

func (f flat) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius, theme.SizeNameScrollBarRadius:
		return 0
	}
	return f.Theme.Size(n)
}

func main() {
	a := app.New()
	if os.Getenv("FLAT") != "" {
		a.Settings().SetTheme(flat{theme.DefaultTheme()})
	}
	w := a.NewWindow("barewindow")
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleFastest
	img.SetMinSize(fyne.NewSize(366, 206))
	var content fyne.CanvasObject = container.NewVBox(img)
	if kind := os.Getenv("WIDGETS"); kind != "" {
		// WIDGETS=1: a mix; button, entry, label or select: 48 of that kind.
		row := func() fyne.CanvasObject {
			switch kind {
			case "button":
				return container.NewHBox(widget.NewButton("Button", nil), widget.NewButton("Button", nil), widget.NewButton("Button", nil), widget.NewButton("Button", nil))
			case "entry":
				return container.NewHBox(widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry())
			case "label":
				return container.NewHBox(widget.NewLabel("label text here"), widget.NewLabel("label text here"), widget.NewLabel("label text here"), widget.NewLabel("label text here"))
			case "select":
				return container.NewHBox(widget.NewSelect([]string{"a"}, nil), widget.NewSelect([]string{"a"}, nil), widget.NewSelect([]string{"a"}, nil), widget.NewSelect([]string{"a"}, nil))
			}
			return container.NewHBox(widget.NewButton("Button", nil), widget.NewEntry(),
				widget.NewLabel("label text here"), widget.NewSelect([]string{"a"}, nil))
		}
		objs := []fyne.CanvasObject{img}
		for range 12 {
			objs = append(objs, row())
		}
		content = container.NewHSplit(container.NewVBox(objs...), widget.NewLabel("right"))
	}
	w.SetContent(content)
	w.Resize(fyne.NewSize(1280, 720))
	var bufs [3]*image.RGBA
	for i := range bufs {
		bufs[i] = image.NewRGBA(image.Rect(0, 0, 366, 206))
	}
	go func() {
		// A benchmark's pace: the wall clock is what it measures against.
		tick := time.NewTicker(50 * time.Millisecond)
		for n := 0; ; n++ {
			<-tick.C
			b := bufs[n%3]
			for i := range b.Pix {
				b.Pix[i] = byte(i + n)
			}
			fyne.Do(func() { img.Image = b; img.Refresh() })
		}
	}()
	w.ShowAndRun()
}
