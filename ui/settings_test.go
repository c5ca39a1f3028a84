package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

func TestSettingsSaveToPreferences(t *testing.T) {
	fs := newFakeStudio()
	fs.devices = []app.Device{
		{ID: "/dev/video0", Label: "USB 摄像头", Kind: "camera"},
		{ID: "mic1", Label: "Headset", Kind: "microphone"},
	}
	h := newHarness(t, fs)
	f := h.w.showSettingsDialog(fs.devices)

	if !f.token.Password {
		t.Fatal("the token field shows the token in clear")
	}
	// Fresh preferences: defaults, nothing secret.
	if got := loadSettings(h.app.Preferences()); got.Width != 1280 || got.PlatformToken != "" || got.Language != "" {
		t.Fatalf("fresh preferences = %+v", got)
	}

	test.Type(f.url, "https://live.example.com:8443")
	test.Type(f.token, "s3cret-token")
	f.camera.SetSelected("USB 摄像头")
	f.mic.SetSelected("Headset")
	f.size.SetText("1920x1080")
	f.fps.SetText("25")
	f.minKbps.SetText("800")
	f.maxKbps.SetText("6000")
	f.language.SetSelected("中文")
	f.chimeOrders.SetChecked(false)
	f.volume.SetValue(0.3)
	f.monitor.SetChecked(true)
	f.smooth.SetValue(60)
	f.light.SetValue(30)
	f.remoteOn.SetChecked(true) // a password appears for the panel
	if f.remotePass.Text == "" {
		t.Fatal("switching remote control on did not generate a password")
	}
	pass := f.remotePass.Text
	h.w.saveSettingsForm(f, fs.Settings())
	h.waitFor("settings applied", func() bool { return fs.Settings().PlatformToken == "s3cret-token" })
	h.waitFor("the saved notice", func() bool { return strings.Contains(h.w.status.Text, "Settings saved") })

	got := loadSettings(h.app.Preferences())
	want := app.Settings{
		PlatformURL: "https://live.example.com:8443", PlatformToken: "s3cret-token",
		CameraID: "/dev/video0", MicID: "mic1", Width: 1920, Height: 1080, FPS: 25,
		MinKbps: 800, MaxKbps: 6000, Language: "zh",
		ChimeOrders: false, ChimePrivate: true, ChimeVolume: 0.3, MonitorMic: true,
		Beauty:        app.Beauty{Smooth: 60, Light: 30},
		RemoteControl: true, RemotePort: app.DefaultRemotePort, RemotePassword: pass,
	}
	if got != want {
		t.Errorf("preferences hold\n %+v\nwant\n %+v", got, want)
	}
	if fs.Settings() != want {
		t.Errorf("the studio got %+v", fs.Settings())
	}
	if strings.Contains(h.w.status.Text, "s3cret") {
		t.Error("the status line shows the token")
	}

	// A reopened dialog shows the stored values, the token still masked.
	f2 := newSettingsForm(got, fs.devices)
	if f2.token.Text != "s3cret-token" || !f2.token.Password || f2.camera.Selected != "USB 摄像头" || f2.language.Selected != "中文" {
		t.Errorf("reopened: token %q (password %v), camera %q, language %q", f2.token.Text, f2.token.Password, f2.camera.Selected, f2.language.Selected)
	}
}

func TestSettingsRejectBadValues(t *testing.T) {
	base := app.DefaultSettings()
	for name, change := range map[string]func(*settingsForm){
		"url without token": func(f *settingsForm) { f.url.SetText("https://x.example") },
		"url scheme":        func(f *settingsForm) { f.url.SetText("ftp://x"); f.token.SetText("t") },
		"odd size":          func(f *settingsForm) { f.size.SetText("1281x720") },
		"size words":        func(f *settingsForm) { f.size.SetText("big") },
		"fps":               func(f *settingsForm) { f.fps.SetText("120") },
		"bitrate order":     func(f *settingsForm) { f.minKbps.SetText("5000"); f.maxKbps.SetText("1000") },
	} {
		test.NewTempApp(t)
		f := newSettingsForm(base, nil)
		change(f)
		if _, err := f.settings(base); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBeautySlidersActOnThePreview(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	f := h.w.showSettingsDialog(nil)
	f.smooth.SetValue(70)
	fs.mu.Lock()
	got := append([]app.Beauty(nil), fs.previewBeauty...)
	fs.mu.Unlock()
	if len(got) == 0 || got[len(got)-1].Smooth != 70 {
		t.Fatalf("moving the smoothing slider previewed %+v", got)
	}
	if fs.Settings().Beauty.Smooth != 0 {
		t.Fatal("a slider moved kept the setting before Save")
	}
}

// After the platform address changes, the show picker lists the new
// platform's shows and one is selected: Start trial works without a restart.
func TestPlatformChangeReloadsTheShows(t *testing.T) {
	fs := newFakeStudio()
	fs.shows = []app.Show{{ID: "old1", Title: "旧平台的场次", State: app.StateApproved}}
	fs.otherShows = []app.Show{{ID: "new1", Title: "新平台的场次", State: app.StateApproved}}
	h := newHarness(t, fs)
	h.w.show.reload("old1")
	h.waitFor("the old platform's show", func() bool { _, ok := fs.CurrentShow(); return ok && h.w.show.current.ID == "old1" })

	f := h.w.showSettingsDialog(nil)
	test.Type(f.url, "https://other.example.com:8443")
	test.Type(f.token, "other-token")
	h.w.saveSettingsForm(f, fs.Settings())
	h.waitFor("the new platform's show selected", func() bool {
		cur, ok := fs.CurrentShow()
		return ok && cur.ID == "new1" && h.w.show.current.ID == "new1"
	})
	if len(h.w.show.picker.Options) != 1 || !strings.Contains(h.w.show.picker.Options[0], "新平台的场次") {
		t.Errorf("the picker offers %q; want only the new platform's show", h.w.show.picker.Options)
	}
	h.waitFor("Start trial enabled", func() bool { return !h.w.show.trial.Disabled() })
}
