//go:build !(linux && cgo)

package native

import "image"

// Display is not available on this system: Open always fails.
type Display struct{}

// Open says that pictures in child windows are not supported here.
func Open() (*Display, error) { return nil, ErrUnsupported }

func (d *Display) SharedMemory() bool { return false }
func (d *Display) Close()             {}
func (d *Display) Poll()              {}
func (d *Display) NewSurface(Parent, string) (*Surface, error) {
	return nil, ErrUnsupported
}

// Surface is not available on this system.
type Surface struct{}

func (s *Surface) Place(image.Rectangle, []image.Rectangle) error { return ErrUnsupported }
func (s *Surface) Draw(*image.RGBA) error                         { return ErrUnsupported }
func (s *Surface) Hide()                                          {}
func (s *Surface) Shown() bool                                    { return false }
func (s *Surface) Close()                                         {}
