package encode

import (
	"testing"
	"time"
)

// An encoder that sat unused counts from 0 while the program clock is far
// on; its packets land at their capture time, then stay sample-exact.
func TestAudioTimelinePlacesPacketsAtTheirCaptureTime(t *testing.T) {
	origin := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	var tl AudioTimeline
	at := origin.Add(time.Minute)
	pkts := []Packet{
		{PTS: 0, CaptureTime: at},
		{PTS: OpusFrame, CaptureTime: at.Add(OpusFrame + 3*time.Millisecond)}, // jitter: kept sample-exact
	}
	tl.Place(origin, pkts)
	if pkts[0].PTS != time.Minute || pkts[1].PTS != time.Minute+OpusFrame {
		t.Fatalf("PTS %v, %v; want 1m0s and 1m0.02s", pkts[0].PTS, pkts[1].PTS)
	}
	// Fed again after a pause of 10 s (no output was attached).
	later := []Packet{{PTS: 2 * OpusFrame, CaptureTime: at.Add(10 * time.Second)}}
	tl.Place(origin, later)
	if later[0].PTS != time.Minute+10*time.Second {
		t.Fatalf("after a pause PTS %v, want 1m10s", later[0].PTS)
	}
}
