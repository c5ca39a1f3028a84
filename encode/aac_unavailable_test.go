//go:build noaac

package encode

import (
	"errors"
	"strings"
	"testing"
)

// TestAACUnavailableSaysSo runs with -tags noaac (make test does): NewAAC
// refuses with a sentence that names the platform and points to WHIP, after
// checking the settings as usual.
func TestAACUnavailableSaysSo(t *testing.T) {
	if AACAvailable {
		t.Fatal("the stand-in must report AACAvailable = false")
	}
	a, err := NewAAC(AACConfig{})
	if a != nil || !errors.Is(err, ErrAACUnavailable) {
		t.Fatalf("NewAAC = %v, %v; want ErrAACUnavailable", a, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "WHIP") || !strings.Contains(msg, "build)") {
		t.Errorf("message %q does not say what to do and which build", msg)
	}
	if _, err := NewAAC(AACConfig{Channels: 3}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("3 channels: %v, want ErrBadConfig", err)
	}
	for goos, want := range map[string]string{"windows": "Windows", "darwin": "macOS", "linux": "Linux", "plan9": "plan9"} {
		if got := platformName(goos); got != want {
			t.Errorf("platformName(%q) = %q, want %q", goos, got, want)
		}
	}
	// The container-side config needs no encoder.
	if c := AACAudioSpecificConfig(48000, 2); len(c) != 2 || c[0] != 0x11 || c[1] != 0x90 {
		t.Errorf("AudioSpecificConfig % x", c)
	}
}
