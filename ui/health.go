package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// healthBar is the stream's vital signs in one line, coloured green, amber
// or red, with the reason in plain words when it is not green.
type healthBar struct {
	bg     *canvas.Rectangle
	dot    *canvas.Circle
	state  *widget.Label
	detail *widget.Label
	reason *widget.Label
	// dests is one line on the other destinations while they are on air.
	dests *widget.Label

	health app.Health
	last   app.Stats
}

var (
	healthGreen = color.NRGBA{0x2e, 0x9d, 0x4f, 0xff}
	healthAmber = color.NRGBA{0xe8, 0xa3, 0x17, 0xff}
	healthRed   = color.NRGBA{0xd9, 0x30, 0x25, 0xff}
	healthGrey  = color.NRGBA{0x88, 0x88, 0x88, 0xff}
)

func newHealthBar() *healthBar {
	h := &healthBar{
		bg:     canvas.NewRectangle(color.Transparent),
		dot:    canvas.NewCircle(healthGrey),
		state:  widget.NewLabel(""),
		detail: widget.NewLabel(""),
		reason: widget.NewLabel(""),
		dests:  widget.NewLabel(""),
	}
	h.dests.Truncation = fyne.TextTruncateEllipsis
	h.dests.Hide()
	h.state.TextStyle.Bold = true
	h.reason.Truncation = fyne.TextTruncateEllipsis
	h.update(app.Stats{State: app.StreamIdle})
	return h
}

func (h *healthBar) content() fyne.CanvasObject {
	dot := container.NewGridWrap(fyne.NewSize(14, 14), h.dot)
	line := container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(dot), h.state, h.detail), nil, h.reason)
	return container.NewVBox(container.NewStack(h.bg, line), h.dests)
}

// destinations shows how each destination besides the platform does.
func (h *healthBar) destinations(u app.DestinationsUpdate) {
	text, hl := destinationsLine(u)
	if text == "" {
		h.dests.Hide()
		return
	}
	h.dests.Importance = widget.MediumImportance
	switch hl {
	case app.HealthBad:
		h.dests.Importance = widget.DangerImportance
	case app.HealthWarn:
		h.dests.Importance = widget.WarningImportance
	}
	h.dests.SetText(text)
	h.dests.Show()
}

func stateText(s app.StreamState) string {
	switch s {
	case app.StreamConnecting:
		return lang.L("Connecting")
	case app.StreamLive:
		return lang.L("Publishing")
	case app.StreamReconnecting:
		return lang.L("Reconnecting")
	case app.StreamStopped:
		return lang.L("Stopped")
	default:
		return lang.L("Not publishing")
	}
}

func (h *healthBar) update(s app.Stats) {
	h.last = s
	h.state.SetText(stateText(s.State))
	if s.State == app.StreamIdle {
		h.detail.SetText("")
	} else {
		h.detail.SetText(fmt.Sprintf(lang.L("%.0f fps · %.0f kbps · dropped %d · RTT %d ms · loss %.1f%% · reconnects %d"),
			s.FPS, s.Kbps, s.FramesDropped, s.RTT.Milliseconds(), s.Loss*100, s.Reconnects))
	}
	h.setHealth(s.Health, errText(s.Reason))
}

func (h *healthBar) reconnecting(e app.Reconnecting) {
	h.state.SetText(stateText(app.StreamReconnecting))
	msg := fmt.Sprintf(lang.L("Connection lost; attempt %d in %s."), e.Attempt, e.Delay.Round(100*time.Millisecond))
	if e.Err != nil {
		msg += " " + e.Err.Error()
	}
	h.setHealth(app.HealthWarn, msg)
}

func (h *healthBar) stopped(err error) {
	h.state.SetText(stateText(app.StreamStopped))
	h.detail.SetText("")
	if err != nil {
		h.setHealth(app.HealthBad, err.Error())
		return
	}
	h.setHealth(app.HealthUnknown, "")
}

func (h *healthBar) setHealth(hl app.Health, reason string) {
	h.health = hl
	var c color.NRGBA
	switch hl {
	case app.HealthGood:
		c = healthGreen
	case app.HealthWarn:
		c = healthAmber
	case app.HealthBad:
		c = healthRed
	default:
		c = healthGrey
	}
	h.dot.FillColor = c
	h.dot.Refresh()
	if hl == app.HealthWarn || hl == app.HealthBad {
		bg := c
		bg.A = 0x40
		h.bg.FillColor = bg
	} else {
		h.bg.FillColor = color.Transparent
	}
	h.bg.Refresh()
	if hl == app.HealthGood || hl == app.HealthUnknown {
		reason = ""
	}
	h.reason.SetText(reason)
}
