package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

func comment(id, viewer, text string) app.Comment {
	c := app.Comment{ID: id, Text: text, At: time.Now()}
	// Viewer's type lives in the platform package, which the window does not import.
	c.Viewer.ID, c.Viewer.Name = "v"+viewer, viewer
	return c
}

// rowText is what a list row shows, for assertions.
func rowText(p *commentsPanel, i int) string {
	it := newCommentItem().(*commentItem)
	p.updateItem(i, it)
	return strings.Join([]string{it.name.Text, it.text.Text, it.badge.Text}, " | ")
}

func TestCommentsPublicAndPrivateReply(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	p := h.w.comments

	fs.events <- app.CommentReceived{Comment: comment("c1", "小王", "1号链接还有货吗?")}
	flagged := comment("c2", "路人", "最便宜的在哪")
	flagged.Flagged = true
	fs.events <- app.CommentReceived{Comment: flagged}
	h.waitFor("two comments", func() bool { return p.log.Len() == 2 })
	if got := rowText(p, 0); !strings.Contains(got, "小王") || !strings.Contains(got, "1号链接还有货吗?") {
		t.Errorf("row 0 = %q", got)
	}
	if got := rowText(p, 1); !strings.Contains(got, "held back") {
		t.Errorf("a flagged comment shows %q, want it marked held back", got)
	}
	if !p.replyPublic.Disabled() {
		t.Error("reply is possible with no comment selected")
	}

	// Public reply.
	p.list.Select(0)
	test.Type(p.entry, "有的,马上上架")
	test.Tap(p.replyPublic)
	h.waitFor("the public reply row", func() bool { return p.log.Len() == 3 })
	// The answer sits under the comment it answers, above the later one.
	if got := rowText(p, 1); !strings.Contains(got, "有的,马上上架") || !strings.Contains(got, "public") || !strings.Contains(got, "小王") {
		t.Errorf("reply row = %q", got)
	}
	if p.entry.Text != "" {
		t.Errorf("the entry still holds %q after sending", p.entry.Text)
	}
	if got := rowText(p, 0); !strings.Contains(got, "answered") {
		t.Errorf("the answered comment shows %q", got)
	}

	// Private reply, with Enter in the entry sending a public one would be
	// wrong: the private button is the way.
	test.Type(p.entry, "私信发你优惠券")
	test.Tap(p.replyPrivate)
	h.waitFor("the private reply row", func() bool { return p.log.Len() == 4 })
	if got := rowText(p, 2); !strings.Contains(got, "私信发你优惠券") || !strings.Contains(got, "private") {
		t.Errorf("private reply row = %q, want it marked private", got)
	}

	fs.mu.Lock()
	replies := append([]app.Reply(nil), fs.replies...)
	fs.mu.Unlock()
	want := []app.Reply{
		{CommentID: "c1", Text: "有的,马上上架", Private: false, ViewerID: "v小王"},
		{CommentID: "c1", Text: "私信发你优惠券", Private: true, ViewerID: "v小王"},
	}
	if fmt.Sprint(replies) != fmt.Sprint(want) {
		t.Errorf("studio got replies %v, want %v", replies, want)
	}

	// The platform echoes both replies on the event stream; they are already
	// listed and must not appear twice. Another studio's reply does appear.
	fs.events <- app.ReplySent{Reply: want[0]}
	fs.events <- app.ReplySent{Reply: want[1]}
	fs.events <- app.ReplySent{Reply: app.Reply{CommentID: "c1", Text: "助播:已补货", ViewerID: "v小王"}}
	h.waitFor("the assistant's reply", func() bool { return p.log.Len() >= 5 })
	h.settle(50 * time.Millisecond)
	if p.log.Len() != 5 {
		t.Errorf("%d rows after the echoes, want 5", p.log.Len())
	}

	// The platform's copy may also arrive before the call returns.
	fs.mu.Lock()
	fs.echoFirst = true
	fs.mu.Unlock()
	test.Type(p.entry, "下午三点补货")
	test.Tap(p.replyPublic)
	h.waitFor("the fast echo", func() bool { return p.log.Len() >= 6 })
	h.waitFor("the answer", func() bool { return p.entry.Text == "" })
	h.settle(100 * time.Millisecond)
	if p.log.Len() != 6 {
		t.Errorf("%d rows after a reply whose event came first, want 6", p.log.Len())
	}

	// On stream and down again; mute and block reach the studio.
	p.list.Select(0)
	test.Tap(p.onAir)
	if fs.onAir != "c1" || !strings.Contains(rowText(p, 0), "on stream") {
		t.Errorf("on air = %q, row %q", fs.onAir, rowText(p, 0))
	}
	test.Tap(p.offAir)
	if fs.onAir != "" {
		t.Error("the comment stayed on air")
	}
	test.Tap(p.mute)
	test.Tap(p.block)
	h.waitFor("moderation", func() bool {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return len(fs.moderate) == 2
	})
	sort.Strings(fs.moderate)
	if got := fmt.Sprint(fs.moderate); got != "[block v小王 mute v小王]" {
		t.Errorf("moderation = %s", got)
	}
}

func TestGoLiveFlow(t *testing.T) {
	fs := newFakeStudio()
	fs.countdown = 100 * time.Millisecond
	h := newHarness(t, fs)
	sp := h.w.show

	// A new show waits for its audit: nothing can start.
	if _, err := parseNewShow("", "2026-01-01 10:00", "60"); err == nil {
		t.Error("an empty title was accepted")
	}
	// The new-show dialog: a title and Enter create a show starting now.
	test.Tap(sp.create)
	title, ok := h.w.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatal("the new-show dialog does not focus its title")
	}
	test.Type(title, "秋冬上新")
	title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.waitFor("the show selected", func() bool {
		cur, ok := fs.CurrentShow()
		return sp.has && ok && cur.ID == sp.current.ID && cur.Title == "秋冬上新"
	})
	if got := sp.state.Text; got != "Waiting for audit" {
		t.Errorf("state = %q", got)
	}
	if !sp.trial.Disabled() || !sp.live.Disabled() {
		t.Error("a show waiting for audit can start")
	}
	test.Tap(sp.live) // disabled: nothing happens
	sp.goLive()       // the shortcut path explains why instead
	if !strings.Contains(h.w.status.Text, "audit") {
		t.Errorf("status = %q, want the audit explained", h.w.status.Text)
	}

	fs.setState("approved")
	h.waitFor("approved", func() bool { return sp.current.State == "approved" })
	if sp.trial.Disabled() || sp.live.Disabled() {
		t.Fatal("an approved show cannot start")
	}

	// Trial: 3, 2, 1 on the preview, then the trial badge and a link.
	seen := map[int]bool{}
	typeShortcut(h, keyTrial)
	h.waitFor("trial", func() bool {
		if sp.countdown > 0 {
			seen[sp.countdown] = true
			if h.w.preview.count.Text != fmt.Sprint(sp.countdown) {
				t.Errorf("preview shows %q during countdown %d", h.w.preview.count.Text, sp.countdown)
			}
			if !sp.trial.Disabled() || sp.cancel.Hidden {
				t.Error("during the countdown start stays enabled or cancel is hidden")
			}
		}
		return sp.current.State == "trial"
	})
	if !seen[3] || !seen[2] || !seen[1] {
		t.Errorf("countdown showed %v, want 3, 2, 1", seen)
	}
	if h.w.preview.count.Text != "" || !strings.Contains(h.w.preview.badge.Text, "TRIAL") {
		t.Errorf("after the countdown: count %q, badge %q", h.w.preview.count.Text, h.w.preview.badge.Text)
	}
	if h.w.share.url == "" || h.w.share.qr.Image == nil {
		t.Error("no viewer link or QR code during the trial")
	}
	h.waitFor("elapsed time", func() bool { return h.w.show.elapsed.Text != "00:00:00" || fs.Elapsed() < time.Second })

	// End the trial: back to approved. Then go live from the shortcut.
	typeShortcut(h, keyEnd)
	h.waitFor("approved again", func() bool { return sp.current.State == "approved" })
	typeShortcut(h, keyGoLive)
	h.waitFor("live", func() bool { return sp.current.State == "live" })
	if !strings.Contains(h.w.preview.badge.Text, "LIVE") {
		t.Errorf("badge = %q", h.w.preview.badge.Text)
	}
	if !sp.trial.Disabled() || sp.end.Disabled() {
		t.Error("while live: trial should be off, end on")
	}

	typeShortcut(h, keyEnd) // the harness confirms
	h.waitFor("ended", func() bool { return sp.current.State == "ended" })
	if !sp.live.Disabled() || !sp.end.Disabled() {
		t.Error("an ended show can still be started or ended")
	}
}

func TestCountdownCancel(t *testing.T) {
	fs := newFakeStudio()
	fs.countdown = 200 * time.Millisecond
	h := newHarness(t, fs)
	show, _ := fs.CreateShow(nil, "取消测试", time.Now(), time.Hour)
	h.w.show.reload(show.ID)
	h.waitFor("selected", func() bool { _, ok := fs.CurrentShow(); return ok && h.w.show.has })
	fs.setState("approved")
	h.waitFor("approved", func() bool { return h.w.show.current.State == "approved" })
	h.w.show.goLive()
	h.waitFor("countdown", func() bool { return h.w.show.countdown == 3 })
	test.Tap(h.w.show.cancel)
	h.waitFor("cancelled", func() bool { return h.w.show.countdown == 0 })
	h.settle(300 * time.Millisecond)
	if st := h.w.show.current.State; st != "approved" {
		t.Errorf("after cancelling the countdown the show is %s", st)
	}
}

// typeShortcut presses k the way the desktop driver does: the main menu
// item that carries the shortcut runs.
func typeShortcut(h *harness, k fyne.Shortcut) {
	h.t.Helper()
	for _, m := range h.w.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == k.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	h.t.Fatalf("no menu item answers %s", k.ShortcutName())
}

func TestRecordButtonStartsAndStopsRecording(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	b := h.w.show.record
	test.Tap(b)
	if fs.Recording() == "" {
		t.Fatal("tapping Record did not start a recording")
	}
	if b.Text != "Stop recording" {
		t.Errorf("while recording the button reads %q, want Stop recording", b.Text)
	}
	test.Tap(b)
	if fs.Recording() != "" {
		t.Fatal("tapping Stop recording left the recording running")
	}
	if b.Text != "Record" {
		t.Errorf("after stopping the button reads %q, want Record", b.Text)
	}
}

// A live show whose picture stopped (the studio was reopened mid-show) can
// be resumed with Go live; while the picture goes out the button stays off.
func TestGoLiveResumesAStalledShow(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	fs.countdown = time.Millisecond
	show, err := fs.CreateShow(context.Background(), "续播测试", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fs.SelectShow(context.Background(), show.ID)
	fs.setState("live")
	h.waitFor("live state", func() bool { return h.w.show.current.State == "live" })
	if !h.w.show.live.Disabled() {
		t.Fatal("Go live is offered while the show's picture is going out")
	}
	fs.mu.Lock()
	fs.stalled = true
	fs.mu.Unlock()
	fs.events <- app.OutputStopped{Err: errors.New("connection refused")}
	h.waitFor("Go live offered again", func() bool { return !h.w.show.live.Disabled() })
	test.Tap(h.w.show.live)
	h.waitFor("the picture back on air", func() bool { return fs.OnAir() })
}

// Ending a live show opens its report: the figures the operator reviews.
func TestEndingTheLiveShowOpensItsReport(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	show, err := fs.CreateShow(context.Background(), "报告测试", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fs.SelectShow(context.Background(), show.ID)
	fs.setState("live")
	h.waitFor("live state", func() bool { return h.w.show.current.State == "live" })
	fs.setState("ended")
	h.waitFor("the report", func() bool { return h.w.report != nil })
	for key, want := range map[string]string{"viewers": "120", "peak": "87", "orders": "9", "buyers": "7", "revenue": "¥891.00", "minutes": "42"} {
		if got := h.w.report.values[key].Text; got != want {
			t.Errorf("report %s = %q, want %q", key, got, want)
		}
	}
}

// A new show starts with an empty comment panel: an assistant must never
// answer the last show's viewers in this one.
func TestNewShowClearsTheComments(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	p := h.w.comments
	fs.events <- app.ShowStateChanged{Show: app.Show{ID: "s1", Title: "上一场", State: app.StateLive}}
	fs.events <- app.CommentReceived{Comment: comment("c1", "小王", "上一场的问题")}
	h.waitFor("the first show's comment", func() bool { return p.log.Len() == 1 })
	p.list.Select(0)

	fs.events <- app.ShowStateChanged{Show: app.Show{ID: "s2", Title: "这一场", State: app.StateApproved}}
	fs.events <- app.CommentReceived{Comment: comment("c9", "小李", "这一场的问题")}
	h.waitFor("only the new show's comment", func() bool {
		return p.log.Len() == 1 && strings.Contains(rowText(p, 0), "这一场的问题")
	})
	if !p.replyPublic.Disabled() {
		t.Error("a reply is still possible to the last show's selected comment")
	}
}

// A confirmation names its action on the button that does it.
func TestConfirmNamesItsAction(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	h.w.askConfirm("End the show", "End the show for every viewer? It cannot go live again.", func() {})
	var labels []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			labels = append(labels, b.Text)
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, k := range test.WidgetRenderer(wd).Objects() {
				walk(k)
			}
		}
	}
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	walk(top)
	if !slices.Contains(labels, "End the show") || !slices.Contains(labels, "Cancel") || slices.Contains(labels, "Yes") {
		t.Errorf("the dialog's buttons read %q; want End the show and Cancel", labels)
	}
}

// An order shows in the feed with its buyer and link, as the host says it.
func TestOrderShowsInTheFeed(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	fs.events <- app.OrderReceived{Order: app.Order{ID: "o1", ViewerID: "v7", ProductID: "p1", Qty: 1, AmountCents: 9900},
		Viewer: app.Viewer{ID: "v7", Name: "小王"}, LinkNo: 1, Title: "保温杯"}
	fs.events <- app.OrderReceived{Order: app.Order{ID: "o2", ViewerID: "v123456", ProductID: "p9", Qty: 2}, Title: "围巾"}
	h.waitFor("two order lines", func() bool { return len(h.w.comments.social.lines) == 2 })
	if got := h.w.comments.social.lines[0].Text; got != "小王 ordered link 1 × 1" {
		t.Errorf("order line %q; want the buyer and the link", got)
	}
	if got := h.w.comments.social.lines[1].Text; !strings.Contains(got, "3456") || !strings.Contains(got, "围巾") {
		t.Errorf("order line of an unnamed buyer %q; want the id's end and the title", got)
	}
}

// The comment buttons stay where the host's pointer is while notices come,
// pile up (a warning held beside a newer notice) and fade.
func TestNoticesDoNotMoveTheCommentButtons(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	reply := h.w.comments.replyPublic
	at := func() fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(reply)
	}
	before := at()
	h.w.setStatus("The platform asks to slow down: wait a few seconds and try again.", widget.WarningImportance)
	h.w.setStatus("Settings saved.", widget.MediumImportance) // the warning is held beside it
	if !h.w.held.Visible() {
		t.Fatal("a fresh warning was not held when a newer notice came")
	}
	if got := at(); got != before {
		t.Fatalf("with two notices the reply button moved from %v to %v", before, got)
	}
	// Side by side, not over each other.
	d := fyne.CurrentApp().Driver()
	if hp, sp := d.AbsolutePositionForObject(h.w.held), d.AbsolutePositionForObject(h.w.status); hp.X+h.w.held.Size().Width > sp.X {
		t.Fatalf("the held notice (x %v, width %v) overlaps the newest (x %v)", hp.X, h.w.held.Size().Width, sp.X)
	}
	h.w.held.SetText("")
	h.w.held.Hide()
	h.w.notices.Refresh()
	h.w.setStatus("", widget.MediumImportance)
	if got := at(); got != before {
		t.Fatalf("with the notices gone the reply button moved from %v to %v", before, got)
	}
}
