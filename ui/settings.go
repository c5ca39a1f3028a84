package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// Preference keys. The token sits in the preferences file like the rest;
// the window never shows it in clear and nothing logs it.
const (
	prefPlatformURL   = "platform.url"
	prefPlatformToken = "platform.token"
	prefCamera        = "device.camera"
	prefMic           = "device.mic"
	prefScreen        = "device.screen"
	prefWidth         = "video.width"
	prefHeight        = "video.height"
	prefFPS           = "video.fps"
	prefMinKbps       = "video.min_kbps"
	prefMaxKbps       = "video.max_kbps"
	prefLanguage      = "ui.language"
	prefChimeOrders   = "sound.chime_orders"
	prefChimePrivate  = "sound.chime_private"
	prefChimeVolume   = "sound.chime_volume"
	prefMonitorMic    = "sound.monitor_mic"
	// prefDestinations holds the destinations as JSON, keys included: kept
	// like the platform token, never shown in clear.
	prefDestinations = "destinations"
	prefRemoteOn     = "remote.on"
	prefRemoteLAN    = "remote.lan"
	prefRemotePort   = "remote.port"
	prefRemotePass   = "remote.password"
	prefShareLAN     = "platform.share_lan"
	prefBeautySmooth = "beauty.smooth"
	prefBeautyBright = "beauty.brighten"
	prefBeautyLight  = "beauty.light"
)

func loadSettings(p fyne.Preferences) app.Settings {
	d := app.DefaultSettings()
	return app.Settings{
		PlatformURL:    p.String(prefPlatformURL),
		PlatformToken:  p.String(prefPlatformToken),
		CameraID:       p.String(prefCamera),
		MicID:          p.String(prefMic),
		ScreenID:       p.String(prefScreen),
		Width:          p.IntWithFallback(prefWidth, d.Width),
		Height:         p.IntWithFallback(prefHeight, d.Height),
		FPS:            p.IntWithFallback(prefFPS, d.FPS),
		MinKbps:        p.IntWithFallback(prefMinKbps, d.MinKbps),
		MaxKbps:        p.IntWithFallback(prefMaxKbps, d.MaxKbps),
		Language:       p.String(prefLanguage),
		ChimeOrders:    p.BoolWithFallback(prefChimeOrders, d.ChimeOrders),
		ChimePrivate:   p.BoolWithFallback(prefChimePrivate, d.ChimePrivate),
		ChimeVolume:    p.FloatWithFallback(prefChimeVolume, d.ChimeVolume),
		MonitorMic:     p.BoolWithFallback(prefMonitorMic, d.MonitorMic),
		RemoteControl:  p.Bool(prefRemoteOn),
		RemoteLAN:      p.Bool(prefRemoteLAN),
		RemotePort:     p.IntWithFallback(prefRemotePort, app.DefaultRemotePort),
		RemotePassword: p.String(prefRemotePass),
		ShareLAN:       p.Bool(prefShareLAN),
		Beauty: app.Beauty{Smooth: p.IntWithFallback(prefBeautySmooth, 0), Brighten: p.IntWithFallback(prefBeautyBright, 0),
			Light: p.IntWithFallback(prefBeautyLight, 0)},
	}
}

func saveDestinations(p fyne.Preferences, list []app.DestinationSpec) {
	if b, err := json.Marshal(list); err == nil {
		p.SetString(prefDestinations, string(b))
	}
}

func loadDestinations(p fyne.Preferences) []app.DestinationSpec {
	var list []app.DestinationSpec
	if s := p.String(prefDestinations); s != "" {
		_ = json.Unmarshal([]byte(s), &list)
	}
	return list
}

func saveSettings(p fyne.Preferences, st app.Settings) {
	p.SetString(prefPlatformURL, st.PlatformURL)
	p.SetString(prefPlatformToken, st.PlatformToken)
	p.SetString(prefCamera, st.CameraID)
	p.SetString(prefMic, st.MicID)
	p.SetString(prefScreen, st.ScreenID)
	p.SetInt(prefWidth, st.Width)
	p.SetInt(prefHeight, st.Height)
	p.SetInt(prefFPS, st.FPS)
	p.SetInt(prefMinKbps, st.MinKbps)
	p.SetInt(prefMaxKbps, st.MaxKbps)
	p.SetString(prefLanguage, st.Language)
	p.SetBool(prefChimeOrders, st.ChimeOrders)
	p.SetBool(prefChimePrivate, st.ChimePrivate)
	p.SetFloat(prefChimeVolume, st.ChimeVolume)
	p.SetBool(prefMonitorMic, st.MonitorMic)
	p.SetBool(prefRemoteOn, st.RemoteControl)
	p.SetBool(prefRemoteLAN, st.RemoteLAN)
	p.SetInt(prefRemotePort, st.RemotePort)
	p.SetString(prefRemotePass, st.RemotePassword)
	p.SetBool(prefShareLAN, st.ShareLAN)
	p.SetInt(prefBeautySmooth, st.Beauty.Smooth)
	p.SetInt(prefBeautyBright, st.Beauty.Brighten)
	p.SetInt(prefBeautyLight, st.Beauty.Light)
}

var canvasSizes = []string{"1920x1080", "1280x720", "960x540", "854x480", "1080x1920", "720x1280"}

// settingsForm holds the settings dialog's fields so tests can fill them.
type settingsForm struct {
	url, token       *widget.Entry
	camera, mic      *widget.Select
	screen           *widget.Select
	size, fps        *widget.SelectEntry
	minKbps, maxKbps *widget.Entry
	language         *widget.Select
	chimeOrders      *widget.Check
	chimePrivate     *widget.Check
	volume           *widget.Slider
	monitor          *widget.Check
	// The camera's beauty filter, 0..100 each.
	smooth, brighten, light *widget.Slider
	// Remote control (obs-websocket): on, other machines, port, password.
	remoteOn, remoteLAN    *widget.Check
	shareLAN               *widget.Check
	remotePort, remotePass *widget.Entry
	devIDs                 map[*widget.Select][]string
	items                  []*widget.FormItem
}

var languages = []struct{ code, label string }{
	{"", "Follow the system"},
	{"zh", "中文"},
	{"en", "English"},
}

func newSettingsForm(st app.Settings, devs []app.Device) *settingsForm {
	f := &settingsForm{devIDs: map[*widget.Select][]string{}}
	f.url = widget.NewEntry()
	f.url.SetPlaceHolder(lang.L("empty: the built-in local platform"))
	f.url.SetText(st.PlatformURL)
	f.token = widget.NewPasswordEntry()
	f.token.SetPlaceHolder(lang.L("studio token from the platform"))
	f.token.SetText(st.PlatformToken)

	pick := func(kind, current, none string) *widget.Select {
		var labels, ids []string
		labels = append(labels, none)
		ids = append(ids, "")
		for _, d := range devs {
			if d.Kind == kind {
				l := d.Label
				if l == "" {
					l = d.ID
				}
				labels = append(labels, l)
				ids = append(ids, d.ID)
			}
		}
		s := widget.NewSelect(labels, nil)
		f.devIDs[s] = ids
		s.SetSelectedIndex(0)
		for i, id := range ids {
			if id == current && id != "" {
				s.SetSelectedIndex(i)
			}
		}
		return s
	}
	f.camera = pick("camera", st.CameraID, lang.L("None (test pattern)"))
	f.mic = pick("microphone", st.MicID, lang.L("None (test tone)"))
	f.screen = pick("screen", st.ScreenID, lang.L("None"))

	f.size = widget.NewSelectEntry(canvasSizes)
	f.size.SetText(fmt.Sprintf("%dx%d", st.Width, st.Height))
	f.fps = widget.NewSelectEntry([]string{"15", "24", "25", "30", "50", "60"})
	f.fps.SetText(strconv.Itoa(st.FPS))
	f.minKbps = widget.NewEntry()
	f.minKbps.SetText(strconv.Itoa(st.MinKbps))
	f.maxKbps = widget.NewEntry()
	f.maxKbps.SetText(strconv.Itoa(st.MaxKbps))

	var langLabels []string
	for _, l := range languages {
		label := l.label
		if l.code == "" {
			label = lang.L(label)
		}
		langLabels = append(langLabels, label)
	}
	f.language = widget.NewSelect(langLabels, nil)
	f.language.SetSelectedIndex(0)
	for i, l := range languages {
		if l.code == st.Language {
			f.language.SetSelectedIndex(i)
		}
	}

	f.chimeOrders = widget.NewCheck(lang.L("Chime on new orders"), nil)
	f.chimeOrders.SetChecked(st.ChimeOrders)
	f.chimePrivate = widget.NewCheck(lang.L("Chime on private messages"), nil)
	f.chimePrivate.SetChecked(st.ChimePrivate)
	f.volume = widget.NewSlider(0, 1)
	f.volume.Step = 0.05
	f.volume.SetValue(st.ChimeVolume)
	f.monitor = widget.NewCheck(lang.L("Hear the microphone (use headphones)"), nil)
	f.monitor.SetChecked(st.MonitorMic)
	beautySlider := func(v int) *widget.Slider {
		s := widget.NewSlider(0, 100)
		s.Step = 1
		s.SetValue(float64(v))
		return s
	}
	f.smooth, f.brighten, f.light = beautySlider(st.Beauty.Smooth), beautySlider(st.Beauty.Brighten), beautySlider(st.Beauty.Light)

	f.remotePort = widget.NewEntry()
	f.remotePort.SetText(strconv.Itoa(st.RemotePort))
	if st.RemotePort == 0 {
		f.remotePort.SetText(strconv.Itoa(app.DefaultRemotePort))
	}
	// The password is shown: it is there to be typed into the panel's
	// settings (Companion's "OBS" connection).
	f.remotePass = widget.NewEntry()
	f.remotePass.SetText(st.RemotePassword)
	f.remoteOn = widget.NewCheck(lang.L("On, for Stream Deck, Companion and OBS tools"), func(on bool) {
		if on && strings.TrimSpace(f.remotePass.Text) == "" {
			f.remotePass.SetText(app.NewRemotePassword())
		}
	})
	f.remoteOn.SetChecked(st.RemoteControl)
	f.remoteLAN = widget.NewCheck(lang.L("Other machines may connect"), nil)
	f.remoteLAN.SetChecked(st.RemoteLAN)
	f.shareLAN = widget.NewCheck(lang.L("Share on the local network (phones on the same Wi-Fi)"), nil)
	f.shareLAN.SetChecked(st.ShareLAN)
	newPass := widget.NewButton(lang.L("New password"), func() { f.remotePass.SetText(app.NewRemotePassword()) })

	f.items = []*widget.FormItem{
		widget.NewFormItem(lang.L("Platform URL"), f.url),
		widget.NewFormItem(lang.L("Platform token"), f.token),
		widget.NewFormItem(lang.L("Viewer pages"), f.shareLAN),
		widget.NewFormItem(lang.L("Camera"), f.camera),
		widget.NewFormItem(lang.L("Microphone"), f.mic),
		widget.NewFormItem(lang.L("Screen"), f.screen),
		widget.NewFormItem(lang.L("Canvas size"), f.size),
		widget.NewFormItem(lang.L("Frame rate"), f.fps),
		widget.NewFormItem(lang.L("Bitrate (kbps)"), container.NewGridWithColumns(3, f.minKbps, widget.NewLabel(lang.L("to")), f.maxKbps)),
		widget.NewFormItem(lang.L("Language"), f.language),
		widget.NewFormItem(lang.L("Sounds"), container.NewVBox(f.chimeOrders, f.chimePrivate)),
		widget.NewFormItem(lang.L("Chime volume"), f.volume),
		widget.NewFormItem(lang.L("Monitoring"), f.monitor),
		widget.NewFormItem(lang.L("Remote control"), container.NewHBox(f.remoteOn, f.remoteLAN)),
		widget.NewFormItem(lang.L("Port"), container.NewBorder(nil, nil,
			container.NewGridWrap(fyne.NewSize(90, f.remotePort.MinSize().Height), f.remotePort), nil,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("Password")), newPass, f.remotePass))),
		widget.NewFormItem(lang.L("Beauty (camera)"), container.NewGridWithColumns(3,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("Smoothing")), nil, f.smooth),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("Brightening")), nil, f.brighten),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("Light (dim room)")), nil, f.light))),
	}
	return f
}

// beauty reads the beauty sliders.
func (f *settingsForm) beauty() app.Beauty {
	return app.Beauty{Smooth: int(f.smooth.Value), Brighten: int(f.brighten.Value), Light: int(f.light.Value)}
}

// settings reads the form back, or says which field is wrong.
func (f *settingsForm) settings(base app.Settings) (app.Settings, error) {
	st := base
	st.PlatformURL = strings.TrimSpace(f.url.Text)
	st.PlatformToken = strings.TrimSpace(f.token.Text)
	devID := func(s *widget.Select) string {
		i := s.SelectedIndex()
		ids := f.devIDs[s]
		if i < 0 || i >= len(ids) {
			return ""
		}
		return ids[i]
	}
	st.CameraID, st.MicID, st.ScreenID = devID(f.camera), devID(f.mic), devID(f.screen)
	var w, h int
	// Unreadable numbers become zeros, which the studio's rule refuses with
	// the sentence that says what each field takes.
	fmt.Sscanf(strings.TrimSpace(f.size.Text), "%dx%d", &w, &h)
	st.Width, st.Height = w, h
	st.FPS, _ = strconv.Atoi(strings.TrimSpace(f.fps.Text))
	st.MinKbps, _ = strconv.Atoi(strings.TrimSpace(f.minKbps.Text))
	st.MaxKbps, _ = strconv.Atoi(strings.TrimSpace(f.maxKbps.Text))
	if i := f.language.SelectedIndex(); i >= 0 && i < len(languages) {
		st.Language = languages[i].code
	}
	st.ChimeOrders = f.chimeOrders.Checked
	st.ChimePrivate = f.chimePrivate.Checked
	st.ChimeVolume = f.volume.Value
	st.MonitorMic = f.monitor.Checked
	st.RemoteControl, st.RemoteLAN = f.remoteOn.Checked, f.remoteLAN.Checked
	st.ShareLAN = f.shareLAN.Checked
	st.RemotePort, _ = strconv.Atoi(strings.TrimSpace(f.remotePort.Text))
	st.RemotePassword = strings.TrimSpace(f.remotePass.Text)
	st.Beauty = f.beauty()
	if err := st.Validate(); err != nil {
		return base, errors.New(errText(err))
	}
	return st, nil
}

// openSettings shows the settings dialog; saving stores the preferences and
// hands the new settings to the studio.
func (w *studioWindow) openSettings() {
	var devs []app.Device
	w.async(func(context.Context) error {
		var err error
		devs, err = w.studio.Devices()
		return err
	}, func(err error) {
		if err != nil {
			w.fail(lang.L("The device list could not be read"), err)
		}
		w.showSettingsDialog(devs)
	})
}

func (w *studioWindow) showSettingsDialog(devs []app.Device) *settingsForm {
	before := w.studio.Settings()
	f := newSettingsForm(before, devs)
	// The beauty sliders act on the preview as they move: before and after
	// in the picture itself. Cancel puts the kept settings back.
	preview := func(float64) { w.studio.PreviewBeauty(f.beauty()) }
	f.smooth.OnChanged, f.brighten.OnChanged, f.light.OnChanged = preview, preview, preview
	// The form scrolls inside the dialog: all of it is longer than a
	// laptop screen is high.
	body := container.NewVScroll(widget.NewForm(f.items...))
	body.SetMinSize(fyne.NewSize(520, 520))
	d := dialog.NewCustomConfirm(lang.L("Settings"), lang.L("Save"), lang.L("Cancel"), body, func(ok bool) {
		if ok {
			w.saveSettingsForm(f, before)
		} else {
			w.studio.PreviewBeauty(before.Beauty)
		}
	}, w.win)
	d.Resize(fyne.NewSize(560, 620))
	d.Show()
	return f
}

func (w *studioWindow) saveSettingsForm(f *settingsForm, before app.Settings) {
	st, err := f.settings(before)
	if err != nil {
		w.fail(lang.L("Settings not saved"), err)
		return
	}
	saveSettings(w.app.Preferences(), st)
	w.async(func(ctx context.Context) error {
		return w.studio.ApplySettings(ctx, st)
	}, func(err error) {
		if err != nil {
			w.fail(lang.L("Settings saved, but the studio could not use them"), err)
			return
		}
		if st.PlatformURL != before.PlatformURL || st.PlatformToken != before.PlatformToken {
			// Another platform: its own shows, none of the last one's.
			w.show.platformChanged()
		}
		if st.Language != before.Language {
			w.notify(lang.L("Settings saved. The new language shows after a restart."))
		} else {
			w.notify(lang.L("Settings saved."))
		}
		w.sources.reload()
	})
}
