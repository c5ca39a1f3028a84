package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"showcaster/capture"
	"showcaster/internal/testplatform"
	"showcaster/scene"
)

// Publishing on loopback, the congestion controller starts low and ramps
// (or sits at its floor while the scene needs no more): the viewers get
// every packet at once, so the studio must not warn of a poor network.
func TestLoopbackStartUpRaisesNoHealthWarning(t *testing.T) {
	_, client := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, client, "ramp")
	ctx := context.Background()
	ing, err := client.GoLive(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(EngineConfig{Width: 640, Height: 360, FPS: 30, BitrateKbps: 300, MinKbps: 300, MaxKbps: 2500, LoopbackOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 640, Height: 360, FPS: 30}), nil)
	if err := eng.SetAudio("main", capture.NewTone(capture.ToneConfig{})); err != nil {
		t.Fatal(err)
	}
	eng.Start(ctx)
	if err := eng.Publish(ctx, ing.WHIPURL, ing.Token); err != nil {
		t.Fatal(err)
	}
	live := 0
	waitUntil(t, "6 s of stats while live", 60*time.Second, func() bool {
		st := eng.Stats()
		if st.State != StreamLive {
			return false
		}
		live++
		if live%20 == 1 {
			t.Logf("fps %.0f kbps %.0f target %.0f loss %.3f rtt %v: %v %v", st.FPS, st.Kbps, st.TargetKbps, st.Loss, st.RTT, st.Health, st.Reason)
		}
		if st.Health == HealthWarn || st.Health == HealthBad {
			t.Fatalf("on loopback: %v %q (target %.0f kbps, sent %.0f kbps)", st.Health, st.Reason, st.TargetKbps, st.Kbps)
		}
		return live >= 6*20 // polled every 50 ms
	})
}

// judgeAfter feeds a window one Stats a second for secs seconds of a live
// stream and judges the last.
func judgeAfter(secs int, f func(i int, st *Stats)) (Health, error) {
	var w healthWindow
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	var st Stats
	for i := 0; i <= secs; i++ {
		st = Stats{At: at.Add(time.Duration(i) * time.Second), State: StreamLive, FPS: 30, Kbps: 2000,
			TargetKbps: 2500, RTT: 20 * time.Millisecond}
		f(i, &st)
		w.add(st)
	}
	return judgeHealth(st, w.view(300), 30, 300)
}

func TestJudgeHealthOnWhatViewersGot(t *testing.T) {
	cases := []struct {
		name string
		secs int
		f    func(i int, st *Stats)
		want Health
		is   error
	}{
		{"steady", 20, func(int, *Stats) {}, HealthGood, nil},
		{"start-up at the floor", 3, func(_ int, st *Stats) { st.TargetKbps, st.Kbps, st.FPS = 300, 150, 0 }, HealthGood, nil},
		{"ramp from the floor", 12, func(i int, st *Stats) { st.TargetKbps = 300 * (1 + float64(i)/10) }, HealthGood, nil},
		{"at the floor, clean network (the scene needs no more)", 30, func(_ int, st *Stats) { st.TargetKbps, st.Kbps = 309, 180 }, HealthGood, nil},
		{"a moment at the floor", 20, func(i int, st *Stats) {
			if i == 20 {
				st.TargetKbps = 300
			}
		}, HealthGood, nil},
		{"held at the floor with a long round trip", 20, func(_ int, st *Stats) { st.TargetKbps, st.RTT = 300, 250*time.Millisecond }, HealthWarn, ErrHealthLowBandwidth},
		{"held at the floor, the send queue drops", 20, func(i int, st *Stats) { st.TargetKbps, st.Drops.SendQueue = 300, int64(i) }, HealthWarn, ErrHealthLowBandwidth},
		{"one lossy report", 20, func(i int, st *Stats) {
			if i == 20 {
				st.Loss = 0.15
			}
		}, HealthGood, nil},
		{"sustained heavy loss", 20, func(_ int, st *Stats) { st.Loss = 0.15 }, HealthBad, ErrHealthLoss},
		{"sustained light loss", 20, func(_ int, st *Stats) { st.Loss = 0.04 }, HealthWarn, ErrHealthLoss},
		{"long round trip", 20, func(_ int, st *Stats) { st.RTT = 600 * time.Millisecond }, HealthWarn, ErrHealthSlowNetwork},
		{"frame counter warming up", 1, func(_ int, st *Stats) { st.FPS = 5 }, HealthGood, nil},
		{"overloaded", 20, func(_ int, st *Stats) { st.FPS = 10 }, HealthBad, ErrHealthOverloaded},
		{"busy", 20, func(_ int, st *Stats) { st.FPS = 24 }, HealthWarn, ErrHealthOverloaded},
		{"reconnecting", 5, func(i int, st *Stats) {
			if i == 5 {
				st.State, st.Reconnects = StreamReconnecting, 2
			}
		}, HealthBad, ErrHealthReconnecting},
		{"idle", 5, func(_ int, st *Stats) { st.State = StreamIdle }, HealthUnknown, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, why := judgeAfter(c.secs, c.f)
			if h != c.want || !errors.Is(why, c.is) || (c.is == nil) != (why == nil) {
				t.Fatalf("got %v (%v), want %v (%v)", h, why, c.want, c.is)
			}
			var m *Message
			if why != nil && !errors.As(why, &m) {
				t.Fatalf("reason %q is not a Message the window can translate", why)
			}
		})
	}
}
