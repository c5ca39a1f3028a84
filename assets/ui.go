package assets

import "embed"

// Translations holds the studio window's strings, one JSON file per
// language (en.json, zh_Hans.json: simplified Chinese, the name Fyne gives its own), in the format of Fyne's lang package.
//
//go:embed translations
var Translations embed.FS

// Icon is the application icon (512×512 PNG), also named in FyneApp.toml.
//
//go:embed icon.png
var Icon []byte
