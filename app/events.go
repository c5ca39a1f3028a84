package app

import (
	"time"

	"showcaster/platform"
)

// Domain types the UI uses, re-exported so that ui needs no network package.
type (
	Show        = platform.Show
	ShowState   = platform.ShowState
	Comment     = platform.Comment
	Reply       = platform.Reply
	Order       = platform.Order
	Product     = platform.Product
	Report      = platform.Report
	Anchor      = platform.Anchor
	AnchorNext  = platform.Next
	AnchorNeed  = platform.Need
	ReportPoint = platform.ReportPoint
	// Action is what the studio asks of a show (ShowState.Can).
	Action = platform.Action
)

// The show's life cycle, re-exported for the window.
const (
	StatePendingAudit = platform.StatePendingAudit
	StateApproved     = platform.StateApproved
	StateRejected     = platform.StateRejected
	StateTrial        = platform.StateTrial
	StateLive         = platform.StateLive
	StateEnded        = platform.StateEnded

	ActionStartTrial = platform.ActionStartTrial
	ActionGoLive     = platform.ActionGoLive
	ActionEnd        = platform.ActionEnd

	// RejectBannedWord: the audit found a banned word in the title (Show.RejectWord).
	RejectBannedWord = platform.RejectBannedWord
)

// Event is what the engine tells the UI. Values only; the UI applies them
// inside one fyne.Do and the engine never waits for it.
type Event interface{ isEvent() }

// ShowStateChanged: the selected show moved in its life cycle (or another was selected).
type ShowStateChanged struct {
	Show Show
	// CountdownLeft is >0 during the 3-2-1 countdown before a trial or live start.
	CountdownLeft int
	// ViewerURL is the link viewers open now ("" until trial or live); a
	// trial's link carries the key that lets only its holders watch.
	ViewerURL string
	// PictureOut: the studio's picture is going out (or connecting) for the
	// show. A trial or live show without it lost its picture and may resume.
	PictureOut bool
}

// SettingsRepaired: stored settings that could not be used were replaced at
// start-up with the nearest usable ones; the window says what changed and
// stores the repaired values.
type SettingsRepaired struct {
	Changes  []SettingChange
	Settings Settings
}

// StreamState is where the picture's way out is: nothing attached, connecting,
// live, reconnecting after a loss, or stopped for good.
type StreamState int

const (
	StreamIdle StreamState = iota
	StreamConnecting
	StreamLive
	StreamReconnecting
	StreamStopped
)

func (s StreamState) String() string {
	switch s {
	case StreamConnecting:
		return "connecting"
	case StreamLive:
		return "live"
	case StreamReconnecting:
		return "reconnecting"
	case StreamStopped:
		return "stopped"
	default:
		return "idle"
	}
}

// Active reports whether the picture is going out or trying to.
func (s StreamState) Active() bool {
	return s == StreamConnecting || s == StreamLive || s == StreamReconnecting
}

// Health is the stream-health colour.
type Health int

const (
	HealthUnknown Health = iota
	HealthGood           // green
	HealthWarn           // amber
	HealthBad            // red
)

func (h Health) String() string {
	switch h {
	case HealthGood:
		return "good"
	case HealthWarn:
		return "warn"
	case HealthBad:
		return "bad"
	default:
		return "unknown"
	}
}

// Stats is the once-a-second stream report (coalesced: only the newest counts).
type Stats struct {
	At            time.Time
	State         StreamState
	FPS           float64
	Kbps          float64
	FramesSent    int64
	FramesDropped int64
	// Drops breaks FramesDropped down by the stage that lost the frames.
	Drops      Drops
	RTT        time.Duration
	Loss       float64 // fraction 0..1
	TargetKbps float64
	Reconnects int
	Health     Health
	// Reason says in plain words why Health is not good, and what to do: a
	// *Message (the window translates it; Error() is the English), nil when
	// there is nothing to say.
	Reason error
}

// Drops counts lost video frames by stage: the encoder fell behind the
// frame clock (Encoder), the network output's queue was full (SendQueue),
// frames arrived while connecting or reconnecting (NotLive), or frames were
// skipped until the next keyframe after a loss (AwaitKeyframe).
type Drops struct {
	Encoder       int64 `json:"encoder"`
	SendQueue     int64 `json:"send_queue"`
	NotLive       int64 `json:"not_live"`
	AwaitKeyframe int64 `json:"await_keyframe"`
}

// CommentReceived: a new comment (Flagged ones carried a banned word).
type CommentReceived struct{ Comment Comment }

// ReplySent: a reply to a comment was posted (by this studio or another),
// or read again from the show's history; Reply.At is when the platform took it.
type ReplySent struct{ Reply Reply }

// ViewerModerated: a viewer was muted, blocked, unmuted or unblocked in the
// show (by this studio or another), or the show's history says so again.
type ViewerModerated struct {
	ViewerID string
	Standing Standing
}

// Counters: online viewers, likes, orders and revenue, as the platform last said.
type Counters struct {
	Online       int64
	Likes        int64
	Orders       int64
	RevenueCents int64
}

// OrderReceived: a viewer bought something.
type OrderReceived struct {
	Order Order
	// Viewer is the buyer, named when the studio has heard their name.
	Viewer Viewer
	// LinkNo and Title are the product's in this show (0 and "" when unknown).
	LinkNo int
	Title  string
}

// OutputStopped: publishing stopped; Err is nil for a clean stop.
type OutputStopped struct{ Err error }

// Reconnecting: the connection dropped and attempt N starts after Delay.
type Reconnecting struct {
	Attempt int
	Delay   time.Duration
	Err     error
}

// AudioLevel is the microphone's peak level 0..1 (coalesced).
type AudioLevel struct{ Peak float64 }

// ProductOnAir: the product being explained changed ("" when none).
type ProductOnAir struct{ ProductID string }

// ProductsChanged: the show's product list or a product changed.
type ProductsChanged struct{}

// BulletinChanged: the on-air bulletin line ("" when taken down).
type BulletinChanged struct{ Text string }

// Notice is a message for the user: an error with what to do, or information
// (Msg, a sentence the window translates; Text, one it shows as it is).
type Notice struct {
	Err  error
	Msg  *Message
	Text string
}

func (ShowStateChanged) isEvent() {}
func (Stats) isEvent()            {}
func (CommentReceived) isEvent()  {}
func (ReplySent) isEvent()        {}
func (ViewerModerated) isEvent()  {}
func (Counters) isEvent()         {}
func (OrderReceived) isEvent()    {}
func (OutputStopped) isEvent()    {}
func (Reconnecting) isEvent()     {}
func (AudioLevel) isEvent()       {}
func (ProductOnAir) isEvent()     {}
func (ProductsChanged) isEvent()  {}
func (BulletinChanged) isEvent()  {}
func (Notice) isEvent()           {}
func (SettingsRepaired) isEvent() {}
