package broadcast

import "errors"

// Errors of the destinations hub. Each is wrapped with %w and the
// destination's name.
var (
	ErrDuplicate = errors.New("a destination with this name is already on air: give each destination its own name")
	ErrNoSuch    = errors.New("no destination with this name")
	ErrClosed    = errors.New("the destinations hub is closed")
)
