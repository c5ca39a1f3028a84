package server

import (
	"errors"
	"strings"
	"testing"

	"showcaster/internal/clock"
)

// Row 7: a second platform on the same data directory refuses to start,
// saying why; once the first has stopped, it starts.
func TestSecondPlatformOnSameDataRefuses(t *testing.T) {
	p := newPlatform(t)
	_, err := New(Config{DataDir: p.dir, Clock: clock.NewFake(epoch), StudioToken: "studio-secret"})
	if !errors.Is(err, ErrDataInUse) || !strings.Contains(err.Error(), "another platform") || !strings.Contains(err.Error(), "--data") {
		t.Fatalf("a second platform on %s: %v", p.dir, err)
	}
	if err := p.srv.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := New(Config{DataDir: p.dir, Clock: clock.NewFake(epoch), StudioToken: "studio-secret"})
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Close()
}
