package anchor

import "errors"

// ErrCategory is an unknown category of goods.
var ErrCategory = errors.New("unknown category of goods")
