package capture

import "errors"

var (
	// ErrClosed is returned by Read once a source has been closed.
	ErrClosed = errors.New("capture: the source is closed; open it again to resume")
	// ErrBadConfig reports a source config that cannot work (size, rate, channels).
	ErrBadConfig = errors.New("capture: invalid source settings; use even sizes, fps between 1 and 120 and 1 or 2 channels")
	// ErrImage reports a still image that cannot be used as a source.
	ErrImage = errors.New("capture: cannot use this image; give a PNG or JPEG file at least 2×2 pixels")
	// ErrNoDevice reports that no device of the asked kind (or with the asked id) exists.
	ErrNoDevice = errors.New("capture: device not found; run 'showcaster devices' to see the ids that exist")
	// ErrDeviceBusy reports a device the system would not open (in use or no permission).
	ErrDeviceBusy = errors.New("capture: the device could not be opened; close other apps using it and check its permissions")
	// ErrDeviceLost reports a device that stopped delivering while in use.
	ErrDeviceLost = errors.New("capture: the device stopped delivering; check its cable or select it again")
	// ErrUnsupportedFormat reports a device format the engine cannot convert.
	ErrUnsupportedFormat = errors.New("capture: the device offers no format Showcaster can use; pick another device")
	// ErrBadBeauty reports a beauty setting outside 0..100.
	ErrBadBeauty = errors.New("capture: beauty settings go from 0 (off) to 100; pick a value in that range")
	// ErrDriverPanic reports a fault inside a device driver, turned into an error.
	ErrDriverPanic = errors.New("capture: the device driver failed; try another device or use the test pattern")
)
