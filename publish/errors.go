package publish

import "errors"

// Errors of the outputs. Each is wrapped with %w and the URL or status it
// concerns; the message reads as advice, because the headless
// `showcaster live` prints it as its one-line reason for exiting.
var (
	ErrUnauthorized = errors.New("the server refused the token (401): check --token")
	ErrForbidden    = errors.New("the server does not allow publishing with this token (403): check --token and that the show may go live")
	ErrNotFound     = errors.New("no such WHIP endpoint (404): check --whip")
	ErrServer       = errors.New("the WHIP server failed: try again later or look at the server's log")
	ErrRejected     = errors.New("the WHIP server rejected the offer: check that it accepts H.264 and Opus")
	ErrNoLocation   = errors.New("the WHIP server answered without a Location header, so the session could not be stopped later: the server does not follow RFC 9725")
	ErrBadAnswer    = errors.New("the WHIP server's SDP answer is not usable")
	ErrUnreachable  = errors.New("nothing answers at the WHIP URL: is the server running? check --whip")
	ErrICE          = errors.New("the WHIP server answered but media could not reach it (ICE/DTLS did not connect): check that UDP is not blocked and the server's ICE settings")
	ErrBadURL       = errors.New("the WHIP URL is not an http(s) URL: check --whip")
	ErrDelete       = errors.New("the WHIP server did not confirm the end of the session")
	ErrStarted      = errors.New("the output was already started")
	ErrClosed       = errors.New("the output is closed")
	ErrRecorder     = errors.New("the recording could not be written: check the folder exists and the disk has space")
)
