package ui

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/app/store"
)

// scenesRow is the scene buttons under the preview: one click puts a scene
// on air (Ctrl+1…9 the first nine), and Edit opens the list to add, rename,
// move and delete scenes.
type scenesRow struct {
	w       *studioWindow
	box     *fyne.Container
	scroll  *container.Scroll
	edit    *widget.Button
	buttons []*widget.Button

	list    []store.Scene
	current string
	// editor is the open scene list (nil when closed); form the open add or
	// rename form.
	editor *scenesEditor
	form   *sceneForm
}

func newScenesRow(w *studioWindow) *scenesRow {
	r := &scenesRow{w: w, box: container.NewHBox()}
	r.scroll = container.NewHScroll(r.box)
	r.edit = widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), r.openEditor)
	cur, _ := w.studio.CurrentScene()
	r.set(w.studio.Scenes(), cur.ID)
	return r
}

func (r *scenesRow) content() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, r.edit, r.scroll)
}

// set shows the scenes, the one on air highlighted.
func (r *scenesRow) set(list []store.Scene, current string) {
	r.list, r.current = list, current
	r.buttons = r.buttons[:0]
	r.box.RemoveAll()
	for i, sc := range list {
		label := sc.Name
		if i < app.MaxSceneShortcuts {
			label = fmt.Sprintf("%d %s", i+1, sc.Name)
		}
		id := sc.ID
		b := widget.NewButton(label, func() { r.switchTo(id) })
		if sc.ID == current {
			b.Importance = widget.HighImportance
		}
		r.buttons = append(r.buttons, b)
		r.box.Add(b)
	}
	r.box.Refresh()
	// The scroll asks only for a button's height, so a long list of scenes
	// does not widen the window.
	r.scroll.SetMinSize(fyne.NewSize(0, widget.NewButton("1", nil).MinSize().Height))
	if r.editor != nil {
		r.editor.refresh()
	}
}

// switchTo puts a scene on air; opening its picture can take a moment.
func (r *scenesRow) switchTo(id string) {
	r.w.async(func(context.Context) error {
		return r.w.studio.SwitchScene(id)
	}, func(err error) {
		r.w.fail(lang.L("The scene could not go on air"), err)
	})
}

// switchToNumber is Ctrl+digit: the digit-th scene, if there is one.
func (r *scenesRow) switchToNumber(digit int) {
	if sc, ok := app.SceneShortcut(r.list, digit); ok {
		r.switchTo(sc.ID)
	}
}

func layoutLabel(l string) string {
	switch l {
	case "pip":
		return lang.L("Picture-in-picture")
	case "side":
		return lang.L("Side by side")
	}
	return lang.L("Full")
}

var sceneLayouts = []string{"full", "pip", "side"}

func overlayLabel(id string) string {
	switch id {
	case app.OverlayProductCard:
		return lang.L("Product card")
	case app.OverlayBulletin:
		return lang.L("Bulletin")
	case app.OverlayComment:
		return lang.L("Comment on the picture")
	case app.OverlayPrompter:
		return lang.L("Prompter on the picture")
	case app.OverlayGreeting:
		return lang.L("Welcome and thank-you lines")
	case app.OverlayToolCard:
		return lang.L("Lucky bag and flash sale cards")
	}
	return id
}

// scenesEditor is the list of scenes with what can be done to them.
type scenesEditor struct {
	r        *scenesRow
	d        dialog.Dialog
	list     *widget.List
	selected int
	add      *widget.Button
	rename   *widget.Button
	up, down *widget.Button
	del      *widget.Button
}

func (r *scenesRow) openEditor() {
	e := &scenesEditor{r: r, selected: slices.IndexFunc(r.list, func(sc store.Scene) bool { return sc.ID == r.current })}
	e.list = widget.NewList(func() int { return len(r.list) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sc := r.list[i]
			text := fmt.Sprintf("%d. %s · %s", i+1, sc.Name, layoutLabel(sc.Layout))
			if i < app.MaxSceneShortcuts {
				text += fmt.Sprintf(" · Ctrl+%d", i+1)
			}
			if sc.ID == r.current {
				text += " · " + lang.L("on air")
			}
			o.(*widget.Label).SetText(text)
		})
	e.list.OnSelected = func(i widget.ListItemID) { e.selected = i; e.updateButtons() }
	e.add = widget.NewButtonWithIcon(lang.L("Add the picture on air…"), theme.ContentAddIcon(), func() { r.openForm(nil) })
	e.rename = widget.NewButton(lang.L("Rename…"), func() {
		if sc, ok := e.selectedScene(); ok {
			r.openForm(&sc)
		}
	})
	e.up = widget.NewButtonWithIcon(lang.L("Up"), theme.MoveUpIcon(), func() { e.move(-1) })
	e.down = widget.NewButtonWithIcon(lang.L("Down"), theme.MoveDownIcon(), func() { e.move(1) })
	e.del = widget.NewButtonWithIcon(lang.L("Delete…"), theme.DeleteIcon(), e.deleteSelected)
	e.del.Importance = widget.DangerImportance
	hint := widget.NewLabel(lang.L("A click on a scene's button puts it on air; Ctrl+1…9 the first nine, in this order."))
	hint.Wrapping = fyne.TextWrapWord
	buttons := container.NewVBox(e.add, e.rename, e.up, e.down, e.del)
	content := container.NewBorder(nil, hint, nil, buttons, e.list)
	e.d = dialog.NewCustom(lang.L("Scenes"), lang.L("Close"), content, r.w.win)
	e.d.SetOnClosed(func() { r.editor = nil })
	e.d.Resize(fyne.NewSize(620, 420))
	r.editor = e
	if e.selected >= 0 {
		e.list.Select(e.selected)
	}
	e.updateButtons()
	e.d.Show()
}

func (e *scenesEditor) selectedScene() (store.Scene, bool) {
	if e.selected < 0 || e.selected >= len(e.r.list) {
		return store.Scene{}, false
	}
	return e.r.list[e.selected], true
}

func (e *scenesEditor) updateButtons() {
	_, ok := e.selectedScene()
	enable := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	enable(e.rename, ok)
	enable(e.up, ok && e.selected > 0)
	enable(e.down, ok && e.selected < len(e.r.list)-1)
	enable(e.del, ok && len(e.r.list) > 1)
}

func (e *scenesEditor) refresh() {
	e.list.Refresh()
	e.updateButtons()
}

func (e *scenesEditor) move(by int) {
	sc, ok := e.selectedScene()
	if !ok {
		return
	}
	to := e.selected + by
	if err := e.r.w.studio.MoveScene(sc.ID, to); err != nil {
		e.r.w.fail(lang.L("The scene could not move"), err)
		return
	}
	e.r.set(e.r.w.studio.Scenes(), e.r.current)
	e.selected = max(0, min(to, len(e.r.list)-1))
	e.list.Select(e.selected)
	e.updateButtons()
}

func (e *scenesEditor) deleteSelected() {
	sc, ok := e.selectedScene()
	if !ok {
		return
	}
	msg := fmt.Sprintf(lang.L("Delete the scene “%s”? This cannot be undone."), sc.Name)
	if next, ok := app.SceneAfterDelete(e.r.list, sc.ID); ok && sc.ID == e.r.current {
		msg = fmt.Sprintf(lang.L("“%s” is on air: deleting it puts “%s” on air. This cannot be undone."), sc.Name, next.Name)
	}
	e.r.w.confirm(lang.L("Delete scene"), msg, func() {
		e.r.w.async(func(context.Context) error {
			return e.r.w.studio.DeleteScene(sc.ID)
		}, func(err error) {
			if err != nil {
				e.r.w.fail(lang.L("The scene was not deleted"), err)
				return
			}
			cur, _ := e.r.w.studio.CurrentScene()
			e.r.set(e.r.w.studio.Scenes(), cur.ID)
			e.selected = min(e.selected, len(e.r.list)-1)
			e.list.UnselectAll()
			e.list.Select(e.selected)
		})
	})
}

// sceneForm adds a scene (from the picture on air) or renames one.
type sceneForm struct {
	d        dialog.Dialog
	name     *widget.Entry
	problem  *widget.Label
	layout   *widget.RadioGroup
	overlays *widget.CheckGroup
	save     func()
}

func (r *scenesRow) openForm(renaming *store.Scene) {
	f := &sceneForm{name: widget.NewEntry(), problem: widget.NewLabel("")}
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	title := lang.L("Add scene")
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Name"), f.name)}
	var add store.Scene
	if renaming != nil {
		title = lang.L("Rename scene")
		f.name.SetText(renaming.Name)
	} else {
		// The new scene is what is on air now; the host may change its
		// layout and which overlays it shows.
		add = r.w.studio.ProgramScene()
		f.name.SetPlaceHolder(lang.L("e.g. Close-up of the product"))
		var labels []string
		for _, l := range sceneLayouts {
			labels = append(labels, layoutLabel(l))
		}
		f.layout = widget.NewRadioGroup(labels, nil)
		f.layout.Required = true
		f.layout.SetSelected(layoutLabel(add.Layout))
		var ovLabels, on []string
		for _, id := range app.SceneOverlays {
			ovLabels = append(ovLabels, overlayLabel(id))
			if add.Overlays[id] {
				on = append(on, overlayLabel(id))
			}
		}
		f.overlays = widget.NewCheckGroup(ovLabels, nil)
		f.overlays.SetSelected(on)
		items = append(items, widget.NewFormItem(lang.L("Layout"), f.layout),
			widget.NewFormItem(lang.L("Shows"), f.overlays))
	}
	f.save = func() {
		var err error
		if renaming != nil {
			err = r.w.studio.RenameScene(renaming.ID, f.name.Text)
		} else {
			sc := add
			sc.Name = f.name.Text
			for i, l := range sceneLayouts {
				if f.layout.Selected == layoutLabel(l) {
					sc.Layout = sceneLayouts[i]
				}
			}
			sc.Overlays = map[string]bool{}
			for _, id := range app.SceneOverlays {
				sc.Overlays[id] = slices.Contains(f.overlays.Selected, overlayLabel(id))
			}
			_, err = r.w.studio.AddScene(sc)
		}
		if err != nil {
			// The form stays open with the reason, so the host can fix the name.
			f.problem.SetText(errText(err))
			return
		}
		hideFocused(r.w.win, f.d) // Enter in the name saves
		r.set(r.w.studio.Scenes(), r.current)
		if r.editor != nil && renaming == nil {
			r.editor.selected = len(r.list) - 1
			r.editor.list.Select(r.editor.selected)
		}
	}
	f.name.OnSubmitted = func(string) { f.save() }
	// The reason's line keeps its place while empty, so the buttons do not jump.
	f.name.OnChanged = func(string) { f.problem.SetText("") }
	saveBtn := widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), f.save)
	saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { f.d.Hide() })
	form := widget.NewForm(items...)
	content := container.NewVBox(form, f.problem, container.NewHBox(layout.NewSpacer(), cancel, saveBtn))
	f.d = dialog.NewCustomWithoutButtons(title, content, r.w.win)
	f.d.SetOnClosed(func() {
		if r.form == f {
			r.form = nil
		}
	})
	f.d.Resize(fyne.NewSize(480, 0))
	r.form = f
	f.d.Show()
	r.w.win.Canvas().Focus(f.name)
}
