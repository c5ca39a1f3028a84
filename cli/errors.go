package cli

import "errors"

// ErrBadFlag: a command-line flag is missing or malformed; the wrapped message says how to write it.
var ErrBadFlag = errors.New("bad flag")
