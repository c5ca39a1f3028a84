package e2e

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"showcaster/capture"
	"showcaster/scene"
)

// timecodeCamera replaces the guest page's camera with a 1280×720 30 fps
// canvas that carries the time code of docs/timecode.md (drawn at each
// frame with Date.now()), and its microphone with a tone; then it picks the
// "new device" as a person would, through the camera picker.
const timecodeCamera = `(() => {
  const W = 1280, H = 720, c = document.createElement("canvas");
  c.width = W; c.height = H;
  const g = c.getContext("2d");
  let frame = 0;
  const crc8 = (bytes) => { let v = 0; for (const b of bytes) { v ^= b; for (let k = 0; k < 8; k++) v = v & 0x80 ? ((v << 1) ^ 0x07) & 0xff : (v << 1) & 0xff; } return v; };
  function draw() {
    const ms = Date.now();
    g.fillStyle = "#2a5d8f"; g.fillRect(0, 0, W, H);
    g.fillStyle = "#ffd24a"; g.fillRect((frame * 12) % W, H / 2, 80, 80);
    const payload = [];
    for (let k = 3; k >= 0; k--) payload.push(Math.floor(frame / Math.pow(2, 8 * k)) & 0xff);
    for (let k = 5; k >= 0; k--) payload.push(Math.floor(ms / Math.pow(2, 8 * k)) & 0xff);
    const bits = [1, 0, 1, 0];
    for (const b of payload) for (let k = 7; k >= 0; k--) bits.push((b >> k) & 1);
    const crc = crc8(payload);
    for (let k = 7; k >= 0; k--) bits.push((crc >> k) & 1);
    bits.push(0, 1, 0, 1);
    for (let i = 0; i < 96; i++) {
      const col = i % 24, row = Math.floor(i / 24);
      const x0 = Math.floor(col * W / 80), x1 = Math.floor((col + 1) * W / 80);
      const y0 = Math.floor(row * H / 45), y1 = Math.floor((row + 1) * H / 45);
      g.fillStyle = bits[i] ? "rgb(235,235,235)" : "rgb(16,16,16)";
      g.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
    frame = (frame + 1) % 4294967296;
  }
  draw();
  setInterval(draw, 1000 / 30);
  const ac = new AudioContext(), osc = ac.createOscillator(), dst = ac.createMediaStreamDestination();
  osc.frequency.value = 660; osc.connect(dst); osc.start();
  const video = c.captureStream(30).getVideoTracks()[0];
  navigator.mediaDevices.getUserMedia = async () => new MediaStream([video, dst.stream.getAudioTracks()[0]]);
  document.getElementById("camera").onchange();
  return true;
})()`

// TestGuestToProgramLatency measures a guest's camera → the studio's program:
// a Chromium guest whose camera is a canvas with the time code joins; the
// studio engine receives, decodes and composes them full frame; each
// composed program frame's time code is read and compared with the frame's
// composition time. Also the decode cost per guest frame and the CPU of the
// process (platform + studio engine + guest decode) with one guest. Long, so
// only with -latency (make bench):
//
//	go test ./e2e -run TestGuestToProgramLatency -v -timeout 10m -args -latency
func TestGuestToProgramLatency(t *testing.T) {
	if !*latencyRun && os.Getenv("SHOWCASTER_LATENCY") == "" {
		t.Skip("a latency measurement: run it with -args -latency (see docs/benchmarks.md)")
	}
	b := newBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("连麦延迟 · guest latency")
	st.goLive(show.ID)
	cs := startCohostStudio(t, p, st, show.ID, "时间码", scene.GuestFull, true)
	g := cs.g
	sink := cs.eng.Scene().AddSink("guest-latency", 4)
	defer sink.Close()

	tb := b.newTab("guest")
	tb.navigate(g.URL)
	const state = `JSON.stringify(Object.assign({}, __guest, {status: document.getElementById("status").innerText}))`
	tb.waitFor("Join offered", `__guest.state === "ready"`, playDeadline, state)
	mustEval[bool](tb, timecodeCamera)
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air", `__guest.state === "joined"`, playDeadline, state)

	read := func(d time.Duration) (lat []float64, misses int) {
		end := time.Now().Add(d)
		for time.Now().Before(end) {
			select {
			case f := <-sink.Frames():
				if tc, ok := capture.ReadTimecode(f.Image); ok {
					lat = append(lat, float64(f.Time.Sub(tc.Time).Microseconds())/1000)
				} else {
					misses++
				}
				f.Release()
			case <-time.After(time.Second):
			}
		}
		return lat, misses
	}
	// Settle: the guest's sender ramps its bitrate and size up.
	waitFor(t, "time-coded guest frames in the program", func() bool { l, _ := read(500 * time.Millisecond); return len(l) > 5 })
	read(*latencySettle)
	s0, cpu0, t0 := cs.rx(), cpuTime(), time.Now()
	lat, misses := read(*latencyWindow)
	s1, cpu1, el := cs.rx(), cpuTime(), time.Since(t0)
	if len(lat) < 10 {
		t.Fatalf("only %d time-code readings (%d frames without) in %v", len(lat), misses, el)
	}
	slices.Sort(lat)
	frames := s1.Frames - s0.Frames
	decode := float64((s1.DecodeTime - s0.DecodeTime).Microseconds()) / 1000 / float64(max(frames, 1))
	cores := (cpu1 - cpu0).Seconds() / el.Seconds()
	fmt.Printf("guest camera → program over %s: p50 %.0f ms, p95 %.0f ms, max %.0f ms (%d readings, %d without a code); guest %dx%d at %.1f fps, decode %.2f ms a frame; process CPU %.2f cores (platform + studio engine + one guest)\n",
		el.Round(time.Second), percentile(lat, 50), percentile(lat, 95), lat[len(lat)-1], len(lat), misses,
		s1.Width, s1.Height, float64(frames)/el.Seconds(), decode, cores)
}
