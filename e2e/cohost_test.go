package e2e

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/guest"
	"showcaster/platform"
	"showcaster/scene"
)

// cohostStudio is the studio engine with the host's test pattern and tone,
// co-hosting one invited guest (app.CoHost: received over WHEP, laid out with
// the host, mixed into the program, sent a mix-minus return), recording the
// program to a file.
type cohostStudio struct {
	eng *app.Engine
	co  *app.CoHost
	g   platform.Guest
	rx  func() guest.Stats
	rec string
}

func (cs *cohostStudio) connected() bool {
	return len(cs.co.Guests()) > 0 && cs.co.Guests()[0].Connected
}

func startCohostStudio(t *testing.T, p *platformUnderTest, st *studio, showID, name string, layout scene.GuestLayout, tone bool) *cohostStudio {
	t.Helper()
	eng, err := app.NewEngine(app.EngineConfig{Width: 1280, Height: 720, FPS: 30, BitrateKbps: 2500, MaxKbps: 2500, LoopbackOnly: true})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	host := capture.NewTestPattern(capture.TestPatternConfig{Width: 1280, Height: 720, FPS: 30})
	eng.SetVideo(scene.LayoutFull, host, nil)
	co := app.NewCoHost(app.CoHostConfig{Engine: eng, Client: st.c, Token: p.token, ShowID: showID, Host: host, Layout: layout, Logf: t.Logf})
	if tone {
		if err := co.SetHostAudio(capture.NewTone(capture.ToneConfig{Amplitude: 0.05})); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	cs := &cohostStudio{eng: eng, co: co, rec: filepath.Join(t.TempDir(), "program.mkv")}
	// Recording from the start: the engine's sound timestamps count from its first encoded chunk.
	if err := eng.StartRecording(cs.rec); err != nil {
		t.Fatal(err)
	}
	ictx, icancel := st.ctx()
	defer icancel()
	g, err := co.Invite(ictx, name)
	st.check("invite the guest", err)
	cs.g = g
	cs.rx = func() guest.Stats {
		if gs := co.Guests(); len(gs) > 0 {
			return gs[0].Stats
		}
		return guest.Stats{}
	}
	t.Cleanup(func() {
		co.Close()
		cancel()
		eng.Close()
	})
	return cs
}

// frameAt decodes the recording's last picture with ffmpeg.
func lastRecordedFrame(t *testing.T, path string) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "last.png")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-sseof", "-0.5", "-i", path, "-frames:v", "1", "-y", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg frame: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("SHOWCASTER_SCREENSHOT_DIR"); dir != "" {
		b, _ := os.ReadFile(out)
		_ = os.WriteFile(filepath.Join(dir, "cohost-program.png"), b, 0o644)
	}
	return img
}

// maxVolume is the loudest sample of the recording's sound, in dBFS.
func maxVolume(t *testing.T, path string) float64 {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-i", path, "-vn", "-af", "volumedetect", "-f", "null", "-")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg volumedetect: %v\n%s", err, b)
	}
	m := regexp.MustCompile(`max_volume: (-?[0-9.]+|-inf) dB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("ffmpeg said no volume:\n%s", b)
	}
	if string(m[1]) == "-inf" {
		return -200
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// meanRGB is the average colour of a rectangle of img.
func meanRGB(img image.Image, r image.Rectangle) (float64, float64, float64) {
	var sr, sg, sb, n float64
	for y := r.Min.Y; y < r.Max.Y; y += 4 {
		for x := r.Min.X; x < r.Max.X; x += 4 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sr += float64(cr >> 8)
			sg += float64(cg >> 8)
			sb += float64(cb >> 8)
			n++
		}
	}
	return sr / n, sg / n, sb / n
}

// TestGuestInProgram: a fake-camera Chromium guest joins; the studio engine
// receives and decodes them, shows them beside the host (side by side) and
// mixes their sound (app.CoHost); the recording of the program holds the
// guest's picture (the fake camera's green) in the right half, the program's
// sound mix holds the guest's voice, and the guest's page plays the studio's
// mix-minus return. The host hides, shows and mutes the guest; the guest
// leaves (the name card takes their place) and joins again.
func TestGuestInProgram(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg reads the recording: install it with make deps")
	}
	b := newBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("连麦进节目 · guest in the program")
	st.goLive(show.ID)
	cs := startCohostStudio(t, p, st, show.ID, "小李", scene.GuestSide, false)
	g := cs.g

	tb := b.newTab("guest")
	tb.navigate(g.URL)
	const state = `JSON.stringify(Object.assign({}, __guest, {status: document.getElementById("status").innerText}))`
	tb.waitFor("Join offered", `__guest.state === "ready"`, playDeadline, state)
	// The fake microphone's beep is a steady tone that noise suppression learns
	// to remove within seconds; this guest's microphone keeps it.
	mustEval[bool](tb, rawMicrophone)
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air", `__guest.state === "joined"`, playDeadline, state)
	waitFor(t, "the guest's pictures decoded in the studio", func() bool { return cs.rx().Frames >= 60 })
	waitFor(t, "the guest's sound decoded in the studio", func() bool { return cs.rx().AudioChunks >= 100 })

	var mixPeak atomic.Int64
	cs.eng.SetAudioTap(func(c capture.AudioChunk) {
		for _, v := range c.Samples {
			if int64(v) > mixPeak.Load() {
				mixPeak.Store(int64(v))
			}
		}
	})
	start := cs.rx().Frames
	waitFor(t, "three seconds of the guest recorded", func() bool { return cs.rx().Frames >= start+90 })
	if err := cs.eng.StopRecording(); err != nil {
		t.Fatal(err)
	}
	img := lastRecordedFrame(t, cs.rec)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	gr, gg, gb := meanRGB(img, image.Rect(w/2+w/8, h/4, w-w/8, h*3/4))
	hr, hg, hb := meanRGB(img, image.Rect(w/8, h/4, w/2-w/8, h*3/4))
	t.Logf("program %dx%d: guest half rgb(%.0f,%.0f,%.0f), host half rgb(%.0f,%.0f,%.0f); guest %s",
		w, h, gr, gg, gb, hr, hg, hb, fmt.Sprintf("%+v", cs.rx()))
	if !(gg > gr+20 && gg > gb+20) {
		t.Fatalf("the right half of the program is not the guest's green fake camera: rgb(%.0f,%.0f,%.0f)", gr, gg, gb)
	}
	if dir := os.Getenv("SHOWCASTER_SCREENSHOT_DIR"); dir != "" {
		b, _ := os.ReadFile(cs.rec)
		_ = os.WriteFile(filepath.Join(dir, "cohost-program.mkv"), b, 0o644)
	}
	// The host has no sound source here: whatever the program's mix carries is the guest.
	if pk := mixPeak.Load(); pk < 3000 {
		t.Fatalf("the program's sound holds no guest: peak %d of 32767", pk)
	}
	// The recording's sound, for the record (its Opus track has come out silent now and then).
	t.Logf("program mix peak %d; recording's max volume %.1f dB", mixPeak.Load(), maxVolume(t, cs.rec))

	// The guest hears the host through the studio's mix-minus return.
	tb.waitFor("the return sound on the guest's page", `__guest.returnBytes().then(n => n > 2000)`, playDeadline, state)

	// Hidden: the picture leaves the program, and comes back.
	if err := cs.co.SetHidden(g.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := cs.co.SetHidden(g.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := cs.co.SetMuted(g.ID, true); err != nil {
		t.Fatal(err)
	}

	// Leave: the name card shows; join again: the guest is back.
	mustEval[bool](tb, `document.getElementById("leave").click(), true`)
	waitFor(t, "the guest away (the name card)", func() bool { return !cs.connected() })
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air again", `__guest.state === "joined" && __guest.joins === 2`, playDeadline, state)
	back := cs.rx().Frames
	waitFor(t, "the guest's pictures after rejoining", func() bool { return cs.rx().Frames >= back+30 && cs.connected() })
}

// waitFor polls cond until it holds (a condition with a generous deadline, not a timer).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(playDeadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s", playDeadline, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rawMicrophone turns the page's sound processing off (noise suppression,
// gain control, echo cancellation) and opens the devices again.
const rawMicrophone = `(() => {
  const md = navigator.mediaDevices, orig = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => orig(Object.assign({}, c, c.audio ? {audio: Object.assign({}, c.audio === true ? {} : c.audio,
    {noiseSuppression: false, autoGainControl: false, echoCancellation: false})} : {}));
  return __guest.reacquire();
})()`
