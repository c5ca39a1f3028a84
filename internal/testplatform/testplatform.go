// Package testplatform starts the reference platform in-process for tests
// of the packages above it (the studio, the CLI), so each test meets the
// real platform over HTTP and WebRTC.
package testplatform

import (
	"context"
	"testing"
	"time"

	"showcaster/platform"
	"showcaster/platform/server"
)

// Start starts the reference platform in-process with a quick audit.
func Start(t testing.TB) (*server.Server, *platform.Client) {
	t.Helper()
	srv, err := server.New(server.Config{DataDir: t.TempDir(), StudioToken: "studio-secret", AuditDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: srv.StudioToken()})
}

func ApprovedShow(t testing.TB, c *platform.Client, title string) platform.Show {
	t.Helper()
	ctx := context.Background()
	sh, err := c.CreateShow(ctx, platform.NewShow{Title: title, StartsAt: time.Now().Add(time.Hour), DurationMin: 60})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sh.State != platform.StateApproved {
		if time.Now().After(deadline) {
			t.Fatalf("show %s still %s after 10 s", sh.ID, sh.State)
		}
		time.Sleep(20 * time.Millisecond)
		if sh, err = c.Show(ctx, sh.ID); err != nil {
			t.Fatal(err)
		}
	}
	return sh
}
