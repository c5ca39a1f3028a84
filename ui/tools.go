package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// toolkitAPI is the part of *app.Toolkit the Tools tab uses.
type toolkitAPI interface {
	StartLottery(ctx context.Context, l app.NewLottery) (app.Lottery, error)
	PushCoupon(ctx context.Context, c app.NewCoupon) (app.Coupon, error)
	StartFlashSale(ctx context.Context, f app.NewFlash) (app.FlashSale, error)
	SendRedEnvelope(ctx context.Context, e app.NewEnvelope) (app.RedEnvelope, error)
	State(ctx context.Context) ([]app.ToolState, error)
}

// toolsTab is the product window's Tools tab: start a lucky bag, push a
// coupon, start a flash sale on a product, send a red envelope, and the
// running state of each (entrants, claimed, remaining, time left).
type toolsTab struct {
	// shown: the product window is on screen, so follow keeps the list
	// current; a hidden window costs no reads and no redraws. stop ends
	// follow (the studio window closed).
	shown    atomic.Bool
	stop     chan struct{}
	stopOnce sync.Once
	// drawn is what the running list shows now, so draw rebuilds it only
	// when a line changed; redraws counts the rebuilds (tests).
	drawn   []string
	redraws int
	toolkit func() toolkitAPI // the selected show's, or nil
	desk    *app.ProductDesk
	// cards puts a tool's card on the program ("" takes it down); nil hides the buttons.
	cards func(kind string) error

	lotteryCard, flashCard, cardDown *widget.Button
	dispatch                         func(func())

	prize, winners, password, countdown *widget.Entry
	condition                           *widget.Select
	startLottery                        *widget.Button

	couponTitle, discount, minSpend, quantity, valid *widget.Entry
	pushCoupon                                       *widget.Button

	flashProduct                   *widget.Select
	flashPrice, flashUnits, flashS *widget.Entry
	startFlash                     *widget.Button
	redTotal, redCount, redOpensIn *widget.Entry
	sendRed                        *widget.Button
	running                        *fyne.Container
	status                         *widget.Label
	state                          []app.ToolState
	fetchedAt                      time.Time
	productIDs                     []string
	box                            *fyne.Container
}

var conditionValues = []string{"none", "follow", "share", "password"}

// newToolsTab builds the tab; dispatch runs a function on the UI thread
// (fyne.Do when nil).
func newToolsTab(toolkit func() toolkitAPI, desk *app.ProductDesk, cards func(kind string) error, dispatch func(func())) *toolsTab {
	if dispatch == nil {
		dispatch = fyne.Do
	}
	t := &toolsTab{toolkit: toolkit, desk: desk, cards: cards, dispatch: dispatch, stop: make(chan struct{})}
	t.shown.Store(true)
	entry := func(placeholder, text string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.SetText(text)
		return e
	}
	t.prize = entry(lang.L("Prize, e.g. 保温杯"), "")
	t.winners = entry("1", "1")
	conds := []string{lang.L("Anyone"), lang.L("Followers"), lang.L("Sharers"), lang.L("Password comment")}
	t.condition = widget.NewSelect(conds, func(s string) {
		if s == conds[3] {
			t.password.Enable()
		} else {
			t.password.Disable()
		}
	})
	t.password = entry(lang.L("Password, e.g. 想要福袋"), "")
	t.condition.SetSelectedIndex(0)
	t.countdown = entry("60", "60")
	t.startLottery = widget.NewButtonWithIcon(lang.L("Start lucky bag"), theme.MediaPlayIcon(), t.doLottery)
	t.startLottery.Importance = widget.HighImportance

	t.couponTitle = entry(lang.L("Title, e.g. 满99减10"), "")
	t.discount = entry("10", "")
	t.minSpend = entry("0", "")
	t.quantity = entry("100", "100")
	t.valid = entry("10", "10")
	t.pushCoupon = widget.NewButtonWithIcon(lang.L("Push coupon"), theme.MailSendIcon(), t.doCoupon)

	t.flashProduct = widget.NewSelect(nil, nil)
	t.flashPrice = entry("49", "")
	t.flashUnits = entry("20", "20")
	t.flashS = entry("60", "60")
	t.startFlash = widget.NewButtonWithIcon(lang.L("Start flash sale"), theme.MediaFastForwardIcon(), t.doFlash)

	t.redTotal = entry("88.88", "")
	t.redCount = entry("10", "10")
	t.redOpensIn = entry("0", "0")
	t.sendRed = widget.NewButtonWithIcon(lang.L("Send red envelope"), theme.MailSendIcon(), t.doRed)

	t.running = container.NewVBox()
	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord

	form := func(title string, items []*widget.FormItem, b *widget.Button) fyne.CanvasObject {
		head := widget.NewLabel(title)
		head.TextStyle.Bold = true
		return container.NewVBox(head, widget.NewForm(items...), b)
	}
	item := widget.NewFormItem
	lottery := form(lang.L("Lucky bag (福袋)"), []*widget.FormItem{
		item(lang.L("Prize"), t.prize), item(lang.L("Winners"), t.winners), item(lang.L("Who may enter"), t.condition),
		item(lang.L("Password"), t.password), item(lang.L("Countdown (s)"), t.countdown)}, t.startLottery)
	coupon := form(lang.L("Coupon"), []*widget.FormItem{
		item(lang.L("Title"), t.couponTitle), item(lang.L("Discount (yuan)"), t.discount), item(lang.L("Minimum spend (yuan)"), t.minSpend),
		item(lang.L("Quantity"), t.quantity), item(lang.L("Valid (minutes)"), t.valid)}, t.pushCoupon)
	flash := form(lang.L("Flash sale (秒杀)"), []*widget.FormItem{
		item(lang.L("Product"), t.flashProduct), item(lang.L("Flash price (yuan)"), t.flashPrice), item(lang.L("Units"), t.flashUnits),
		item(lang.L("Duration (s)"), t.flashS)}, t.startFlash)
	red := form(lang.L("Red envelope (红包)"), []*widget.FormItem{
		item(lang.L("Total (yuan)"), t.redTotal), item(lang.L("Shares"), t.redCount), item(lang.L("Opens in (s)"), t.redOpensIn)}, t.sendRed)
	runHead := widget.NewLabel(lang.L("Running"))
	runHead.TextStyle.Bold = true
	card := func(kind, what string) func() {
		return func() {
			if t.cards == nil {
				return
			}
			go func() {
				err := t.cards(kind)
				t.dispatch(func() {
					if err != nil {
						t.setStatus(fmt.Sprintf("%s: %v", what, err), true)
					} else {
						t.setStatus(what, false)
					}
				})
			}()
		}
	}
	t.lotteryCard = widget.NewButtonWithIcon(lang.L("Lucky bag on program"), theme.UploadIcon(), card(app.ToolCardLottery, lang.L("Lucky bag on program")))
	t.flashCard = widget.NewButtonWithIcon(lang.L("Flash sale on program"), theme.UploadIcon(), card(app.ToolCardFlashSale, lang.L("Flash sale on program")))
	t.cardDown = widget.NewButtonWithIcon(lang.L("Take card down"), theme.CancelIcon(), card("", lang.L("Take card down")))
	cardBar := container.NewHBox(t.lotteryCard, t.flashCard, t.cardDown)
	left := container.NewVBox(lottery, widget.NewSeparator(), coupon)
	right := container.NewVBox(flash, widget.NewSeparator(), red)
	t.box = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, runHead, cardBar), t.running, t.status), nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, left, right)))
	t.reloadProducts()
	t.draw()
	go t.follow()
	return t
}

func (t *toolsTab) content() fyne.CanvasObject { return t.box }

// reloadProducts fills the flash sale's product choice, the product on air first.
func (t *toolsTab) reloadProducts() {
	if t.desk == nil {
		return
	}
	onAir := t.desk.OnAir()
	var labels []string
	t.productIDs = nil
	for _, p := range t.desk.Products() {
		t.productIDs = append(t.productIDs, p.ID)
		labels = append(labels, fmt.Sprintf(lang.L("Link %d · %s"), p.LinkNo, p.Title))
	}
	t.flashProduct.SetOptions(labels)
	for i, id := range t.productIDs {
		if id == onAir {
			t.flashProduct.SetSelectedIndex(i)
		}
	}
	if t.flashProduct.SelectedIndex() < 0 && len(labels) > 0 {
		t.flashProduct.SetSelectedIndex(0)
	}
}

func (t *toolsTab) setStatus(text string, bad bool) {
	t.status.Importance = widget.MediumImportance
	if bad {
		t.status.Importance = widget.DangerImportance
	}
	t.status.SetText(text)
}

// run starts a tool with the selected show's toolkit off the UI thread and
// says how it went.
func (t *toolsTab) run(what string, f func(ctx context.Context, tk toolkitAPI) (string, error)) {
	tk := t.toolkit()
	if tk == nil {
		t.setStatus(fmt.Sprintf("%s: %v", what, app.ErrNoShow), true)
		return
	}
	t.setStatus(what+"…", false)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done, err := f(ctx, tk)
		t.dispatch(func() {
			if err != nil {
				t.setStatus(fmt.Sprintf("%s: %v", what, err), true)
				return
			}
			t.setStatus(done, false)
		})
		if err == nil {
			t.refresh()
		}
	}()
}

func whole(e *widget.Entry, what string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(e.Text))
	if err != nil {
		return 0, fmt.Errorf(lang.L("%s must be a whole number"), what)
	}
	return n, nil
}

func yuanCents(e *widget.Entry, what string, optional bool) (int64, error) {
	s := strings.TrimSpace(e.Text)
	if s == "" && optional {
		return 0, nil
	}
	c, _, err := app.ParseMoney(s)
	if err != nil {
		return 0, fmt.Errorf(lang.L("%s must be an amount in yuan, like 9.90"), what)
	}
	return c, nil
}

func (t *toolsTab) doLottery() {
	t.run(lang.L("Start lucky bag"), func(ctx context.Context, tk toolkitAPI) (string, error) {
		winners, err := whole(t.winners, lang.L("Winners"))
		if err != nil {
			return "", err
		}
		secs, err := whole(t.countdown, lang.L("Countdown (s)"))
		if err != nil {
			return "", err
		}
		cond := conditionValues[max(t.condition.SelectedIndex(), 0)]
		l, err := tk.StartLottery(ctx, app.NewLottery{Prize: strings.TrimSpace(t.prize.Text), Winners: winners, Condition: cond,
			Password: strings.TrimSpace(t.password.Text), CountdownS: secs})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(lang.L("Lucky bag %s is open: the platform draws it in %d s"), l.ID, secs), nil
	})
}

func (t *toolsTab) doCoupon() {
	t.run(lang.L("Push coupon"), func(ctx context.Context, tk toolkitAPI) (string, error) {
		d, err := yuanCents(t.discount, lang.L("Discount (yuan)"), false)
		if err != nil {
			return "", err
		}
		m, err := yuanCents(t.minSpend, lang.L("Minimum spend (yuan)"), true)
		if err != nil {
			return "", err
		}
		q, err := whole(t.quantity, lang.L("Quantity"))
		if err != nil {
			return "", err
		}
		v, err := whole(t.valid, lang.L("Valid (minutes)"))
		if err != nil {
			return "", err
		}
		c, err := tk.PushCoupon(ctx, app.NewCoupon{Title: strings.TrimSpace(t.couponTitle.Text), DiscountCents: d, MinSpendCents: m, Quantity: q, ValidMin: v})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(lang.L("Coupon %s pushed: %d to claim"), c.ID, c.Remaining), nil
	})
}

func (t *toolsTab) doFlash() {
	t.run(lang.L("Start flash sale"), func(ctx context.Context, tk toolkitAPI) (string, error) {
		i := t.flashProduct.SelectedIndex()
		if i < 0 || i >= len(t.productIDs) {
			return "", fmt.Errorf("%s", lang.L("choose the product first"))
		}
		p, err := yuanCents(t.flashPrice, lang.L("Flash price (yuan)"), false)
		if err != nil {
			return "", err
		}
		n, err := whole(t.flashUnits, lang.L("Units"))
		if err != nil {
			return "", err
		}
		s, err := whole(t.flashS, lang.L("Duration (s)"))
		if err != nil {
			return "", err
		}
		f, err := tk.StartFlashSale(ctx, app.NewFlash{ProductID: t.productIDs[i], PriceCents: p, Quantity: n, DurationS: s})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(lang.L("Flash sale %s runs: %d units for %d s"), f.ID, f.Quantity, s), nil
	})
}

func (t *toolsTab) doRed() {
	t.run(lang.L("Send red envelope"), func(ctx context.Context, tk toolkitAPI) (string, error) {
		total, err := yuanCents(t.redTotal, lang.L("Total (yuan)"), false)
		if err != nil {
			return "", err
		}
		n, err := whole(t.redCount, lang.L("Shares"))
		if err != nil {
			return "", err
		}
		o, err := whole(t.redOpensIn, lang.L("Opens in (s)"))
		if err != nil {
			return "", err
		}
		e, err := tk.SendRedEnvelope(ctx, app.NewEnvelope{TotalCents: total, Count: n, OpensInS: o})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(lang.L("Red envelope %s sent: %d shares"), e.ID, e.Count), nil
	})
}

// refresh reads the running state (call it off the UI thread) and draws it.
func (t *toolsTab) refresh() {
	tk := t.toolkit()
	if tk == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := tk.State(ctx)
	t.dispatch(func() {
		if err != nil {
			t.setStatus(fmt.Sprintf(lang.L("Reading the tools' state: %v"), err), true)
			return
		}
		// The wall clock only paces the countdown labels between two reads.
		t.state, t.fetchedAt = st, time.Now()
		t.draw()
	})
}

// follow keeps the running list current while the window is shown: the
// countdowns every second, the state from the platform every few seconds
// (and at once on a change, see changed). The wall-clock ticker only paces
// the window's redraws. It ends with close.
func (t *toolsTab) follow() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
		}
		n++
		t.step(n)
	}
}

// step is follow's n-th second: nothing while the window is hidden.
func (t *toolsTab) step(n int) {
	if !t.shown.Load() {
		return
	}
	if n%3 == 0 {
		t.refresh()
		return
	}
	t.dispatch(t.draw)
}

// setShown says whether the product window is on screen; shown again, the
// list is read at once.
func (t *toolsTab) setShown(on bool) {
	if t.shown.Swap(on) != on && on {
		go t.refresh()
	}
}

// close ends follow; the tab is not used after.
func (t *toolsTab) close() {
	t.stopOnce.Do(func() { close(t.stop) })
}

// changed asks for a fresh read (a ToolkitChanged event); it never blocks.
func (t *toolsTab) changed() {
	go t.refresh()
}

// draw fills the running list, counting the time left down from the last
// read; an unchanged list is left as it is (no relayout, no repaint).
func (t *toolsTab) draw() {
	type row struct {
		text          string
		bold, details bool
	}
	var rows []row
	if len(t.state) == 0 {
		rows = append(rows, row{text: lang.L("Nothing running yet.")})
	}
	elapsed := time.Since(t.fetchedAt) // see refresh
	for i, s := range t.state {
		if i == 8 {
			break
		}
		line := s.Title + " — " + s.Status
		if left := s.Left - elapsed; s.Left > 0 && left > 0 {
			line += " — " + fmt.Sprintf(lang.L("%s left"), countdownText(left))
		}
		rows = append(rows, row{text: line, bold: s.Active})
		for _, d := range s.Details {
			rows = append(rows, row{text: "    " + d, details: true})
		}
	}
	key := make([]string, len(rows))
	for i, r := range rows {
		key[i] = fmt.Sprintf("%t%t%s", r.bold, r.details, r.text)
	}
	if t.drawn != nil && slices.Equal(key, t.drawn) {
		return
	}
	t.drawn = key
	t.redraws++
	t.running.RemoveAll()
	for _, r := range rows {
		l := widget.NewLabel(r.text)
		if len(t.state) > 0 {
			l.Truncation = fyne.TextTruncateEllipsis
		}
		l.TextStyle.Bold = r.bold
		if r.details {
			l.Importance = widget.LowImportance
		}
		t.running.Add(l)
	}
	t.box.Refresh() // the list's height changed: lay the tab out again
}

func countdownText(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// addTools puts the Tools tab beside the products.
func (w *productWindow) addTools(t *toolsTab) {
	w.tools = t
	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Products"), theme.ListIcon(), w.main),
		container.NewTabItemWithIcon(lang.L("Tools"), theme.SettingsIcon(), t.content()))
	w.win.SetContent(w.tabs)
}
