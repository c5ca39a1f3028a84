package app

import (
	"errors"
	"testing"
	"time"

	"showcaster/encode"
)

// TestRTMPDestinationWithoutAAC is what a build without an AAC encoder
// (-tags noaac) answers: an RTMP destination is refused with the sentence
// that says to use WHIP, while WHIP and the platform still validate.
func TestRTMPDestinationWithoutAAC(t *testing.T) {
	saved := rtmpAvailable
	rtmpAvailable = false
	defer func() { rtmpAvailable = saved }()
	now := time.Unix(1_800_000_000, 0)
	dy, _ := DestinationFromPreset("douyin")
	dy.URL = "rtmp://push-rtmp-l6.douyincdn.com/third/stream-123"
	if err := dy.Validate(now); !errors.Is(err, encode.ErrAACUnavailable) {
		t.Fatalf("RTMP without AAC: %v, want ErrAACUnavailable", err)
	}
	whip := DestinationSpec{Name: "own", Kind: DestWHIP, URL: "http://127.0.0.1:8889/live/whip"}
	if err := whip.Validate(now); err != nil {
		t.Fatalf("WHIP: %v", err)
	}
	if err := (DestinationSpec{Name: "platform", Kind: DestPlatform}).Validate(now); err != nil {
		t.Fatalf("platform: %v", err)
	}
}
