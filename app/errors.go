package app

import (
	"errors"
	"fmt"
)

var (
	// ErrNoChartFont: no TrueType font with Chinese is installed for the report's charts.
	ErrNoChartFont = errors.New("no Chinese font for the report's charts: install fonts-wqy-microhei (make deps)")
	// ErrChart: the report's charts could not be drawn.
	ErrChart             = errors.New("the report's charts could not be drawn")
	ErrAlreadyPublishing = errors.New("already publishing: end the current broadcast first")
	ErrAlreadyRecording  = errors.New("already recording: stop the current recording first")
	ErrNoShow            = errors.New("no show selected: pick or create a show plan first")
	ErrNotApproved       = errors.New("the show is not approved yet: wait for the audit, or fix what it rejected")
	ErrNotOnAir          = errors.New("nothing is on air: start a trial or go live first")
	ErrBadSource         = errors.New("bad source")
)

var (
	ErrNotStarted    = errors.New("the studio is not started yet")
	ErrNoCamera      = errors.New("no camera found: plug one in, or use the test pattern or the screen")
	ErrNoScreen      = errors.New("no screen to capture: run 'showcaster devices' to see why (on Linux it needs an X11 session, on macOS the Screen Recording permission)")
	ErrSettingsOnAir = errors.New("the platform and the canvas can change only when nothing is on air: end the broadcast first")
	ErrNoTitle       = errors.New("the show needs a title")
	ErrSlotTooLong   = errors.New("a show slot lasts 1 to 240 minutes")
	ErrPendingAudit  = errors.New("the show is still in audit: wait a few seconds for the platform's answer")
	ErrRejected      = errors.New("the platform rejected the show: change the title and create it again")
	ErrShowEnded     = errors.New("the show has ended: create a new show plan")
	ErrEmptyReply    = errors.New("write a reply first")
	// ErrModerationAction: not one of mute, block, unmute, unblock.
	ErrModerationAction = errors.New("unknown moderation action")
	ErrNoTool           = errors.New("nothing of that kind is running: start a lucky bag or a flash sale in the Tools tab first")
)

var (
	// ErrNoScene: no scene by that name.
	ErrNoScene = errors.New("no such scene: pick one of the studio's scenes (the list is in the Scenes panel)")
	// ErrRemoteControl: remote control could not start.
	ErrRemoteControl = errors.New("remote control could not start: pick another port in Settings, or close the program using it")
	// ErrLastScene: the studio keeps at least one scene.
	ErrLastScene = errors.New("the last scene cannot be deleted: add another scene first")
	// ErrSceneName: a scene's name is empty or too long.
	ErrSceneName = errors.New("a scene needs a name of at most 30 characters")
	// ErrSceneExists: another scene has that name.
	ErrSceneExists = errors.New("there is already a scene with that name: pick another name")
)

// Errors of the destinations list.
var (
	ErrBadDestination    = errors.New("the destination is not complete")
	ErrDestinationSilent = errors.New("the destination connected but no picture went out: check the canvas and the sources")
)

// ErrBadSetting: a setting is outside what the studio can use; the wrapping
// Message says what it takes and says what it takes.
var ErrBadSetting = errors.New("a setting is outside what the studio can use")

// Message is a sentence for the user whose words the window translates:
// Key is the English sentence with fmt verbs, Args fill them in. Errors that
// reach the user carry one (errors.As), so the window speaks the user's
// language and the CLI prints the English.
type Message struct {
	Key  string
	Args []any
	// Err is the sentinel it stands for (errors.Is).
	Err error
}

func (m *Message) Error() string { return fmt.Sprintf(m.Key, m.Args...) }
func (m *Message) Unwrap() error { return m.Err }

// Say makes a Message.
func Say(sentinel error, key string, args ...any) *Message {
	return &Message{Key: key, Args: args, Err: sentinel}
}

// Errors of co-hosting (连麦).
var (
	// ErrNoGuest: no guest with that id in this show.
	ErrNoGuest = errors.New("no such guest in this show: pick one from the guest list")
	// ErrCoHostClosed: co-hosting was stopped (the broadcast ended).
	ErrCoHostClosed = errors.New("co-hosting has stopped: go live again to invite guests")
)
