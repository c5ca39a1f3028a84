package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestMainWindowDrawsInTwoTextStyles: Fyne loads its fonts once for every
// text style a window draws in (the style's Latin face, the emoji and
// symbol faces, the system's Chinese face), 7–9 MB of heap each. The main
// window uses regular and bold only; the show's running time stays steady
// without a monospace face because the theme's digits are all one width.
func TestMainWindowDrawsInTwoTextStyles(t *testing.T) {
	h := newHarness(t, newFakeStudio())
	styles := map[string]string{}
	walkText(h.w.win.Content(), func(where string, s fyne.TextStyle) {
		if s.Monospace || s.Italic || s.Symbol {
			styles[fmt.Sprintf("%+v", s)] = where
		}
	})
	for s, where := range styles {
		t.Errorf("the main window draws %q in style %s: each style beyond regular and bold loads the fonts again", where, s)
	}

	// The running time keeps its width as its digits change.
	w0 := fyne.MeasureText("00:00:00", theme.TextSize(), fyne.TextStyle{}).Width
	for _, s := range []string{"01:11:11", "08:48:59", "11:11:11"} {
		if w := fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width; w != w0 {
			t.Errorf("%s is %.2f wide, 00:00:00 %.2f: the running time would jitter", s, w, w0)
		}
	}
}

// walkText calls f with the text and style of every text the object tree
// draws, widgets through their renderers.
func walkText(o fyne.CanvasObject, f func(string, fyne.TextStyle)) {
	switch x := o.(type) {
	case *canvas.Text:
		f(x.Text, x.TextStyle)
	case *widget.Label:
		f(x.Text, x.TextStyle)
	case *widget.RichText:
		for _, seg := range x.Segments {
			if ts, ok := seg.(*widget.TextSegment); ok {
				f(ts.Text, ts.Style.TextStyle)
			}
		}
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkText(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkText(c, f)
		}
	}
}
