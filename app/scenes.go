package app

import (
	"fmt"
	"strings"
	"time"

	"showcaster/app/store"
	"showcaster/scene"
)

// A scene is a saved arrangement of the program (store.Scene): sources,
// layout and which overlays are on. The studio keeps a list; the three
// layouts are its first scenes; Ctrl+1…9 switch to the first nine.

// Transition is how the program goes from one scene to the next.
type Transition struct {
	// Fade is the cross-fade's length; 0 cuts.
	Fade time.Duration
}

// DefaultTransition is a short fade, long enough to read as a transition
// and short enough not to hold up the host.
var DefaultTransition = Transition{Fade: 300 * time.Millisecond}

// MaxSceneShortcuts is how many scenes have a Ctrl+digit shortcut.
const MaxSceneShortcuts = 9

// DefaultScenes are the three layouts as the first scenes of a new studio,
// named in lang ("zh" or "en").
func DefaultScenes(lang string) []store.Scene {
	names := map[scene.Layout][2]string{
		scene.LayoutFull: {"全屏", "Full"},
		scene.LayoutPiP:  {"画中画", "Picture in picture"},
		scene.LayoutSide: {"并排", "Side by side"},
	}
	i := 1
	if strings.HasPrefix(lang, "zh") {
		i = 0
	}
	var out []store.Scene
	for _, l := range []scene.Layout{scene.LayoutFull, scene.LayoutPiP, scene.LayoutSide} {
		out = append(out, store.Scene{Name: names[l][i], Layout: l.String()})
	}
	return out
}

// FindScene finds a scene by name (case and surrounding spaces ignored) or,
// failing that, by layout name (full, pip, side), so `--scene pip` works in
// any studio.
func FindScene(scenes []store.Scene, name string) (store.Scene, error) {
	want := strings.TrimSpace(name)
	for _, sc := range scenes {
		if strings.EqualFold(sc.Name, want) {
			return sc, nil
		}
	}
	if l, err := scene.ParseLayout(want); err == nil {
		for _, sc := range scenes {
			if sc.Layout == l.String() {
				return sc, nil
			}
		}
	}
	return store.Scene{}, fmt.Errorf("scene %q: %w", name, ErrNoScene)
}

// SceneShortcut is the scene Ctrl+digit (1…9) switches to, if there is one.
func SceneShortcut(scenes []store.Scene, digit int) (store.Scene, bool) {
	if digit < 1 || digit > MaxSceneShortcuts || digit > len(scenes) {
		return store.Scene{}, false
	}
	return scenes[digit-1], true
}

// CanDeleteScene applies the studio's rule: one scene always remains.
func CanDeleteScene(scenes []store.Scene) error {
	if len(scenes) <= 1 {
		return ErrLastScene
	}
	return nil
}
