package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// destinationsAPI is what the Destinations window asks of the studio.
type destinationsAPI interface {
	DestinationList() []app.DestinationSpec
	SaveDestinations([]app.DestinationSpec) error
	TestDestination(ctx context.Context, s app.DestinationSpec) app.DestinationTest
}

// destinationsWindow lists where a show goes: this platform, other WHIP
// servers, RTMP(S) platforms. Keys are never shown in clear.
type destinationsWindow struct {
	app  fyne.App
	api  destinationsAPI
	win  fyne.Window
	list *widget.List
	// status says what the last action found (a test's report).
	status *widget.Label
	items  []app.DestinationSpec
	sel    int
	// onSaved is told after the list was stored (the window saves it with
	// the settings).
	onSaved func([]app.DestinationSpec)
	// post runs a background result on the UI thread: the studio window's
	// one crossing point (fyne.Do when alone).
	post func(func())
	// form is the open edit form, and add/edit/remove/test the controls
	// (kept for the widget tests).
	form                  *destForm
	add                   *widget.Select
	editB, removeB, testB *widget.Button
}

// destForm is the edit dialog's fields.
type destForm struct {
	name, addr, key, kbps *widget.Entry
	msg                   *widget.Label
	save                  *widget.Button
	dlg                   dialog.Dialog
}

func newDestinationsWindow(a fyne.App, api destinationsAPI, onSaved func([]app.DestinationSpec)) *destinationsWindow {
	d := &destinationsWindow{app: a, api: api, sel: -1, onSaved: onSaved, post: fyne.Do}
	d.win = a.NewWindow(lang.L("Destinations"))
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.items = api.DestinationList()
	d.list = widget.NewList(
		func() int { return len(d.items) },
		func() fyne.CanvasObject {
			on := widget.NewCheck("", nil)
			return container.NewBorder(nil, nil, on, nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			lbl := c.Objects[0].(*widget.Label)
			on := c.Objects[1].(*widget.Check)
			it := d.items[i]
			lbl.SetText(destinationLine(it))
			on.OnChanged = nil
			on.SetChecked(it.Enabled)
			on.OnChanged = func(v bool) {
				d.items[i].Enabled = v
				d.save()
			}
		})
	d.list.OnSelected = func(i widget.ListItemID) { d.sel = i }
	d.list.OnUnselected = func(widget.ListItemID) { d.sel = -1 }

	presets := app.DestinationPresets()
	names := []string{lang.L("Custom RTMP(S)"), lang.L("Custom WHIP")}
	for _, p := range presets {
		names = append(names, presetName(p))
	}
	add := widget.NewSelect(names, nil)
	add.PlaceHolder = lang.L("Add…")
	add.OnChanged = func(choice string) {
		if choice == "" {
			return
		}
		spec := app.DestinationSpec{Kind: app.DestRTMP, Enabled: true}
		if choice == names[1] {
			spec.Kind = app.DestWHIP
		}
		for _, p := range presets {
			if presetName(p) == choice {
				spec, _ = app.DestinationFromPreset(p.ID)
				spec.Name = presetName(p)
			}
		}
		add.ClearSelected()
		d.edit(-1, spec)
	}
	edit := widget.NewButton(lang.L("Edit"), func() {
		if d.sel >= 0 && d.sel < len(d.items) {
			d.edit(d.sel, d.items[d.sel])
		}
	})
	remove := widget.NewButton(lang.L("Remove"), func() {
		if d.sel < 0 || d.sel >= len(d.items) {
			return
		}
		d.items = append(d.items[:d.sel], d.items[d.sel+1:]...)
		d.sel = -1
		d.list.UnselectAll()
		d.save()
	})
	test := widget.NewButton(lang.L("Test"), func() {
		if d.sel < 0 || d.sel >= len(d.items) {
			return
		}
		d.test(d.items[d.sel])
	})
	d.add, d.editB, d.removeB, d.testB = add, edit, remove, test
	d.win.SetContent(container.NewBorder(
		container.NewVBox(widget.NewLabel(lang.L("Go live starts every enabled destination; End stops them.")), add),
		container.NewVBox(container.NewHBox(edit, remove, test), d.status),
		nil, nil, d.list))
	d.win.Resize(fyne.NewSize(640, 420))
	return d
}

// presetName is a preset as the host reads it: both names, as sellers
// know the Chinese platforms by their Chinese names.
func presetName(p app.DestinationPreset) string {
	if p.NameZh == p.Name {
		return p.Name
	}
	return p.NameZh + " " + p.Name
}

// destinationLine is a list row: name, kind, address and the masked key.
func destinationLine(s app.DestinationSpec) string {
	kind := map[app.DestinationKind]string{app.DestPlatform: lang.L("this platform"), app.DestWHIP: "WHIP", app.DestRTMP: "RTMP"}[s.Kind]
	line := fmt.Sprintf("%s · %s · %s", s.Name, kind, s.Address())
	if m := s.MaskedSecret(); m != "" {
		line += " · " + m
	}
	if s.MaxKbps > 0 {
		line += fmt.Sprintf(" · ≤ %d kbps", s.MaxKbps)
	}
	return line
}

func (d *destinationsWindow) save() {
	if err := d.api.SaveDestinations(d.items); err != nil {
		d.status.SetText(destErrText(err))
		return
	}
	d.list.Refresh()
	if d.onSaved != nil {
		d.onSaved(d.items)
	}
}

// edit opens the form for item i (-1: a new one).
func (d *destinationsWindow) edit(i int, s app.DestinationSpec) {
	name := widget.NewEntry()
	name.SetText(s.Name)
	addr := widget.NewEntry()
	if s.Kind == app.DestRTMP && s.Secret == "" {
		// A key that came inside the URL is shown only in the hidden field.
		if server, k, ok := app.SplitRTMPAddress(s.URL); ok {
			s.URL, s.Secret = server, k
		}
	}
	addr.SetText(s.URL)
	addr.SetPlaceHolder(lang.L("push address (推流地址), or the whole push URL with its key"))
	key := widget.NewPasswordEntry()
	key.SetText(s.Secret)
	key.SetPlaceHolder(lang.L("stream key (推流码) or token; empty if it is in the address"))
	if s.Kind == app.DestRTMP {
		// A pasted push URL with its key: the key moves to the hidden field.
		prev := addr.Text
		addr.OnChanged = func(v string) {
			pasted := len(v)-len(prev) > 1 // typed by hand, the key would move at its first letter
			prev = v
			if key.Text != "" || !pasted {
				return
			}
			if server, k, ok := app.SplitRTMPAddress(v); ok {
				key.SetText(k)
				prev = server
				addr.SetText(server)
			}
		}
	}
	kbps := widget.NewEntry()
	if s.MaxKbps > 0 {
		kbps.SetText(strconv.Itoa(s.MaxKbps))
	}
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Address"), addr),
		widget.NewFormItem(lang.L("Key"), key),
		widget.NewFormItem(lang.L("Bitrate cap (kbps)"), kbps),
	}
	var dlg dialog.Dialog
	save := widget.NewButton(lang.L("Save"), func() {
		n := s
		n.Name = strings.TrimSpace(name.Text)
		n.URL = strings.TrimSpace(addr.Text)
		n.Secret = strings.TrimSpace(key.Text)
		n.MaxKbps, _ = strconv.Atoi(strings.TrimSpace(kbps.Text))
		if err := n.Validate(time.Now()); err != nil { // the wall clock: keys expire in real time
			msg.SetText(destErrText(err))
			return
		}
		if i < 0 {
			d.items = append(d.items, n)
		} else {
			d.items[i] = n
		}
		d.save()
		dlg.Hide()
	})
	save.Importance = widget.HighImportance
	body := container.NewVBox(widget.NewForm(items...), msg, save)
	dlg = dialog.NewCustom(lang.L("Destination"), lang.L("Cancel"), body, d.win)
	dlg.Resize(fyne.NewSize(560, 320))
	d.form = &destForm{name: name, addr: addr, key: key, kbps: kbps, msg: msg, save: save, dlg: dlg}
	dlg.Show()
}

// test connects the destination, publishes the program for 3 s and says
// what happened.
func (d *destinationsWindow) test(s app.DestinationSpec) {
	d.status.SetText(fmt.Sprintf(lang.L("Testing %s: publishing for 3 seconds…"), s.Name))
	go func() {
		r := d.api.TestDestination(context.Background(), s)
		d.post(func() {
			if r.Err != nil {
				d.status.SetText(fmt.Sprintf(lang.L("%s could not publish: %s"), s.Name, destErrText(r.Err)))
				return
			}
			d.status.SetText(fmt.Sprintf(lang.L("%s works: %d frames went out (%.0f fps, %.0f kbps), connected in %d ms."),
				s.Name, r.FramesSent, r.FPS, r.Kbps, r.Connect.Milliseconds()))
		})
	}()
}

// destErrText is a destination's error in the host's language.
func destErrText(err error) string {
	switch {
	case errors.Is(err, app.ErrRTMPKeyExpired):
		return lang.L("the stream key has expired: fetch a new push address and key from the platform and paste it again")
	case errors.Is(err, app.ErrRTMPRefused):
		return lang.L("the RTMP server refused the stream key: copy a fresh key from the platform, and check that the account may go live")
	case errors.Is(err, app.ErrRTMPBadURL):
		return lang.L("the RTMP address is not an rtmp:// or rtmps:// URL: paste the push address (推流地址) the platform gives you")
	case errors.Is(err, app.ErrRTMPNoKey):
		return lang.L("the RTMP address has no stream key: paste the stream key (推流码) too, or the whole push URL")
	case errors.Is(err, app.ErrRTMPNoApp):
		return lang.L("the RTMP address has no application path (like /live): paste the whole push address the platform gives you")
	case errors.Is(err, app.ErrRTMPUnreachable):
		return lang.L("nothing answers at the RTMP address: check the address, your network, and that the server is up")
	case errors.Is(err, app.ErrRTMPHandshake):
		return lang.L("the RTMP server did not complete the connection: check the address (rtmp:// or rtmps://) and the port")
	case errors.Is(err, app.ErrRTMPTLS):
		return lang.L("the secure connection to the RTMPS server failed (its certificate is not trusted, or it does not speak TLS): check the address and the computer's clock")
	case errors.Is(err, app.ErrRTMPLost):
		return lang.L("the connection to the RTMP server was lost")
	case errors.Is(err, app.ErrRTMPStalled):
		return lang.L("the RTMP server stopped taking data (no progress for 2 s): the network or the server is down")
	case errors.Is(err, app.ErrBadDestination):
		return lang.L("the destination is not complete")
	case errors.Is(err, app.ErrDestinationSilent):
		return lang.L("the destination connected but no picture went out: check the canvas and the sources")
	}
	return err.Error()
}

// destinationsLine is the health bar's line about the destinations: which
// one is live, which one reconnects, which one refused the key.
func destinationsLine(u app.DestinationsUpdate) (string, app.Health) {
	if len(u.Items) == 0 {
		return "", app.HealthUnknown
	}
	worst := app.HealthGood
	var parts []string
	for _, it := range u.Items {
		var p string
		switch {
		case it.State == app.DestLive:
			p = fmt.Sprintf(lang.L("%s: live %.0f fps"), it.Name, it.FPS)
		case it.State == app.DestReconnecting:
			p = fmt.Sprintf(lang.L("%s: reconnecting (attempt %d)"), it.Name, it.Reconnects)
			worst = app.HealthWarn
		case it.Err != nil:
			p = fmt.Sprintf(lang.L("%s: stopped: %s"), it.Name, destErrText(it.Err))
			worst = app.HealthBad
		default:
			p = fmt.Sprintf(lang.L("%s: connecting"), it.Name)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · "), worst
}

// openDestinations opens the Destinations window.
func (w *studioWindow) openDestinations() {
	if w.side.destinations == nil {
		w.side.destinations = newDestinationsWindow(w.app, w.studio, func(list []app.DestinationSpec) {
			saveDestinations(w.app.Preferences(), list)
		})
		w.side.destinations.post = w.pump.Post
		w.side.destinations.win.SetCloseIntercept(func() { w.side.destinations.win.Hide() })
	}
	w.side.destinations.win.Show()
}
