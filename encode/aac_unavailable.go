//go:build noaac

package encode

import (
	"fmt"
	"runtime"

	"showcaster/capture"
)

// AACAvailable says whether this build can encode AAC, and so publish to
// RTMP destinations. A build with -tags noaac links no AAC library (for a
// machine without vo-aacenc, on any platform) and publishes over WHIP
// only; make test builds it on Linux, which is how its test runs.
const AACAvailable = false

// AAC is the stand-in AAC encoder of builds without an AAC library: it is
// never made, because NewAAC refuses with ErrAACUnavailable.
type AAC struct {
	cfg AACConfig
}

// NewAAC checks cfg as the real encoder does, then refuses: this build has no
// AAC encoder. The error names the platform and says to use WHIP.
func NewAAC(cfg AACConfig) (*AAC, error) {
	if _, err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w (this is the %s build)", ErrAACUnavailable, platformName(runtime.GOOS))
}

// Encode returns ErrAACUnavailable.
func (a *AAC) Encode(capture.AudioChunk) ([]Packet, error) { return nil, ErrAACUnavailable }

// Close does nothing.
func (a *AAC) Close() error { return nil }

// platformName is the name people know an operating system by.
func platformName(goos string) string {
	switch goos {
	case "windows":
		return "Windows"
	case "darwin":
		return "macOS"
	case "linux":
		return "Linux"
	}
	return goos
}
