package ui

import (
	"testing"

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
	if h.w.sources.layout.Selected != h.w.sceneActions()[2].label {
		t.Errorf("the layout shows %q after Ctrl+3", h.w.sources.layout.Selected)
	}
	typeShortcut(h, keyScenes[0])
	h.waitFor("Ctrl+1 to go back to full", func() bool { return layout() == app.LayoutFull })
}
