package app

import (
	"fmt"
	"net/url"
	"strings"

	"showcaster/scene"
)

// The studio's own limits, beside the scene's canvas limits.
const (
	MinFPS     = 5
	MaxFPS     = scene.MaxFPS
	MinKbpsCap = 100
	MaxKbpsCap = 50000
)

// Validate says whether the settings can be used, or which one cannot and
// what it takes. The settings form, the CLI and the start-up path all ask it.
func (s Settings) Validate() error {
	if s.PlatformURL != "" {
		u, err := url.Parse(s.PlatformURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Say(ErrBadSetting, "the platform URL must look like https://host:port")
		}
		if strings.TrimSpace(s.PlatformToken) == "" {
			return Say(ErrBadSetting, "a platform URL needs its studio token")
		}
	}
	if err := CheckCanvas(s.Width, s.Height); err != nil {
		return err
	}
	if s.FPS < MinFPS || s.FPS > MaxFPS {
		return Say(ErrBadSetting, "the frame rate must be %d to %d", MinFPS, MaxFPS)
	}
	if s.MinKbps < MinKbpsCap || s.MaxKbps < s.MinKbps || s.MaxKbps > MaxKbpsCap {
		return Say(ErrBadSetting, "the bitrate range must be two numbers from %d to %d kbps, the first not above the second", MinKbpsCap, MaxKbpsCap)
	}
	if s.ChimeVolume < 0 || s.ChimeVolume > 1 {
		return Say(ErrBadSetting, "the chime volume must be 0 to 100%%")
	}
	if s.RemotePort < 0 || s.RemotePort > 65535 {
		return Say(ErrBadSetting, "the remote control port must be 1 to 65535")
	}
	if s.RemoteControl && s.RemoteLAN && s.RemotePassword == "" {
		return Say(ErrBadSetting, "remote control for other machines needs a password")
	}
	if s.Beauty.Validate() != nil {
		return Say(ErrBadSetting, "the beauty settings must be 0 to 100")
	}
	switch s.Language {
	case "", "zh", "en":
	default:
		return Say(ErrBadSetting, "the language must be Chinese, English or the system's")
	}
	return nil
}

// CheckCanvas says whether the studio can use a w×h canvas: the scene's rule,
// in a sentence that says what it takes.
func CheckCanvas(w, h int) error {
	if err := scene.CheckCanvas(w, h, scene.MaxFPS); err != nil {
		return Say(ErrBadSetting, "the canvas size must be even numbers like 1280x720, at most %dx%d (or %dx%d upright)",
			scene.MaxSide, scene.MaxPixels/scene.MaxSide, scene.MaxPixels/scene.MaxSide, scene.MaxSide)
	}
	return nil
}

// SettingChange is one stored setting that could not be used and what the
// studio uses instead.
type SettingChange struct {
	// Setting names it in the user's words ("canvas size").
	Setting  string
	From, To string
	Why      error
}

// Repair replaces every setting that does not validate with the nearest one
// that does, and says what it changed and why. Valid settings come back as
// they are, with no changes.
func (s Settings) Repair() (Settings, []SettingChange) {
	s = s.withDefaults()
	var changes []SettingChange
	note := func(what, from, to string, why error) {
		changes = append(changes, SettingChange{Setting: what, From: from, To: to, Why: why})
	}
	if err := CheckCanvas(s.Width, s.Height); err != nil {
		w, h := scene.NearestCanvas(s.Width, s.Height)
		note("canvas size", fmt.Sprintf("%dx%d", s.Width, s.Height), fmt.Sprintf("%dx%d", w, h), err)
		s.Width, s.Height = w, h
	}
	if s.FPS < MinFPS || s.FPS > MaxFPS {
		fps := min(max(s.FPS, MinFPS), MaxFPS)
		note("frame rate", fmt.Sprint(s.FPS), fmt.Sprint(fps), Say(ErrBadSetting, "the frame rate must be %d to %d", MinFPS, MaxFPS))
		s.FPS = fps
	}
	if s.MinKbps < MinKbpsCap || s.MaxKbps < s.MinKbps || s.MaxKbps > MaxKbpsCap {
		hi := min(max(s.MaxKbps, MinKbpsCap), MaxKbpsCap)
		lo := min(max(s.MinKbps, MinKbpsCap), hi)
		note("bitrate range", fmt.Sprintf("%d–%d kbps", s.MinKbps, s.MaxKbps), fmt.Sprintf("%d–%d kbps", lo, hi),
			Say(ErrBadSetting, "the bitrate range must be two numbers from %d to %d kbps, the first not above the second", MinKbpsCap, MaxKbpsCap))
		s.MinKbps, s.MaxKbps = lo, hi
	}
	if s.ChimeVolume < 0 || s.ChimeVolume > 1 {
		v := min(max(s.ChimeVolume, 0), 1)
		note("chime volume", fmt.Sprintf("%.0f%%", s.ChimeVolume*100), fmt.Sprintf("%.0f%%", v*100), Say(ErrBadSetting, "the chime volume must be 0 to 100%%"))
		s.ChimeVolume = v
	}
	switch s.Language {
	case "", "zh", "en":
	default:
		note("language", s.Language, "", Say(ErrBadSetting, "the language must be Chinese, English or the system's"))
		s.Language = ""
	}
	if s.PlatformURL != "" {
		if err := s.Validate(); err != nil {
			// An unusable platform address falls back to the built-in one:
			// the studio opens and the operator fixes it in Settings.
			note("platform", s.PlatformURL, "", err)
			s.PlatformURL, s.PlatformToken = "", ""
		}
	}
	return s, changes
}
