package ui

import (
	"image"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// previewPanel shows the program picture, the on-air badge and the 3-2-1
// countdown drawn over it.
type previewPanel struct {
	w       *studioWindow
	img     *canvas.Image
	sizer   *sizeReporter
	badge   *canvas.Text
	badgeBg *canvas.Rectangle
	count   *canvas.Text
	countBg *canvas.Circle
	waiting *widget.Label
	// cue is the prompter's text over the preview: seen in the studio only.
	cue    *widget.Label
	cueBox *fyne.Container
	frames int // frames shown, for the status of the preview in tests and traces
	last   *image.RGBA
	fresh  bool // last is not on the screen yet
}

func newPreviewPanel(w *studioWindow) *previewPanel {
	p := &previewPanel{w: w}
	p.img = canvas.NewImageFromImage(nil)
	p.img.FillMode = canvas.ImageFillContain
	// The studio already scaled the frame to the widget's pixel size.
	p.img.ScaleMode = canvas.ImageScaleFastest
	p.img.SetMinSize(fyne.NewSize(320, 180))
	p.sizer = newSizeReporter(func(fyne.Size) { p.askSize() })
	p.badge = canvas.NewText("", color.White)
	p.badge.TextStyle.Bold = true
	p.badgeBg = canvas.NewRectangle(color.Transparent)
	p.badgeBg.CornerRadius = 4
	p.count = canvas.NewText("", color.White)
	p.count.TextSize = 96
	p.count.TextStyle.Bold = true
	p.count.Alignment = fyne.TextAlignCenter
	p.countBg = canvas.NewCircle(color.NRGBA{0, 0, 0, 150})
	p.countBg.Hide()
	p.waiting = widget.NewLabel(lang.L("Waiting for the first picture…"))
	p.cue = widget.NewLabel("")
	p.cue.Wrapping = fyne.TextWrapWord
	p.cue.TextStyle.Bold = true
	p.cueBox = container.NewStack(canvas.NewRectangle(color.NRGBA{0, 0, 0, 0xb0}), p.cue)
	p.cueBox.Hide()
	p.setState("")
	return p
}

func (p *previewPanel) content() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.Black)
	badge := container.NewStack(p.badgeBg, container.NewPadded(p.badge))
	topLeft := container.NewVBox(container.NewHBox(badge, layout.NewSpacer()), layout.NewSpacer())
	countdown := container.NewCenter(container.NewStack(
		container.New(layout.NewGridWrapLayout(fyne.NewSize(160, 160)), p.countBg),
		container.NewCenter(p.count),
	))
	cue := container.NewBorder(nil, container.NewPadded(p.cueBox), nil, nil)
	return container.NewStack(bg, p.sizer, container.NewCenter(p.waiting), p.img, container.NewPadded(topLeft), cue, countdown)
}

func (p *previewPanel) setFrame(img *image.RGBA) {
	if !p.waiting.Hidden {
		p.waiting.Hide()
	}
	p.last = img
	p.fresh = true
	p.frames++
}

// show puts the newest frame on the screen, once per pump tick: in the
// preview's own window when nothing of the toolkit's is drawn over the
// picture but the badge (which the window leaves a hole for), else
// through the toolkit.
func (p *previewPanel) show() {
	p.askSize()
	if p.last == nil {
		return
	}
	newFrame := p.fresh
	p.fresh = false
	if p.w.direct.usable() {
		if r, holes, ok := p.directPlace(); ok && p.w.direct.draw(p.w.direct.preview, r, holes, p.last, newFrame) {
			if p.img.Image != nil {
				p.img.Image = nil // beneath its window: nothing for the toolkit to draw
				p.img.Refresh()
			}
			return
		}
	}
	p.w.direct.hide(p.w.direct.preview)
	if newFrame || p.img.Image != p.last {
		p.img.Image = p.last
		p.img.Refresh()
	}
}

// askSize tells the pump how many pixels the preview has: its size at the
// canvas's scale (asked again on every tick, as the first layout can come
// before the widget is on a canvas, whose scale is then unknown, and a
// HiDPI screen would get a picture of a third of its pixels).
func (p *previewPanel) askSize() {
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.img); c != nil {
		scale = c.Scale()
	}
	s := p.sizer.last
	p.w.pump.SetPreviewSize(int(s.Width*scale), int(s.Height*scale))
}

// directPlace is where the frame goes in the window's pixels (centred in
// the image's area, as the toolkit draws it) and the badge's hole; false
// while the countdown or the cue card is over the picture, or the frame
// does not fit (the window is being resized).
func (p *previewPanel) directPlace() (image.Rectangle, []image.Rectangle, bool) {
	if p.countBg.Visible() || p.cueBox.Visible() {
		return image.Rectangle{}, nil, false
	}
	area, ok := pixelRect(p.img)
	if !ok {
		return image.Rectangle{}, nil, false
	}
	fs := p.last.Bounds().Size()
	if fs.X > area.Dx() || fs.Y > area.Dy() {
		return image.Rectangle{}, nil, false
	}
	at := area.Min.Add(image.Pt((area.Dx()-fs.X)/2, (area.Dy()-fs.Y)/2))
	r := image.Rectangle{Min: at, Max: at.Add(fs)}
	var holes []image.Rectangle
	over := false
	if b, ok := pixelRect(p.badgeBg); ok && p.badge.Text != "" {
		holes = append(holes, b)
		over = b.Overlaps(r)
	}
	// Over the picture the badge is square: the hole is a rectangle, and
	// round corners would show the toolkit's black beneath the picture.
	radius := float32(4)
	if over {
		radius = 0
	}
	if p.badgeBg.CornerRadius != radius {
		p.badgeBg.CornerRadius = radius
		p.badgeBg.Refresh()
	}
	return r, holes, true
}

// setCue shows the prompter's text over the preview ("" hides it).
func (p *previewPanel) setCue(text string) {
	p.cue.SetText(text)
	if text == "" {
		p.cueBox.Hide()
	} else {
		p.cueBox.Show()
	}
}

func (p *previewPanel) setCountdown(n int) {
	if n <= 0 {
		p.count.Text = ""
		p.countBg.Hide()
	} else {
		p.count.Text = strconv.Itoa(n)
		p.countBg.Show()
	}
	p.count.Refresh()
}

// setState shows who can see the picture: nobody, trial-link holders, or everyone.
func (p *previewPanel) setState(s app.ShowState) {
	switch s {
	case app.StateLive:
		p.badge.Text = "● " + lang.L("LIVE")
		p.badgeBg.FillColor = theme.Color(theme.ColorNameError)
	case app.StateTrial:
		p.badge.Text = "● " + lang.L("TRIAL (viewers cannot see it)")
		p.badgeBg.FillColor = theme.Color(theme.ColorNameWarning)
	default:
		p.badge.Text = lang.L("PREVIEW (not on air)")
		// Opaque: the picture beneath the badge is not redrawn while the
		// preview has a window of its own (directViews).
		p.badgeBg.FillColor = color.NRGBA{0x30, 0x30, 0x30, 0xff}
	}
	p.badge.Refresh()
	p.badgeBg.Refresh()
}

// sizeReporter is an invisible widget that reports its size when laid out,
// so the pump can ask the studio for frames exactly as large as shown.
type sizeReporter struct {
	widget.BaseWidget
	onResize func(fyne.Size)
	last     fyne.Size
}

func newSizeReporter(f func(fyne.Size)) *sizeReporter {
	s := &sizeReporter{onResize: f}
	s.ExtendBaseWidget(s)
	return s
}

func (s *sizeReporter) Resize(size fyne.Size) {
	s.BaseWidget.Resize(size)
	if size != s.last {
		s.last = size
		s.onResize(size)
	}
}

func (s *sizeReporter) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
