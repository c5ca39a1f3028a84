package ui

import (
	"errors"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"

	"showcaster/ui/native"
)

// directViews draws the two pictures that change many times a second, the
// preview and the microphone meter, in child windows of the studio window
// (package native) where the desktop allows it. Fyne repaints the whole
// window when any object on it changes, so a preview drawn through the
// toolkit at 20 frames a second had every widget drawn 20 times a second;
// drawn beside the toolkit, the window repaints only when what it shows
// changes. Whenever the toolkit draws over a picture (a dialog, a pop-up,
// the open main menu, the countdown, the cue card), that picture goes back
// to the toolkit until it is uncovered. Where there are no child windows
// (Windows, macOS, Wayland, Fyne's test driver) the toolkit draws them.
type directViews struct {
	w       *studioWindow
	tried   bool
	off     bool
	d       *native.Display
	preview *native.Surface
	meter   *native.Surface
	// covering: something of the toolkit's lay over the pictures at the
	// last tick.
	covering bool
}

// ready opens the display and the two surfaces on first use; false when
// the toolkit draws the pictures.
func (v *directViews) ready() bool {
	if v.off {
		return false
	}
	if v.tried {
		return true
	}
	v.tried = true
	if v.w.cfg.ToolkitPreview {
		v.off = true
		return false
	}
	var parent native.Parent
	x11 := false
	if nw, ok := v.w.win.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok {
				x11, parent = true, native.Parent(x.WindowHandle)
			}
		})
	}
	if !x11 {
		v.off = true // not X11: the toolkit draws
		return false
	}
	if parent == 0 {
		v.tried = false // the window is not created yet: ask again next time
		return false
	}
	d, err := native.Open()
	if err == nil {
		v.d = d
		v.preview, err = d.NewSurface(parent, "Showcaster preview")
	}
	if err == nil {
		v.meter, err = d.NewSurface(parent, "Showcaster microphone level")
	}
	if err != nil {
		v.fail(err)
		return false
	}
	how := "over the socket"
	if d.SharedMemory() {
		how = "through shared memory"
	}
	v.w.cfg.Logf("preview and meter drawn in windows of their own, %s", how)
	return true
}

// fail gives both pictures back to the toolkit for good; they are drawn
// by it from the next tick (draw has already answered false).
func (v *directViews) fail(err error) {
	if !errors.Is(err, native.ErrUnsupported) || v.d != nil {
		v.w.cfg.Logf("the toolkit draws the preview: %v", err)
	}
	v.off = true
	if v.d != nil {
		v.d.Close()
		v.d = nil
	}
}

func (v *directViews) close() {
	if v.d != nil {
		v.d.Close()
		v.d = nil
	}
	v.off = true
}

// covered: something of the toolkit's may lie over the pictures, an
// overlay (dialog, pop-up, select list) or the main menu opened.
func (v *directViews) covered() bool {
	c := v.w.win.Canvas()
	if c.Overlays().Top() != nil {
		return true
	}
	// The menu bar is a tree of its own, not an overlay; Fyne's menu bar
	// says whether it is open.
	if t, ok := c.(interface{ ObjectTrees() []fyne.CanvasObject }); ok {
		for _, o := range t.ObjectTrees() {
			if m, ok := o.(interface{ IsActive() bool }); ok && m.IsActive() {
				return true
			}
		}
	}
	return false
}

// tick runs once per pump tick, after everything the tick brought: it
// answers the server's redraw requests, notes whether the toolkit lies
// over the pictures now (a dialog opened, the menu closed), and shows the
// preview and the meter, each where it may be drawn.
func (v *directViews) tick() {
	if v.ready() {
		v.d.Poll()
		v.covering = v.covered()
	}
	v.w.preview.show()
	v.w.sources.meter.show()
}

// usable: the pictures may be drawn in their own windows this tick.
func (v *directViews) usable() bool { return v.ready() && !v.covering }

// draw shows img at r in s, with the holes left to the toolkit, when the
// views are usable; false when it cannot, and the toolkit is to draw it.
func (v *directViews) draw(s *native.Surface, r image.Rectangle, holes []image.Rectangle, img *image.RGBA, changed bool) bool {
	if r.Empty() {
		s.Hide()
		return false
	}
	if err := s.Place(r, holes); err != nil {
		v.fail(err)
		return false
	}
	if changed || !s.Shown() {
		if err := s.Draw(img); err != nil {
			v.fail(err)
			return false
		}
	}
	return true
}

// hide hands s back to the toolkit.
func (v *directViews) hide(s *native.Surface) {
	if s != nil && !v.off {
		s.Hide()
	}
}

// pixelRect is where obj is on the window, in the window's pixels: the
// smallest pixel rectangle holding it.
func pixelRect(obj fyne.CanvasObject) (image.Rectangle, bool) {
	drv := fyne.CurrentApp().Driver()
	c := drv.CanvasForObject(obj)
	if c == nil || !obj.Visible() {
		return image.Rectangle{}, false
	}
	s := float64(c.Scale())
	pos := drv.AbsolutePositionForObject(obj)
	size := obj.Size()
	return image.Rect(
		int(math.Floor(float64(pos.X)*s)), int(math.Floor(float64(pos.Y)*s)),
		int(math.Ceil(float64(pos.X+size.Width)*s)), int(math.Ceil(float64(pos.Y+size.Height)*s)),
	), true
}

// drawMeter paints the meter as the toolkit does (a rounded track, the bar
// over it) into img, on the window's background.
func drawMeter(img *image.RGBA, level float64, bg, track, bar color.Color, radius float64) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	filled := int(math.Round(float64(w) * min(max(level, 0), 1)))
	bgc := color.NRGBAModel.Convert(bg).(color.NRGBA)
	tc := color.NRGBAModel.Convert(track).(color.NRGBA)
	bc := color.NRGBAModel.Convert(bar).(color.NRGBA)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fg := tc
			if x < filled {
				fg = bc
			}
			a := cornerCoverage(x, y, w, h, radius)
			if x < filled {
				a = min(a, cornerCoverage(x, y, filled, h, radius))
			}
			img.SetRGBA(b.Min.X+x, b.Min.Y+y, blend(bgc, fg, a))
		}
	}
}

// cornerCoverage is how much of pixel (x, y) lies inside a w×h rectangle
// with corners rounded to radius r.
func cornerCoverage(x, y, w, h int, r float64) float64 {
	r = min(r, float64(w)/2, float64(h)/2)
	px, py := float64(x)+0.5, float64(y)+0.5
	cx := min(max(px, r), float64(w)-r)
	cy := min(max(py, r), float64(h)-r)
	d := math.Hypot(px-cx, py-cy)
	return min(max(r-d+0.5, 0), 1)
}

func blend(bg, fg color.NRGBA, a float64) color.RGBA {
	a *= float64(fg.A) / 255
	mix := func(b, f uint8) uint8 { return uint8(math.Round(float64(b)*(1-a) + float64(f)*a)) }
	return color.RGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), 0xff}
}
