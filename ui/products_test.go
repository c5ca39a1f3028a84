package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/app/store"
)

const uiTestFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// deskFixture is a desk over a fresh store with three products in show s1,
// in the order 围巾 (3), 睡衣 (1), 保温杯 (2). It draws on no program: the
// window's flow is what these tests check.
func deskFixture(t *testing.T) (*app.ProductDesk, *store.Store, []string) {
	t.Helper()
	return deskFixtureIn(t, t.TempDir())
}

// deskFixtureIn is deskFixture over the store in dir (opened again, it is
// the studio after a restart).
func deskFixtureIn(t *testing.T, dir string) (*app.ProductDesk, *store.Store, []string) {
	t.Helper()
	if _, err := os.Stat(uiTestFont); err != nil {
		t.Skip("install fonts-wqy-microhei (make deps)")
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ids []string
	if have, _ := st.Products(); len(have) == 3 {
		for _, p := range have {
			ids = append(ids, p.ID)
		}
	}
	for i, title := range []string{"真丝睡衣", "保温杯", "羊毛围巾"} {
		if len(ids) == 3 {
			break
		}
		p := store.Product{Script: "家人们看过来，" + title + "今天只要一口价！\n第二段话术"}
		p.LinkNo, p.Title, p.PriceCents, p.OriginalPriceCents, p.Stock = i+1, title, int64(9900*(i+1)), int64(19900*(i+1)), 100
		p.SellingPoints = []string{"亲肤", "包邮"}
		p, err := st.UpsertProduct(p)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	order := []string{ids[2], ids[0], ids[1]}
	if err := st.SetShowProducts("s1", order); err != nil {
		t.Fatal(err)
	}
	if notes, _ := st.ShowNotes("s1"); notes == "" {
		st.SetShowNotes("s1", "开场：欢迎新朋友")
	}
	desk, err := app.NewProductDesk(app.ProductDeskConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(desk.Close)
	if err := desk.Load("s1"); err != nil {
		t.Fatal(err)
	}
	return desk, st, order
}

func TestProductWindowExplainNextSoldOut(t *testing.T) {
	a := test.NewTempApp(t)
	desk, st, order := deskFixture(t)
	w := newProductWindow(a, desk)
	defer w.win.Close()

	if len(w.list.Objects) != 3 || !strings.Contains(w.rows[order[0]].title.Text, "羊毛围巾") {
		t.Fatalf("rows: %d, first %q", len(w.list.Objects), w.rows[order[0]].title.Text)
	}
	if !w.takeDown.Disabled() {
		t.Error("take down is possible with nothing on air")
	}

	// Explain now on the second row.
	test.Tap(w.rows[order[1]].explain)
	if desk.OnAir() != order[1] {
		t.Fatalf("on air %q; want %q", desk.OnAir(), order[1])
	}
	if got := w.rows[order[1]].state.Text; got != "Explaining" {
		t.Errorf("explained row says %q", got)
	}
	if !strings.Contains(w.onAirLabel.Text, "真丝睡衣") {
		t.Errorf("header %q", w.onAirLabel.Text)
	}

	// Next goes to the third; previous twice reaches the first, then says it is the first.
	test.Tap(w.next)
	if desk.OnAir() != order[2] || w.rows[order[1]].state.Text != "" || w.rows[order[2]].state.Text != "Explaining" {
		t.Fatalf("after next: on air %q, rows %q %q", desk.OnAir(), w.rows[order[1]].state.Text, w.rows[order[2]].state.Text)
	}
	test.Tap(w.prev)
	test.Tap(w.prev)
	if desk.OnAir() != order[0] {
		t.Fatalf("after previous twice: %q", desk.OnAir())
	}
	test.Tap(w.prev)
	if !strings.Contains(w.status.Text, "first product") {
		t.Errorf("previous at the top says %q", w.status.Text)
	}

	// Sold out on the product on air.
	tapCheck(w.rows[order[0]].soldOut)
	if p, _ := st.ShowProduct("s1", order[0]); !p.SoldOut {
		t.Fatal("sold out not stored")
	}
	if p, _ := st.Product(order[0]); p.SoldOut {
		t.Fatal("sold out in the show marked the catalogue sold out")
	}
	if got := w.rows[order[0]].state.Text; got != "Explaining · sold out" {
		t.Errorf("sold-out row on air says %q", got)
	}
	tapCheck(w.rows[order[0]].soldOut)
	if p, _ := st.ShowProduct("s1", order[0]); p.SoldOut {
		t.Fatal("back in stock not stored")
	}

	test.Tap(w.takeDown)
	if desk.OnAir() != "" || !strings.Contains(w.onAirLabel.Text, "Nothing") {
		t.Fatalf("after take down: %q, %q", desk.OnAir(), w.onAirLabel.Text)
	}
}

func TestProductWindowEditsAndBulletin(t *testing.T) {
	a := test.NewTempApp(t)
	desk, st, order := deskFixture(t)
	w := newProductWindow(a, desk)
	defer w.win.Close()

	test.Tap(w.rows[order[0]].explain)
	test.Tap(w.rows[order[0]].edit)
	if w.price.Text != "297.00" || w.save.Disabled() {
		t.Fatalf("editor price %q, save disabled %v", w.price.Text, w.save.Disabled())
	}
	w.price.SetText("¥199.9")
	w.coupon.SetText("满299减30")
	w.stock.SetText("12")
	if w.toCatalogue.Checked || w.toCatalogue.Hidden {
		t.Fatalf("the catalogue check is ticked %v, hidden %v; want offered, off", w.toCatalogue.Checked, w.toCatalogue.Hidden)
	}
	test.Tap(w.save)
	p, _ := st.ShowProduct("s1", order[0])
	if p.PriceCents != 19990 || p.Coupon != "满299减30" || p.Stock != 12 {
		t.Fatalf("stored for the show %+v; status %q", p, w.status.Text)
	}
	// The catalogue keeps its price for the next show; stock is the catalogue's.
	if c, _ := st.Product(order[0]); c.PriceCents != 29700 || c.Coupon != "" || c.Stock != 12 {
		t.Fatalf("catalogue after a show edit: %+v", c)
	}
	if got := w.rows[order[0]].price.Text; !strings.Contains(got, "¥199.90") || !strings.Contains(got, "满299减30") || !strings.Contains(got, "this show's price") {
		t.Errorf("row shows %q", got)
	}
	if !strings.Contains(w.status.Text, "catalogue keeps its price") {
		t.Errorf("status after saving %q", w.status.Text)
	}
	// Ticked, the price goes to the catalogue as well.
	w.price.SetText("188")
	w.toCatalogue.SetChecked(true)
	test.Tap(w.save)
	if c, _ := st.Product(order[0]); c.PriceCents != 18800 || c.Coupon != "满299减30" {
		t.Fatalf("catalogue after saving to it: %+v; status %q", c, w.status.Text)
	}
	if w.toCatalogue.Checked || strings.Contains(w.rows[order[0]].price.Text, "this show's price") {
		t.Errorf("after saving to the catalogue: check %v, row %q", w.toCatalogue.Checked, w.rows[order[0]].price.Text)
	}
	w.price.SetText("abc")
	test.Tap(w.save)
	if !strings.Contains(w.status.Text, "write it like 99.00") {
		t.Errorf("bad price says %q", w.status.Text)
	}

	test.Type(w.bulletin, "拍3号链接 立减20元")
	test.Tap(w.postBulletin)
	if desk.Bulletin() != "拍3号链接 立减20元" || w.bulletin.Text != "" || !strings.Contains(w.bulletinOn.Text, "立减20元") {
		t.Fatalf("bulletin %q, entry %q, label %q", desk.Bulletin(), w.bulletin.Text, w.bulletinOn.Text)
	}
	test.Tap(w.clearBulletin)
	if desk.Bulletin() != "" {
		t.Fatalf("bulletin still %q", desk.Bulletin())
	}

	// Move the last product up to second.
	test.Tap(w.rows[order[2]].up)
	got := desk.Products()
	if got[1].ID != order[2] || got[2].ID != order[1] {
		t.Fatalf("after move up: %s %s %s", got[0].Title, got[1].Title, got[2].Title)
	}
	if !w.rows[got[0].ID].up.Disabled() || !w.rows[got[2].ID].down.Disabled() {
		t.Error("the ends of the list can still move past them")
	}
}

// tapCheck taps a check box in the middle, where its box is: a check in a
// tall row only answers taps level with its box.
func tapCheck(c *widget.Check) {
	test.TapAt(c, fyne.NewPos(c.MinSize().Height/2, c.Size().Height/2))
}

// The cue card over the preview shows the product being explained, only in
// the studio window, and follows the next product.
func TestCueOverPreviewFollowsProductOnAir(t *testing.T) {
	desk, _, order := deskFixture(t)
	fs := newFakeStudio()
	fs.desk = desk
	h := newHarness(t, fs)
	if err := desk.ExplainNow(order[0]); err != nil {
		t.Fatal(err)
	}
	h.w.toggleCueOnPreview()
	if h.w.preview.cueBox.Hidden || !strings.Contains(h.w.preview.cue.Text, "羊毛围巾今天只要一口价") {
		t.Fatalf("cue over the preview shows %q (hidden %v), want the on-air product's script", h.w.preview.cue.Text, h.w.preview.cueBox.Hidden)
	}
	if err := desk.Next(); err != nil {
		t.Fatal(err)
	}
	h.w.applySide(app.ProductOnAir{ProductID: desk.OnAir()})
	if !strings.Contains(h.w.preview.cue.Text, "真丝睡衣今天只要一口价") {
		t.Errorf("after Next the cue reads %q, want the next product's script", h.w.preview.cue.Text)
	}
	if desk.PrompterOnAir() {
		t.Error("showing the cue over the preview put it on the program")
	}
	h.w.toggleCueOnPreview()
	if !h.w.preview.cueBox.Hidden {
		t.Error("the cue stayed over the preview after it was turned off")
	}
}

// The New show dialog offers the catalogue with every product ticked; the
// show is booked with the ticked ones in running order.
func TestNewShowPicksProducts(t *testing.T) {
	_, st, order := deskFixture(t)
	fs := newFakeStudio()
	fs.store = st
	h := newHarness(t, fs)
	h.w.show.newShowDialog()
	f := h.w.show.newForm
	if f.picks == nil || len(f.picks.Options) != 3 || len(f.picks.Selected) != 3 {
		t.Fatalf("the dialog offers %v with %v ticked; want the three catalogue products, all ticked", f.picks.Options, f.picks.Selected)
	}
	f.title.SetText("周末专场")
	// Untick the second product (link 2, 保温杯).
	f.picks.SetSelected([]string{f.picks.Options[0], f.picks.Options[2]})
	f.submit(true)
	h.waitFor("the plan", func() bool {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return len(fs.plans) == 1
	})
	got := fs.plans[0].ProductIDs
	// order is the show order C, A, B of the fixture; link order is A, B, C.
	want := []string{order[1], order[0]}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("booked products %v, want links 1 and 3 in link order %v", got, want)
	}
}

// Importing a CSV from the window reports each bad row by number while the
// good rows reach the catalogue.
func TestImportCSVFromWindow(t *testing.T) {
	_, st, _ := deskFixture(t)
	fs := newFakeStudio()
	fs.store = st
	h := newHarness(t, fs)
	csv := "link_no,title,price\n7,新款帽子,59\n8,,20\n9,围巾,abc\n"
	h.w.importProducts(strings.NewReader(csv), "/tmp/products.csv")
	sum := h.w.lastImport
	for _, want := range []string{"Imported 1 products", "2 rows skipped", "Row 3:", "Row 4:"} {
		if !strings.Contains(sum, want) {
			t.Errorf("import summary %q lacks %q", sum, want)
		}
	}
	if p, err := st.ProductByLinkNo(7); err != nil || p.Title != "新款帽子" {
		t.Errorf("link 7 after import: %+v, %v", p, err)
	}
	if all, _ := st.Products(); len(all) != 4 {
		t.Errorf("the catalogue holds %d products, want the 3 it had and the 1 good row", len(all))
	}
}

// The assistant drops a product from the show and adds it back: the list
// follows, and the re-added product joins at the end.
func TestChooseShowProducts(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, order := deskFixture(t)
	w := newProductWindow(a, desk)
	w.chooseProducts()
	c := w.chooser
	if len(c.picks.Selected) != 3 {
		t.Fatalf("the dialog ticks %v, want the show's three products", c.picks.Selected)
	}
	// Untick the show's first product (link 3, 羊毛围巾).
	var keep []string
	for _, l := range c.picks.Selected {
		if c.labelID[l] != order[0] {
			keep = append(keep, l)
		}
	}
	c.picks.SetSelected(keep)
	c.apply()
	if got := desk.Products(); len(got) != 2 || got[0].ID != order[1] || got[1].ID != order[2] {
		t.Fatalf("after unticking the show lists %v, want the other two in their order", got)
	}
	w.chooseProducts()
	w.chooser.picks.SetSelected(w.chooser.picks.Options)
	w.chooser.apply()
	if got := desk.Products(); len(got) != 3 || got[2].ID != order[0] {
		t.Errorf("after ticking it again the show lists %v, want it back at the end", got)
	}
}

// What the product window said about one show's products is gone when the
// studio turns to another show.
func TestProductWindowStatusBelongsToItsShow(t *testing.T) {
	a := test.NewTempApp(t)
	desk, st, order := deskFixture(t)
	w := newProductWindow(a, desk)
	defer w.win.Close()
	w.setStatus("羊毛围巾: something went wrong", true)
	w.apply(app.ProductsChanged{}) // the same show again: the status stays
	if w.status.Text == "" {
		t.Fatal("a change within the show cleared the status")
	}
	if err := st.SetShowProducts("s2", order[:1]); err != nil {
		t.Fatal(err)
	}
	if err := desk.Load("s2"); err != nil {
		t.Fatal(err)
	}
	w.apply(app.ProductsChanged{})
	if w.status.Text != "" {
		t.Fatalf("after switching shows the product window still says %q", w.status.Text)
	}
}
