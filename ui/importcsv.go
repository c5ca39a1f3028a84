package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"showcaster/app/store"
)

// openImportProducts asks for a CSV file and imports it into the catalogue.
func (w *studioWindow) openImportProducts() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			w.fail(lang.L("The file could not be opened"), err)
			return
		}
		if rc == nil {
			return // cancelled
		}
		defer rc.Close()
		w.importProducts(rc, rc.URI().Path())
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV", ".txt", ".tsv"}))
	d.Show()
}

// importProducts reads the catalogue CSV and says what happened: how many
// products came in, and each row that did not with its number and reason.
func (w *studioWindow) importProducts(r interface{ Read([]byte) (int, error) }, path string) {
	rep, err := w.studio.ImportProducts(r, filepath.Dir(path))
	w.lastImport = importSummary(rep, err)
	body := widget.NewLabel(w.lastImport)
	body.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(460, 200))
	dialog.ShowCustom(lang.L("Import products"), lang.L("Close"), scroll, w.win)
}

func importSummary(rep store.ImportReport, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("Imported %d products (%d new, %d updated); %d rows skipped."),
		rep.Imported(), rep.Created, rep.Updated, len(rep.Skipped))
	for _, e := range rep.Skipped {
		reason := e.Reason
		if !e.Why.Empty() {
			reason = e.Why.Translate(func(k string) string { return lang.L(k) })
		}
		fmt.Fprintf(&b, "\n"+lang.L("Row %d: %s"), e.Row, reason)
	}
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(&b, "\n"+lang.L("Columns not read: %s"), strings.Join(rep.IgnoredColumns, ", "))
	}
	if err != nil {
		fmt.Fprintf(&b, "\n%v", err)
	}
	return b.String()
}
