package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"showcaster/app"
)

// sideWindows are the product window and the teleprompter: each built once,
// on first use, and shown again on later calls (closing only hides them).
type sideWindows struct {
	products     *productWindow
	prompter     *prompterWindow
	destinations *destinationsWindow
	data         *dataScreen // the live data screen (datascreen.go)
	// cueOnPreview: the prompter's text sits over the studio's preview.
	cueOnPreview bool
}

// toggleCueOnPreview shows or hides the cue card over the preview; it is
// drawn by the window, so it never reaches the program.
func (w *studioWindow) toggleCueOnPreview() {
	w.side.cueOnPreview = !w.side.cueOnPreview
	w.updateCue()
}

func (w *studioWindow) updateCue() {
	text := ""
	if desk := w.studio.Products(); desk != nil && w.side.cueOnPreview {
		text = strings.ReplaceAll(desk.CueText(), "# ", "")
	}
	w.preview.setCue(text)
}

// openProducts opens the assistant's product side window.
func (w *studioWindow) openProducts() {
	desk := w.studio.Products()
	if desk == nil {
		return
	}
	if w.side.products == nil {
		w.side.products = newProductWindow(w.app, desk)
		w.side.products.addTools(newToolsTab(func() toolkitAPI {
			if tk := w.studio.Toolkit(); tk != nil {
				return tk
			}
			return nil
		}, desk, func(kind string) error {
			if kind == "" {
				w.studio.HideToolCard()
				return nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return w.studio.ShowToolCard(ctx, kind)
		}, w.cfg.Dispatch))
		pw := w.side.products
		// Hidden, the Tools tab stops following the platform and redrawing.
		pw.win.SetCloseIntercept(func() {
			pw.tools.setShown(false)
			pw.win.Hide()
		})
		pw.win.SetOnClosed(pw.tools.close) // the studio window closes it at the end
		pw.win.Resize(fyne.NewSize(720, 640))
	}
	w.side.products.tools.setShown(true)
	w.side.products.win.Show()
}

// openPrompter opens the host's teleprompter window.
func (w *studioWindow) openPrompter() {
	desk := w.studio.Products()
	if desk == nil {
		return
	}
	if w.side.prompter == nil {
		w.side.prompter = newPrompterWindow(w.app, desk)
		w.side.prompter.win.SetCloseIntercept(func() { w.side.prompter.win.Hide() })
	}
	w.side.prompter.show()
}

// applySide passes product news to the side windows that are open.
func (w *studioWindow) applySide(ev app.Event) {
	switch ev.(type) {
	case app.ProductOnAir, app.ProductsChanged:
		w.updateCue()
	}
	if w.side.products != nil {
		w.side.products.apply(ev)
	}
	if w.side.prompter != nil {
		w.side.prompter.apply(ev)
	}
}
