// Package scene composites the program picture: sources placed as items on a
// fixed canvas, RGBA overlays blended on top, rendered on its own frame clock
// whatever the sources deliver; and the audio mix.
package scene

import (
	"fmt"
	"math"
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

// The canvas the compositor accepts: even sizes, landscape or portrait, within
// the 1080p pixel budget, at 1 to 60 frames a second. These are the one home
// of the canvas rule; settings, flags and the window all ask CheckCanvas.
const (
	MaxPixels = 1920 * 1080
	MaxSide   = 1920
	MinShort  = 90
	MinLong   = 160
	MinFPS    = 1
	MaxFPS    = 60
)

// CheckCanvas says whether the scene takes a w×h canvas at fps; the error
// says what it takes (ErrBadConfig).
func CheckCanvas(w, h, fps int) error { return Config{Width: w, Height: h, FPS: fps}.validate() }

// NearestCanvas is the valid canvas closest to w×h with the same shape:
// scaled down into the pixel budget (or up to the minimum), even sides.
func NearestCanvas(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return 1280, 720
	}
	scale := 1.0
	if long := max(w, h); long > MaxSide {
		scale = float64(MaxSide) / float64(long)
	}
	if px := float64(w) * float64(h) * scale * scale; px > MaxPixels {
		scale *= math.Sqrt(MaxPixels / px)
	}
	if short := float64(min(w, h)) * scale; short < MinShort {
		scale = float64(MinShort) / float64(min(w, h))
	}
	if long := float64(max(w, h)) * scale; long < MinLong {
		scale = float64(MinLong) / float64(max(w, h))
	}
	even := func(v float64) int { return int(v/2) * 2 }
	nw, nh := even(float64(w)*scale), even(float64(h)*scale)
	for nw*nh > MaxPixels || max(nw, nh) > MaxSide { // rounding may overshoot by a step
		if nw >= nh {
			nw -= 2
		} else {
			nh -= 2
		}
	}
	return nw, nh
}

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
	if w%2 != 0 || h%2 != 0 || min(w, h) < MinShort || max(w, h) < MinLong || max(w, h) > MaxSide || w*h > MaxPixels {
		return fmt.Errorf("canvas %dx%d: %w", w, h, ErrBadConfig)
	}
	if c.FPS < MinFPS || c.FPS > MaxFPS {
		return fmt.Errorf("canvas at %d fps: %w", c.FPS, ErrBadConfig)
	}
	return nil
}

// Period is the time between two frames.
func (c Config) Period() time.Duration { return time.Second / time.Duration(c.FPS) }
