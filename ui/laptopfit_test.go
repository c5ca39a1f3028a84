package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

// TestWindowFitsALaptop: in Chinese and in English, with a long rejection
// reason and long show titles, nothing in the studio window asks for more
// than a 1280x720 screen.
func TestWindowFitsALaptop(t *testing.T) {
	for _, code := range []string{"zh", "en"} {
		t.Run(code, func(t *testing.T) {
			t.Setenv("LANGUAGE", code)
			if err := setupLanguage(code); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { setupLanguage("en") })
			fs := newFakeStudio()
			long := strings.Repeat("超长标题Long title ", 8)
			reason := strings.Repeat("商品描述与实物不符，请修改后重新提交审核。", 10)
			fs.shows = []app.Show{
				{ID: "s1", Title: long, StartsAt: time.Now(), DurationMin: 60, State: app.StateRejected, RejectReason: reason},
				{ID: "s2", Title: long + "2", StartsAt: time.Now(), DurationMin: 60, State: app.StateApproved},
			}
			fs.current = "s1"
			h := newHarness(t, fs)
			h.waitFor("the rejected show with its reason", func() bool {
				return strings.Contains(h.w.show.state.Text, reason[:20])
			})
			h.w.notifyWarning(reason)
			h.w.notify(reason)
			h.settle(50 * time.Millisecond)
			min := h.w.win.Content().MinSize()
			if min.Width > 1280 || min.Height > 720 {
				t.Errorf("the window needs %v, more than 1280x720", min)
				for name, o := range map[string]fyne.CanvasObject{
					"show bar": h.w.show.content(), "sources": h.w.sources.content(), "share": h.w.share.content(),
					"comments": h.w.comments.content(), "health": h.w.health.content(), "preview": h.w.preview.content(),
				} {
					t.Logf("%s: %v", name, o.MinSize())
				}
			}
			t.Logf("%s: window minimum %v", code, min)
			// What is cut short on screen is whole behind Details.
			if st := h.w.show.state.Text; !strings.Contains(st, reason) || !strings.Contains(st, long) {
				t.Errorf("the state row reads %q; want the full title and reason", st)
			}
			if !h.w.show.details.Visible() {
				t.Error("no Details button for a cut-short state row")
			}
			// The settings dialog fits too, in either language.
			h.w.showSettingsDialog(nil)
			if m := h.w.win.Canvas().Overlays().Top().MinSize(); m.Width > 1280 || m.Height > 720 {
				t.Errorf("the settings dialog needs %v, more than 1280x720", m)
			} else {
				t.Logf("%s: settings dialog minimum %v", code, m)
			}
			h.w.win.Canvas().Overlays().Top().Hide()
			h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
			test.Tap(h.w.show.details)
			if h.w.win.Canvas().Overlays().Top() == nil {
				t.Error("Details opened nothing")
			}
			for _, o := range h.w.show.picker.Options {
				if w := fyne.MeasureText(o, 14, fyne.TextStyle{}).Width; w > 600 {
					t.Errorf("the picker offers %q, %.0f px wide", o, w)
				}
			}
		})
	}
}
