package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"showcaster/internal/rtmptest"
	"showcaster/platform"
	"showcaster/publish"
)

// Go live starts every enabled destination beside the platform; the health
// bar hears how each one does; a refused key stops only its own; End stops
// them all.
func TestStudioGoLiveStartsEnabledDestinations(t *testing.T) {
	srv := rtmptest.Start(t)
	srv.Refuse("stolen")
	s := startStudio(t)
	ctx := context.Background()
	if err := s.SaveDestinations([]DestinationSpec{
		{Name: "Douyin", Kind: DestRTMP, URL: srv.URL("third") + "/stream-1?expire=4102444800&sign=abc", Enabled: true},
		{Name: "Bilibili", Kind: DestRTMP, URL: srv.URL("live"), Secret: "stolen", Enabled: true},
		{Name: "YouTube", Kind: DestRTMP, URL: srv.URL("live"), Secret: "off", Enabled: false},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateShow(ctx, "多平台同播", time.Now().Add(time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.GoLive(ctx); err != nil {
		t.Fatal(err)
	}
	u := waitEvent(t, s, "destinations on air", func(u DestinationsUpdate) bool {
		return len(u.Items) == 2 && u.Items[0].State == publish.StateLive && u.Items[0].FPS > 0
	})
	if u.Items[1].Name != "Bilibili" || !errors.Is(u.Items[1].Err, publish.ErrRTMPRefused) {
		t.Fatalf("the refused destination reads %+v", u.Items[1])
	}
	if n := s.destinations().Hub().OwnEncoders(); n != 0 {
		t.Fatalf("%d encodes of its own beside the engine's: a destination at the show's bitrate shares the platform's", n)
	}
	for _, p := range srv.Publishes() {
		if p.Name == "off" {
			t.Fatal("a destination not enabled for the show went out")
		}
	}
	if err := s.EndShow(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "destinations stopped", func(u DestinationsUpdate) bool { return len(u.Items) == 0 })
	if n := len(s.destinations().Stats()); n != 0 {
		t.Fatalf("%d destinations still on air after End", n)
	}
}
