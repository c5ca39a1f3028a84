package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// The go-live flow against the real studio: its embedded platform audits
// the new show, the 3-2-1 countdown runs on the studio's clock, the trial
// publishes to the platform over WHIP, and the formal broadcast follows.
func TestGoLiveWithTheRealStudio(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes for several seconds")
	}
	st, err := app.NewStudio(app.StudioConfig{
		DataDir: t.TempDir(), PlatformAddr: "127.0.0.1:0", AuditDelay: 300 * time.Millisecond,
		NoDevices: true, Logf: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := st.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := newHarness(t, st)
	sp := h.w.show
	h.waitFor("the first preview frame", func() bool { return h.w.preview.frames > 0 })

	test.Tap(sp.create)
	title, ok := h.w.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatal("the new-show dialog does not focus its title")
	}
	test.Type(title, "真机试播")
	title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.waitFor("the audit", func() bool { return sp.has && sp.current.Title == "真机试播" && sp.current.State == "approved" })

	seen := map[int]bool{}
	watch := func(what string, state app.ShowState) {
		h.t.Helper()
		h.waitFor(what, func() bool {
			if sp.countdown > 0 {
				seen[sp.countdown] = true
			}
			return sp.countdown == 0 && sp.current.State == state
		})
	}
	typeShortcut(h, keyTrial)
	watch("the trial", "trial")
	if fmt.Sprint(seen) != "map[1:true 2:true 3:true]" {
		t.Errorf("countdown showed %v", seen)
	}
	if !strings.Contains(h.w.share.url, "key=") || h.w.share.qr.Image == nil {
		t.Errorf("trial link %q: want the keyed trial link and its QR code", h.w.share.url)
	}
	h.waitFor("publishing stats", func() bool { return h.w.health.last.State == app.StreamLive && h.w.health.last.FPS > 0 })

	typeShortcut(h, keyEnd)
	watch("the trial's end", "approved")
	clear(seen)
	typeShortcut(h, keyGoLive)
	watch("the formal broadcast", "live")
	if !seen[3] || !strings.Contains(h.w.preview.badge.Text, "LIVE") {
		t.Errorf("countdown %v, badge %q", seen, h.w.preview.badge.Text)
	}
	typeShortcut(h, keyEnd) // the harness confirms
	watch("the end", "ended")
	if !sp.live.Disabled() || !sp.trial.Disabled() {
		t.Error("an ended show can start again")
	}
}
