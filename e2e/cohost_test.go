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
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/guest"
	"showcaster/scene"
)

// cohostStudio is the studio engine with the host's test pattern on the left
// and a guest received over WHEP on the right (side by side), the guest's
// sound mixed into the program, recording the program to a file.
type cohostStudio struct {
	eng *app.Engine
	rx  *guest.Receiver
	rec string
}

func startCohostStudio(t *testing.T, p *platformUnderTest, showID, guestID, name string, layout scene.GuestLayout) *cohostStudio {
	t.Helper()
	eng, err := app.NewEngine(app.EngineConfig{Width: 1280, Height: 720, FPS: 30, BitrateKbps: 2500, MaxKbps: 2500, LoopbackOnly: true})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	rx, err := guest.Start(guest.Config{WHEPURL: p.url + "/whep/" + showID + "/guests/" + guestID, Token: p.token, Name: name, Logf: t.Logf})
	if err != nil {
		eng.Close()
		t.Fatalf("guest receiver: %v", err)
	}
	host := capture.NewTestPattern(capture.TestPatternConfig{Width: 1280, Height: 720, FPS: 30})
	eng.Scene().SetItems(scene.GuestItems(layout, 1280, 720, host, []capture.VideoSource{rx.Video()}))
	if err := eng.SetAudio("guest:"+guestID, rx.Audio()); err != nil {
		t.Fatalf("guest sound: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	cs := &cohostStudio{eng: eng, rx: rx, rec: filepath.Join(t.TempDir(), "program.mkv")}
	// Recording from the start: the engine's sound timestamps count from its first encoded chunk.
	if err := eng.StartRecording(cs.rec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		rx.Close()
		eng.Close()
		host.Close()
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
// mixes their sound; the recording of the program holds the guest's picture
// (the fake camera's green) in the right half and the guest's sound. The
// guest leaves (the name card takes their place) and joins again.
func TestGuestInProgram(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg reads the recording: install it with make deps")
	}
	b := newBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("连麦进节目 · guest in the program")
	st.goLive(show.ID)
	ctx, cancel := st.ctx()
	defer cancel()
	g, err := st.c.InviteGuest(ctx, show.ID, "小李")
	st.check("invite", err)
	cs := startCohostStudio(t, p, show.ID, g.ID, g.Name, scene.GuestSide)

	tb := b.newTab("guest")
	tb.navigate(g.URL)
	const state = `JSON.stringify(Object.assign({}, __guest, {status: document.getElementById("status").innerText}))`
	tb.waitFor("Join offered", `__guest.state === "ready"`, playDeadline, state)
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air", `__guest.state === "joined"`, playDeadline, state)
	waitFor(t, "the guest's pictures decoded in the studio", func() bool { return cs.rx.Stats().Frames >= 60 })
	waitFor(t, "the guest's sound decoded in the studio", func() bool { return cs.rx.Stats().AudioChunks >= 100 })

	start := cs.rx.Stats().Frames
	waitFor(t, "three seconds of the guest recorded", func() bool { return cs.rx.Stats().Frames >= start+90 })
	if err := cs.eng.StopRecording(); err != nil {
		t.Fatal(err)
	}
	img := lastRecordedFrame(t, cs.rec)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	gr, gg, gb := meanRGB(img, image.Rect(w/2+w/8, h/4, w-w/8, h*3/4))
	hr, hg, hb := meanRGB(img, image.Rect(w/8, h/4, w/2-w/8, h*3/4))
	t.Logf("program %dx%d: guest half rgb(%.0f,%.0f,%.0f), host half rgb(%.0f,%.0f,%.0f); guest %s",
		w, h, gr, gg, gb, hr, hg, hb, fmt.Sprintf("%+v", cs.rx.Stats()))
	if !(gg > gr+20 && gg > gb+20) {
		t.Fatalf("the right half of the program is not the guest's green fake camera: rgb(%.0f,%.0f,%.0f)", gr, gg, gb)
	}
	if dir := os.Getenv("SHOWCASTER_SCREENSHOT_DIR"); dir != "" {
		b, _ := os.ReadFile(cs.rec)
		_ = os.WriteFile(filepath.Join(dir, "cohost-program.mkv"), b, 0o644)
	}
	if v := maxVolume(t, cs.rec); v < -40 {
		t.Fatalf("the program's sound holds no guest: max volume %.1f dB", v)
	}

	// Leave: the name card shows; join again: the guest is back.
	mustEval[bool](tb, `document.getElementById("leave").click(), true`)
	waitFor(t, "the guest away (the name card)", func() bool { return !cs.rx.Connected() })
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air again", `__guest.state === "joined" && __guest.joins === 2`, playDeadline, state)
	back := cs.rx.Stats().Frames
	waitFor(t, "the guest's pictures after rejoining", func() bool { return cs.rx.Stats().Frames >= back+30 && cs.rx.Connected() })
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
