package publish

import (
	"context"
	"errors"
	"image"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/clock"
)

// program stands in for the engine: it encodes a moving picture at 30 fps
// and a tone in 20 ms chunks, writes both to an output, and wires the
// output's callbacks to the encoder the way the engine does.
type program struct {
	video *encode.H264
	audio encode.AudioEncoder

	keyRequests atomic.Int64
	targets     atomic.Int64 // last target bitrate seen

	stop chan struct{}
	wg   sync.WaitGroup
}

func newProgram(t *testing.T, w, h int) *program {
	t.Helper()
	a, err := encode.NewOpus(encode.OpusConfig{Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	return newProgramWith(t, w, h, a)
}

// newProgramWith is a program whose sound goes through audio (AAC for RTMP).
func newProgramWith(t *testing.T, w, h int, a encode.AudioEncoder) *program {
	t.Helper()
	v, err := encode.NewH264(encode.H264Config{Width: w, Height: h, FPS: 30, BitrateBps: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	p := &program{video: v, audio: a, stop: make(chan struct{})}
	t.Cleanup(func() {
		p.halt()
		v.Close()
		a.Close()
	})
	return p
}

// wire fills in the callbacks of cfg.
func (p *program) wire(cfg WHIPConfig) WHIPConfig {
	cfg.H264ProfileLevelID = p.video.ProfileLevelID()
	cfg.OnKeyframeRequest = func() {
		p.keyRequests.Add(1)
		p.video.ForceKeyframe()
	}
	cfg.OnTargetBitrate = func(bps int) {
		p.targets.Store(int64(bps))
		p.video.SetBitrate(bps)
	}
	cfg.LoopbackOnly = true
	return cfg
}

func (p *program) run(outs ...Output) {
	cfg := p.video.Config()
	frames := make([]*image.YCbCr, 15)
	for i := range frames {
		img := image.NewYCbCr(image.Rect(0, 0, cfg.Width, cfg.Height), image.YCbCrSubsampleRatio420)
		for y := 0; y < cfg.Height; y++ {
			for x := 0; x < cfg.Width; x++ {
				// Brightness rises and falls smoothly: a jump would be a
				// scene cut, and x264 would put an extra IDR there.
				img.Y[y*cfg.Width+x] = uint8(x/4 + y/4 + min(i, len(frames)-i)*4)
			}
		}
		for j := range img.Cb {
			img.Cb[j], img.Cr[j] = 128, uint8(90+i)
		}
		frames[i] = img
	}
	p.wg.Add(2)
	go func() {
		defer p.wg.Done()
		tk := time.NewTicker(time.Second / 30)
		defer tk.Stop()
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			case <-tk.C:
			}
			pkt, err := p.video.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/30, time.Now())
			if err != nil {
				return
			}
			for _, out := range outs {
				out.WriteVideo(pkt)
			}
		}
	}()
	go func() {
		defer p.wg.Done()
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			case <-tk.C:
			}
			s := make([]int16, 960*2)
			for j := 0; j < 960; j++ {
				v := int16(6000 * math.Sin(2*math.Pi*440*float64(i*960+j)/48000))
				s[2*j], s[2*j+1] = v, v
			}
			pkts, err := p.audio.Encode(capture.AudioChunk{Samples: s, Channels: 2, Time: time.Now()})
			if err != nil {
				return
			}
			for _, pk := range pkts {
				for _, out := range outs {
					out.WriteAudio(pk)
				}
			}
		}
	}()
}

func (p *program) halt() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
}

func TestWHIPPublishesH264AndOpus(t *testing.T) {
	srv := newWHIPServer(t)
	prog := newProgram(t, 1280, 720)
	var events []Event
	var evMu sync.Mutex
	w := NewWHIP(prog.wire(WHIPConfig{
		URL: srv.url(), Token: "s3cret",
		OnEvent: func(e Event) { evMu.Lock(); events = append(events, e); evMu.Unlock() },
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	prog.run(w)

	ss := srv.session(0)
	eventually(t, "3 s of video and audio at the server", 25*time.Second, func() bool {
		return ss.accessUnits.Load() >= 90 && ss.opus.Load() >= 150 && ss.width.Load() != 0
	})
	if got, want := [2]int32{ss.width.Load(), ss.height.Load()}, [2]int32{1280, 720}; got != want {
		t.Fatalf("SPS says %dx%d, want 1280x720", got[0], got[1])
	}
	if ss.keyframes.Load() == 0 {
		t.Fatal("no IDR reached the server")
	}
	srv.mu.Lock()
	auth, offer := srv.auth[0], srv.offers[0]
	srv.mu.Unlock()
	if auth != "Bearer s3cret" {
		t.Fatalf("Authorization %q", auth)
	}
	for _, want := range []string{"a=sendonly", "profile-level-id=" + prog.video.ProfileLevelID(), "transport-cc", "nack pli", "opus/48000/2"} {
		if !strings.Contains(offer, want) {
			t.Errorf("offer lacks %q", want)
		}
	}
	if strings.Contains(offer, "a=candidate") == false {
		t.Error("offer carries no candidates: gathering was not awaited")
	}

	// Stats: one tick of the real clock gives rates.
	eventually(t, "stats with rates", 5*time.Second, func() bool { return w.Stats().FPS > 0 })
	st := w.Stats()
	if st.State != StateLive || st.FramesSent == 0 || st.AudioSent == 0 || st.Bytes == 0 || st.Kbps <= 0 {
		t.Fatalf("stats %+v", st)
	}
	if st.TargetBitrate < DefaultMinBitrate || st.TargetBitrate > DefaultMaxBitrate {
		t.Fatalf("target %d outside [min, max]", st.TargetBitrate)
	}
	// The receiver's reports come every second or so.
	eventually(t, "an RTT from receiver reports", 10*time.Second, func() bool { return w.Stats().RTT > 0 })
	t.Logf("stats: %+v", w.Stats())

	prog.halt()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !srv.deleted(ss.id) {
		t.Fatal("stopping did not DELETE the session")
	}
	if w.Stats().State != StateStopped {
		t.Fatalf("state after Close: %v", w.Stats().State)
	}
	evMu.Lock()
	defer evMu.Unlock()
	var states []State
	for _, e := range events {
		if e.Kind == EventState {
			states = append(states, e.State)
		}
	}
	if want := []State{StateConnecting, StateLive, StateStopped}; !equalStates(states, want) {
		t.Fatalf("states %v, want %v", states, want)
	}
}

func equalStates(a, b []State) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWHIPPLIRequestsKeyframe(t *testing.T) {
	srv := newWHIPServer(t)
	prog := newProgram(t, 320, 240)
	w := NewWHIP(prog.wire(WHIPConfig{URL: srv.url()}))
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	prog.run(w)
	ss := srv.session(0)
	eventually(t, "video at the server", 20*time.Second, func() bool { return ss.accessUnits.Load() >= 30 })
	// Past the rate limit of the request made when the session went live.
	time.Sleep(600 * time.Millisecond)
	before, keysBefore := prog.keyRequests.Load(), ss.keyframes.Load()
	if err := ss.sendPLI(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the keyframe request callback", 10*time.Second, func() bool { return prog.keyRequests.Load() > before })
	eventually(t, "an IDR after the PLI", 10*time.Second, func() bool { return ss.keyframes.Load() > keysBefore })
}

func TestWHIPReconnectsWhenServerGoesAway(t *testing.T) {
	srv := newWHIPServer(t)
	prog := newProgram(t, 320, 240)
	fake := clock.NewFake(time.Now())
	events := make(chan Event, 64)
	w := NewWHIP(prog.wire(WHIPConfig{
		URL: srv.url(), Clock: fake,
		OnEvent: func(e Event) { events <- e },
	}))
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// A recording runs beside the WHIP output, as in the studio.
	recPath := filepath.Join(t.TempDir(), "show.mkv")
	rec, err := NewRecorder(RecorderConfig{Path: recPath, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	prog.run(w, rec)
	first := srv.session(0)
	eventually(t, "video on the first session", 20*time.Second, func() bool { return first.accessUnits.Load() >= 30 })

	// The server restarts: its sessions vanish and, for a while, it answers 503.
	for len(events) > 0 {
		<-events // connecting, live
	}
	srv.refuse.Store(http.StatusServiceUnavailable)
	srv.closeSessions()

	var scheduled []Event
	deadline := time.After(40 * time.Second)
	for done := false; !done; {
		select {
		case e := <-events:
			switch e.Kind {
			case EventReconnectScheduled:
				scheduled = append(scheduled, e)
				if e.Delay <= 0 || e.Delay > DefaultMaxReconnectDelay*12/10 {
					t.Errorf("attempt %d delay %v", e.Attempt, e.Delay)
				}
				if e.Attempt == 1 {
					// The program keeps writing while the output waits out
					// its backoff: those frames are dropped and counted.
					eventually(t, "writes dropped while reconnecting", 10*time.Second, func() bool {
						s := w.Stats()
						return s.State == StateReconnecting && s.Drops.NotLive > 0
					})
				}
				if e.Attempt == 3 {
					srv.refuse.Store(0) // back up for the third attempt
				}
				fake.Advance(e.Delay) // the backoff passes without sleeping
			case EventReconnectFailed:
				if !errors.Is(e.Err, ErrServer) {
					t.Errorf("attempt %d failed with %v, want ErrServer", e.Attempt, e.Err)
				}
			case EventState:
				if e.State == StateLive {
					done = true
				}
			}
		case <-deadline:
			t.Fatalf("no reconnect; events so far %v", scheduled)
		}
	}
	if len(scheduled) != 3 {
		t.Fatalf("%d attempts, want 3 (two refused with 503, one accepted)", len(scheduled))
	}
	// Exponential: nominal 0.5, 1, 2 s with ±20 %.
	for i, e := range scheduled {
		nominal := DefaultReconnectDelay << i
		if e.Delay < nominal*8/10 || e.Delay > nominal*12/10 {
			t.Errorf("attempt %d waited %v, want %v ±20%%", e.Attempt, e.Delay, nominal)
		}
	}
	second := srv.session(1)
	if second == nil {
		t.Fatal("no second session at the server")
	}
	eventually(t, "video and audio on the new session", 20*time.Second, func() bool {
		return second.accessUnits.Load() >= 30 && second.keyframes.Load() > 0 && second.opus.Load() >= 50
	})
	eventually(t, "the old session DELETEd", 10*time.Second, func() bool { return srv.deleted(first.id) })
	st := w.Stats()
	if st.State != StateLive || st.ReconnectAttempts != 3 || st.Drops.NotLive == 0 {
		t.Fatalf("stats after reconnect: %+v", st)
	}
	if w.Close() != nil || !srv.deleted(second.id) {
		t.Fatal("the new session was not DELETEd on stop")
	}

	// The recording went on through the reconnect: no frame missing.
	prog.halt()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	_, tracks := readMKV(t, recPath)
	video := tracks[0]
	for i := 1; i < len(video); i++ {
		if d := video[i].ms - video[i-1].ms; d > 40 {
			t.Fatalf("recording has a %d ms gap at block %d", d, i)
		}
	}
	if rs := rec.Stats(); rs.FramesDropped != 0 || uint64(len(video)) != rs.FramesSent {
		t.Fatalf("recorder stats %+v, %d blocks", rs, len(video))
	}
}

func TestWHIPStartErrors(t *testing.T) {
	handler := func(code int, location string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if location != "" {
				w.Header().Set("Location", location)
			}
			w.Header().Set("Content-Type", "application/sdp")
			w.WriteHeader(code)
			if code == http.StatusCreated {
				_, _ = w.Write([]byte("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 102\r\n"))
			} else {
				_, _ = w.Write([]byte("nope"))
			}
		}
	}
	// A port with nothing behind it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String() + "/whip"
	ln.Close()

	cases := []struct {
		name    string
		h       http.HandlerFunc
		url     string
		want    error
		advises string
	}{
		{"401", handler(401, ""), "", ErrUnauthorized, "check --token"},
		{"403", handler(403, ""), "", ErrForbidden, "check --token"},
		{"404", handler(404, ""), "", ErrNotFound, "check --whip"},
		{"500", handler(500, ""), "", ErrServer, "try again later"},
		{"503", handler(503, ""), "", ErrServer, "try again later"},
		{"415", handler(415, ""), "", ErrRejected, "H.264 and Opus"},
		{"no Location", handler(201, ""), "", ErrNoLocation, "RFC 9725"},
		{"refused", nil, deadURL, ErrUnreachable, "is the server running?"},
		{"not http", nil, "rtmp://example.com/live", ErrBadURL, "check --whip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.url
			if c.h != nil {
				s := httptest.NewServer(c.h)
				defer s.Close()
				u = s.URL + "/whip"
			}
			var states []State
			w := NewWHIP(WHIPConfig{URL: u, LoopbackOnly: true, OnEvent: func(e Event) { states = append(states, e.State) }})
			err := w.Start(context.Background())
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.advises) || strings.Contains(msg, "\n") {
				t.Fatalf("message %q should be one line advising %q", msg, c.advises)
			}
			if w.Stats().State != StateStopped {
				t.Fatalf("state %v after a failed start", w.Stats().State)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWritesNeverBlockWhenNotLive(t *testing.T) {
	w := NewWHIP(WHIPConfig{URL: "http://127.0.0.1:1/whip"})
	for i := 0; i < 1000; i++ {
		w.WriteVideo(encode.Packet{Data: []byte{0, 0, 1, 0x65}})
		w.WriteAudio(encode.Packet{Data: []byte{1}})
	}
	st := w.Stats()
	if st.Drops.NotLive != 1000 || st.AudioDropped != 1000 || st.FramesDropped != 1000 {
		t.Fatalf("drops %+v", st)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStateString(t *testing.T) {
	for _, c := range []struct {
		s    State
		want string
	}{
		{StateUnknown, "unknown"},
		{StateConnecting, "connecting"},
		{StateLive, "live"},
		{StateReconnecting, "reconnecting"},
		{StateStopped, "stopped"},
		{State(42), "unknown"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("State(%d).String() = %q, want %q", int(c.s), got, c.want)
		}
	}
}

func TestParseICEServers(t *testing.T) {
	got := parseICEServers([]string{
		`<stun:stun.example.net>; rel="ice-server"`,
		`<turn:turn.example.net?transport=udp>; rel="ice-server"; username="user"; credential="p;a,ss"; credential-type="password", <https://example.net/x>; rel="alternate"`,
	})
	if len(got) != 2 {
		t.Fatalf("%d servers: %+v", len(got), got)
	}
	if got[0].URLs[0] != "stun:stun.example.net" || got[0].Username != "" {
		t.Errorf("stun: %+v", got[0])
	}
	if got[1].URLs[0] != "turn:turn.example.net?transport=udp" || got[1].Username != "user" || got[1].Credential != "p;a,ss" {
		t.Errorf("turn: %+v", got[1])
	}
}

func TestRTTFromReport(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	sent := now.Add(-250 * time.Millisecond)
	// The receiver held the report 50 ms (DLSR in 1/65536 s).
	r := rtcpReport(ntpCompact(sent), uint32(50*65536/1000))
	got := rttFromReport(r, now)
	if got < 195*time.Millisecond || got > 205*time.Millisecond {
		t.Fatalf("rtt %v, want 200 ms", got)
	}
}

// Servers escape quotes and backslashes inside Link parameters (quoted-pair);
// a credential with either must come through whole.
func TestParseICEServersQuotedPairs(t *testing.T) {
	got := parseICEServers([]string{`<turn:h:3478?transport=udp>; rel="ice-server"; username="sc\"user"; credential="p\\a\"ss,w;rd="; credential-type="password"`})
	if len(got) != 1 || got[0].Username != `sc"user` || got[0].Credential != `p\a"ss,w;rd=` {
		t.Fatalf("parsed %+v, want username sc\"user and credential p\\a\"ss,w;rd=", got)
	}
}
