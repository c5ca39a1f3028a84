// Package scene composites the program picture: sources placed as items on a
// fixed canvas, RGBA overlays blended on top, rendered on its own frame clock
// whatever the sources deliver; and the audio mix.
package scene

import (
	"fmt"
	"time"

	"showcaster/internal/clock"
)

// Config is the canvas. Zero fields take the defaults: 1280×720 at 30 fps on
// the wall clock.
type Config struct {
	Width, Height int
	FPS           int
	Clock         clock.Clock
	// OnSourceError, when set, hears about a source that failed (from the
	// source's reader goroutine; keep it quick). The scene goes on showing the
	// source's last frame, or black.
	OnSourceError func(itemID string, err error)
}

const (
	maxPixels = 1920 * 1080
	maxSide   = 1920
	minW      = 160
	minH      = 90
)

func (c Config) withDefaults() Config {
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = 1280, 720
	}
	if c.FPS == 0 {
		c.FPS = 30
	}
	c.Clock = clock.OrReal(c.Clock)
	return c
}

// validate accepts landscape and portrait canvases (live-selling apps often
// show 9:16) as long as they fit the 1080p pixel budget.
func (c Config) validate() error {
	w, h := c.Width, c.Height
	if w%2 != 0 || h%2 != 0 || min(w, h) < minH || max(w, h) < minW || max(w, h) > maxSide || w*h > maxPixels {
		return fmt.Errorf("canvas %dx%d: %w", w, h, ErrBadConfig)
	}
	if c.FPS < 1 || c.FPS > 60 {
		return fmt.Errorf("canvas at %d fps: %w", c.FPS, ErrBadConfig)
	}
	return nil
}

// Period is the time between two frames.
func (c Config) Period() time.Duration { return time.Second / time.Duration(c.FPS) }
