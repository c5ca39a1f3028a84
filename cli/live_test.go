package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"showcaster/internal/testplatform"
	"showcaster/platform"
)

// whepWatcher plays a show over WHEP and remembers what a decoder would see:
// the H.264 picture size from the SPS and how much audio arrived.
type whepWatcher struct {
	pc          *webrtc.PeerConnection
	width       atomic.Int64
	height      atomic.Int64
	videoFrames atomic.Int64
	audioPkts   atomic.Int64
}

func watch(t *testing.T, whepURL string) *whepWatcher {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetInterfaceFilter(func(name string) bool { return strings.HasPrefix(name, "lo") })
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	w := &whepWatcher{pc: pc}
	t.Cleanup(func() { pc.Close() })
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeAudio {
			for {
				if _, _, err := tr.ReadRTP(); err != nil {
					return
				}
				w.audioPkts.Add(1)
			}
		}
		var depack codecs.H264Packet
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if p.Marker {
				w.videoFrames.Add(1)
			}
			au, err := depack.Unmarshal(p.Payload)
			if err != nil {
				continue
			}
			if wd, ht, ok := spsSize(au); ok {
				w.width.Store(int64(wd))
				w.height.Store(int64(ht))
			}
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	// Playback needs a viewer cookie: open the show's viewer page first, as a browser would.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page, err := hc.Get(strings.Replace(whepURL, "/whep/", "/watch/", 1))
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	resp, err := hc.Post(whepURL, "application/sdp", strings.NewReader(pc.LocalDescription().SDP))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("WHEP answered %d: %s", resp.StatusCode, body)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		t.Fatal(err)
	}
	return w
}

// spsSize finds an SPS in an Annex B access unit and reads the coded picture
// size (frame cropping applied), enough of H.264 7.3.2.1.1 for our streams.
func spsSize(au []byte) (int, int, bool) {
	for _, nal := range bytes.Split(au, []byte{0, 0, 1}) {
		nal = bytes.TrimRight(nal, "\x00")
		if len(nal) < 4 || nal[0]&0x1f != 7 {
			continue
		}
		return parseSPS(nal[1:])
	}
	return 0, 0, false
}

type bitReader struct {
	b   []byte
	pos int
}

func (r *bitReader) bit() uint {
	if r.pos/8 >= len(r.b) {
		return 0
	}
	v := (r.b[r.pos/8] >> (7 - r.pos%8)) & 1
	r.pos++
	return uint(v)
}

func (r *bitReader) bits(n int) uint {
	var v uint
	for range n {
		v = v<<1 | r.bit()
	}
	return v
}

func (r *bitReader) ue() uint {
	zeros := 0
	for r.bit() == 0 && zeros < 32 {
		zeros++
	}
	return (1<<zeros - 1) + r.bits(zeros)
}

func (r *bitReader) se() int {
	v := r.ue()
	if v%2 == 1 {
		return int(v+1) / 2
	}
	return -int(v / 2)
}

func parseSPS(rbsp []byte) (int, int, bool) {
	// Remove emulation prevention bytes.
	clean := make([]byte, 0, len(rbsp))
	for i := 0; i < len(rbsp); i++ {
		if i >= 2 && rbsp[i] == 3 && rbsp[i-1] == 0 && rbsp[i-2] == 0 {
			continue
		}
		clean = append(clean, rbsp[i])
	}
	r := &bitReader{b: clean}
	profile := r.bits(8)
	r.bits(16) // constraint flags, level
	r.ue()     // sps id
	chroma := uint(1)
	if profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83 || profile == 86 || profile == 118 || profile == 128 {
		chroma = r.ue()
		if chroma == 3 {
			r.bit()
		}
		r.ue()
		r.ue()
		r.bit()
		if r.bit() == 1 { // scaling matrices
			for i := 0; i < 8; i++ {
				if r.bit() == 1 {
					size := 16
					if i >= 6 {
						size = 64
					}
					last, next := 8, 8
					for j := 0; j < size; j++ {
						if next != 0 {
							next = (last + r.se() + 256) % 256
						}
						if next != 0 {
							last = next
						}
					}
				}
			}
		}
	}
	r.ue() // log2_max_frame_num
	switch r.ue() {
	case 0:
		r.ue()
	case 1:
		r.bit()
		r.se()
		r.se()
		for n := r.ue(); n > 0; n-- {
			r.se()
		}
	}
	r.ue()  // max_num_ref_frames
	r.bit() // gaps
	wMbs := r.ue() + 1
	hMapUnits := r.ue() + 1
	frameMbsOnly := r.bit()
	if frameMbsOnly == 0 {
		r.bit()
	}
	r.bit() // direct_8x8
	w, h := int(wMbs*16), int((2-frameMbsOnly)*hMapUnits*16)
	if r.bit() == 1 { // cropping
		cl, cr, ct, cb := r.ue(), r.ue(), r.ue(), r.ue()
		cx, cy := uint(1), 2-frameMbsOnly
		if chroma == 1 {
			cx, cy = 2, 2*(2-frameMbsOnly)
		}
		w -= int(cx * (cl + cr))
		h -= int(cy * (ct + cb))
	}
	return w, h, w > 0 && h > 0
}

// syncBuffer collects a command's stdout while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLivePublishesThroughPlatform runs `showcaster live` against the local
// platform: a viewer receives H.264 of the configured size and Opus, the
// stats lines report a live stream, and the show ends when the command stops.
func TestLivePublishesThroughPlatform(t *testing.T) {
	srv, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "引擎测试 engine test")

	var stdout syncBuffer
	var stderr bytes.Buffer
	done := make(chan int, 1)
	rec := filepath.Join(t.TempDir(), "show.mkv")
	go func() {
		done <- Main([]string{"live", "--platform", srv.URL(), "--token", srv.StudioToken(), "--show", sh.ID,
			"--size", "640x360", "--fps", "30", "--bitrate", "800k", "--duration", "6s", "--stats-json",
			"--overlay", "拍1号链接 立减20元", "--record", rec}, &stdout, &stderr)
	}()

	// The viewer joins once the show is live.
	deadline := time.Now().Add(15 * time.Second)
	for {
		cur, err := client.Show(context.Background(), sh.ID)
		if err == nil && cur.State == platform.StateLive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("show never went live; stderr: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	w := watch(t, srv.URL()+"/whep/"+sh.ID)

	code := <-done
	if code != 0 {
		t.Fatalf("live exited %d: %s", code, stderr.String())
	}
	if got := [2]int64{w.width.Load(), w.height.Load()}; got != [2]int64{640, 360} {
		t.Errorf("viewer decoded a %dx%d picture, want 640x360", got[0], got[1])
	}
	if n := w.videoFrames.Load(); n < 30 {
		t.Errorf("viewer received %d video frames, want a few seconds' worth", n)
	}
	if n := w.audioPkts.Load(); n < 50 {
		t.Errorf("viewer received %d audio packets, want a few seconds of Opus", n)
	}

	var last liveStatsLine
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("stats line %q is not JSON: %v", sc.Text(), err)
		}
		lines++
	}
	if lines < 4 {
		t.Fatalf("got %d stats lines in 6 s, want one a second: %q", lines, stdout.String())
	}
	if last.State != "live" || last.FramesSent < 100 || last.FPS < 15 || last.Kbps <= 0 {
		t.Errorf("last stats line %+v: want a live stream near 30 fps", last)
	}
	// The platform's show is the run's one destination, like any --whip.
	if len(last.Outputs) != 1 || last.Outputs[0].Kind != "whip" || last.Outputs[0].FramesSent != last.FramesSent {
		t.Errorf("outputs %+v: want the platform's WHIP session alone, as the top-level keys report it", last.Outputs)
	}
	if cur, err := client.Show(context.Background(), sh.ID); err != nil || cur.State != platform.StateEnded {
		t.Errorf("after live stopped the show is %q (%v), want ended", cur.State, err)
	}
	// The recording is a Matroska file with a few seconds in it.
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatalf("no recording: %v", err)
	}
	if len(data) < 50_000 || !bytes.HasPrefix(data, []byte{0x1a, 0x45, 0xdf, 0xa3}) {
		t.Errorf("recording is %d bytes starting % x: want a Matroska file with seconds of video", len(data), data[:min(4, len(data))])
	}
}

// TestLiveCannotPublishSaysWhy: a refused token is a one-line reason and a non-zero exit.
func TestLiveCannotPublishSaysWhy(t *testing.T) {
	srv, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "token test")
	if _, err := client.GoLive(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"live", "--whip", srv.URL() + "/whip/" + sh.ID, "--token", "wrong", "--size", "320x180", "--duration", "2s"}, &stdout, &stderr)
	if code == 0 {
		t.Fatal("live with a wrong token exited 0")
	}
	msg := strings.TrimSpace(stderr.String())
	if strings.Count(msg, "\n") > 0 || !strings.Contains(msg, "401") || !strings.Contains(strings.ToLower(msg), "token") {
		t.Errorf("want one line naming the refused token, got %q", msg)
	}
}
