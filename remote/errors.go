package remote

import "errors"

// Errors a Studio returns (wrapped with %w) so that remote control can answer
// with the obs-websocket status code a client expects.
var (
	// ErrOutputRunning: the stream or recording is already on (code 500).
	ErrOutputRunning = errors.New("remote: it is already running; stop it first")
	// ErrOutputNotRunning: the stream or recording is not on (code 501).
	ErrOutputNotRunning = errors.New("remote: it is not running; start it first")
	// ErrNotFound: no scene, input or vendor by that name (code 600).
	ErrNotFound = errors.New("remote: no such scene, input or vendor; ask GetSceneList or GetInputList for the names")
	// ErrInvalidField: a request field has a value that cannot work (code 400).
	ErrInvalidField = errors.New("remote: a request field has a value that cannot be used")
	// ErrMissingField: a request lacks a field it needs (code 300).
	ErrMissingField = errors.New("remote: the request lacks a field it needs")
	// ErrUnknownRequest: the studio does not know this request (code 204).
	ErrUnknownRequest = errors.New("remote: unknown request")
	// ErrNotReady: the studio cannot do it now, e.g. no show is ready to go live (code 207).
	ErrNotReady = errors.New("remote: the studio cannot do that now")

	// ErrAddress reports a listen address off loopback without the opt-in.
	ErrAddress = errors.New("remote: remote control listens on loopback (127.0.0.1) unless you allow other machines in Settings")
	// ErrNoPassword reports an attempt to serve beyond loopback without a password.
	ErrNoPassword = errors.New("remote: remote control beyond this machine needs a password; set one in Settings")
	// ErrListen reports an address that could not be opened.
	ErrListen = errors.New("remote: cannot listen on that address; pick another port (the default is 4455)")
)
