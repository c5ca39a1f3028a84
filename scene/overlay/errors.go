package overlay

import "errors"

var (
	// ErrNoFont: no font that can draw Chinese was found.
	ErrNoFont = errors.New("overlay: no Chinese-capable font found; install fonts-wqy-microhei (make deps) or Noto Sans CJK")
	// ErrFont: a font file could not be read or parsed.
	ErrFont = errors.New("overlay: cannot use font")
	// ErrImage: a product image could not be read or decoded.
	ErrImage = errors.New("overlay: cannot read image")
	// ErrCorner: a corner name that is not one of tl, tr, bl, br.
	ErrCorner = errors.New("overlay: unknown corner; use tl, tr, bl or br")
)
