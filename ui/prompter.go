package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/app/store"
)

// prompterWindow is the host's teleprompter: the script of the product being
// explained in large text, scrolling on its own at a chosen speed, with
// pause, mirror mode for a beam-splitter glass, and a font size. It is a
// window of its own (it can sit on the preview monitor); it goes on air only
// when the operator ticks "On the program".
type prompterWindow struct {
	win  fyne.Window
	desk *app.ProductDesk
	view *prompterView

	speed  *widget.Slider // pixels (Fyne units) a second
	size   *widget.Slider
	pause  *widget.Button
	mirror *widget.Check
	follow *widget.Check
	onAir  *widget.Check
	title  *widget.Label
	// end says the scroll holds at the end of the script and how to start again.
	end *widget.Label

	// The show's notes, edited beside the page (notes.go).
	notes *notesEditor

	paused bool
	anim   *fyne.Animation
	last   time.Time
	// shown is the product whose card is on the page ("" for the overview).
	shown string
}

func newPrompterWindow(a fyne.App, desk *app.ProductDesk) *prompterWindow {
	p := &prompterWindow{desk: desk}
	p.win = a.NewWindow(lang.L("Showcaster · Prompter"))
	p.view = newPrompterView(desk)

	p.speed = widget.NewSlider(0, 200)
	p.speed.Step = 5
	p.speed.SetValue(40)
	p.size = widget.NewSlider(24, 120)
	p.size.Step = 4
	p.size.SetValue(56)
	p.size.OnChanged = func(v float64) { p.view.setSize(float32(v)) }
	p.view.setSize(56)
	p.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), p.togglePause)
	p.mirror = widget.NewCheck(lang.L("Mirror"), func(on bool) { p.view.setMirror(on) })
	p.follow = widget.NewCheck(lang.L("Follow the product on air"), nil)
	p.follow.SetChecked(true)
	p.follow.OnChanged = func(on bool) {
		if on {
			p.load(true)
		}
	}
	// Off by default: the prompter is the host's, not the audience's.
	p.onAir = widget.NewCheck(lang.L("On the program (viewers see it)"), func(on bool) {
		if err := desk.SetPrompterOnAir(on); err != nil {
			p.title.SetText(err.Error())
		}
	})
	p.onAir.SetChecked(desk.PrompterOnAir())
	restart := widget.NewButtonWithIcon(lang.L("From the top"), theme.MediaSkipPreviousIcon(), p.restart)
	p.title = widget.NewLabel("")
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.end = widget.NewLabel("")
	p.end.Importance = widget.WarningImportance
	p.end.Hide()
	p.notes = newNotesEditor(desk)
	p.notes.onSaved = func() { p.load(false) }
	notesButton := widget.NewButtonWithIcon(lang.L("Notes for this show"), theme.DocumentCreateIcon(), p.notes.toggle)

	controls := container.NewHBox(p.pause, restart,
		widget.NewLabel(lang.L("Speed")), container.NewGridWrap(fyne.NewSize(140, 36), p.speed),
		widget.NewLabel(lang.L("Size")), container.NewGridWrap(fyne.NewSize(140, 36), p.size),
		p.mirror, p.follow, p.onAir)
	p.title.TextStyle.Bold = true
	// The notes button sits on the title row, where no language pushes it
	// out of sight.
	head := container.NewVBox(container.NewHScroll(controls), container.NewBorder(nil, nil, nil, container.NewHBox(p.end, notesButton), p.title))
	p.win.SetContent(container.NewBorder(head, nil, nil, p.notes.box, p.view))
	p.win.Resize(fyne.NewSize(1100, 700))
	// Space pauses and plays, Home starts again: the host's hands stay off
	// the mouse. Keys typed into the notes go to the notes.
	p.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeySpace:
			p.togglePause()
		case fyne.KeyHome:
			p.restart()
		}
	})

	// The animation ticks on the UI thread at the display's rate: scrolling
	// needs no goroutine and no crossing of its own.
	p.anim = fyne.NewAnimation(time.Second, func(float32) { p.tick(time.Now()) }) // wall clock: Fyne animates in real time
	p.anim.RepeatCount = fyne.AnimationRepeatForever
	p.anim.Curve = fyne.AnimationLinear
	p.win.SetOnClosed(p.anim.Stop)
	p.load(true)
	return p
}

// Show opens the window and starts scrolling.
func (p *prompterWindow) show() {
	p.win.Show()
	p.last = time.Time{}
	p.anim.Start()
}

func (p *prompterWindow) tick(now time.Time) {
	if !p.last.IsZero() {
		p.step(now.Sub(p.last))
	}
	p.last = now
}

// step scrolls by speed × dt unless paused.
func (p *prompterWindow) step(dt time.Duration) {
	if p.paused || dt <= 0 {
		return
	}
	// A long gap (window hidden, machine busy) is not a reason to jump.
	dt = min(dt, 100*time.Millisecond)
	p.view.scrollBy(float32(p.speed.Value * dt.Seconds()))
	p.showEnd()
}

// restart scrolls back to the top; scrolling goes on from there.
func (p *prompterWindow) restart() {
	p.view.scrollTo(0)
	p.showEnd()
}

// showEnd says so when the scroll holds at the end of a script that
// scrolled: the host knows the words stopped on purpose and how to go on.
func (p *prompterWindow) showEnd() {
	held := p.view.atEnd() && p.view.offset > 0
	if held == p.end.Visible() {
		return
	}
	if held {
		p.end.SetText(lang.L("End of the script: From the top (Home) starts again."))
		p.end.Show()
	} else {
		p.end.Hide()
	}
}

func (p *prompterWindow) togglePause() {
	p.paused = !p.paused
	if p.paused {
		p.pause.SetText(lang.L("Play"))
		p.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		p.pause.SetText(lang.L("Pause"))
		p.pause.SetIcon(theme.MediaPauseIcon())
	}
}

// apply follows the desk: a new product on air brings its cue card to the
// top; edits to scripts redraw in place. Runs on the UI thread.
func (p *prompterWindow) apply(ev app.Event) {
	switch ev.(type) {
	case app.ProductOnAir:
		if p.follow.Checked {
			p.load(true)
		}
	case app.ProductsChanged:
		p.load(false)
	}
}

// load fetches the prompt board and sets the page; top scrolls back to the start.
func (p *prompterWindow) load(top bool) {
	board, err := p.desk.PromptBoard()
	if err != nil {
		p.title.SetText(err.Error())
		return
	}
	onAir := ""
	if p.follow.Checked {
		onAir = p.desk.OnAir()
	} else {
		onAir = p.shown
	}
	text, title := prompterText(board, onAir)
	if strings.TrimSpace(text) == "" {
		title = lang.L("Nothing to read yet: choose the show's products, write their scripts, or write notes for this show.")
	}
	p.shown = onAir
	p.title.SetText(title)
	p.view.setText(text)
	p.notes.load(board)
	if top {
		p.view.scrollTo(0)
	}
	p.showEnd()
}

// prompterText is what the prompter shows: the on-air product's cue card,
// then the show's notes; with nothing on air, the notes and every card in
// running order.
func prompterText(b store.PromptBoard, onAir string) (text, title string) {
	var sb strings.Builder
	card := func(c store.CueCard) {
		// The host's page, in the window's language (the program's cue card
		// stays Chinese: it is the viewers').
		fmt.Fprintf(&sb, "# "+lang.L("Link %d · %s")+"\n", c.LinkNo, c.Title)
		if s := strings.TrimSpace(c.Script); s != "" {
			sb.WriteString(s + "\n")
		}
		for _, pt := range c.Points {
			sb.WriteString("· " + pt + "\n")
		}
		sb.WriteString("\n")
	}
	for _, c := range b.Cards {
		if c.ProductID == onAir {
			card(c)
			if n := strings.TrimSpace(b.Notes); n != "" {
				sb.WriteString("# " + lang.L("Notes") + "\n" + n + "\n")
			}
			return sb.String(), fmt.Sprintf(lang.L("Explaining: link %d · %s"), c.LinkNo, c.Title)
		}
	}
	if n := strings.TrimSpace(b.Notes); n != "" {
		sb.WriteString("# " + lang.L("Notes") + "\n" + n + "\n\n")
	}
	for _, c := range b.Cards {
		card(c)
	}
	return sb.String(), lang.L("The whole show")
}

// prompterView draws the prompt page (laid out by the desk in the studio's
// Chinese font) and shows the part at the scroll offset. The page is laid out
// once per text, width, size and mirror setting; scrolling only copies rows.
type prompterView struct {
	widget.BaseWidget
	desk *app.ProductDesk

	text   string
	size   float32 // font size in Fyne units
	mirror bool
	offset float32 // Fyne units from the top
	// viewH is the height the page was last shown in (Fyne units).
	viewH float32

	page    *image.RGBA
	pageKey string
	scale   float32 // pixels per Fyne unit when the page was made
	raster  *canvas.Raster
}

func newPrompterView(desk *app.ProductDesk) *prompterView {
	v := &prompterView{desk: desk, size: 56, scale: 1}
	v.raster = canvas.NewRaster(v.draw)
	v.ExtendBaseWidget(v)
	return v
}

func (v *prompterView) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Black)
	return &prompterRenderer{v: v, bg: bg}
}

func (v *prompterView) MinSize() fyne.Size { return fyne.NewSize(200, 150) }

func (v *prompterView) setText(t string) {
	if t != v.text {
		v.text = t
		v.raster.Refresh()
	}
}

func (v *prompterView) setSize(s float32)  { v.size = s; v.raster.Refresh() }
func (v *prompterView) setMirror(on bool)  { v.mirror = on; v.raster.Refresh() }
func (v *prompterView) scrollBy(d float32) { v.scrollTo(v.offset + d) }

// scrollTo moves the page; held at the end, it redraws nothing.
func (v *prompterView) scrollTo(o float32) {
	was := v.offset
	v.offset = max(0, o)
	v.clamp()
	if v.offset != was {
		v.raster.Refresh()
	}
}

// clamp holds the scroll where the end of the page (the end mark under
// the last line) reaches the bottom of the view: the last screenful stays
// on the screen, full of words, until the host starts again.
func (v *prompterView) clamp() {
	if v.page == nil || v.scale <= 0 {
		return
	}
	v.offset = min(v.offset, v.endOffset())
}

// endOffset is the offset the scroll holds at.
func (v *prompterView) endOffset() float32 {
	h := v.viewH
	if h <= 0 {
		h = v.Size().Height
	}
	return max(0, float32(v.page.Rect.Dy())/v.scale-h)
}

// atEnd reports whether the scroll holds at the end of the page.
func (v *prompterView) atEnd() bool {
	return v.page != nil && v.scale > 0 && v.offset >= v.endOffset()-0.5
}

// draw is the raster's generator, at the window's pixel size.
func (v *prompterView) draw(w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Rect, image.Black, image.Point{}, draw.Src)
	if w <= 0 || h <= 0 {
		return dst
	}
	if ws := v.Size().Width; ws > 0 {
		v.scale = float32(w) / ws
	}
	key := fmt.Sprintf("%d|%.1f|%t|%s", w, v.size*v.scale, v.mirror, v.text)
	if key != v.pageKey {
		endMark := ""
		if strings.TrimSpace(v.text) != "" {
			endMark = lang.L("— End —")
		}
		v.page = v.desk.PrompterPage(v.text, app.PrompterStyle{Width: w, Size: float64(v.size * v.scale), Mirror: v.mirror, EndMark: endMark})
		v.pageKey = key
	}
	// A new text, a bigger size or a smaller window moves the end: the
	// offset follows it, so the view never shows what is past the page.
	v.viewH = float32(h) / v.scale
	v.clamp()
	off := int(v.offset * v.scale)
	draw.Draw(dst, dst.Rect, v.page, image.Pt(0, off), draw.Src)
	return dst
}

type prompterRenderer struct {
	v  *prompterView
	bg *canvas.Rectangle
}

func (r *prompterRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.v.raster.Resize(s)
}
func (r *prompterRenderer) MinSize() fyne.Size { return r.v.MinSize() }
func (r *prompterRenderer) Refresh()           { r.v.raster.Refresh() }
func (r *prompterRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.v.raster}
}
func (r *prompterRenderer) Destroy() {}
