package server

import "time"

// Limits are the platform's defences against a flood; docs/security.md lists
// them with their defaults. A zero field takes its default.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers; default 5 s.
	ReadHeaderTimeout time.Duration
	// BodyTimeout bounds reading a whole request, body included (a stalled
	// body is cut off); default 15 s. Event sockets are not affected once upgraded.
	BodyTimeout time.Duration
	// IdleTimeout closes a kept-alive connection with no request; default 60 s.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers; default 16 KiB.
	MaxHeaderBytes int

	// WHEPSessions is the most playback sessions the platform holds at once
	// (all shows); beyond it WHEP answers 503 busy; default 300.
	WHEPSessions int
	// WHEPPending is the most playback sessions whose peer has not connected
	// yet (each costs memory until it connects or is reaped); default 100.
	WHEPPending int
	// WHEPPerViewer is the most playback sessions one viewer cookie holds; default 3.
	WHEPPerViewer int
	// WHEPConnectTimeout reaps a playback session whose peer has not
	// connected by then; default 10 s.
	WHEPConnectTimeout time.Duration
	// OfferCandidates is the most ICE candidates a WHIP/WHEP offer may carry; default 16.
	OfferCandidates int
	// OfferBytes bounds a WHIP/WHEP offer; default 32 KiB.
	OfferBytes int

	// NewViewers is the budget of viewer cookies one client address may mint;
	// default a burst of 500 then 20 per second (a loopback fan-out of 300 pages passes).
	NewViewers Budget
	// ViewerIdle is how long a viewer stays cached in memory without a
	// request; default 10 min (it is read from storage again when it returns).
	ViewerIdle time.Duration

	// WALLimit is the size the database's write-ahead log is cut back to after
	// a checkpoint; default 32 MiB.
	WALLimit int64
	// CheckpointEvery is how often the write-ahead log is checkpointed; default 30 s.
	CheckpointEvery time.Duration
}

// DefaultLimits are the limits a platform uses when Config.Limits leaves them zero.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout:  5 * time.Second,
		BodyTimeout:        15 * time.Second,
		IdleTimeout:        60 * time.Second,
		MaxHeaderBytes:     16 << 10,
		WHEPSessions:       300,
		WHEPPending:        100,
		WHEPPerViewer:      3,
		WHEPConnectTimeout: 10 * time.Second,
		OfferCandidates:    16,
		OfferBytes:         32 << 10,
		NewViewers:         Budget{Burst: 500, Every: 50 * time.Millisecond, What: "new viewers from one address (20 per second)"},
		ViewerIdle:         10 * time.Minute,
		WALLimit:           32 << 20,
		CheckpointEvery:    30 * time.Second,
	}
}

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	seti := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	set(&l.BodyTimeout, d.BodyTimeout)
	set(&l.IdleTimeout, d.IdleTimeout)
	seti(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	seti(&l.WHEPSessions, d.WHEPSessions)
	seti(&l.WHEPPending, d.WHEPPending)
	seti(&l.WHEPPerViewer, d.WHEPPerViewer)
	set(&l.WHEPConnectTimeout, d.WHEPConnectTimeout)
	seti(&l.OfferCandidates, d.OfferCandidates)
	seti(&l.OfferBytes, d.OfferBytes)
	if l.NewViewers.Burst <= 0 || l.NewViewers.Every <= 0 {
		l.NewViewers = d.NewViewers
	}
	set(&l.ViewerIdle, d.ViewerIdle)
	if l.WALLimit <= 0 {
		l.WALLimit = d.WALLimit
	}
	set(&l.CheckpointEvery, d.CheckpointEvery)
	return l
}
