// Package encode turns raw frames into packets: H.264 through x264 (Linux)
// or openh264 (Windows, macOS; see H264Library), Opus, and AAC-LC through
// libvo-aacenc.
package encode

import "time"

// Packet is one encoded access unit (H.264: Annex B, all NAL units of one
// frame; Opus: one frame).
type Packet struct {
	Data     []byte
	PTS      time.Duration // from the start of the program
	Duration time.Duration
	Keyframe bool
	// CaptureTime is the wall-clock time of the frame the packet came from.
	CaptureTime time.Time
}

// Skipped reports a video packet without data: the H.264 library's rate
// control dropped the frame to hold the bitrate (openh264 does; x264 never
// does). There is nothing to send for it.
func (p Packet) Skipped() bool { return len(p.Data) == 0 }
