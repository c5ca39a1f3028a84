package ui

import (
	"context"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// sourcesPanel picks what is on the picture (test pattern, camera, screen),
// the scene (scenes.go), and the microphone, with its level meter and mute.
type sourcesPanel struct {
	w *studioWindow

	source  *widget.RadioGroup
	camera  *deviceSelect
	screen  *deviceSelect
	mic     *deviceSelect
	meter   *levelMeter
	muteBtn *widget.Button
	refresh *widget.Button

	kind      app.SourceKind
	applyingQ bool // a programmatic change is under way: do not call back into the studio
}

func newSourcesPanel(w *studioWindow) *sourcesPanel {
	p := &sourcesPanel{w: w}
	labels := []string{lang.L("Test pattern"), lang.L("Camera"), lang.L("Screen")}
	kinds := []app.SourceKind{app.SourceTest, app.SourceCamera, app.SourceScreen}
	p.source = widget.NewRadioGroup(labels, func(s string) {
		for i, l := range labels {
			if l == s {
				p.setSource(kinds[i])
			}
		}
	})
	p.source.Horizontal = true
	p.source.Required = true

	p.camera = newDeviceSelect(lang.L("No camera found"), func(id string) {
		p.saveDevice(func(st *app.Settings) { st.CameraID = id })
		if p.kind == app.SourceCamera {
			p.setSource(app.SourceCamera)
		}
	})
	p.screen = newDeviceSelect(lang.L("No screen found"), func(id string) {
		p.saveDevice(func(st *app.Settings) { st.ScreenID = id })
		if p.kind == app.SourceScreen {
			p.setSource(app.SourceScreen)
		}
	})
	p.mic = newDeviceSelect(lang.L("No microphone found (a tone is sent)"), func(id string) {
		p.saveDevice(func(st *app.Settings) { st.MicID = id })
	})

	p.meter = newLevelMeter(&w.direct)
	p.muteBtn = widget.NewButtonWithIcon(lang.L("Mute")+" (Ctrl+M)", theme.VolumeMuteIcon(), p.toggleMute)
	p.refresh = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), p.reload)

	p.applyingQ = true
	p.source.SetSelected(labels[0])
	p.applyingQ = false
	return p
}

func (p *sourcesPanel) content() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Picture"), container.NewBorder(nil, nil, nil, p.refresh, p.source)),
		widget.NewFormItem(lang.L("Scene"), p.w.scenes.content()),
		widget.NewFormItem(lang.L("Camera"), p.camera.sel),
		widget.NewFormItem(lang.L("Screen"), p.screen.sel),
		widget.NewFormItem(lang.L("Microphone"), container.NewBorder(nil, nil, nil,
			container.NewHBox(container.NewGridWrap(fyne.NewSize(100, p.mic.sel.MinSize().Height), p.meter), p.muteBtn),
			p.mic.sel)),
	)
	return form
}

func (p *sourcesPanel) setSource(k app.SourceKind) {
	if p.applyingQ {
		return
	}
	p.kind = k
	st := p.w.studio.Settings()
	id := ""
	switch k {
	case app.SourceCamera:
		if p.camera.empty() {
			p.w.notify(lang.L("No camera found: connect one and press the refresh button. The test pattern stays on."))
			return
		}
		id = st.CameraID
	case app.SourceScreen:
		if p.screen.empty() {
			p.w.notify(lang.L("No screen can be captured here. The test pattern stays on."))
			return
		}
		id = st.ScreenID
	}
	if err := p.w.studio.SetVideoSource(k, id); err != nil {
		p.w.fail(lang.L("The picture source could not change"), err)
	}
}

func (p *sourcesPanel) saveDevice(change func(*app.Settings)) {
	if p.applyingQ {
		return
	}
	st := p.w.studio.Settings()
	change(&st)
	saveSettings(p.w.app.Preferences(), st)
	p.w.async(func(ctx context.Context) error {
		return p.w.studio.ApplySettings(ctx, st)
	}, func(err error) {
		p.w.fail(lang.L("The device could not change"), err)
	})
}

// reload asks the studio for the devices off the UI thread; a scan can take
// a moment when a camera is slow to answer.
func (p *sourcesPanel) reload() {
	var devs []app.Device
	p.w.async(func(context.Context) error {
		var err error
		devs, err = p.w.studio.Devices()
		return err
	}, func(err error) {
		if err != nil {
			p.w.fail(lang.L("The device list could not be read"), err)
		}
		st := p.w.studio.Settings()
		var cams, mics, screens []app.Device
		for _, d := range devs {
			switch d.Kind {
			case "camera":
				cams = append(cams, d)
			case "microphone":
				mics = append(mics, d)
			case "screen":
				screens = append(screens, d)
			}
		}
		p.applyingQ = true
		p.camera.set(cams, st.CameraID)
		p.mic.set(mics, st.MicID)
		p.screen.set(screens, st.ScreenID)
		p.applyingQ = false
		p.updateMute()
	})
}

func (p *sourcesPanel) toggleMute() {
	p.w.studio.SetMicMuted(!p.w.studio.MicMuted())
	p.updateMute()
}

func (p *sourcesPanel) updateMute() {
	if p.w.studio.MicMuted() {
		p.muteBtn.SetText(lang.L("Unmute") + " (Ctrl+M)")
		p.muteBtn.SetIcon(theme.VolumeUpIcon())
		p.muteBtn.Importance = widget.DangerImportance
		p.meter.muted = true
	} else {
		p.muteBtn.SetText(lang.L("Mute") + " (Ctrl+M)")
		p.muteBtn.SetIcon(theme.VolumeMuteIcon())
		p.muteBtn.Importance = widget.MediumImportance
		p.meter.muted = false
	}
	p.muteBtn.Refresh()
	p.meter.changed = true
	p.meter.show()
}

// setLevel feeds the meter (shown at the end of the tick); -1 means no new
// level this tick.
func (p *sourcesPanel) setLevel(peak float64) { p.meter.set(peak) }

// deviceSelect is a picker that says plainly when there is nothing to pick.
type deviceSelect struct {
	sel      *widget.Select
	none     string
	ids      []string
	onChange func(id string)
}

func newDeviceSelect(none string, onChange func(id string)) *deviceSelect {
	d := &deviceSelect{none: none, onChange: onChange}
	d.sel = widget.NewSelect(nil, func(label string) {
		for i, l := range d.sel.Options {
			if l == label && i < len(d.ids) {
				d.onChange(d.ids[i])
			}
		}
	})
	d.sel.PlaceHolder = lang.L("Looking for devices…")
	return d
}

func (d *deviceSelect) empty() bool { return len(d.ids) == 0 }

func (d *deviceSelect) set(devs []app.Device, current string) {
	d.ids = d.ids[:0]
	var labels []string
	for _, dv := range devs {
		d.ids = append(d.ids, dv.ID)
		label := dv.Label
		if label == "" {
			label = dv.ID
		}
		labels = append(labels, label)
	}
	d.sel.Options = labels
	if len(labels) == 0 {
		d.sel.PlaceHolder = d.none
		d.sel.ClearSelected()
		d.sel.Disable()
		return
	}
	d.sel.PlaceHolder = lang.L("Choose…")
	d.sel.Enable()
	for i, id := range d.ids {
		if id == current {
			d.sel.SetSelectedIndex(i)
			return
		}
	}
	d.sel.Refresh()
}

// levelMeter is a horizontal peak meter: green, amber near the top, red
// when clipping; it falls back smoothly instead of flickering.
type levelMeter struct {
	widget.BaseWidget
	level float64
	muted bool
	// direct draws the meter in a window of its own when it can (directViews).
	direct   *directViews
	track    *canvas.Rectangle // the renderer's track, where the meter's window goes
	img      *image.RGBA
	inCanvas bool // the toolkit's drawing is current
	changed  bool // the level or the mute changed since it was last shown
}

func newLevelMeter(direct *directViews) *levelMeter {
	m := &levelMeter{direct: direct}
	m.ExtendBaseWidget(m)
	return m
}

// show draws the meter as it stands: in its own window, or through the
// toolkit when the toolkit may be drawing over it (or there is no window
// for it). Once per pump tick, and when muted or unmuted.
func (m *levelMeter) show() {
	changed := m.changed
	m.changed = false
	if m.track != nil && m.direct.usable() {
		if r, ok := pixelRect(m.track); ok && r.Dx() > 0 && r.Dy() > 0 {
			if m.img == nil || m.img.Bounds().Size() != r.Size() {
				m.img = image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
				changed = true
			}
			if changed || !m.direct.meter.Shown() {
				s := float64(fyne.CurrentApp().Driver().CanvasForObject(m.track).Scale())
				drawMeter(m.img, m.level, theme.Color(theme.ColorNameBackground), m.track.FillColor, m.barColor(), float64(m.track.CornerRadius)*s)
			}
			if m.direct.draw(m.direct.meter, r, nil, m.img, changed) {
				m.inCanvas = false
				return
			}
		}
	}
	m.direct.hide(m.direct.meter)
	if changed || !m.inCanvas {
		m.inCanvas = true
		m.Refresh()
	}
}

func (m *levelMeter) barColor() color.Color {
	switch {
	case m.muted:
		return color.NRGBA{0x80, 0x80, 0x80, 0xff}
	case m.level > 0.95:
		return theme.Color(theme.ColorNameError)
	case m.level > 0.7:
		return theme.Color(theme.ColorNameWarning)
	default:
		return theme.Color(theme.ColorNameSuccess)
	}
}

func (m *levelMeter) set(peak float64) {
	next := m.level * 0.8 // fall-off per tick
	if peak > next {
		next = peak
	}
	if next < 0.005 {
		next = 0
	}
	m.changed = m.changed || next != m.level
	m.level = next
}

func (m *levelMeter) CreateRenderer() fyne.WidgetRenderer {
	r := &meterRenderer{m: m,
		bg:  canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		bar: canvas.NewRectangle(theme.Color(theme.ColorNameSuccess)),
	}
	r.bg.CornerRadius = 3
	r.bar.CornerRadius = 3
	m.track = r.bg
	return r
}

type meterRenderer struct {
	m       *levelMeter
	bg, bar *canvas.Rectangle
	size    fyne.Size
}

func (r *meterRenderer) Layout(s fyne.Size) {
	r.size = s
	h := s.Height / 3
	y := (s.Height - h) / 2
	r.bg.Move(fyne.NewPos(0, y))
	r.bg.Resize(fyne.NewSize(s.Width, h))
	r.bar.Move(fyne.NewPos(0, y))
	r.bar.Resize(fyne.NewSize(s.Width*float32(min(r.m.level, 1)), h))
}

func (r *meterRenderer) MinSize() fyne.Size { return fyne.NewSize(80, 24) }

func (r *meterRenderer) Refresh() {
	r.bar.FillColor = r.m.barColor()
	r.Layout(r.size)
	r.bg.Refresh()
	r.bar.Refresh()
}

func (r *meterRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.bar} }
func (r *meterRenderer) Destroy()                     {}
