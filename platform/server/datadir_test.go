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

// Row 6: public viewer ids carry 128 random bits (no collision near 100k viewers).
func TestViewerIDsAre128Bit(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("编号")
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		id := p.newViewer(s.ID, "").me.ID
		if len(id) != 33 || id[0] != 'v' || strings.Trim(id[1:], "0123456789abcdef") != "" || seen[id] {
			t.Fatalf("viewer id %q", id)
		}
		seen[id] = true
	}
}
