package ui

import (
	"os"

	"fyne.io/fyne/v2/lang"

	"showcaster/assets"
)

// setupLanguage loads the window's translations. code "" follows the
// system; "zh" or "en" overrides it. Fyne picks its language from the
// environment when translations are added, so the override goes there first.
func setupLanguage(code string) error {
	if code != "" {
		os.Setenv("LANGUAGE", code)
	}
	return lang.AddTranslationsFS(assets.Translations, "translations")
}
