// Package ui is the studio's Fyne front end: windows, panels and widgets.
// It talks to the engine only through package app.
package ui

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"showcaster/app"
	"showcaster/assets"
)

// AppID is the studio's identity for Fyne: preferences live under it.
const AppID = "com.showcaster.studio"

// Main opens the studio window and returns the exit code when it closes.
// remoteControl, when set, serves remote control as Settings ask (main
// passes package remote's; ui itself never imports it).
func Main(args []string, remoteControl app.RemoteControlFunc) int {
	started := time.Now() // wall clock: start-up time as the user waits it
	if len(args) > 0 && args[0] == "studio" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("showcaster", flag.ContinueOnError)
	dataDir := fs.String("data", app.DefaultDataDir(), "directory for the catalogue and the built-in platform's data")
	trace := fs.Bool("trace-ui", os.Getenv("SHOWCASTER_TRACE_UI") != "", "log start-up and comment-to-screen timings")
	toolkitPreview := fs.Bool("toolkit-preview", os.Getenv("SHOWCASTER_TOOLKIT_PREVIEW") != "",
		"draw the preview and the microphone meter through the toolkit, not in windows of their own (slower; for a desktop where those windows misbehave)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tuneMemory()
	logger := log.New(os.Stderr, "showcaster: ", log.LstdFlags)
	logf := logger.Printf

	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	st := loadSettings(a.Preferences())
	if err := setupLanguage(st.Language); err != nil {
		logf("translations: %v", err)
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "showcaster: cannot create the data directory %s: %v\n", *dataDir, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A new studio's first scenes are named in the window's language.
	sceneLang := st.Language
	if sceneLang == "" {
		sceneLang = lang.SystemLocale().String()
	}
	studio, err := app.OpenStudio(ctx, app.StudioConfig{Settings: st, DataDir: *dataDir, Logf: logf, RemoteControl: remoteControl, SceneLanguage: sceneLang})
	if err != nil {
		fmt.Fprintf(os.Stderr, "showcaster: %v\n", err)
		return 1
	}
	// The destinations (keys with them) live in the preferences beside the token.
	_ = studio.SaveDestinations(loadDestinations(a.Preferences()))
	tracef := func(string, ...any) {}
	if *trace {
		tracef = logf
	}
	w := newStudioWindow(windowConfig{
		App:    a,
		Studio: studio,
		Logf:   logf,
		Trace:  tracef,
		// Off: the toolkit draws the preview, as on desktops without child windows.
		ToolkitPreview: *toolkitPreview,
		OnFirstFrame: func() {
			logf("first preview frame %d ms after start", time.Since(started).Milliseconds()) // wall clock, as above
			releaseStartupGarbage()
		},
	})
	w.win.SetMaster()
	stopProfile := startProfile(a, logf)
	w.start()
	code := 0
	if err := showAndRun(w.win); err != nil {
		fmt.Fprintf(os.Stderr, "showcaster: %s\n", fmt.Sprintf(lang.L("No window could be opened (%v). Showcaster needs a desktop: start it from your desktop session, or run `showcaster live` for a show without a window."), err))
		code = 1
	}
	w.stop()
	stopProfile()
	if err := studio.Close(); err != nil {
		logf("closing the studio: %v", err)
	}
	return code
}

// showAndRun runs the window until it closes. Without a display the
// toolkit panics on its first window; that becomes an error the host can
// act on, and the studio still closes its shows and platform cleanly.
func showAndRun(win fyne.Window) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("DISPLAY=%q: %v", os.Getenv("DISPLAY"), r)
		}
	}()
	win.ShowAndRun()
	return nil
}
