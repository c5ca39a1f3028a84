package platform

// Action is what the studio asks of a show in its life cycle.
type Action int

const (
	ActionUnknown    Action = iota
	ActionStartTrial        // start a trial (or resume one whose picture stopped)
	ActionGoLive            // start the formal broadcast (or resume a live show's picture)
	ActionEnd               // end the trial, or the show for every viewer
)

func (a Action) String() string {
	switch a {
	case ActionStartTrial:
		return "start-trial"
	case ActionGoLive:
		return "go-live"
	case ActionEnd:
		return "end"
	default:
		return "unknown"
	}
}

func (s ShowState) String() string { return string(s) }

// OnAir reports whether the platform shows the picture to someone: trial-link
// holders during a trial, everyone while live.
func (s ShowState) OnAir() bool { return s == StateTrial || s == StateLive }

// Done reports whether the show can never go on air again.
func (s ShowState) Done() bool { return s == StateEnded || s == StateRejected }

// Can reports whether a show in this state takes the action. pictureOut says
// whether the studio's picture is going out now: a trial or live show whose
// picture stopped (a failed connect, a reopened studio) may be resumed with
// the same action that started it.
func (s ShowState) Can(a Action, pictureOut bool) bool {
	switch a {
	case ActionStartTrial:
		return s == StateApproved || s == StateTrial && !pictureOut
	case ActionGoLive:
		return s == StateApproved || s == StateTrial || s == StateLive && !pictureOut
	case ActionEnd:
		return s == StateApproved || s == StateTrial || s == StateLive
	}
	return false
}
