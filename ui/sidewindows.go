package ui

import "fyne.io/fyne/v2/lang"

// openProducts opens the assistant's product side window.
func (w *studioWindow) openProducts() {
	w.notify(lang.L("The product window is not in this build."))
}
