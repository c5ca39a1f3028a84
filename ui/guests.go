package ui

import (
	"context"
	"fmt"
	"showcaster/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// guestsDialog is co-hosting (连麦): invite a guest by name (their link is
// shown to copy and send), and per guest: mute, hide the picture, remove.
type guestsDialog struct {
	w    *studioWindow
	name *widget.Entry
	link *widget.Entry
	list *fyne.Container
	dlg  dialog.Dialog
}

func (w *studioWindow) openGuests() {
	d := &guestsDialog{w: w, name: widget.NewEntry(), link: widget.NewEntry(), list: container.NewVBox()}
	d.name.SetPlaceHolder(lang.L("Guest's name"))
	d.link.SetPlaceHolder(lang.L("The guest's link appears here"))
	d.link.Disable()
	invite := widget.NewButton(lang.L("Invite"), d.invite)
	copyLink := widget.NewButton(lang.L("Copy link"), func() {
		if d.link.Text != "" {
			w.app.Clipboard().SetContent(d.link.Text)
			w.notify(lang.L("The guest's link is copied: send it to the guest privately."))
		}
	})
	top := container.NewBorder(nil, nil, nil, invite, d.name)
	linkRow := container.NewBorder(nil, nil, nil, copyLink, d.link)
	body := container.NewVBox(widget.NewLabel(lang.L("Invite a guest onto the program (连麦): they join from the link in any browser.")),
		top, linkRow, widget.NewSeparator(), d.list)
	d.refresh()
	d.dlg = dialog.NewCustom(lang.L("Guests"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(620, 360), container.NewVScroll(body)), w.win)
	d.dlg.Show()
}

func (d *guestsDialog) invite() {
	name := d.name.Text
	var g app.Guest
	d.w.async(func(ctx context.Context) error {
		var err error
		g, err = d.w.studio.InviteGuest(ctx, name)
		return err
	}, func(err error) {
		if err != nil {
			d.w.fail(lang.L("The guest could not be invited"), err)
			return
		}
		d.link.SetText(g.URL)
		d.name.SetText("")
		d.refresh()
	})
}

// refresh lists the guests with their controls.
func (d *guestsDialog) refresh() {
	d.list.RemoveAll()
	gs := d.w.studio.Guests()
	if len(gs) == 0 {
		d.list.Add(widget.NewLabel(lang.L("No guests yet.")))
	}
	for _, g := range gs {
		g := g
		state := lang.L("waiting to join")
		if g.Connected {
			state = lang.L("on the program")
		}
		mute := widget.NewCheck(lang.L("Mute"), func(on bool) {
			if err := d.w.studio.MuteGuest(g.ID, on); err != nil {
				d.w.fail(lang.L("The guest could not be muted"), err)
			}
		})
		mute.Checked = g.Muted
		hide := widget.NewCheck(lang.L("Hide picture"), func(on bool) {
			if err := d.w.studio.HideGuest(g.ID, on); err != nil {
				d.w.fail(lang.L("The guest's picture could not be hidden"), err)
			}
		})
		hide.Checked = g.Hidden
		remove := widget.NewButton(lang.L("Remove"), func() {
			d.w.async(func(ctx context.Context) error {
				return d.w.studio.RemoveGuest(ctx, g.ID)
			}, func(err error) {
				if err != nil {
					d.w.fail(lang.L("The guest could not be removed"), err)
				}
				d.refresh()
			})
		})
		d.list.Add(container.NewHBox(widget.NewLabel(fmt.Sprintf("%s · %s", g.Name, state)), mute, hide, remove))
	}
	d.list.Refresh()
}
