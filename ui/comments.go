package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// commentsPanel is the live comment list with the reply and moderation
// actions for the selected comment, and the room's counters above it.
type commentsPanel struct {
	w      *studioWindow
	log    *commentLog
	social *socialStrip

	list     *widget.List
	follow   *widget.Check
	online   *widget.Label
	likes    *widget.Label
	orders   *widget.Label
	selected *widget.Label
	entry    *widget.Entry

	replyPublic, replyPrivate *widget.Button
	onAir, offAir             *widget.Button
	mute, block               *widget.Button

	sel      app.Comment
	hasSel   bool
	selRow   int // the list row selected; rows move as answers go in above it
	onAirID  string
	dropped  int
	counters app.Counters
	// A reply this window sends comes back twice: as the call's answer and
	// as the platform's event, in either order. sending counts replies in
	// flight, early counts events that beat their call's answer, and echoes
	// counts answers whose event is still to come; each copy is listed once.
	sending, early, echoes map[string]int
	// showID is the show whose comments the panel lists.
	showID string
	// standing is each muted or blocked viewer's standing in the show, as the
	// platform's moderation events say; their rows carry a mark.
	standing map[string]app.Standing
}

func newCommentsPanel(w *studioWindow) *commentsPanel {
	p := &commentsPanel{w: w, log: newCommentLog(maxComments, w.clk),
		sending: map[string]int{}, early: map[string]int{}, echoes: map[string]int{}, standing: map[string]app.Standing{}}
	p.social = newSocialStrip(w)
	p.online = widget.NewLabel("")
	p.likes = widget.NewLabel("")
	p.orders = widget.NewLabel("")
	p.setCounters(app.Counters{})

	p.list = widget.NewList(p.log.Len, newCommentItem, p.updateItem)
	p.list.OnSelected = p.onSelected
	p.list.OnUnselected = func(widget.ListItemID) { p.clearSelection() }

	p.follow = widget.NewCheck(lang.L("Follow new comments"), func(on bool) {
		if on {
			p.list.ScrollToBottom()
		}
	})
	p.follow.Checked = true // not SetChecked: the list has no scroller to move yet

	p.selected = widget.NewLabel(lang.L("Select a comment to answer it."))
	p.selected.Truncation = fyne.TextTruncateEllipsis
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("Your reply"))
	p.entry.OnSubmitted = func(string) { p.sendReply(false) }

	p.replyPublic = widget.NewButtonWithIcon(lang.L("Reply"), theme.MailReplyIcon(), func() { p.sendReply(false) })
	p.replyPublic.Importance = widget.HighImportance
	p.replyPrivate = widget.NewButtonWithIcon(lang.L("Reply privately"), theme.VisibilityOffIcon(), func() { p.sendReply(true) })
	p.onAir = widget.NewButtonWithIcon(lang.L("Show on stream"), theme.UploadIcon(), p.showOnAir)
	p.offAir = widget.NewButtonWithIcon(lang.L("Take down"), theme.CancelIcon(), p.takeDown)
	p.mute = widget.NewButtonWithIcon(lang.L("Mute viewer"), theme.VolumeMuteIcon(), p.toggleMute)
	p.block = widget.NewButtonWithIcon(lang.L("Block viewer"), theme.ErrorIcon(), p.toggleBlock)
	p.mute.Importance = widget.WarningImportance
	p.block.Importance = widget.DangerImportance
	p.updateActions()
	return p
}

func (p *commentsPanel) content() fyne.CanvasObject {
	counters := container.NewHBox(p.online, p.likes, p.orders)
	// The counters grow with the show; the follow switch has its own row so
	// they never push the panel wider.
	top := container.NewVBox(counters, p.follow)
	actions := container.NewVBox(
		p.social.box,
		p.selected,
		container.NewBorder(nil, nil, nil, container.NewHBox(p.replyPublic, p.replyPrivate), p.entry),
		container.NewGridWithColumns(2, p.onAir, p.offAir, p.mute, p.block),
	)
	return container.NewBorder(top, actions, nil, nil, p.list)
}

// commentItem is one row of the list, reused as the list scrolls.
type commentItem struct {
	widget.BaseWidget
	time, name, text *widget.Label
	badge            *widget.Label
	// mark says the viewer is muted or blocked (empty otherwise).
	mark *widget.Label
	icon *widget.Icon
}

func newCommentItem() fyne.CanvasObject {
	it := &commentItem{
		time:  widget.NewLabel("00:00:00"),
		name:  widget.NewLabel(""),
		text:  widget.NewLabel(""),
		badge: widget.NewLabel(""),
		mark:  widget.NewLabel(""),
		icon:  widget.NewIcon(nil),
	}
	it.mark.TextStyle.Bold = true
	it.name.TextStyle.Bold = true
	it.text.Truncation = fyne.TextTruncateEllipsis
	it.time.Importance = widget.LowImportance
	it.ExtendBaseWidget(it)
	return it
}

func (it *commentItem) CreateRenderer() fyne.WidgetRenderer {
	left := container.NewHBox(it.time, it.icon, it.name, it.mark)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, left, it.badge, it.text))
}

func (p *commentsPanel) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= p.log.Len() {
		return
	}
	it := o.(*commentItem)
	r := p.log.At(id)
	it.time.SetText(r.at.Local().Format("15:04:05"))
	it.mark.SetText("")
	switch r.kind {
	case rowReply:
		to := r.comment.Viewer.Name
		if to == "" {
			to = lang.L("viewer")
		}
		it.name.SetText(fmt.Sprintf(lang.L("to %s"), to))
		it.text.SetText(r.reply.Text)
		if r.reply.Private {
			it.icon.SetResource(theme.VisibilityOffIcon())
			it.badge.SetText(lang.L("private"))
			it.badge.Importance = widget.WarningImportance
		} else {
			it.icon.SetResource(theme.MailReplyIcon())
			it.badge.SetText(lang.L("public"))
			it.badge.Importance = widget.SuccessImportance
		}
	default:
		it.name.SetText(r.comment.Viewer.Name)
		it.text.SetText(r.comment.Text)
		switch p.standing[r.comment.Viewer.ID] {
		case app.StandingMuted:
			it.mark.SetText(lang.L("muted"))
			it.mark.Importance = widget.WarningImportance
		case app.StandingBlocked:
			it.mark.SetText(lang.L("blocked"))
			it.mark.Importance = widget.DangerImportance
		}
		it.icon.SetResource(nil)
		switch {
		case r.comment.Flagged:
			it.icon.SetResource(theme.WarningIcon())
			it.badge.SetText(lang.L("held back"))
			it.badge.Importance = widget.DangerImportance
		case r.onAir:
			it.icon.SetResource(theme.UploadIcon())
			it.badge.SetText(lang.L("on stream"))
			it.badge.Importance = widget.HighImportance
		case r.replied:
			it.badge.SetText(lang.L("answered"))
			it.badge.Importance = widget.LowImportance
		default:
			it.badge.SetText("")
		}
	}
	it.badge.Refresh()
	it.mark.Refresh()
}

func (p *commentsPanel) onSelected(id widget.ListItemID) {
	if id < 0 || id >= p.log.Len() {
		return
	}
	r := p.log.At(id)
	if r.kind == rowReply {
		// Answering a reply means answering the comment behind it.
		if c := p.log.Find(r.reply.CommentID); c != nil {
			r = c
		} else {
			p.clearSelection()
			return
		}
	}
	p.sel, p.hasSel = r.comment, true
	p.selRow = id
	if rid := p.log.Index(r.comment.ID); rid >= 0 {
		p.selRow = rid
	}
	p.follow.SetChecked(false) // hold the list still while the host answers
	p.selected.SetText(fmt.Sprintf("%s: %s", r.comment.Viewer.Name, r.comment.Text))
	p.updateActions()
}

func (p *commentsPanel) clearSelection() {
	p.hasSel = false
	p.sel = app.Comment{}
	p.selected.SetText(lang.L("Select a comment to answer it."))
	p.updateActions()
}

func (p *commentsPanel) updateActions() {
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(p.replyPublic, p.hasSel)
	set(p.replyPrivate, p.hasSel)
	set(p.onAir, p.hasSel && !p.sel.Flagged)
	set(p.offAir, p.onAirID != "")
	st := p.selStanding()
	// The buttons undo what is in force: a muted viewer's Mute button
	// unmutes, a blocked viewer's Block button unblocks (a block includes
	// the mute, so there is no mute to add to it).
	if st == app.StandingMuted {
		p.mute.SetText(lang.L("Unmute viewer"))
	} else {
		p.mute.SetText(lang.L("Mute viewer"))
	}
	if st == app.StandingBlocked {
		p.block.SetText(lang.L("Unblock viewer"))
	} else {
		p.block.SetText(lang.L("Block viewer"))
	}
	set(p.mute, p.hasSel && p.sel.Viewer.ID != "" && st != app.StandingBlocked)
	set(p.block, p.hasSel && p.sel.Viewer.ID != "")
}

// selStanding is the selected comment's viewer's standing.
func (p *commentsPanel) selStanding() app.Standing {
	if !p.hasSel {
		return app.StandingFree
	}
	return p.standing[p.sel.Viewer.ID]
}

func (p *commentsPanel) toggleMute() {
	switch p.selStanding() {
	case app.StandingMuted:
		p.moderate(app.ModerationUnmute)
	case app.StandingFree:
		p.moderate(app.ModerationMute)
	}
}

func (p *commentsPanel) toggleBlock() {
	if p.selStanding() == app.StandingBlocked {
		p.moderate(app.ModerationUnblock)
		return
	}
	p.moderate(app.ModerationBlock)
}

// setStanding marks a viewer's rows after a moderation event (or a call's
// answer): the mark appears on every row of theirs and goes with an undo.
func (p *commentsPanel) setStanding(viewerID string, st app.Standing) {
	if viewerID == "" || p.standing[viewerID] == st {
		return
	}
	if st == app.StandingFree {
		delete(p.standing, viewerID)
	} else {
		p.standing[viewerID] = st
	}
	p.updateActions()
}

func echoKey(r app.Reply) string {
	return fmt.Sprintf("%s\x00%t\x00%s", r.CommentID, r.Private, r.Text)
}

func (p *commentsPanel) sendReply(private bool) {
	text := strings.TrimSpace(p.entry.Text)
	if !p.hasSel {
		p.w.notify(lang.L("Select a comment to answer it."))
		return
	}
	if text == "" {
		p.w.notify(lang.L("Type a reply first."))
		return
	}
	c := p.sel
	r := app.Reply{CommentID: c.ID, Text: text, Private: private, ViewerID: c.Viewer.ID}
	k := echoKey(r)
	p.sending[k]++
	p.replyPublic.Disable()
	p.replyPrivate.Disable()
	p.w.async(func(ctx context.Context) error {
		return p.w.studio.Reply(ctx, c, text, private)
	}, func(err error) {
		p.updateActions()
		decr(p.sending, k)
		if err != nil {
			p.w.fail(lang.L("The reply was not sent"), err)
			return
		}
		if p.entry.Text == text {
			p.entry.SetText("")
		}
		if decr(p.early, k) {
			return // the platform's copy is listed already
		}
		p.echoes[k]++
		p.log.AddReply(r, p.w.clk.Now())
		p.refresh()
	})
}

func (p *commentsPanel) showOnAir() {
	if !p.hasSel {
		return
	}
	c := p.sel
	if err := p.w.studio.ShowCommentOnAir(c); err != nil {
		p.w.fail(lang.L("The comment could not go on stream"), err)
		return
	}
	p.onAirID = c.ID
	p.log.SetOnAir(c.ID)
	p.updateActions()
	p.list.Refresh()
}

func (p *commentsPanel) takeDown() {
	p.w.studio.TakeCommentOffAir()
	p.onAirID = ""
	p.log.SetOnAir("")
	p.updateActions()
	p.list.Refresh()
}

func (p *commentsPanel) moderate(action string) {
	if !p.hasSel || p.sel.Viewer.ID == "" {
		return
	}
	v := p.sel.Viewer
	do := func() {
		p.w.async(func(ctx context.Context) error {
			return p.w.studio.Moderate(ctx, v.ID, action)
		}, func(err error) {
			if err != nil {
				p.w.fail(lang.L("The viewer could not be moderated"), err)
				return
			}
			// The platform's event says the same; marking now does not wait for it.
			if st, ok := app.StandingAfter(action); ok {
				p.setStanding(v.ID, st)
				p.list.Refresh()
			}
			switch action {
			case app.ModerationMute:
				p.w.notify(fmt.Sprintf(lang.L("%s is muted: their comments are held back."), v.Name))
			case app.ModerationBlock:
				p.w.notify(fmt.Sprintf(lang.L("%s is blocked: they can no longer comment, like or buy."), v.Name))
			case app.ModerationUnmute:
				p.w.notify(fmt.Sprintf(lang.L("%s is no longer muted: their comments reach the room again."), v.Name))
			case app.ModerationUnblock:
				p.w.notify(fmt.Sprintf(lang.L("%s is unblocked: they can comment, like and buy again."), v.Name))
			}
		})
	}
	if action == app.ModerationBlock {
		p.w.confirm(lang.L("Block viewer"), fmt.Sprintf(lang.L("Block %s? They will no longer be able to comment, like or buy."), v.Name), do)
		return
	}
	do()
}

// addComments and addReply are applied by the window in the UI goroutine.
func (p *commentsPanel) addComment(c app.Comment) bool { return p.log.AddComment(c) }

// showChanged clears the panel when another show is selected: an assistant
// must never answer a comment of the last show in this one.
func (p *commentsPanel) showChanged(id string) {
	if id == "" || id == p.showID {
		return
	}
	first := p.showID == ""
	p.showID = id
	if first {
		return
	}
	p.log.Reset()
	p.list.UnselectAll()
	p.clearSelection()
	p.dropped = 0
	clear(p.standing)
	clear(p.sending)
	clear(p.early)
	clear(p.echoes)
	p.list.Refresh()
}

func (p *commentsPanel) addReply(r app.Reply, at time.Time) {
	k := echoKey(r)
	if decr(p.echoes, k) {
		return
	}
	if p.sending[k] > p.early[k] {
		p.early[k]++
	}
	p.log.AddReply(r, at)
}

// decr takes one from m[k] and reports whether there was one.
func decr(m map[string]int, k string) bool {
	if m[k] <= 0 {
		return false
	}
	if m[k]--; m[k] == 0 {
		delete(m, k)
	}
	return true
}

func (p *commentsPanel) setCounters(c app.Counters) {
	p.counters = c
	p.online.SetText(fmt.Sprintf(lang.L("Online %d"), c.Online))
	p.likes.SetText(fmt.Sprintf(lang.L("Likes %d"), c.Likes))
	p.orders.SetText(fmt.Sprintf(lang.L("Orders %d (%s)"), c.Orders, app.MoneyFigure(c.RevenueCents, "")))
}

// refresh redraws the list once per batch, however many rows arrived.
func (p *commentsPanel) refresh() {
	p.keepSelection()
	p.list.Refresh()
	if p.follow.Checked {
		p.list.ScrollToBottom()
	}
}

// keepSelection moves the list's selection with the selected comment when
// rows went in above it (an answer under an earlier comment) or the oldest
// fell off, so the host's choice never jumps to another comment.
func (p *commentsPanel) keepSelection() {
	if !p.hasSel {
		return
	}
	i := p.log.Index(p.sel.ID)
	if i < 0 || i == p.selRow {
		return
	}
	p.selRow = i
	p.list.Select(i)
}
