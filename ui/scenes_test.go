package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

func TestCtrlDigitSwitchesScene(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	layout := func() app.Layout {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return fs.layout
	}
	typeShortcut(h, keyScenes[1])
	h.waitFor("Ctrl+2 to put the picture-in-picture on", func() bool { return layout() == app.LayoutPiP })
	typeShortcut(h, keyScenes[2])
	h.waitFor("Ctrl+3 to put side by side on", func() bool { return layout() == app.LayoutSide })
	h.waitFor("the third scene's button to show it is on air", func() bool {
		return h.w.scenes.buttons[2].Importance == widget.HighImportance && h.w.scenes.buttons[0].Importance != widget.HighImportance
	})
	typeShortcut(h, keyScenes[0])
	h.waitFor("Ctrl+1 to go back to full", func() bool { return layout() == app.LayoutFull })
	// A click on a scene's button does the same.
	test.Tap(h.w.scenes.buttons[1])
	h.waitFor("a click to put the picture-in-picture on", func() bool { return layout() == app.LayoutPiP })
}

// TestEditScenesInTheWindow: the host opens the scene list, adds the picture
// on air as a scene (an empty name and a taken one are refused with the
// reason), moves it up, renames it, puts it on air with the Ctrl+digit of
// its new place, and deletes it while it is on air.
func TestEditScenesInTheWindow(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	r := h.w.scenes
	names := func() string {
		var out []string
		for _, b := range r.buttons {
			out = append(out, b.Text)
		}
		return strings.Join(out, ",")
	}
	if got := names(); got != "1 Full,2 Picture in picture,3 Side by side" {
		t.Fatalf("scene buttons %q", got)
	}
	test.Tap(r.edit)
	if r.editor == nil {
		t.Fatal("Edit did not open the scene list")
	}
	test.Tap(r.editor.add)
	f := r.form
	if f == nil || h.w.win.Canvas().Focused() != f.name {
		t.Fatal("Add did not open a form with the name to type")
	}
	submit := func(name string) {
		f.name.SetText("")
		test.Type(f.name, name)
		f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	submit("   ")
	if f.problem.Text != "A scene needs a name." || r.form != f {
		t.Fatalf("an empty name: %q", f.problem.Text)
	}
	submit("full")
	if !strings.Contains(f.problem.Text, "already a scene named “Full”") {
		t.Fatalf("a taken name: %q", f.problem.Text)
	}
	// Off: the bulletin. The layout stays the one on air.
	f.overlays.SetSelected([]string{"Product card", "Comment on the picture"})
	submit("Close-up")
	h.waitFor("the new scene's button", func() bool { return names() == "1 Full,2 Picture in picture,3 Side by side,4 Close-up" })
	if r.form != nil {
		t.Error("the form stayed open after saving")
	}
	sc := fs.Scenes()[3]
	if sc.Layout != "full" || sc.Overlays[app.OverlayBulletin] || !sc.Overlays[app.OverlayProductCard] {
		t.Errorf("the added scene %+v", sc)
	}
	if r.editor.selected != 3 {
		t.Fatalf("the list selects %d, want the new scene", r.editor.selected)
	}
	test.Tap(r.editor.up)
	h.waitFor("the scene one place up", func() bool { return names() == "1 Full,2 Picture in picture,3 Close-up,4 Side by side" })
	test.Tap(r.editor.rename)
	if r.form == nil || r.form.name.Text != "Close-up" {
		t.Fatal("Rename did not open the form with the name")
	}
	f = r.form
	submit("近景讲解")
	h.waitFor("the renamed button", func() bool { return names() == "1 Full,2 Picture in picture,3 近景讲解,4 Side by side" })

	typeShortcut(h, keyScenes[2])
	h.waitFor("Ctrl+3 to put the moved scene on air", func() bool {
		cur, _ := fs.CurrentScene()
		return cur.Name == "近景讲解" && r.buttons[2].Importance == widget.HighImportance
	})
	if r.editor.selected != 2 {
		t.Fatalf("the list selects %d", r.editor.selected)
	}
	test.Tap(r.editor.del) // the harness answers the confirmation
	h.waitFor("the scene below on air in place of the deleted one", func() bool {
		cur, _ := fs.CurrentScene()
		return names() == "1 Full,2 Picture in picture,3 Side by side" && cur.Name == "Side by side" &&
			r.buttons[2].Importance == widget.HighImportance
	})
	var menu []string
	for _, m := range h.w.win.MainMenu().Items {
		if m.Label == "Scenes" {
			for _, it := range m.Items {
				menu = append(menu, it.Label)
			}
		}
	}
	if strings.Join(menu, ",") != "Full,Picture in picture,Side by side,,Edit scenes…" {
		t.Errorf("the Scenes menu %q", menu)
	}
}
