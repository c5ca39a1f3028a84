package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app/store"
)

// chooser is the open "Choose products" dialog, kept for tests.
type chooser struct {
	picks     *widget.CheckGroup
	catalogue []store.Product
	labelID   map[string]string
	apply     func()
}

// chooseProducts lets the assistant change which catalogue products the
// show sells. The show's current products keep their running order; newly
// ticked ones join at the end in link order.
func (w *productWindow) chooseProducts() {
	catalogue, err := w.desk.Catalogue()
	if err != nil {
		w.setStatus(err.Error(), true)
		return
	}
	c := &chooser{catalogue: catalogue, labelID: map[string]string{}}
	var labels, ticked []string
	inShow := map[string]bool{}
	for _, p := range w.desk.Products() {
		inShow[p.ID] = true
	}
	for _, p := range catalogue {
		l := fmt.Sprintf(lang.L("Link %d · %s"), p.LinkNo, p.Title)
		labels = append(labels, l)
		c.labelID[l] = p.ID
		if inShow[p.ID] {
			ticked = append(ticked, l)
		}
	}
	c.picks = widget.NewCheckGroup(labels, nil)
	c.picks.SetSelected(ticked)
	c.apply = func() {
		chosen := map[string]bool{}
		for _, l := range c.picks.Selected {
			chosen[c.labelID[l]] = true
		}
		var ids []string
		for _, p := range w.desk.Products() {
			if chosen[p.ID] {
				ids = append(ids, p.ID)
			}
		}
		for _, p := range c.catalogue {
			if chosen[p.ID] && !slices.Contains(ids, p.ID) {
				ids = append(ids, p.ID)
			}
		}
		w.do(lang.L("Choose products"), func() error { return w.desk.SetShowProducts(ids) })
	}
	w.chooser = c
	list := container.NewVScroll(c.picks)
	list.SetMinSize(fyne.NewSize(420, 320))
	dialog.ShowCustomConfirm(lang.L("Choose products"), lang.L("Save"), lang.L("Cancel"), list, func(ok bool) {
		if ok {
			c.apply()
		}
	}, w.win)
}
