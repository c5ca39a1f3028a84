package app

import (
	"errors"
	"testing"

	"showcaster/capture"
	"showcaster/scene"
)

func TestFindSceneByNameOrLayout(t *testing.T) {
	scenes := DefaultScenes("zh")
	if sc, err := FindScene(scenes, "画中画"); err != nil || sc.Layout != "pip" {
		t.Fatalf("by name: %v %v", sc, err)
	}
	if sc, err := FindScene(scenes, "side"); err != nil || sc.Name != "并排" {
		t.Fatalf("by layout: %v %v", sc, err)
	}
	if _, err := FindScene(scenes, "nope"); !errors.Is(err, ErrNoScene) {
		t.Fatalf("unknown: %v", err)
	}
	if en := DefaultScenes("en"); en[1].Name != "Picture in picture" {
		t.Fatalf("english names %v", en)
	}
	if sc, ok := SceneShortcut(scenes, 3); !ok || sc.Layout != "side" {
		t.Fatalf("Ctrl+3: %v %v", sc, ok)
	}
	if _, ok := SceneShortcut(scenes, 4); ok {
		t.Fatal("Ctrl+4 with three scenes")
	}
	if err := CanDeleteScene(scenes[:1]); !errors.Is(err, ErrLastScene) {
		t.Fatalf("deleting the last scene: %v", err)
	}
}

func TestEngineSceneSwitchFades(t *testing.T) {
	eng, err := NewEngine(EngineConfig{Width: 320, Height: 180, FPS: 15})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	a := capture.NewTestPattern(capture.TestPatternConfig{Width: 320, Height: 180, FPS: 15})
	b := capture.NewTestPattern(capture.TestPatternConfig{Width: 160, Height: 90, FPS: 15})
	eng.SetVideo(scene.LayoutFull, a, nil)
	if eng.Scene().Fading() {
		t.Fatal("the first arrangement faded in")
	}
	eng.SetVideoFade(scene.LayoutPiP, a, b, DefaultTransition.Fade)
	if !eng.Scene().Fading() {
		t.Fatal("a scene switch did not fade")
	}
}
