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

// Errors of the RTMP output. A Stats.StopErr or a Start error wraps one of
// these; none of them ever carries the stream key.
var (
	ErrRTMPBadURL      = errors.New("the RTMP address is not an rtmp:// or rtmps:// URL: paste the push address (推流地址) the platform gives you")
	ErrRTMPNoKey       = errors.New("the RTMP address has no stream key: paste the stream key (推流码) too, or the whole push URL")
	ErrRTMPNoApp       = errors.New("the RTMP address has no application path (like /live): paste the whole push address the platform gives you")
	ErrRTMPKeyExpired  = errors.New("the stream key has expired: fetch a new push address and key from the platform and paste it again")
	ErrRTMPRefused     = errors.New("the RTMP server refused the stream key: copy a fresh key from the platform, and check that the account may go live")
	ErrRTMPUnreachable = errors.New("nothing answers at the RTMP address: check the address, your network, and that the server is up")
	ErrRTMPHandshake   = errors.New("the RTMP server did not complete the connection: check the address (rtmp:// or rtmps://) and the port")
	ErrRTMPTLS         = errors.New("the secure connection to the RTMPS server failed (its certificate is not trusted, or it does not speak TLS): check the address and the computer's clock")
	ErrRTMPLost        = errors.New("the connection to the RTMP server was lost")
	ErrRTMPStalled     = errors.New("the RTMP server stopped taking data (no progress for 2 s): the network or the server is down")
)
