package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2/lang"

	"showcaster/app"
)

// errText is an error in the user's language: the studio's sentences
// (app.Message) and the platform's refusals it knows by their code are
// translated; others read as they come.
func errText(err error) string {
	if err == nil {
		return ""
	}
	var m *app.Message
	if errors.As(err, &m) {
		return fmt.Sprintf(lang.L(m.Key), m.Args...)
	}
	// The platform's refusals carry a code the studio says in its language.
	if m := app.PlatformMessage(err); m != nil {
		return fmt.Sprintf(lang.L(m.Key), m.Args...)
	}
	return err.Error()
}

// settingName is a setting as the user knows it.
func settingName(s string) string {
	switch s {
	case "canvas size":
		return lang.L("canvas size")
	case "frame rate":
		return lang.L("frame rate")
	case "bitrate range":
		return lang.L("bitrate range")
	case "chime volume":
		return lang.L("chime volume")
	case "language":
		return lang.L("language")
	case "platform":
		return lang.L("platform")
	}
	return s
}

// repairedText says which stored settings could not be used and what the
// studio uses instead.
func repairedText(changes []app.SettingChange) string {
	text := ""
	for _, c := range changes {
		to := c.To
		if to == "" {
			to = lang.L("the default")
		}
		if text != "" {
			text += " "
		}
		text += fmt.Sprintf(lang.L("The saved %s %s could not be used (%s); the studio uses %s instead."),
			settingName(c.Setting), c.From, errText(c.Why), to)
	}
	return text
}
