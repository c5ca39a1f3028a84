package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// The studio's keyboard shortcuts. Ctrl on Linux and Windows, Cmd on macOS.
var (
	keyGoLive  = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	keyTrial   = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}
	keyEnd     = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	keyMute    = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault}
	keyNext    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	keyNewShow = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	keySetting = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	keyQuit    = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	// Ctrl+1…3 switch to the first scenes: the three layouts.
	keyScenes = []*desktop.CustomShortcut{
		{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault},
	}
)

type action struct {
	label string
	key   *desktop.CustomShortcut
	run   func()
}

func (w *studioWindow) actions() []action {
	return []action{
		{lang.L("New show…"), keyNewShow, w.show.newShowDialog},
		{lang.L("Start trial"), keyTrial, w.show.startTrial},
		{lang.L("Go live"), keyGoLive, w.show.goLive},
		{lang.L("End"), keyEnd, w.show.endShow},
		{lang.L("Mute microphone"), keyMute, w.sources.toggleMute},
		{lang.L("Next product"), keyNext, w.nextProduct},
		{lang.L("Settings"), keySetting, w.openSettings},
	}
}

// mainMenu lists every action with its shortcut, so the keys can be found.
func (w *studioWindow) mainMenu() *fyne.MainMenu {
	item := func(a action) *fyne.MenuItem {
		it := fyne.NewMenuItem(a.label, a.run)
		it.Shortcut = a.key
		return it
	}
	acts := w.actions()
	// Quit closes the window the normal way, so the studio shuts down cleanly.
	quit := fyne.NewMenuItem(lang.L("Quit"), w.win.Close)
	quit.Shortcut = keyQuit
	quit.IsQuit = true
	show := fyne.NewMenu(lang.L("Show"), item(acts[0]), fyne.NewMenuItemSeparator(), item(acts[1]), item(acts[2]), item(acts[3]),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Destinations…"), w.openDestinations),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Show report"), w.openReport),
		fyne.NewMenuItem(lang.L("Live data screen"), w.openDataScreen), fyne.NewMenuItem(lang.L("Anchor level"), w.openAnchor),
		fyne.NewMenuItemSeparator(), quit)
	studio := fyne.NewMenu(lang.L("Studio"), item(acts[4]), item(acts[5]),
		fyne.NewMenuItem(lang.L("Product window"), w.openProducts),
		fyne.NewMenuItem(lang.L("Import products (CSV)…"), w.openImportProducts),
		fyne.NewMenuItem(lang.L("Prompter"), w.openPrompter),
		fyne.NewMenuItem(lang.L("Prompter over the preview"), w.toggleCueOnPreview),
		fyne.NewMenuItemSeparator(), item(acts[6]))
	var scenes []*fyne.MenuItem
	for _, a := range w.sceneActions() {
		scenes = append(scenes, item(a))
	}
	return fyne.NewMainMenu(show, studio, fyne.NewMenu(lang.L("Scenes"), scenes...))
}

// addShortcuts registers the same keys on the canvas: a window without a
// visible menu bar (and the test driver) still answers them.
func (w *studioWindow) addShortcuts() {
	for _, a := range append(w.actions(), w.sceneActions()...) {
		run := a.run
		w.win.Canvas().AddShortcut(a.key, func(fyne.Shortcut) { run() })
	}
}

// sceneActions switch to the first scenes, the three layouts, with a short
// cross-fade (as a click on the layout does).
func (w *studioWindow) sceneActions() []action {
	names := []string{lang.L("Full"), lang.L("Picture-in-picture"), lang.L("Side by side")}
	var acts []action
	for i, n := range names {
		acts = append(acts, action{n, keyScenes[i], func() { w.sources.layout.SetSelected(n) }})
	}
	return acts
}

func (w *studioWindow) nextProduct() {
	desk := w.studio.Products()
	if desk == nil {
		w.notify(lang.L("Pick a show with products first."))
		return
	}
	if err := desk.Next(); err != nil {
		w.fail(lang.L("The next product could not go on air"), err)
	}
}
