package app

import (
	"context"
	"errors"
	"testing"

	"showcaster/platform"
)

// A refusal of the real platform reaches the window as a sentence it
// translates, read from the answer's code, and still is the platform's
// error for errors.Is and the log.
func TestPlatformRefusalsAreTranslatable(t *testing.T) {
	srv, client := localPlatform(t)
	ctx := context.Background()
	sh := approvedShow(t, client, "已结束的直播")
	if _, err := client.End(ctx, sh.ID); err != nil {
		t.Fatal(err)
	}
	_, err := client.GoLive(ctx, sh.ID)
	m := PlatformMessage(err)
	if m == nil || m.Key != "The platform does not allow this in the show's current state: look at the show's state and try again." {
		t.Fatalf("going live after the end: %v → %+v; want the wrong_state sentence", err, m)
	}
	if !errors.Is(m, platform.ErrWrongState) {
		t.Error("the sentence no longer is the platform's wrong-state error")
	}
	bad := platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "not-the-token"})
	if _, err := bad.Shows(ctx); PlatformMessage(err) == nil || !errors.Is(PlatformMessage(err), platform.ErrUnauthorized) {
		t.Errorf("a refused token: %v → %+v", err, PlatformMessage(err))
	}
	if PlatformMessage(errors.New("disk full")) != nil || PlatformMessage(nil) != nil {
		t.Error("an error that is no platform answer was taken for one")
	}
}
