package encode

import "time"

// MaxAudioDrift is how far audio may wander from the program's timeline (a
// sound card's clock against the scene's) before it is put back.
const MaxAudioDrift = 200 * time.Millisecond

// AudioTimeline puts an audio encoder's packets on the program's timeline,
// the one video PTS count on: a packet's PTS becomes the time of its first
// sample (its CaptureTime) since the program's origin. An encoder counts its
// samples from the first one it was given, which is not when the program
// began: it may have sat unused for as long as the studio was idle, or
// between two recordings. The shift is taken from the capture times once and
// kept, so PTS stay sample-exact; it is taken again whenever the two part by
// more than MaxAudioDrift (the encoder was not fed for a while, or the
// clocks drifted). Not safe for concurrent use.
type AudioTimeline struct {
	shift time.Duration
	set   bool
}

// Place rewrites the PTS of pkts, in order, for a program whose PTS 0 is at
// origin. Packets without a capture time keep the encoder's count shifted as
// the last one was.
func (t *AudioTimeline) Place(origin time.Time, pkts []Packet) {
	for i := range pkts {
		p := &pkts[i]
		if !p.CaptureTime.IsZero() {
			want := p.CaptureTime.Sub(origin)
			if d := want - (p.PTS + t.shift); !t.set || d > MaxAudioDrift || d < -MaxAudioDrift {
				t.shift, t.set = want-p.PTS, true
			}
		}
		p.PTS += t.shift
	}
}
