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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// showPanel picks the show plan and runs its broadcast: trial, go live
// (both after a 3-2-1 countdown), end; it shows the audit state and the
// elapsed time.
type showPanel struct {
	w *studioWindow

	picker  *widget.Select
	create  *widget.Button
	state   *widget.Label
	details *widget.Button // the state row's full text, when it may be cut short
	elapsed *widget.Label
	trial   *widget.Button
	live    *widget.Button
	end     *widget.Button
	cancel  *widget.Button
	prods   *widget.Button
	setts   *widget.Button
	record  *widget.Button
	guests  *widget.Button

	newForm   *newShowForm
	shows     []app.Show
	current   app.Show
	has       bool
	countdown int
	busy      bool
	picking   bool
}

func newShowPanel(w *studioWindow) *showPanel {
	p := &showPanel{w: w}
	p.picker = widget.NewSelect(nil, p.onPick)
	p.picker.PlaceHolder = lang.L("No show plan yet: create one")
	p.create = widget.NewButtonWithIcon(lang.L("New show…"), theme.ContentAddIcon(), p.newShowDialog)
	p.state = widget.NewLabel("")
	p.state.TextStyle.Bold = true
	p.state.Truncation = fyne.TextTruncateEllipsis
	p.details = widget.NewButtonWithIcon(lang.L("Details"), theme.InfoIcon(), p.showDetails)
	p.details.Hide()
	// Regular, not monospace: the theme's digits are all one width, and a
	// third text style would load Fyne's fonts once more (7.5 MB).
	p.elapsed = widget.NewLabel("00:00:00")
	p.trial = widget.NewButtonWithIcon(lang.L("Start trial")+" (Ctrl+T)", theme.MediaPlayIcon(), p.startTrial)
	p.live = widget.NewButtonWithIcon(lang.L("Go live")+" (Ctrl+L)", theme.MediaRecordIcon(), p.goLive)
	p.live.Importance = widget.DangerImportance
	p.end = widget.NewButtonWithIcon(lang.L("End")+" (Ctrl+E)", theme.MediaStopIcon(), p.endShow)
	p.cancel = widget.NewButtonWithIcon(lang.L("Cancel countdown"), theme.CancelIcon(), func() {
		w.studio.CancelCountdown()
	})
	p.record = widget.NewButtonWithIcon(lang.L("Record"), theme.MediaRecordIcon(), p.toggleRecording)
	p.prods = widget.NewButtonWithIcon(lang.L("Products"), theme.ListIcon(), w.openProducts)
	p.setts = widget.NewButtonWithIcon(lang.L("Settings"), theme.SettingsIcon(), w.openSettings)
	p.guests = widget.NewButtonWithIcon(lang.L("Guests"), theme.AccountIcon(), w.openGuests)
	p.updateButtons()
	return p
}

func (p *showPanel) content() fyne.CanvasObject {
	// Two rows so a laptop screen holds them in either language: the show
	// and its broadcast buttons, then its state (cut short to one line; a
	// long title or a rejection reason is whole behind Details) and the
	// studio's other rooms.
	pick := container.NewGridWrap(fyne.NewSize(240, p.picker.MinSize().Height), p.picker)
	top := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("Show")), pick, p.create), container.NewHBox(p.trial, p.live, p.cancel, p.end, widget.NewSeparator(), p.elapsed))
	second := container.NewBorder(nil, nil, nil, container.NewHBox(p.details, p.record, p.guests, p.prods, p.setts), p.state)
	return container.NewVBox(top, second, widget.NewSeparator())
}

// showDetails shows the state row whole: the show's full title, its state
// and the platform's reason for a rejection, wrapped to the dialog.
func (p *showPanel) showDetails() {
	text := widget.NewLabel(p.state.Text)
	text.Wrapping = fyne.TextWrapWord
	box := container.NewGridWrap(fyne.NewSize(480, 200), container.NewVScroll(text))
	dialog.ShowCustom(lang.L("Show"), lang.L("Close"), box, p.w.win)
}

// toggleRecording starts or stops recording the program to a file.
func (p *showPanel) toggleRecording() {
	if p.w.studio.Recording() != "" {
		if err := p.w.studio.StopRecording(); err != nil {
			p.w.fail(lang.L("The recording could not be finished"), err)
		} else {
			p.w.notify(lang.L("Recording saved."))
		}
	} else if path, err := p.w.studio.StartRecording(); err != nil {
		p.w.fail(lang.L("Recording could not start"), err)
	} else {
		p.w.notify(fmt.Sprintf(lang.L("Recording to %s"), path))
	}
	p.updateRecord()
}

func (p *showPanel) updateRecord() {
	if p.w.studio.Recording() != "" {
		p.record.SetText(lang.L("Stop recording"))
		p.record.Importance = widget.WarningImportance
	} else {
		p.record.SetText(lang.L("Record"))
		p.record.Importance = widget.MediumImportance
	}
	p.record.Refresh()
}

func stateName(s app.ShowState) string {
	switch s {
	case app.StatePendingAudit:
		return lang.L("Waiting for audit")
	case app.StateApproved:
		return lang.L("Approved")
	case app.StateRejected:
		return lang.L("Rejected")
	case app.StateTrial:
		return lang.L("Trial broadcast")
	case app.StateLive:
		return lang.L("Live")
	case app.StateEnded:
		return lang.L("Ended")
	default:
		return string(s)
	}
}

// maxPickerTitle is how many characters of a title the show picker shows;
// its list would otherwise grow past a laptop's screen. The selected show's
// full title is on the state row below.
const maxPickerTitle = 36

func showLabel(s app.Show) string {
	title, _ := shortTitle(s.Title)
	return fmt.Sprintf("%s · %s", title, s.StartsAt.Local().Format("01-02 15:04"))
}

// shortTitle cuts a long title to maxPickerTitle characters with an
// ellipsis; cut says whether it did.
func shortTitle(t string) (short string, cut bool) {
	r := []rune(t)
	if len(r) <= maxPickerTitle {
		return t, false
	}
	return strings.TrimSpace(string(r[:maxPickerTitle-1])) + "…", true
}

// platformChanged forgets the last platform's show and loads the new one's
// list, selecting the next show that can still run.
func (p *showPanel) platformChanged() {
	p.current, p.has = app.Show{}, false
	p.setShows(nil)
	p.state.SetText("")
	p.details.Hide()
	p.updateButtons()
	p.reload("")
}

// reload fetches the show list and selects selectID, or the studio's current show.
func (p *showPanel) reload(selectID string) {
	var shows []app.Show
	p.w.async(func(ctx context.Context) error {
		var err error
		shows, err = p.w.studio.Shows(ctx)
		return err
	}, func(err error) {
		if err != nil {
			p.w.fail(lang.L("The show list could not be loaded"), err)
			return
		}
		p.setShows(shows)
		if selectID == "" {
			if cur, ok := p.w.studio.CurrentShow(); ok {
				p.setCurrent(cur)
				return
			}
			// Nothing chosen yet: the next show that can still run is the likely one.
			for _, s := range shows {
				if !s.State.Done() {
					selectID = s.ID
					break
				}
			}
		}
		if selectID != "" {
			p.selectByID(selectID)
		}
	})
}

func (p *showPanel) setShows(shows []app.Show) {
	p.shows = shows
	opts := make([]string, len(shows))
	for i, s := range shows {
		opts[i] = showLabel(s)
	}
	p.picking = true
	p.picker.Options = opts
	if p.has {
		for i, s := range shows {
			if s.ID == p.current.ID {
				p.picker.SetSelectedIndex(i)
			}
		}
	}
	p.picker.Refresh()
	p.picking = false
}

func (p *showPanel) selectByID(id string) {
	for i, s := range p.shows {
		if s.ID == id {
			p.picker.SetSelectedIndex(i) // calls onPick
			return
		}
	}
}

func (p *showPanel) onPick(string) {
	if p.picking {
		return
	}
	i := p.picker.SelectedIndex()
	if i < 0 || i >= len(p.shows) {
		return
	}
	s := p.shows[i]
	if p.has && s.ID == p.current.ID {
		return
	}
	if p.has && p.current.State.OnAir() {
		p.w.notify(lang.L("End the current broadcast before switching shows."))
		p.setShows(p.shows)
		return
	}
	p.setCurrent(s)
	p.w.async(func(ctx context.Context) error {
		return p.w.studio.SelectShow(ctx, s.ID)
	}, func(err error) {
		p.w.fail(lang.L("The show could not be selected"), err)
	})
}

func (p *showPanel) setCurrent(s app.Show) {
	p.current, p.has = s, true
	for i := range p.shows {
		if p.shows[i].ID == s.ID {
			p.shows[i] = s
			p.picking = true
			p.picker.Options[i] = showLabel(s)
			p.picker.SetSelectedIndex(i)
			p.picking = false
		}
	}
	text := stateName(s.State)
	if why := rejectReason(s); why != "" {
		text += ": " + why
	}
	_, cut := shortTitle(s.Title)
	if cut {
		text = s.Title + " · " + text
	}
	p.state.SetText(text)
	if cut || rejectReason(s) != "" {
		p.details.Show()
	} else {
		p.details.Hide()
	}
	p.updateButtons()
}

func (p *showPanel) stateChanged(e app.ShowStateChanged) {
	known := false
	for _, s := range p.shows {
		if s.ID == e.Show.ID {
			known = true
		}
	}
	if !known && e.Show.ID != "" {
		p.shows = append([]app.Show{e.Show}, p.shows...)
		p.setShows(p.shows)
	}
	p.countdown = e.CountdownLeft
	if e.Show.ID != "" {
		p.setCurrent(e.Show)
	}
	p.updateButtons()
}

func (p *showPanel) updateButtons() {
	counting := p.countdown > 0
	enable := func(b *widget.Button, on bool) {
		if on && !p.busy && !counting {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	// The studio's rule: a trial or a live show whose picture stopped (a
	// failed connect, a studio reopened mid-show) can be resumed with the
	// same button.
	can := func(a app.Action) bool { return p.has && p.current.State.Can(a, p.w.studio.OnAir()) }
	enable(p.trial, can(app.ActionStartTrial))
	enable(p.live, can(app.ActionGoLive))
	enable(p.end, can(app.ActionEnd))
	if counting {
		p.cancel.Show()
		p.cancel.Enable()
	} else {
		p.cancel.Hide()
	}
}

func (p *showPanel) setElapsed(d time.Duration) {
	if !p.has || !p.current.State.OnAir() {
		d = 0
	}
	s := int(d / time.Second)
	txt := fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
	if p.elapsed.Text != txt {
		p.elapsed.SetText(txt)
	}
}

// rejectReason is why the platform rejected the show, in the user's
// language when the platform said it with a code the studio knows.
func rejectReason(s app.Show) string {
	if s.State != app.StateRejected {
		return ""
	}
	if m := app.RejectReason(s); m != nil {
		return errText(m)
	}
	return s.RejectReason
}

// explainNotReady tells why a start is not possible now, in the user's words.
func (p *showPanel) explainNotReady() bool {
	if !p.has {
		p.w.notify(lang.L("Create or pick a show first."))
		return true
	}
	switch p.current.State {
	case app.StatePendingAudit:
		p.w.notify(lang.L("The show is waiting for the platform's audit; it can start once approved."))
		return true
	case app.StateRejected:
		p.w.notify(lang.L("The platform rejected this show: change the title and create it again."))
		return true
	case app.StateEnded:
		p.w.notify(lang.L("This show has ended: create a new one."))
		return true
	}
	return p.busy || p.countdown > 0
}

func (p *showPanel) startTrial() {
	if p.explainNotReady() || !p.current.State.Can(app.ActionStartTrial, p.w.studio.OnAir()) {
		return
	}
	p.run(p.w.studio.StartTrial, lang.L("The trial could not start"))
}

func (p *showPanel) goLive() {
	if p.explainNotReady() || !p.current.State.Can(app.ActionGoLive, p.w.studio.OnAir()) {
		return
	}
	start := func() { p.run(p.w.studio.GoLive, lang.L("The show could not go live")) }
	// A recorded picture in place of a live host breaks the platforms' rules.
	if p.w.sources.kind == app.SourceImage {
		p.w.confirm(lang.L("Go live"), lang.L("The main picture is a still image, not a live host. Platforms end such shows. Go live anyway?"), start)
		return
	}
	start()
}

func (p *showPanel) endShow() {
	if !p.has {
		return
	}
	if p.countdown > 0 {
		p.w.studio.CancelCountdown()
		return
	}
	switch p.current.State {
	case app.StateTrial:
		p.run(p.w.studio.EndShow, lang.L("The trial could not end"))
	case app.StateLive, app.StateApproved:
		p.w.confirm(lang.L("End the show"), lang.L("End the show for every viewer? It cannot go live again."), func() {
			p.run(p.w.studio.EndShow, lang.L("The show could not end"))
		})
	}
}

func (p *showPanel) run(f func(context.Context) error, what string) {
	p.busy = true
	p.updateButtons()
	p.w.async(f, func(err error) {
		p.busy = false
		p.updateButtons()
		p.w.fail(what, err)
	})
}

// newShowDialog asks for a title, a start and a duration. The start defaults
// to now so a rehearsal can begin at once; the platform books at most 4 h.
func (p *showPanel) newShowDialog() {
	title := widget.NewEntry()
	title.SetPlaceHolder(lang.L("e.g. Autumn new arrivals"))
	start := widget.NewEntry()
	start.SetText(p.w.clk.Now().Add(time.Minute).Format("2006-01-02 15:04"))
	dur := widget.NewSelectEntry([]string{"30", "60", "120", "180", "240"})
	dur.SetText("120")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Title"), title),
		widget.NewFormItem(lang.L("Starts at"), start),
		widget.NewFormItem(lang.L("Duration (minutes)"), dur),
	}
	// The show's products: the catalogue, all ticked, in link order (the
	// running order, which the product window can change later).
	catalogue, err := p.w.studio.Catalogue()
	if err != nil {
		p.w.fail(lang.L("The catalogue could not be read"), err)
	}
	var picks *widget.CheckGroup
	labelID := map[string]string{}
	if len(catalogue) > 0 {
		var labels []string
		for _, pr := range catalogue {
			l := fmt.Sprintf(lang.L("Link %d · %s"), pr.LinkNo, pr.Title)
			labels = append(labels, l)
			labelID[l] = pr.ID
		}
		picks = widget.NewCheckGroup(labels, nil)
		picks.SetSelected(labels)
		list := container.NewVScroll(picks)
		list.SetMinSize(fyne.NewSize(380, 150))
		items = append(items, widget.NewFormItem(lang.L("Products"), list))
	} else {
		items = append(items, widget.NewFormItem(lang.L("Products"), widget.NewLabel(lang.L("None yet: Studio › Import products (CSV)…"))))
	}
	var d dialog.Dialog
	submit := func(ok bool) {
		if !ok {
			return
		}
		t, err := parseNewShow(title.Text, start.Text, dur.Text)
		if err != nil {
			p.w.fail(lang.L("The show was not created"), err)
			return
		}
		plan := app.ShowPlan{Title: t.title, Starts: t.start, Duration: t.dur}
		if picks != nil {
			plan.ProductIDs = []string{}
			for _, pr := range catalogue {
				for _, l := range picks.Selected {
					if labelID[l] == pr.ID {
						plan.ProductIDs = append(plan.ProductIDs, pr.ID)
					}
				}
			}
		}
		var s app.Show
		p.w.async(func(ctx context.Context) error {
			var err error
			s, err = p.w.studio.PlanShow(ctx, plan)
			return err
		}, func(err error) {
			if err != nil {
				p.w.fail(lang.L("The show was not created"), err)
				return
			}
			p.w.notify(fmt.Sprintf(lang.L("Show \"%s\" created; the platform is auditing it."), s.Title))
			p.reload(s.ID)
		})
	}
	p.newForm = &newShowForm{title: title, start: start, dur: dur, picks: picks, submit: submit}
	d = dialog.NewForm(lang.L("New show"), lang.L("Create"), lang.L("Cancel"), items, submit, p.w.win)
	// Enter in the title creates the show: the quickest path for a rehearsal.
	title.OnSubmitted = func(string) {
		hideFocused(p.w.win, d)
		submit(true)
	}
	d.Resize(fyne.NewSize(520, 440))
	d.Show()
	p.w.win.Canvas().Focus(title)
}

// newShowForm is the open New show dialog's fields, kept for tests.
type newShowForm struct {
	title, start *widget.Entry
	dur          *widget.SelectEntry
	picks        *widget.CheckGroup
	submit       func(bool)
}

type newShow struct {
	title string
	start time.Time
	dur   time.Duration
}

var errNewShow = errors.New("check the new show's fields")

func parseNewShow(title, start, minutes string) (newShow, error) {
	var n newShow
	n.title = strings.TrimSpace(title)
	if n.title == "" {
		return n, fmt.Errorf("%w: %s", errNewShow, lang.L("the title is empty"))
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(start), time.Local)
	if err != nil {
		return n, fmt.Errorf("%w: %s", errNewShow, lang.L("write the start as 2006-01-02 15:04"))
	}
	n.start = t
	m, err := strconv.Atoi(strings.TrimSpace(minutes))
	if err != nil || m < 1 || m > 240 {
		return n, fmt.Errorf("%w: %s", errNewShow, lang.L("the duration is 1 to 240 minutes"))
	}
	n.dur = time.Duration(m) * time.Minute
	return n, nil
}
