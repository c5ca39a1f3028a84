package platform_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
	"showcaster/platform/server"
)

func TestClientErrors(t *testing.T) {
	srv, err := server.New(server.Config{DataDir: t.TempDir(), StudioToken: "right-token"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	bad := platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "wrong"})
	_, err = bad.Shows(ctx)
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || !errors.Is(err, platform.ErrUnauthorized) ||
		!strings.Contains(err.Error(), "Settings › Platform token") {
		t.Fatalf("bad token: %v", err)
	}
	// A refused event stream ends instead of retrying for ever, and says why.
	sub := bad.Subscribe(ctx, "s1", 0)
	select {
	case _, ok := <-sub.C():
		if ok {
			t.Fatal("event from a refused stream")
		}
	case <-ctx.Done():
		t.Fatal("the refused stream did not end")
	}
	if !errors.Is(sub.Err(), platform.ErrUnauthorized) {
		t.Fatalf("subscription error: %v", sub.Err())
	}

	good := platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "right-token"})
	if _, err := good.Show(ctx, "s404"); !errors.Is(err, platform.ErrNotFound) {
		t.Fatalf("unknown show: %v", err)
	}
	down := platform.NewClient(platform.ClientConfig{BaseURL: "http://127.0.0.1:1", Token: "right-token"})
	if _, err := down.Shows(ctx); !errors.Is(err, platform.ErrUnreachable) {
		t.Fatalf("platform down: %v", err)
	}
}
