package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/rtmptest"
	"showcaster/publish"
	"showcaster/scene"
)

func TestDestinationSpecValidate(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	dy, ok := DestinationFromPreset("douyin")
	if !ok || dy.Kind != DestRTMP || dy.MaxKbps == 0 {
		t.Fatalf("douyin preset %+v", dy)
	}
	dy.URL = "rtmp://push-rtmp-l6.douyincdn.com/third/stream-123?expire=1799990000&sign=0123456789abcdef"
	if err := dy.Validate(now); !errors.Is(err, publish.ErrRTMPKeyExpired) {
		t.Fatalf("expired key: %v", err)
	}
	dy.URL = strings.Replace(dy.URL, "1799990000", "1800090000", 1)
	if err := dy.Validate(now); err != nil {
		t.Fatal(err)
	}
	if m := dy.MaskedSecret(); strings.Contains(m, "stream-123") || strings.Contains(m, "0123456789") || !strings.HasSuffix(m, "cdef") {
		t.Fatalf("masked %q", m)
	}
	if a := dy.Address(); a != "rtmp://push-rtmp-l6.douyincdn.com/third" {
		t.Fatalf("address %q", a)
	}
	for _, bad := range []DestinationSpec{
		{Kind: DestRTMP, URL: "rtmp://h/live/k"},
		{Name: "x", Kind: DestWHIP, URL: "rtmp://h/live"},
		{Name: "x", Kind: DestRTMP, URL: "rtmp://h/live"},
		{Name: "x", Kind: "ftp"},
	} {
		if err := bad.Validate(now); err == nil {
			t.Errorf("%+v passed", bad)
		}
	}
	if m := (DestinationSpec{Secret: "short"}).MaskedSecret(); strings.Contains(m, "short") {
		t.Fatalf("short key shown: %q", m)
	}
}

func TestDestinationTestPublishesAndReports(t *testing.T) {
	srv := rtmptest.Start(t)
	srv.Refuse("bad")
	eng, err := NewEngine(EngineConfig{Width: 320, Height: 180, FPS: 30, BitrateKbps: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 320, Height: 180, FPS: 30}), nil)
	ctx := context.Background()
	eng.Start(ctx)
	dests := NewDestinations(eng, nil)
	defer dests.Close()

	good := DestinationSpec{Name: "nginx", Kind: DestRTMP, URL: srv.URL("live"), Secret: "good", Enabled: true}
	r := dests.Test(ctx, good, "", "", 2*time.Second)
	if r.Err != nil || r.FramesSent == 0 {
		t.Fatalf("test of a good destination: %+v", r)
	}
	if len(dests.Stats()) != 0 {
		t.Fatal("the test destination stayed on air")
	}
	bad := DestinationSpec{Name: "stolen", Kind: DestRTMP, URL: srv.URL("live"), Secret: "bad"}
	r = dests.Test(ctx, bad, "", "", 2*time.Second)
	if !errors.Is(r.Err, publish.ErrRTMPRefused) || !strings.Contains(r.String(), "refused the stream key") {
		t.Fatalf("test of a refused key: %v", r)
	}
}
