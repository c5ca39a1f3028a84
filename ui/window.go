package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/internal/clock"
)

// windowConfig: Dispatch runs a function on the UI thread (fyne.Do unless a
// test drives the window from its own goroutine).
type windowConfig struct {
	App      fyne.App
	Studio   Studio
	Dispatch func(func())
	Logf     func(string, ...any)
	// Trace, if set, gets timings: comment-to-screen latency per batch.
	Trace func(string, ...any)
	// OnFirstFrame is called once, on the UI thread, when the preview first shows a frame.
	OnFirstFrame func()
	// Clock paces the preview and stamps notices; default the wall clock.
	Clock clock.Clock
	// ToolkitPreview has the toolkit draw the preview and the meter even
	// where they could have windows of their own (directViews).
	ToolkitPreview bool
}

// studioWindow is the anchor's main window: preview and sources on the
// left, the comments on the right, show controls on top, health below.
type studioWindow struct {
	cfg    windowConfig
	studio Studio
	clk    clock.Clock
	app    fyne.App
	win    fyne.Window
	pump   *pump
	ctx    context.Context
	cancel context.CancelFunc

	preview  *previewPanel
	sources  *sourcesPanel
	scenes   *scenesRow
	show     *showPanel
	health   *healthBar
	share    *sharePanel
	comments *commentsPanel
	status   *widget.Label
	// held is an earlier warning or error still fresh when a newer notice
	// came; heldAt is when it was shown.
	held   *widget.Label
	heldAt time.Time
	// notices holds status and held on one line of constant height.
	notices *fyne.Container
	side    sideWindows
	// direct draws the preview and the meter beside the toolkit (direct.go).
	direct directViews
	report *reportView // the last report shown
	anchor string      // the last anchor level shown
	// counters are the latest online, likes, orders and revenue (for the data screen).
	counters app.Counters
	// lastImport is the summary of the last CSV import, as shown.
	lastImport string

	// confirm asks before something that cannot be undone; tests replace it.
	confirm func(title, message string, ok func())

	firstFrame bool
	lastNotice time.Time
	// preview rate and window repaints over the last trace period
	traceFrames   int
	traceSince    time.Time
	probe         *repaintProbe
	traceRepaints int64
}

func newStudioWindow(cfg windowConfig) *studioWindow {
	if cfg.Dispatch == nil {
		cfg.Dispatch = fyne.Do
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.Trace == nil {
		cfg.Trace = func(string, ...any) {}
	}
	cfg.Clock = clock.OrReal(cfg.Clock)
	ctx, cancel := context.WithCancel(context.Background())
	w := &studioWindow{cfg: cfg, studio: cfg.Studio, app: cfg.App, ctx: ctx, cancel: cancel, clk: cfg.Clock}
	w.win = cfg.App.NewWindow("Showcaster")
	w.confirm = w.askConfirm
	w.pump = newPump(pumpConfig{Studio: cfg.Studio, Dispatch: cfg.Dispatch, Apply: w.apply, Clock: cfg.Clock})

	w.status = widget.NewLabel("")
	w.status.Truncation = fyne.TextTruncateEllipsis
	w.held = widget.NewLabel("")
	w.held.Truncation = fyne.TextTruncateEllipsis
	w.held.Hide()
	w.direct.w = w
	w.preview = newPreviewPanel(w)
	w.scenes = newScenesRow(w)
	w.sources = newSourcesPanel(w)
	w.show = newShowPanel(w)
	w.health = newHealthBar()
	w.share = newSharePanel(w)
	w.comments = newCommentsPanel(w)

	left := container.NewBorder(nil, container.NewVBox(w.sources.content(), w.share.content()), nil, nil, w.preview.content())
	split := container.NewHSplit(left, w.comments.content())
	split.Offset = 0.6
	// The notices share one line (a held warning beside the newest), which
	// keeps its height whether they are empty or not: the comment buttons
	// above never move under the host's pointer as notices come and go.
	line := canvas.NewRectangle(color.Transparent)
	line.SetMinSize(fyne.NewSize(0, widget.NewLabel("Xg").MinSize().Height))
	w.notices = container.NewGridWithColumns(2, w.held, w.status)
	w.probe = newRepaintProbe()
	bottom := container.NewVBox(w.health.content(), container.NewStack(line, w.notices, w.probe))
	w.win.SetContent(container.NewBorder(w.show.content(), bottom, nil, nil, split))
	w.win.SetMainMenu(w.mainMenu())
	w.addShortcuts()
	// A laptop screen: the window's content asks for less (TestWindowFitsALaptop).
	w.win.Resize(fyne.NewSize(1280, 720))
	return w
}

// start begins pulling events and frames, and loads the show list.
func (w *studioWindow) start() {
	go w.pump.Run(w.ctx)
	w.sources.reload()
	w.show.reload("")
}

func (w *studioWindow) stop() {
	w.cancel()
	w.direct.close()
}

// async runs f off the UI thread; done gets its error back on the UI thread
// through the pump, the window's only way in from other goroutines.
func (w *studioWindow) async(f func(context.Context) error, done func(error)) {
	go func() {
		ctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
		defer cancel()
		err := f(ctx)
		if done != nil {
			w.pump.Post(func() { done(err) })
		}
	}()
}

// notify puts an information line in the status bar.
func (w *studioWindow) notify(text string) { w.setStatus(text, widget.MediumImportance) }

// notifyWarning tells of something the user should know and act on; it
// stays as long as an error.
func (w *studioWindow) notifyWarning(text string) {
	w.cfg.Logf("notice: %s", text)
	w.setStatus(text, widget.WarningImportance)
}

// setStatus shows the newest notice. A warning or error still fresh is not
// pushed out by the next notice: it moves to the line above until it fades.
func (w *studioWindow) setStatus(text string, imp widget.Importance) {
	now := w.clk.Now()
	if text != "" && w.status.Text != "" && w.status.Text != text && urgent(w.status.Importance) &&
		clock.Since(w.clk, w.lastNotice) < noticeKeep(w.status.Importance) {
		w.held.Importance = w.status.Importance
		w.held.SetText(w.status.Text)
		w.held.Show()
		w.notices.Refresh() // lay the line out again: two notices side by side
		w.heldAt = w.lastNotice
	}
	w.status.Importance = imp
	w.status.SetText(text)
	w.lastNotice = now
}

func urgent(imp widget.Importance) bool {
	return imp == widget.DangerImportance || imp == widget.WarningImportance
}

// noticeKeep is how long a notice stays: news fades soon so a stale one does
// not read as news; warnings and errors stay longer.
func noticeKeep(imp widget.Importance) time.Duration {
	if urgent(imp) {
		return 30 * time.Second
	}
	return 10 * time.Second
}

// fail tells the user what failed and why; the errors from app already say
// what to do.
func (w *studioWindow) fail(what string, err error) {
	if err == nil {
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	w.cfg.Logf("%s: %v", what, err)
	w.setStatus(fmt.Sprintf("%s: %s", what, errText(err)), widget.DangerImportance)
}

// apply runs on the UI thread once per pump tick.
func (w *studioWindow) apply(b *batch) {
	comments := false
	added := 0
	var newest time.Time
	for _, ev := range b.events {
		switch e := ev.(type) {
		case app.CommentReceived:
			if w.comments.addComment(e.Comment) {
				comments = true
				added++
				if e.Comment.At.After(newest) {
					newest = e.Comment.At
				}
			}
		case app.ReplySent:
			at := e.Reply.At
			if at.IsZero() {
				at = b.at
			}
			w.comments.addReply(e.Reply, at)
			comments = true
		case app.ViewerModerated:
			w.comments.setStanding(e.ViewerID, e.Standing)
			comments = true
		case app.Counters:
			w.comments.setCounters(e)
			w.counters = e
			if w.side.data != nil {
				w.side.data.apply(e, w)
			}
		case app.SettingsRepaired:
			// The repaired values are the ones in force: store them, so the
			// next start does not meet the same problem.
			saveSettings(w.app.Preferences(), e.Settings)
			w.notifyWarning(repairedText(e.Changes))
		case app.ShowStateChanged:
			w.comments.showChanged(e.Show.ID)
			if e.CountdownLeft == 0 && e.Show.State != w.show.current.State {
				w.notify("") // a refusal of the last state no longer applies
			}
			// The operator's next step after the show: its figures.
			if e.Show.State == app.StateEnded && w.show.current.State == app.StateLive && e.Show.ID == w.show.current.ID {
				w.openReport()
			}
			w.show.stateChanged(e)
			w.preview.setCountdown(e.CountdownLeft)
			if e.CountdownLeft > 0 {
				w.cfg.Trace("countdown: %d over the preview", e.CountdownLeft)
			}
			w.preview.setState(e.Show.State)
			if u := e.ViewerURL; u != w.share.url {
				w.share.update(u)
				if u != "" {
					w.cfg.Logf("viewer link: %s", u)
				}
			}
		case app.OutputStopped:
			w.health.stopped(e.Err)
			w.show.updateButtons()
			if e.Err != nil {
				w.fail(lang.L("Publishing stopped"), e.Err)
			}
		case app.Reconnecting:
			w.health.reconnecting(e)
		case app.DestinationsUpdate:
			w.health.destinations(e)
		case app.Notice:
			switch {
			case e.Err != nil && e.Msg != nil:
				// The failure goes to the log; the user reads what to do.
				w.cfg.Logf("%s: %v", lang.L("Notice"), e.Err)
				w.setStatus(errText(e.Msg), widget.DangerImportance)
			case e.Err != nil:
				w.fail(lang.L("Notice"), e.Err)
			case e.Msg != nil:
				w.notify(errText(e.Msg))
			default:
				w.notify(e.Text)
			}
			w.applySide(e)
		case app.OrderReceived:
			// The host hears of every order in the feed, and may thank the buyer.
			w.comments.social.add(orderLine(e))
			w.applySide(e)
		case app.ProductOnAir, app.ProductsChanged, app.BulletinChanged, app.ToolkitChanged:
			w.applySide(e)
		case app.ScenesChanged:
			w.scenes.set(e.Scenes, e.Current)
			w.win.SetMainMenu(w.mainMenu()) // the Scenes menu lists them
		case app.SocialReceived:
			w.comments.social.add(e.Line)
		case app.SessionNote:
			if e.Warning {
				w.notifyWarning(errText(e.Msg))
			} else {
				w.notify(errText(e.Msg))
			}
		}
	}
	if b.dropped > 0 {
		w.comments.dropped += b.dropped
	}
	if comments {
		w.comments.refresh()
	}
	if added > 0 {
		w.cfg.Trace("comments: %d on screen, the newest %d ms after it was posted (batch waited %d ms)",
			added, clock.Since(w.clk, newest).Milliseconds(), clock.Since(w.clk, b.at).Milliseconds())
	}
	if b.stats != nil {
		w.health.update(*b.stats)
	}
	if b.level != nil {
		w.sources.setLevel(b.level.Peak)
	} else {
		w.sources.setLevel(-1)
	}
	if b.frame != nil {
		w.preview.setFrame(b.frame)
		w.traceFrames++
		if since := clock.Since(w.clk, w.traceSince); since >= 5*time.Second {
			repaints := w.probe.repaints()
			if !w.traceSince.IsZero() {
				w.cfg.Trace("preview: %.1f frames/s shown, the window repainted %.1f times/s",
					float64(w.traceFrames)/since.Seconds(), float64(repaints-w.traceRepaints)/since.Seconds())
			}
			w.traceFrames, w.traceSince, w.traceRepaints = 0, w.clk.Now(), repaints
		}
		if !w.firstFrame {
			w.firstFrame = true
			if w.cfg.OnFirstFrame != nil {
				w.cfg.OnFirstFrame()
			}
		}
	}
	if b.elapsed > 0 || b.frame != nil {
		w.show.setElapsed(b.elapsed)
	}
	for _, f := range b.done {
		f()
	}
	// The preview and the meter, where they may be drawn now.
	w.direct.tick()
	// Notices fade (noticeKeep).
	if !w.lastNotice.IsZero() && clock.Since(w.clk, w.lastNotice) > noticeKeep(w.status.Importance) {
		w.status.SetText("")
		w.lastNotice = time.Time{}
	}
	if w.held.Visible() && clock.Since(w.clk, w.heldAt) > noticeKeep(w.held.Importance) {
		w.held.SetText("")
		w.held.Hide()
		w.notices.Refresh()
	}
}

// hideFocused closes a dialog whose entry may still have the keyboard
// (Enter in it submitted the form): the entry is unfocused first. Fyne does
// not unfocus an entry whose dialog goes away, and its cursor then blinks
// unseen for good, repainting the whole window eight times a second.
func hideFocused(win fyne.Window, d dialog.Dialog) {
	win.Canvas().Unfocus()
	d.Hide()
}

// askConfirm asks before something that cannot be undone. The title names
// the action, and so does the button that does it ("End the show" /
// "Cancel", never "Yes" / "No").
func (w *studioWindow) askConfirm(title, message string, ok func()) {
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, title, lang.L("Cancel"), msg, func(yes bool) {
		if yes {
			ok()
		}
	}, w.win)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
}
