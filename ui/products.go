package ui

import (
	"errors"
	"fmt"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/app/store"
)

// productWindow is the assistant's side window: the show's products in
// running order, explain now, next and previous, sold out, price, coupon
// and stock edits, and the bulletin line. It calls the product desk
// directly (the desk's own work is quick; platform calls run on the desk's
// goroutine) and redraws from the desk's state, so what it shows is what is
// on air. apply keeps it in step with changes made elsewhere (shortcuts in
// the main window).
type productWindow struct {
	win  fyne.Window
	desk *app.ProductDesk
	// statusShow is the show the status line speaks of.
	statusShow string

	onAirLabel *widget.Label
	prev, next *widget.Button
	takeDown   *widget.Button
	corner     *widget.Select
	list       *fyne.Container
	rows       map[string]*productRow
	order      []string

	bulletin      *widget.Entry
	postBulletin  *widget.Button
	clearBulletin *widget.Button
	bulletinOn    *widget.Label

	editing   string
	editTitle *widget.Label
	price     *widget.Entry
	original  *widget.Entry
	coupon    *widget.Entry
	stock     *widget.Entry
	// toCatalogue asks that the price and coupon saved for the show become
	// the catalogue's too; off unless ticked for this save.
	toCatalogue *widget.Check
	save        *widget.Button

	status  *widget.Label
	chooser *chooser // the last "Choose products" dialog
	// main is the products tab; tools the Tools tab beside it, once added.
	main  fyne.CanvasObject
	tools *toolsTab
	tabs  *container.AppTabs
	// updating is set while rows are filled from the desk, so the sold-out
	// checks do not echo the desk's own state back to it.
	updating bool
}

type productRow struct {
	id      string
	thumb   *canvas.Image
	title   *widget.Label
	price   *widget.Label
	stock   *widget.Label
	state   *widget.Label
	explain *widget.Button
	soldOut *widget.Check
	up      *widget.Button
	down    *widget.Button
	edit    *widget.Button
	box     fyne.CanvasObject
}

var cornerValues = []app.Corner{app.CornerTopLeft, app.CornerTopRight, app.CornerBottomLeft, app.CornerBottomRight}

// newProductWindow builds the side window over desk; show it with win.Show.
func newProductWindow(a fyne.App, desk *app.ProductDesk) *productWindow {
	w := &productWindow{desk: desk, rows: map[string]*productRow{}, statusShow: desk.ShowID()}
	w.win = a.NewWindow(lang.L("Showcaster · Products"))

	w.onAirLabel = widget.NewLabel("")
	w.onAirLabel.TextStyle.Bold = true
	w.onAirLabel.Truncation = fyne.TextTruncateEllipsis
	w.prev = widget.NewButtonWithIcon(lang.L("Previous"), theme.NavigateBackIcon(), func() { w.do(lang.L("Previous"), desk.Previous) })
	w.next = widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), func() { w.do(lang.L("Next"), desk.Next) })
	w.takeDown = widget.NewButtonWithIcon(lang.L("Take down"), theme.VisibilityOffIcon(), func() {
		desk.TakeDown()
		w.refresh()
	})
	labels := []string{lang.L("top left"), lang.L("top right"), lang.L("bottom left"), lang.L("bottom right")}
	w.corner = widget.NewSelect(labels, nil)
	for i, c := range cornerValues {
		if c == desk.Corner() {
			w.corner.SetSelectedIndex(i)
		}
	}
	// Set after the initial choice, so that showing the current corner does
	// not ask the desk to move the card.
	w.corner.OnChanged = func(s string) {
		for i, l := range labels {
			if l == s {
				w.do(lang.L("Card corner"), func() error { return desk.SetCorner(cornerValues[i]) })
			}
		}
	}
	choose := widget.NewButtonWithIcon(lang.L("Choose products…"), theme.ListIcon(), w.chooseProducts)
	top := container.NewBorder(nil, nil, nil,
		container.NewHBox(w.prev, w.next, w.takeDown, widget.NewLabel(lang.L("Card corner")), w.corner, choose), w.onAirLabel)

	w.list = container.NewVBox()

	w.bulletin = widget.NewEntry()
	w.bulletin.SetPlaceHolder(lang.L("Bulletin, e.g. 拍1号链接 立减20元"))
	w.bulletin.OnSubmitted = func(string) { w.sendBulletin() }
	w.postBulletin = widget.NewButtonWithIcon(lang.L("Post"), theme.MailSendIcon(), w.sendBulletin)
	w.clearBulletin = widget.NewButtonWithIcon(lang.L("Take down"), theme.ContentClearIcon(), func() {
		w.do(lang.L("Bulletin"), func() error { return desk.SetBulletin("") })
	})
	w.bulletinOn = widget.NewLabel("")
	w.bulletinOn.Truncation = fyne.TextTruncateEllipsis
	bulletinBar := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Bulletin")), container.NewHBox(w.postBulletin, w.clearBulletin), w.bulletin),
		w.bulletinOn)

	w.editTitle = widget.NewLabel(lang.L("Select a product to edit it."))
	w.editTitle.Wrapping = fyne.TextWrapWord
	w.price, w.original, w.coupon, w.stock = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	w.price.SetPlaceHolder("99.00")
	w.original.SetPlaceHolder(lang.L("none"))
	w.save = widget.NewButtonWithIcon(lang.L("Save and update on air"), theme.DocumentSaveIcon(), w.saveEdits)
	w.toCatalogue = widget.NewCheck(lang.L("Also save price and coupon to the catalogue"), nil)
	scope := widget.NewLabel(lang.L("Price, coupon and sold out change for this show only; the next show sells at the catalogue's. Stock is the catalogue's, for every show."))
	scope.Wrapping = fyne.TextWrapWord
	scope.Importance = widget.LowImportance
	editor := container.NewVBox(w.editTitle, widget.NewForm(
		widget.NewFormItem(lang.L("Price"), w.price),
		widget.NewFormItem(lang.L("Original price"), w.original),
		widget.NewFormItem(lang.L("Coupon"), w.coupon),
		widget.NewFormItem(lang.L("Stock"), w.stock),
	), w.toCatalogue, w.save, scope)
	w.setEditing("")

	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord

	split := container.NewHSplit(container.NewVScroll(w.list), container.NewPadded(editor))
	split.Offset = 0.68
	w.main = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), bulletinBar, w.status), nil, nil, split)
	w.win.SetContent(w.main)
	w.win.Resize(fyne.NewSize(980, 720))
	w.reload()
	return w
}

// apply follows desk events that came through the studio's event pump; it
// runs on the UI thread.
func (w *productWindow) apply(ev app.Event) {
	switch e := ev.(type) {
	case app.ProductsChanged:
		// Another show: what was said about the last one's products is not news for this one.
		if id := w.desk.ShowID(); id != w.statusShow {
			w.statusShow = id
			w.setStatus("", false)
		}
		w.reload()
		if w.tools != nil {
			w.tools.reloadProducts()
		}
	case app.ToolkitChanged:
		if w.tools != nil {
			w.tools.changed()
		}
	case app.ProductOnAir, app.BulletinChanged:
		w.refresh()
	case app.Notice:
		if e.Err != nil && e.Msg != nil && errors.Is(e.Msg, app.ErrProductPin) {
			w.setStatus(errText(e.Msg), true)
		}
	}
}

// reload rebuilds the rows when the list changed (order, products).
func (w *productWindow) reload() {
	ps := w.desk.Products()
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	if !sameIDs(ids, w.order) {
		w.list.RemoveAll()
		w.rows = map[string]*productRow{}
		for _, p := range ps {
			r := w.newRow(p.ID)
			w.rows[p.ID] = r
			w.list.Add(r.box)
		}
		w.order = ids
	}
	w.refresh()
}

// refresh fills every row and the header from the desk's state.
func (w *productWindow) refresh() {
	w.updating = true
	defer func() { w.updating = false }()
	onAir := w.desk.OnAir()
	ps := w.desk.Products()
	w.onAirLabel.SetText(lang.L("Nothing on air"))
	for i, p := range ps {
		r := w.rows[p.ID]
		if r == nil {
			continue
		}
		r.title.SetText(fmt.Sprintf(lang.L("Link %d · %s"), p.LinkNo, p.Title))
		price := productPriceText(p)
		if p.ShowOwn {
			price += "  · " + lang.L("this show's price")
		}
		r.price.SetText(price)
		r.stock.SetText(fmt.Sprintf(lang.L("Stock %d"), p.Stock))
		switch {
		case p.ID == onAir && p.SoldOut:
			r.state.SetText(lang.L("Explaining · sold out"))
		case p.ID == onAir:
			r.state.SetText(lang.L("Explaining"))
		case p.SoldOut:
			r.state.SetText(lang.L("Sold out"))
		default:
			r.state.SetText("")
		}
		if p.ID == onAir {
			r.state.Importance = widget.DangerImportance
			r.explain.Importance = widget.HighImportance
			w.onAirLabel.SetText(fmt.Sprintf(lang.L("On air: link %d · %s"), p.LinkNo, p.Title))
		} else {
			r.state.Importance = widget.MediumImportance
			r.explain.Importance = widget.MediumImportance
		}
		r.state.Refresh()
		r.explain.Refresh()
		r.soldOut.SetChecked(p.SoldOut)
		enableIf(r.up, i > 0)
		enableIf(r.down, i < len(ps)-1)
		r.setThumb(w.desk.Picture(p.ID))
	}
	// Texts changed width ("Explaining" appears, prices grow): lay the rows
	// out again so nothing is drawn over its neighbour.
	w.list.Refresh()
	enableIf(w.takeDown, onAir != "")
	if b := w.desk.Bulletin(); b != "" {
		w.bulletinOn.SetText(fmt.Sprintf(lang.L("Bulletin on the program: %s"), b))
	} else {
		w.bulletinOn.SetText("")
	}
	enableIf(w.clearBulletin, w.desk.Bulletin() != "")
	if w.editing != "" {
		if _, ok := w.desk.Product(w.editing); !ok {
			w.setEditing("")
		}
	}
}

func (w *productWindow) newRow(id string) *productRow {
	r := &productRow{id: id}
	r.thumb = canvas.NewImageFromResource(theme.FileImageIcon())
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(fyne.NewSize(72, 72))
	r.title = widget.NewLabel("")
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.price = widget.NewLabel("")
	r.stock = widget.NewLabel("")
	r.state = widget.NewLabel("")
	r.state.TextStyle.Bold = true
	r.explain = widget.NewButtonWithIcon(lang.L("Explain now"), theme.MediaPlayIcon(), func() {
		w.do(lang.L("Explain now"), func() error { return w.desk.ExplainNow(id) })
	})
	r.soldOut = widget.NewCheck(lang.L("Sold out"), func(on bool) {
		if w.updating {
			return
		}
		w.do(lang.L("Sold out"), func() error { return w.desk.SoldOut(id, on) })
	})
	r.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { w.move(id, -1) })
	r.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { w.move(id, +1) })
	r.edit = widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), func() { w.setEditing(id) })
	// Text above, buttons below: the title and price get the row's whole
	// width, and the state sits beside the title so it is never cut off.
	info := container.NewVBox(
		container.NewBorder(nil, nil, nil, r.state, r.title),
		container.NewBorder(nil, nil, nil, r.stock, r.price),
		container.NewHBox(r.explain, r.soldOut, r.edit, r.up, r.down))
	r.box = container.NewVBox(container.NewBorder(nil, nil, container.NewCenter(r.thumb), nil, info), widget.NewSeparator())
	return r
}

// setThumb shows the product photo as the card draws it (a local file, or
// a web picture once it has arrived), else an icon.
func (r *productRow) setThumb(img image.Image) {
	if img != nil && img == r.thumb.Image {
		return
	}
	if img != nil {
		r.thumb.Resource = nil
		r.thumb.Image = img
	} else {
		r.thumb.Image = nil
		r.thumb.Resource = theme.FileImageIcon()
	}
	r.thumb.Refresh()
}

func (w *productWindow) move(id string, by int) {
	for i, o := range w.order {
		if o == id {
			w.do(lang.L("Reorder"), func() error { return w.desk.Move(id, i+by) })
			return
		}
	}
}

func (w *productWindow) sendBulletin() {
	text := w.bulletin.Text
	w.do(lang.L("Bulletin"), func() error { return w.desk.SetBulletin(text) })
	if w.desk.Bulletin() == strings.TrimSpace(text) {
		w.bulletin.SetText("")
	}
}

// setEditing fills the editor with a product ("" empties it).
func (w *productWindow) setEditing(id string) {
	w.editing = id
	p, ok := w.desk.Product(id)
	entries := []*widget.Entry{w.price, w.original, w.coupon, w.stock}
	if !ok {
		w.editing = ""
		w.editTitle.SetText(lang.L("Select a product to edit it."))
		for _, e := range entries {
			e.SetText("")
			e.Disable()
		}
		w.save.Disable()
		w.toCatalogue.SetChecked(false)
		w.toCatalogue.Disable()
		return
	}
	w.editTitle.SetText(fmt.Sprintf(lang.L("Link %d · %s"), p.LinkNo, p.Title))
	w.price.SetText(app.PlainMoney(p.PriceCents))
	w.original.SetText("")
	if p.OriginalPriceCents > 0 {
		w.original.SetText(app.PlainMoney(p.OriginalPriceCents))
	}
	w.coupon.SetText(p.Coupon)
	w.stock.SetText(strconv.Itoa(p.Stock))
	for _, e := range entries {
		e.Enable()
	}
	w.save.Enable()
	w.toCatalogue.SetChecked(false)
	// Without a show the edits are the catalogue's already.
	if w.desk.ShowID() == "" {
		w.toCatalogue.Hide()
	} else {
		w.toCatalogue.Show()
		w.toCatalogue.Enable()
	}
}

// saveEdits sends only what changed, so a coupon edit does not re-pin a
// price that is already right.
func (w *productWindow) saveEdits() {
	id := w.editing
	p, ok := w.desk.Product(id)
	if !ok {
		return
	}
	price, _, err := app.ParseMoney(w.price.Text)
	if err != nil {
		w.setStatus(err.Error(), true)
		return
	}
	var original int64
	if strings.TrimSpace(w.original.Text) != "" {
		if original, _, err = app.ParseMoney(w.original.Text); err != nil {
			w.setStatus(lang.L("Original")+" "+err.Error(), true)
			return
		}
	}
	stock, err := strconv.Atoi(strings.TrimSpace(w.stock.Text))
	if err != nil || stock < 0 {
		w.setStatus(fmt.Sprintf(lang.L("Stock %q is not a whole number; enter it like 100."), w.stock.Text), true)
		return
	}
	if price != p.PriceCents || original != p.OriginalPriceCents {
		if !w.do(lang.L("Price"), func() error { return w.desk.UpdatePrice(id, price, original) }) {
			return
		}
	}
	if c := strings.TrimSpace(w.coupon.Text); c != p.Coupon {
		if !w.do(lang.L("Coupon"), func() error { return w.desk.UpdateCoupon(id, c) }) {
			return
		}
	}
	if stock != p.Stock {
		if !w.do(lang.L("Stock"), func() error { return w.desk.UpdateStock(id, stock) }) {
			return
		}
	}
	if w.toCatalogue.Checked && w.desk.ShowID() != "" {
		if !w.do(lang.L("Catalogue"), func() error { return w.desk.SaveToCatalogue(id) }) {
			return
		}
		w.toCatalogue.SetChecked(false)
		w.setStatus(lang.L("Saved for this show and in the catalogue: the next shows sell at this price too."), false)
		return
	}
	if w.desk.ShowID() != "" {
		w.setStatus(lang.L("Saved for this show; the catalogue keeps its price."), false)
		return
	}
	w.setStatus(lang.L("Saved."), false)
}

// do runs a desk action and shows its error; it reports success.
func (w *productWindow) do(what string, f func() error) bool {
	err := f()
	w.reload()
	if err != nil {
		w.setStatus(fmt.Sprintf("%s: %v", what, err), true)
		return false
	}
	w.setStatus("", false)
	return true
}

func (w *productWindow) setStatus(text string, bad bool) {
	w.status.Importance = widget.MediumImportance
	if bad {
		w.status.Importance = widget.DangerImportance
	}
	w.status.SetText(text)
}

func productPriceText(p store.Product) string {
	s := app.MoneyFigure(p.PriceCents, p.Currency)
	if p.OriginalPriceCents > p.PriceCents {
		s += "  (" + lang.L("was") + " " + app.MoneyFigure(p.OriginalPriceCents, p.Currency) + ")"
	}
	if p.Coupon != "" {
		s += "  " + lang.L("Coupon") + ": " + p.Coupon
	}
	return s
}

func enableIf(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func sameIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
