package e2e

import (
	"context"
	"testing"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/guest"
	"showcaster/scene"
)

// TestStudioJoinsAsGuest: two studios on one screen (anchor-to-anchor 连麦).
// Studio A invites a guest; studio B joins A's show with the link, sending
// its own program (its test pattern); A receives and decodes B's program.
func TestStudioJoinsAsGuest(t *testing.T) {
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("两个直播间 · two studios")
	st.goLive(show.ID)
	a := startCohostStudio(t, p, st, show.ID, "B 直播间", scene.GuestSide, true)

	engB, err := app.NewEngine(app.EngineConfig{Width: 640, Height: 360, FPS: 30, BitrateKbps: 1000, MaxKbps: 1000, LoopbackOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	engB.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: 640, Height: 360, FPS: 30}), nil)
	if err := engB.SetAudio("main", capture.NewTone(capture.ToneConfig{})); err != nil {
		t.Fatal(err)
	}
	link, err := guest.ParseGuestLink(a.g.URL)
	if err != nil {
		t.Fatal(err)
	}
	sink := engB.Scene().AddSink("guest-link", 2)
	sender, err := guest.StartSender(guest.SenderConfig{Link: link, Frames: sink.Frames(), Width: 640, Height: 360, FPS: 30, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	engB.SetAudioTap(sender.WriteAudio)
	ctx, cancel := context.WithCancel(context.Background())
	engB.Start(ctx)
	t.Cleanup(func() { sender.Close(); sink.Close(); cancel(); engB.Close() })

	waitFor(t, "studio B's program decoded in studio A", func() bool {
		s := a.rx()
		return s.Frames >= 60 && s.Width == 640 && s.Height == 360 && s.AudioChunks >= 50
	})
	if !a.connected() {
		t.Fatalf("studio A does not see studio B as connected: %+v", a.rx())
	}
}
