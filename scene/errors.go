package scene

import "errors"

var (
	// ErrBadConfig reports canvas settings the scene cannot render.
	ErrBadConfig = errors.New("scene: invalid canvas; use even sizes from 160x90 up to 1920x1080 (or 1080x1920) and 1 to 60 fps")
	// ErrRunning is returned by a second Run while the first is still going.
	ErrRunning = errors.New("scene: already running; stop the running scene before starting it again")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("scene: closed; create a new scene")
	// ErrUnknownLayout reports a layout name ParseLayout does not know.
	ErrUnknownLayout = errors.New("scene: unknown layout; use full, pip or side")
	// ErrOverlay reports an overlay that cannot be shown.
	ErrOverlay = errors.New("scene: invalid overlay; give it an ID and a non-empty RGBA image")
	// ErrNoOverlay reports a move or removal of an overlay that is not set.
	ErrNoOverlay = errors.New("scene: no overlay with this ID; set it first")
	// ErrAudioSource reports an audio source the mixer cannot take.
	ErrAudioSource = errors.New("scene: invalid audio source; give it an ID and a source with 1 or 2 channels")
)
