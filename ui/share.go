package ui

import (
	"fmt"
	"image"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"showcaster/app"
)

// sharePanel gives the viewer link as text, as a QR code for phones, and on
// the clipboard, so the warm-up messages can go out.
type sharePanel struct {
	w    *studioWindow
	link *widget.Label
	// reach says who can open the link: this computer only, or the local network.
	reach *widget.Label
	qr    *canvas.Image
	copy  *widget.Button
	open  *widget.Button
	url   string
}

func newSharePanel(w *studioWindow) *sharePanel {
	p := &sharePanel{w: w}
	p.link = widget.NewLabel("")
	p.link.Selectable = true
	p.link.Truncation = fyne.TextTruncateEllipsis
	p.reach = widget.NewLabel("")
	p.reach.Truncation = fyne.TextTruncateEllipsis
	p.qr = canvas.NewImageFromImage(nil)
	p.qr.FillMode = canvas.ImageFillContain
	p.qr.ScaleMode = canvas.ImageScalePixels
	p.qr.SetMinSize(fyne.NewSize(110, 110))
	p.copy = widget.NewButtonWithIcon(lang.L("Copy link"), theme.ContentCopyIcon(), func() {
		if p.url == "" {
			return
		}
		w.app.Clipboard().SetContent(p.url)
		w.notify(lang.L("Viewer link copied."))
	})
	p.open = widget.NewButtonWithIcon(lang.L("Open viewer page"), theme.ComputerIcon(), func() {
		if u, err := url.Parse(p.url); err == nil && p.url != "" {
			// Opening a browser can fail after the call returns (no browser
			// installed, none that starts): say what to do either way.
			if err := w.app.OpenURL(u); err != nil {
				w.fail(lang.L("No browser could be started: copy the link and open it in a browser or on a phone"), err)
				return
			}
			w.notify(fmt.Sprintf(lang.L("Opening the viewer page in your browser. If nothing opens, copy the link: %s"), p.url))
		}
	})
	p.update("")
	return p
}

func (p *sharePanel) content() fyne.CanvasObject {
	title := widget.NewLabel(lang.L("Viewer link"))
	title.TextStyle.Bold = true
	right := container.NewVBox(container.NewBorder(nil, nil, title, nil, p.link), p.reach, container.NewHBox(p.copy, p.open))
	return container.NewBorder(nil, nil, p.qr, nil, right)
}

// update shows link u ("" until a trial or the live show has one).
func (p *sharePanel) update(u string) {
	if u == p.url && p.link.Text != "" {
		return
	}
	p.url = u
	if u == "" {
		p.link.SetText(lang.L("The link appears when a trial or the show starts."))
		p.reach.SetText("")
		p.qr.Image = nil
		p.copy.Disable()
		p.open.Disable()
	} else {
		p.link.SetText(u)
		switch {
		case app.ViewerLinkLocal(u) && p.w.studio.Settings().ShareLAN:
			p.reach.Importance = widget.WarningImportance
			p.reach.SetText(lang.L("Only this computer opens it: it is on no local network. Connect to the Wi-Fi and restart the studio."))
		case app.ViewerLinkLocal(u):
			p.reach.Importance = widget.WarningImportance
			p.reach.SetText(lang.L("Only this computer opens it. Phones: turn on Share on the local network in Settings."))
		default:
			p.reach.Importance = widget.SuccessImportance
			p.reach.SetText(lang.L("Phones on the same network can open it."))
		}
		p.qr.Image = qrImage(u)
		p.copy.Enable()
		p.open.Enable()
	}
	p.qr.Refresh()
}

func qrImage(u string) image.Image {
	q, err := qrcode.New(u, qrcode.Medium)
	if err != nil {
		return nil
	}
	q.DisableBorder = false
	return q.Image(256)
}
