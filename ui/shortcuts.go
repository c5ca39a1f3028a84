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
	// Ctrl+1…9 put the first nine scenes on air, in the list's order.
	keyScenes = []*desktop.CustomShortcut{
		{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key5, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key6, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key7, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key8, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key9, Modifier: fyne.KeyModifierShortcutDefault},
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
	scenes = append(scenes, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Edit scenes…"), w.scenes.openEditor))
	return fyne.NewMainMenu(show, studio, fyne.NewMenu(lang.L("Scenes"), scenes...))
}

// addShortcuts registers the same keys on the canvas: a window without a
// visible menu bar (and the test driver) still answers them.
func (w *studioWindow) addShortcuts() {
	for _, a := range w.actions() {
		run := a.run
		w.win.Canvas().AddShortcut(a.key, func(fyne.Shortcut) { run() })
	}
	// Every digit is registered once; each looks up its scene when pressed,
	// so the keys follow the list as it is edited.
	for i, k := range keyScenes {
		w.win.Canvas().AddShortcut(k, func(fyne.Shortcut) { w.scenes.switchToNumber(i + 1) })
	}
}

// sceneActions put the first nine scenes on air with a short cross-fade
// (as a click on a scene's button does); the menu lists them.
func (w *studioWindow) sceneActions() []action {
	var acts []action
	for i, sc := range w.scenes.list {
		if i >= len(keyScenes) {
			break
		}
		digit := i + 1
		acts = append(acts, action{sc.Name, keyScenes[i], func() { w.scenes.switchToNumber(digit) }})
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
