package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
	"showcaster/app/store"
)

// notesEditor is the show's notes beside the prompter's page: what the host
// keeps in mind for the whole show (the opening, reminders, the next show to
// announce). They are stored with the show, so they are there after a
// restart, and the prompter reads them after the cue card of the product on
// air (or before all the cards when nothing is on air).
type notesEditor struct {
	desk   *app.ProductDesk
	entry  *widget.Entry
	save   *widget.Button
	status *widget.Label
	box    *fyne.Container // hidden until the host opens it

	// showID is the show the entry edits; saved is what the store holds for
	// it, so an edit in progress is not overwritten by a reload.
	showID, saved string
	loaded        bool
	// onSaved redraws the page with the new notes at once.
	onSaved func()
}

func newNotesEditor(desk *app.ProductDesk) *notesEditor {
	e := &notesEditor{desk: desk}
	e.entry = widget.NewMultiLineEntry()
	e.entry.Wrapping = fyne.TextWrapWord
	e.entry.SetPlaceHolder(lang.L("The opening, reminders, the next show to announce…"))
	e.entry.OnChanged = func(string) { e.status.SetText("") }
	e.save = widget.NewButtonWithIcon(lang.L("Save notes"), theme.DocumentSaveIcon(), e.store)
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
	title := widget.NewLabel(lang.L("Notes for this show"))
	title.TextStyle.Bold = true
	// The column keeps a readable width whatever the window's size.
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(300, 0))
	e.box = container.NewStack(width, container.NewBorder(title, container.NewVBox(e.save, e.status), nil, nil, e.entry))
	e.box.Hide()
	return e
}

// toggle opens or closes the notes beside the page.
func (e *notesEditor) toggle() {
	if e.box.Visible() {
		e.box.Hide()
		return
	}
	e.box.Show()
}

// load follows the prompt board: another show brings its notes; the same
// show updates the entry only when the host has not changed it.
func (e *notesEditor) load(b store.PromptBoard) {
	if b.ShowID != e.showID || !e.loaded {
		e.showID, e.saved, e.loaded = b.ShowID, b.Notes, true
		e.entry.SetText(b.Notes)
		e.status.SetText("")
	} else if e.entry.Text == e.saved && b.Notes != e.saved {
		e.saved = b.Notes
		e.entry.SetText(b.Notes)
	}
	if e.showID == "" {
		e.entry.Disable()
		e.save.Disable()
		e.status.SetText(lang.L("Choose a show first: notes belong to a show."))
		return
	}
	e.entry.Enable()
	e.save.Enable()
}

// store saves the notes with the show.
func (e *notesEditor) store() {
	text := e.entry.Text
	if err := e.desk.SetNotes(text); err != nil {
		e.status.Importance = widget.DangerImportance
		e.status.SetText(errText(err))
		return
	}
	e.saved = text
	e.status.Importance = widget.MediumImportance
	e.status.SetText(lang.L("Saved."))
	if e.onSaved != nil {
		e.onSaved()
	}
}
