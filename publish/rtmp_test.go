package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"showcaster/encode"
	"showcaster/internal/clock"
	"showcaster/internal/rtmptest"
)

func newAACProgram(t *testing.T, w, h int) *program {
	t.Helper()
	a, err := encode.NewAAC(encode.AACConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return newProgramWith(t, w, h, a)
}

func rtmpConfig(p *program, target RTMPTarget) RTMPConfig {
	return RTMPConfig{
		Target: target,
		OnKeyframeRequest: func() {
			p.keyRequests.Add(1)
			p.video.ForceKeyframe()
		},
		Logf: func(string, ...any) {},
	}
}

func TestParseRTMPTarget(t *testing.T) {
	cases := []struct {
		raw, key, server, wantKey string
		err                       error
	}{
		{"rtmp://push-rtmp-l6.douyincdn.com/third/stream-123?expire=1700000000&sign=abc", "",
			"rtmp://push-rtmp-l6.douyincdn.com/third", "stream-123?expire=1700000000&sign=abc", nil},
		{"rtmp://a.rtmp.youtube.com/live2", "xxxx-yyyy", "rtmp://a.rtmp.youtube.com/live2", "xxxx-yyyy", nil},
		{"rtmps://live.example.com:443/app#k1?x=1", "", "rtmps://live.example.com:443/app", "k1?x=1", nil},
		{" rtmp://127.0.0.1:1935/live/ ", "  key ", "rtmp://127.0.0.1:1935/live/", "key", nil},
		{"rtmp://host/live", "", "", "", ErrRTMPNoKey},
		{"rtmp://host/", "key-9f8e7d", "", "", ErrRTMPNoApp},
		{"http://host/live/k", "", "", "", ErrRTMPBadURL},
		{"not a url", "", "", "", ErrRTMPBadURL},
	}
	for _, c := range cases {
		tg, err := ParseRTMPTarget(c.raw, c.key)
		if !errors.Is(err, c.err) {
			t.Fatalf("%q: err %v, want %v", c.raw, err, c.err)
		}
		if err != nil {
			if strings.Contains(err.Error(), "sign=") || (c.key != "" && strings.Contains(err.Error(), strings.TrimSpace(c.key))) {
				t.Fatalf("%q: the error shows the key: %v", c.raw, err)
			}
			continue
		}
		if tg.String() != c.server || tg.Key != c.wantKey {
			t.Fatalf("%q: server %q key %q, want %q %q", c.raw, tg.String(), tg.Key, c.server, c.wantKey)
		}
		if strings.Contains(NewRTMP(RTMPConfig{Target: tg}).Name(), tg.Key) {
			t.Fatalf("the output's name shows the key")
		}
	}
}

func TestRTMPExpiredKeyRefusedBeforeConnecting(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tg, err := ParseRTMPTarget("rtmp://127.0.0.1:1/third/stream-1?expire=1799999000&sign=s", "")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Expires() != time.Unix(1799999000, 0) {
		t.Fatalf("expires %v", tg.Expires())
	}
	o := NewRTMP(RTMPConfig{Target: tg, Clock: clock.NewFake(now)})
	err = o.Start(context.Background())
	if !errors.Is(err, ErrRTMPKeyExpired) || !strings.Contains(err.Error(), "fetch a new") {
		t.Fatalf("Start: %v, want the expired-key sentence", err)
	}
	if strings.Contains(err.Error(), "sign=s") {
		t.Fatalf("the error shows the key: %v", err)
	}
	st := o.Stats()
	if st.State != StateStopped || st.StopReason != StopFailed || !errors.Is(st.StopErr, ErrRTMPKeyExpired) {
		t.Fatalf("stats %+v", st)
	}
	if st.ReconnectAttempts != 0 {
		t.Fatalf("%d attempts after an expired key", st.ReconnectAttempts)
	}
	// A key valid for another hour goes through the expiry check.
	ok, _ := ParseRTMPTarget(fmt.Sprintf("rtmp://h/third/s?expire=%d", now.Add(time.Hour).Unix()), "")
	if err := ok.CheckExpiry(now); err != nil {
		t.Fatal(err)
	}
}

func TestRTMPUnreachable(t *testing.T) {
	tg, _ := ParseRTMPTarget("rtmp://127.0.0.1:1/live/k", "")
	o := NewRTMP(RTMPConfig{Target: tg})
	if err := o.Start(context.Background()); !errors.Is(err, ErrRTMPUnreachable) {
		t.Fatalf("Start: %v", err)
	}
	if st := o.Stats(); st.StopReason != StopFailed {
		t.Fatalf("stop reason %v", st.StopReason)
	}
}

type probeStream struct {
	CodecType  string `json:"codec_type"`
	CodecName  string `json:"codec_name"`
	Profile    string `json:"profile"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	SampleRate string `json:"sample_rate"`
	Channels   int    `json:"channels"`
}

// probe reads a recording's streams and the times of its video keyframes.
func probe(t *testing.T, path string) (streams []probeStream, keyTimes []float64) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct{ Streams []probeStream }
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-skip_frame", "nokey",
		"-show_entries", "frame=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe keyframes: %v", err)
	}
	for _, l := range strings.Fields(string(out)) {
		if v, err := strconv.ParseFloat(strings.Trim(l, ","), 64); err == nil {
			keyTimes = append(keyTimes, v)
		}
	}
	// The whole file decodes.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("ffmpeg decode of %s: %v\n%s", path, err, out)
	}
	return p.Streams, keyTimes
}

func TestRTMPPublishesH264AndAACToNginx(t *testing.T) {
	srv := rtmptest.Start(t)
	p := newAACProgram(t, 640, 360)
	expire := time.Now().Add(time.Hour).Unix()
	pasted := fmt.Sprintf("%s/stream-123?expire=%d&sign=5f3a9c", srv.URL("third"), expire)
	tg, err := ParseRTMPTarget(pasted, "")
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	cfg := rtmpConfig(p, tg)
	cfg.Logf = func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }
	o := NewRTMP(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := o.Start(ctx); err != nil {
		t.Fatalf("Start: %v\n%s", err, srv.ErrorLog())
	}
	p.run(o)
	// A little over 4 s of picture: keyframes at 0, 2 and 4 s.
	eventually(t, "150 frames sent", 60*time.Second, func() bool { return o.Stats().FramesSent >= 135 })
	p.halt()
	st := o.Stats()
	t.Logf("stats %+v, keyframe requests %d", st, p.keyRequests.Load())
	if st.State != StateLive || st.AudioSent < 100 {
		t.Fatalf("stats %+v", st)
	}
	o.Close()
	if st := o.Stats(); st.StopReason != StopClosed || st.StopErr != nil {
		t.Fatalf("after Close: %v %v", st.StopReason, st.StopErr)
	}

	pubs := srv.Publishes()
	if len(pubs) != 1 || pubs[0].Name != "stream-123" || pubs[0].Args.Get("sign") != "5f3a9c" ||
		pubs[0].Args.Get("expire") != strconv.FormatInt(expire, 10) {
		t.Fatalf("on_publish saw %+v: the signed query did not reach the server", pubs)
	}
	rec := srv.Recording("stream-123")
	eventually(t, "the recording", 20*time.Second, func() bool {
		out, err := exec.Command("ffprobe", "-v", "error", rec).CombinedOutput()
		return err == nil && len(out) == 0
	})
	streams, keys := probe(t, rec)
	var v, a *probeStream
	for i := range streams {
		switch streams[i].CodecType {
		case "video":
			v = &streams[i]
		case "audio":
			a = &streams[i]
		}
	}
	if v == nil || v.CodecName != "h264" || v.Width != 640 || v.Height != 360 {
		t.Fatalf("video %+v, want h264 640x360", v)
	}
	if a == nil || a.CodecName != "aac" || a.Profile != "LC" || a.SampleRate != "48000" || a.Channels != 2 {
		t.Fatalf("audio %+v, want AAC LC 48 kHz stereo", a)
	}
	if len(keys) < 3 {
		t.Fatalf("keyframes at %v, want one every 2 s", keys)
	}
	// A keyframe the output asked for (after a drop on a very busy
	// machine) comes early; without one they are exactly 2 s apart.
	asked := p.keyRequests.Load() > 1
	for i := 1; i < len(keys); i++ {
		if d := keys[i] - keys[i-1]; d > 2.1 || (!asked && math.Abs(d-2) > 0.1) {
			t.Fatalf("keyframes at %v: %.2f s apart, want 2 (keyframe requests: %d)", keys, d, p.keyRequests.Load())
		}
	}
	for _, l := range logs {
		if strings.Contains(l, "5f3a9c") {
			t.Fatalf("a log line shows the key: %s", l)
		}
	}
}

func TestRTMPReconnectsAndStopsOnRefusedKey(t *testing.T) {
	srv := rtmptest.Start(t)
	p := newAACProgram(t, 320, 180)
	tg, _ := ParseRTMPTarget(srv.URL("live")+"/show", "")
	var events = make(chan Event, 256)
	cfg := rtmpConfig(p, tg)
	cfg.OnEvent = func(e Event) {
		select {
		case events <- e:
		default:
		}
	}
	o := NewRTMP(cfg)
	if err := o.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\n%s", err, srv.ErrorLog())
	}
	defer o.Close()
	p.run(o)
	eventually(t, "frames flowing", 30*time.Second, func() bool { return o.Stats().FramesSent >= 30 })

	// The server goes away mid-show: the output notices and reconnects.
	srv.Stop()
	eventually(t, "reconnecting", 10*time.Second, func() bool { return o.Stats().State == StateReconnecting })
	srv.Restart()
	back := time.Now()
	eventually(t, "live again", 30*time.Second, func() bool { return o.Stats().State == StateLive })
	sent := o.Stats().FramesSent
	eventually(t, "frames flowing again", 30*time.Second, func() bool { return o.Stats().FramesSent >= sent+30 })
	t.Logf("live again %v after the server came back", time.Since(back).Round(10*time.Millisecond))

	// The key is refused after a restart: the output stops, with the
	// reason, and does not try again.
	srv.Stop()
	srv.Refuse("show")
	srv.Restart()
	eventually(t, "stopped", 30*time.Second, func() bool { return o.Stats().State == StateStopped })
	st := o.Stats()
	if st.StopReason != StopRefused || !errors.Is(st.StopErr, ErrRTMPRefused) {
		t.Fatalf("stop %v: %v", st.StopReason, st.StopErr)
	}
	n := 0
	for _, pb := range srv.Publishes() {
		if pb.Name == "show" {
			n++
		}
	}
	if n != 3 { // the first publish, the reconnect, the refused one
		t.Fatalf("%d publishes of the stream, want 3 (a refused key is not retried)", n)
	}
}
