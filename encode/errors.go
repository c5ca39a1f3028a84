package encode

import "errors"

// Errors returned by the encoders. Each is wrapped with %w and context, so
// callers test with errors.Is and show the message as it is.
var (
	// ErrX264 means libx264 refused to start or to encode; the wrapped
	// message carries x264's own reason.
	ErrX264 = errors.New("the H.264 encoder (x264) failed: check that libx264 is installed (make deps)")
	// ErrOpenH264 means openh264 (the Windows and macOS builds' H.264
	// library, linked into the program) refused to start or to encode.
	ErrOpenH264 = errors.New("the H.264 encoder (openh264) failed: try a smaller canvas size or a lower bitrate, and restart the studio")
	// ErrOpus means libopus refused to start or to encode.
	ErrOpus = errors.New("the Opus encoder failed: check that libopus is installed (make deps)")
	// ErrAAC means vo-aacenc refused to start or to encode.
	ErrAAC = errors.New("the AAC encoder (vo-aacenc) failed: on Linux check that libvo-aacenc is installed (make deps); on Windows and macOS it is built in, so report the problem")
	// ErrAACUnavailable is NewAAC in a build without an AAC library
	// (-tags noaac): RTMP needs AAC, WHIP does not.
	ErrAACUnavailable = errors.New("RTMP destinations are not available in this build of Showcaster: it was built without an AAC audio encoder, which RTMP needs. Publish to a WHIP destination instead (the Showcaster platform is one), or use a build with AAC")
	// ErrBadSize is a canvas the encoder cannot take (H.264 4:2:0 needs even sides).
	ErrBadSize = errors.New("the picture size is not usable: width and height must be even and positive (try --size 1280x720)")
	// ErrFrameSize is a frame whose size differs from the one the encoder was built for.
	ErrFrameSize = errors.New("the frame size differs from the encoder's: rebuild the encoder for the new canvas size")
	// ErrBadFormat is a frame that is not planar 4:2:0.
	ErrBadFormat = errors.New("the frame is not I420 (YCbCr 4:2:0): convert it before encoding")
	// ErrBadConfig is a setting out of range (fps, bitrate, channels, preset).
	ErrBadConfig = errors.New("invalid encoder setting")
	// ErrClosed is returned by Encode after Close.
	ErrClosed = errors.New("the encoder is closed")
)
