package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestStudioWindow runs the real studio as a person meets it: bin/showcaster
// on a fresh profile in a real X window (Xvfb), with its embedded platform.
// The window is titled "Showcaster" and its preview moves; a show is created
// and a trial started from the keyboard; a viewer opens the trial link in
// Chromium and types a comment, which appears in the studio's panel; Ctrl+Q
// closes the studio cleanly.
//
// SHOWCASTER_BIN names the binary (default ../bin/showcaster, `make build`);
// SHOWCASTER_SCREENSHOT=file.png keeps a picture of the window at the end.
func TestStudioWindow(t *testing.T) {
	bin := studioBinary(t)
	b := newBrowser(t)
	started := time.Now()
	st := launchStudio(t, bin, nil)
	x, win, log := st.x, st.win, st.log
	log.wait(t, "first preview frame", 20*time.Second)
	t.Logf("first preview frame %s after the process started", time.Since(started).Round(time.Millisecond))
	time.Sleep(time.Second) // the window settles its layout around the first frames
	x.previewMoves(win, "after start-up")

	// 2. A show plan and a trial, from the keyboard as a host would.
	// Xvfb has no window manager to activate windows; focusing is enough.
	if _, err := x.try("windowactivate", "--sync", win); err != nil {
		x.run("windowfocus", win)
	}
	x.run("key", "--window", win, "ctrl+shift+n")
	x.previewUnderDialog(win)
	time.Sleep(300 * time.Millisecond) // the title has the keyboard
	x.run("type", "--delay", "30", "Xvfb trial")
	x.run("key", "Return")
	counting := false
	for try := 0; !counting && try < 40; try++ {
		x.run("key", "--window", win, "ctrl+t") // refused until the audit approves
		_, counting = log.waitFor("countdown: ", 2*time.Second)
	}
	if counting {
		x.countdownOverPreview(win)
	}
	var viewerURL string
	if line, ok := log.waitFor("viewer link: ", 10*time.Second); ok {
		viewerURL = strings.TrimSpace(line[strings.Index(line, "viewer link: ")+len("viewer link: "):])
	}
	if !strings.Contains(viewerURL, "/watch/") || !strings.Contains(viewerURL, "key=") {
		t.Fatalf("the trial did not start from Ctrl+T (viewer link %q)", viewerURL)
	}

	// 3. A viewer opens the trial link and comments on the page.
	v := b.newTab("viewer")
	v.navigate(viewerURL)
	waitPlaying(v)
	posted := time.Now()
	v.do(chromedp.SendKeys(chromedp.ID("comment-input"), "请问1号链接还有货吗"), chromedp.Click(chromedp.ID("send")))
	line := log.wait(t, "comments: 1 on screen", 15*time.Second)
	t.Logf("the viewer's comment reached the studio's panel %s after it was sent (%s)", time.Since(posted).Round(time.Millisecond), line)
	x.previewMoves(win, "during the trial")
	repaintsApartFromPreview(t, log)
	if path := os.Getenv("SHOWCASTER_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, x.capture(win), 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
		}
	}

	// 4. Ctrl+Q: the window closes and the studio shuts down cleanly.
	st.quit()
}

// TestStudioWindowRepairsSettings: a canvas saved by an older version or a
// hand edit (2560x1440, beyond what the compositor takes) no longer stops
// the studio from opening: the window opens, the preview moves, and the
// status line says the canvas now is 1920x1080 and why.
func TestStudioWindowRepairsSettings(t *testing.T) {
	st := launchStudio(t, studioBinary(t), map[string]any{"video.width": 2560, "video.height": 1440})
	line := st.log.wait(t, "notice: ", 20*time.Second)
	if !strings.Contains(line, "2560x1440") || !strings.Contains(line, "1920x1080") {
		t.Errorf("the notice reads %q; want it to name 2560x1440 and the 1920x1080 used instead", line)
	}
	st.log.wait(t, "first preview frame", 20*time.Second)
	time.Sleep(time.Second) // the window settles its layout around the first frames
	st.x.previewMoves(st.win, "with the repaired canvas")
	if path := os.Getenv("SHOWCASTER_SCREENSHOT_REPAIRED"); path != "" {
		os.WriteFile(path, st.x.capture(st.win), 0o644)
	}
	st.quit()
	// The repaired value was stored: the next start meets no notice.
	prefs, err := os.ReadFile(st.prefsPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(prefs), `"video.width":1920`) {
		t.Errorf("preferences after the repair: %s; want video.width 1920 stored", prefs)
	}
}

// TestStudioWindowHiDPI: on a screen scaled by 1.5 the preview gets a
// picture with the pixels it has, in its own window, as tall a share of
// the window as at scale 1 (the first layout came before the widget knew
// its canvas's scale, and the preview was a third of its pixels, stretched).
func TestStudioWindowHiDPI(t *testing.T) {
	t.Setenv("FYNE_SCALE", "1.5")
	st := launchStudio(t, studioBinary(t), nil)
	st.log.wait(t, "first preview frame", 20*time.Second)
	// The layout settles around the first frames: wait up to 5 s for the
	// preview to take its share of the window.
	var pw, ph, ww, wh int
	var share float64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if preview, ok := st.x.previewWindow(); ok {
			p, w := st.x.geometry(preview), st.x.geometry(st.win)
			pw, ph, ww, wh = p.Dx(), p.Dy(), w.Dx(), w.Dy()
		}
		if wh > 0 {
			share = float64(ph) / float64(wh)
		}
		if share >= 0.25 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the preview is %dx%d pixels in a %dx%d window (%.0f %% of its height; about 28 %% at scale 1): it got a picture for an unscaled widget, or has no window of its own", pw, ph, ww, wh, 100*share)
		}
	}
	t.Logf("at scale 1.5 the preview is %dx%d pixels in a %dx%d window", pw, ph, ww, wh)
	st.quit()
}

// studioBinary is the studio to run: SHOWCASTER_BIN, or ../bin/showcaster.
func studioBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("SHOWCASTER_BIN")
	if bin == "" {
		bin = filepath.Join("..", "bin", "showcaster")
	}
	bin, _ = filepath.Abs(bin)
	need(t, bin, "build it with `make build`")
	return bin
}

// studioRun is bin/showcaster on a fresh profile in its own Xvfb, its window
// found by title.
type studioRun struct {
	t         *testing.T
	x         xdo
	win       string
	log       *lineLog
	exited    chan struct{}
	exitErr   error
	prefsPath string
}

// launchStudio starts the studio with the given saved preferences (Fyne's
// preferences file) and waits for its window titled Showcaster.
func launchStudio(t *testing.T, bin string, prefs map[string]any) *studioRun {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool", "import", "xwininfo"} {
		path, err := exec.LookPath(tool)
		if err != nil {
			path = tool
		}
		need(t, path, "`make deps` installs it")
	}
	// A display that served the probe but refused the studio belongs to
	// the machine, not to the studio (another server may have taken the
	// number's socket): the studio is started once more on a new display.
	// A studio that cannot open displays at all fails every time.
	for attempt := 1; ; attempt++ {
		if r, ok := launchStudioOnce(t, bin, prefs, attempt == 3); ok {
			return r
		}
		t.Logf("attempt %d: the display refused the studio; trying a new display", attempt)
	}
}

// launchStudioOnce is one start of the studio on a display of its own;
// false when the studio could not open that display (and last is false).
func launchStudioOnce(t *testing.T, bin string, prefs map[string]any, last bool) (*studioRun, bool) {
	t.Helper()
	display := startXvfb(t)
	home := t.TempDir()
	for _, dir := range []string{".config", ".cache", ".local/share"} {
		os.MkdirAll(filepath.Join(home, dir), 0o755)
	}
	r := &studioRun{t: t, log: &lineLog{}, exited: make(chan struct{}),
		prefsPath: filepath.Join(home, ".config", "fyne", "com.showcaster.studio", "preferences.json")}
	if prefs != nil {
		data, _ := json.Marshal(prefs)
		os.MkdirAll(filepath.Dir(r.prefsPath), 0o755)
		if err := os.WriteFile(r.prefsPath, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	app := exec.Command(bin)
	app.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "LANGUAGE=zh_CN", "SHOWCASTER_TRACE_UI=1")
	app.Stdout, app.Stderr = r.log, r.log
	if err := app.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { r.exitErr = app.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			app.Process.Kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("studio log:\n%s", r.log.String())
		}
	})
	r.x = xdo{t: t, display: display}
	for deadline := time.Now().Add(20 * time.Second); r.win == ""; {
		out, err := r.x.command("xdotool", "search", "--name", "^Showcaster$").Output()
		if first := strings.TrimSpace(strings.Split(string(out), "\n")[0]); err == nil && isWindowID(first) {
			r.win = first
			break
		}
		select {
		case <-r.exited:
			if !last && strings.Contains(r.log.String(), "Failed to open display") {
				return nil, false
			}
			t.Fatalf("the studio exited before its window opened (%v)", r.exitErr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window titled Showcaster within 20 s (xdotool search: %v %q)", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if name := strings.TrimSpace(r.x.run("getwindowname", r.win)); name != "Showcaster" {
		t.Fatalf("the window is titled %q, want Showcaster", name)
	}
	return r, true
}

// quit presses Ctrl+Q: the window closes and the studio shuts down cleanly.
// The window may vanish before xdotool sends the key releases to it; that
// is the studio being quick, not a failure.
func (r *studioRun) quit() {
	r.t.Helper()
	r.x.try("key", "--window", r.win, "ctrl+q")
	select {
	case <-r.exited:
		if r.exitErr != nil {
			r.t.Fatalf("the studio exited with %v after Ctrl+Q", r.exitErr)
		}
	case <-time.After(15 * time.Second):
		r.t.Fatal("the studio did not exit within 15 s of Ctrl+Q")
	}
}

// need fails under CI when a tool is missing, and skips a developer's run.
func need(t *testing.T, path, how string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if _, ci := os.LookupEnv("CI"); ci {
		t.Fatalf("%s is required for the studio window test under CI: %s", path, how)
	}
	t.Skipf("skipping the studio window test: %s is missing (%s)", path, how)
}

// startXvfb runs a virtual X display for the test and returns its name.
// Numbers from :90 up keep clear of the displays people's own tools use
// (:0, :1). Xvfb says through -displayfd when it accepts clients on the
// display: that is how the test knows the display is its own server's, not
// another test run's that took the number between the check here and the
// start (which a probe would find, and which goes when that run ends).
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90; n < 140; n++ {
		if xServerAlive(n) {
			continue
		}
		if display, ok := tryXvfb(t, n); ok {
			return display
		}
	}
	t.Fatal("no X display between :90 and :139 could be started")
	return ""
}

// xServerAlive reports whether display n's lock file names a running
// process. A server that was killed leaves its lock and socket behind;
// Xvfb takes such a display over, so only a live one is skipped.
func xServerAlive(n int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || perr != nil || pid <= 0 {
		return true // unreadable: leave it alone
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// tryXvfb starts Xvfb on display n and waits until it serves it; false when
// the display was taken after all (the server exits) or it never got ready.
func tryXvfb(t *testing.T, n int) (string, bool) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	display := fmt.Sprintf(":%d", n)
	// -noreset: a server resets when its last client leaves, and the probe
	// below is that client; the studio must not arrive during the reset.
	cmd := exec.Command("Xvfb", display, "-displayfd", "3", "-screen", "0", "1400x900x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w} // fd 3 in Xvfb
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	gone := make(chan struct{})
	go func() { cmd.Wait(); close(gone) }()
	// SIGTERM lets Xvfb remove its socket and lock file, so the display
	// number is free again for the next run (a killed server leaves both).
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-gone:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-gone
		}
	}
	ready := make(chan bool, 1)
	go func() {
		b := make([]byte, 16)
		k, _ := r.Read(b) // the display number once it serves; nothing if it exits
		ready <- strings.TrimSpace(string(b[:k])) == strconv.Itoa(n)
	}()
	select {
	case ok := <-ready:
		if !ok {
			stop()
			return "", false
		}
	case <-time.After(30 * time.Second):
		stop()
		return "", false
	}
	// Served, but a client may still be refused for a moment: wait until
	// one gets through, as the studio's toolkit gives up at once.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		probe := exec.Command("xdotool", "getdisplaygeometry")
		probe.Env = append(os.Environ(), "DISPLAY="+display)
		if probe.Run() == nil {
			t.Cleanup(stop)
			return display, true
		}
	}
	stop()
	return "", false
}

// isWindowID reports whether s is an X window id as xdotool prints it.
func isWindowID(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// xdo runs X tools on the test's display.
type xdo struct {
	t       *testing.T
	display string
}

func (x xdo) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	return cmd
}

func (x xdo) try(args ...string) (string, error) {
	out, err := x.command("xdotool", args...).CombinedOutput()
	return string(out), err
}

func (x xdo) run(args ...string) string {
	x.t.Helper()
	out, err := x.try(args...)
	if err != nil {
		x.t.Fatalf("xdotool %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return out
}

// capture is a PNG of the window, as ImageMagick's import sees the screen.
func (x xdo) capture(win string) []byte {
	x.t.Helper()
	out, err := x.command("import", "-window", win, "png:-").Output()
	if err != nil {
		x.t.Fatalf("import -window %s: %v", win, err)
	}
	return out
}

// previewMoves compares the preview area (below the show bar, on the left)
// in two captures half a second apart.
func (x xdo) previewMoves(win, when string) {
	x.t.Helper()
	grab := func() image.Image {
		img, err := png.Decode(bytes.NewReader(x.capture(win)))
		if err != nil {
			x.t.Fatalf("decode the window capture: %v", err)
		}
		return img
	}
	a := grab()
	time.Sleep(500 * time.Millisecond)
	b := grab()
	area := image.Rect(40, 90, 540, 290).Intersect(a.Bounds()).Intersect(b.Bounds())
	changed := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for xx := area.Min.X; xx < area.Max.X; xx++ {
			r1, g1, b1, _ := a.At(xx, y).RGBA()
			r2, g2, b2, _ := b.At(xx, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				changed++
			}
		}
	}
	if changed < 50 {
		x.t.Fatalf("the preview did not move %s: %d pixels changed in 0.5 s", when, changed)
	}
	x.t.Logf("the preview moves %s: %d pixels changed in 0.5 s", when, changed)
}

// previewUnderDialog: with a dialog open (the new-show form), the toolkit
// dims the window under it, the preview too; the preview has a window of
// its own while nothing covers it, and it must give way to the dialog. So
// once the dialog is up, no bar of the test pattern is seen at full
// brightness in the preview area.
func (x xdo) previewUnderDialog(win string) {
	x.t.Helper()
	bright, ok := x.waitShaded(win, image.Rect(40, 90, 540, 290), 5*time.Second)
	if !ok {
		x.t.Fatalf("5 s after the new-show dialog was asked for, %d pixels of the preview area still show the test pattern undimmed: the preview is drawn over the dialog's shade", bright)
	}
	x.t.Logf("with a dialog open the preview is shaded like the rest of the window")
}

// countdownOverPreview: the 3-2-1 before the trial is drawn by the toolkit
// over the middle of the preview, in a shaded circle; the preview's own
// window must give way to it, so no bar of the test pattern is seen there
// at full brightness while the numbers count.
func (x xdo) countdownOverPreview(win string) {
	x.t.Helper()
	preview, ok := x.previewWindow()
	if !ok {
		x.t.Fatal("no window of the preview's own in the studio window")
	}
	g := x.geometry(preview)
	c := image.Pt((g.Min.X+g.Max.X)/2, (g.Min.Y+g.Max.Y)/2)
	bright, ok := x.waitShaded(win, image.Rect(c.X-40, c.Y-40, c.X+40, c.Y+40), 2*time.Second)
	if !ok {
		x.t.Fatalf("during the countdown %d pixels in the middle of the preview show the test pattern unshaded: the preview is drawn over the countdown", bright)
	}
	x.t.Logf("the countdown shades the middle of the preview (around %v)", c)
}

// previewWindow is the X id of the preview's own window ("Showcaster
// preview", a child of the studio window).
func (x xdo) previewWindow() (string, bool) {
	out, _ := x.command("xdotool", "search", "--name", "^Showcaster preview$").Output()
	id := strings.TrimSpace(strings.Split(string(out), "\n")[0])
	return id, isWindowID(id)
}

// geometry is where window id is on the screen, from xwininfo (xdotool
// doubles a child window's position).
func (x xdo) geometry(id string) image.Rectangle {
	x.t.Helper()
	info, err := x.command("xwininfo", "-id", id).Output()
	if err != nil {
		x.t.Fatalf("xwininfo -id %s: %v", id, err)
	}
	num := func(label string) int {
		n := 0
		if i := strings.Index(string(info), label); i >= 0 {
			fmt.Sscanf(string(info[i+len(label):]), "%d", &n)
		}
		return n
	}
	x0, y0 := num("Absolute upper-left X:"), num("Absolute upper-left Y:")
	return image.Rect(x0, y0, x0+num("Width:"), y0+num("Height:"))
}

// waitShaded captures the window until no more than a few pixels of area
// show a bar of the test pattern at full brightness (something of the
// toolkit's shades it), for up to d; the count of the last capture.
func (x xdo) waitShaded(win string, area image.Rectangle, d time.Duration) (int, bool) {
	x.t.Helper()
	bright := 0
	for deadline := time.Now().Add(d); ; time.Sleep(100 * time.Millisecond) {
		img, err := png.Decode(bytes.NewReader(x.capture(win)))
		if err != nil {
			x.t.Fatalf("decode the window capture: %v", err)
		}
		r := area.Intersect(img.Bounds())
		bright = 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for xx := r.Min.X; xx < r.Max.X; xx++ {
				cr, cg, cb, _ := img.At(xx, y).RGBA()
				if barColour(cr>>8, cg>>8, cb>>8) {
					bright++
				}
			}
		}
		if bright <= 20 {
			return bright, true
		}
		if time.Now().After(deadline) {
			return bright, false
		}
	}
}

// barColour: one of the test pattern's yellow, cyan, green, magenta or red
// bars at full brightness (the theme's own blue is not among them).
func barColour(r, g, b uint32) bool {
	hi := func(v uint32) bool { return v >= 150 }
	lo := func(v uint32) bool { return v <= 60 }
	return hi(r) && hi(g) && lo(b) || lo(r) && hi(g) && hi(b) || lo(r) && hi(g) && lo(b) ||
		hi(r) && lo(g) && hi(b) || hi(r) && lo(g) && lo(b)
}

// repaintsApartFromPreview reads the studio's latest trace of the preview:
// the preview changes 20 times a second, and the window around it must not
// be repainted with each of its frames (Fyne repaints a window whole, and
// under software GL that cost more than the broadcast). The window is
// repainted when something on it changes: the clock, a comment, a counter.
func repaintsApartFromPreview(t *testing.T, log *lineLog) {
	t.Helper()
	// The next report but one covers five seconds that all follow this
	// call (the ones before may hold the new-show dialog, under which the
	// toolkit draws the preview).
	const what = "the window repainted"
	n := log.count(what)
	for deadline := time.Now().Add(15 * time.Second); log.count(what) < n+2; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the studio logged no preview rate within 15 s")
		}
	}
	line := log.last(what)
	var frames, repaints float64
	if i := strings.Index(line, "preview: "); i < 0 {
		t.Fatalf("unreadable trace line %q", line)
	} else if _, err := fmt.Sscanf(line[i:], "preview: %f frames/s shown, the window repainted %f times/s", &frames, &repaints); err != nil {
		t.Fatalf("unreadable trace line %q: %v", line, err)
	}
	if frames < 10 {
		t.Fatalf("the preview showed %.1f frames a second (%q); want at least 10", frames, line)
	}
	// A quarter: what changes on its own during a trial (the clock, the
	// health line) is once a second; an entry's blinking cursor is 8 times.
	if repaints > frames/4 {
		t.Fatalf("the window was repainted %.1f times a second while the preview showed %.1f frames: something repaints the whole window all the time", repaints, frames)
	}
	t.Logf("preview %.1f frames/s, the window around it repainted %.1f times/s", frames, repaints)
}

// lineLog collects the studio's log for the test to wait on.
type lineLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The sound library's complaints about a machine without sound cards
	// are noise here.
	return regexp.MustCompile(`(?m)^ALSA.*\n`).ReplaceAllString(l.buf.String(), "")
}

// waitFor returns the first log line containing what, waiting up to d.
func (l *lineLog) waitFor(what string, d time.Duration) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		for _, line := range strings.Split(l.String(), "\n") {
			if strings.Contains(line, what) {
				return line, true
			}
		}
		select {
		case <-ctx.Done():
			return "", false
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// count is how many log lines contain what.
func (l *lineLog) count(what string) int { return strings.Count(l.String(), what) }

// last returns the last log line containing what ("" if none).
func (l *lineLog) last(what string) string {
	lines := strings.Split(l.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], what) {
			return lines[i]
		}
	}
	return ""
}

func (l *lineLog) wait(t *testing.T, what string, d time.Duration) string {
	t.Helper()
	line, ok := l.waitFor(what, d)
	if !ok {
		t.Fatalf("the studio never logged %q within %v", what, d)
	}
	return line
}
