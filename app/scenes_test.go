package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"showcaster/app/store"
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

func openScenesStudio(t *testing.T, dir, lang string) *Studio {
	t.Helper()
	s, err := NewStudio(StudioConfig{DataDir: dir, PlatformAddr: "127.0.0.1:0", NoDevices: true, SceneLanguage: lang,
		Settings: Settings{Width: 320, Height: 180, FPS: 15, MaxKbps: 400}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s
}

func sceneNames(s *Studio) string {
	var names []string
	for _, sc := range s.Scenes() {
		names = append(names, sc.Name)
	}
	return strings.Join(names, ",")
}

// TestStudioScenesEditedAndStored: the host adds a scene from what is on
// air, renames it, moves it up, deletes one of the first three; the list and
// its order are there again after a restart, and Ctrl+digits follow it.
func TestStudioScenesEditedAndStored(t *testing.T) {
	dir := t.TempDir()
	s := openScenesStudio(t, dir, "zh")
	if got := sceneNames(s); got != "全屏,画中画,并排" {
		t.Fatalf("first scenes %q", got)
	}
	if cur, ok := s.CurrentScene(); !ok || cur.Name != "全屏" {
		t.Fatalf("on air at start: %v %v", cur, ok)
	}
	// The arrangement on air, with the bulletin left out, becomes a scene.
	if err := s.SwitchScene(s.Scenes()[1].ID); err != nil {
		t.Fatal(err)
	}
	sc := s.ProgramScene()
	if sc.Layout != "pip" || sc.Main != "test" || !sc.Overlays[OverlayProductCard] {
		t.Fatalf("the program as a scene: %+v", sc)
	}
	sc.Name, sc.Overlays[OverlayBulletin] = "  讲解 Close-up ", false
	added, err := s.AddScene(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		want error
	}{{"", ErrSceneName}, {"   ", ErrSceneName}, {"全屏", ErrSceneExists}, {"讲解 close-UP", ErrSceneExists}, {strings.Repeat("长", MaxSceneName+1), ErrSceneName}} {
		if _, err := s.AddScene(store.Scene{Name: bad.name, Layout: "full"}); !errors.Is(err, bad.want) {
			t.Errorf("adding %q: %v, want %v", bad.name, err, bad.want)
		}
		var m *Message
		if err := s.RenameScene(added.ID, bad.name); bad.name != "讲解 close-UP" && (!errors.Is(err, bad.want) || !errors.As(err, &m)) {
			t.Errorf("renaming to %q: %v, want a sentence for %v", bad.name, err, bad.want)
		}
	}
	if err := s.RenameScene(added.ID, "讲解 close-UP"); err != nil {
		t.Errorf("renaming a scene to its own name in other letters: %v", err)
	}
	if err := s.RenameScene(added.ID, "近景讲解"); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveScene(added.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScene(s.Scenes()[3].ID); err != nil { // 并排
		t.Fatal(err)
	}
	if got := sceneNames(s); got != "近景讲解,全屏,画中画" {
		t.Fatalf("after editing: %q", got)
	}
	if first, ok := SceneShortcut(s.Scenes(), 1); !ok || first.Name != "近景讲解" {
		t.Fatalf("Ctrl+1 is %v", first)
	}
	// Switching to it leaves the bulletin out of the picture.
	if err := s.SwitchScene(added.ID); err != nil {
		t.Fatal(err)
	}
	if h := s.currentEngine().Scene().HiddenOverlays(); fmt.Sprint(h) != "[bulletin]" {
		t.Fatalf("hidden overlays on air: %v", h)
	}
	s.Close()

	// After a restart: the same list, the first scene on air, its overlay
	// choice stored with it; the first scenes do not come back.
	s = openScenesStudio(t, dir, "en")
	defer s.Close()
	if got := sceneNames(s); got != "近景讲解,全屏,画中画" {
		t.Fatalf("after a restart: %q", got)
	}
	cur, _ := s.CurrentScene()
	if l, _ := s.Layout(); cur.Name != "近景讲解" || l != LayoutPiP || cur.Overlays[OverlayBulletin] || !cur.Overlays[OverlayProductCard] {
		t.Fatalf("on air after a restart: %+v, layout %v", cur, l)
	}
	if h := s.currentEngine().Scene().HiddenOverlays(); fmt.Sprint(h) != "[bulletin]" {
		t.Fatalf("hidden overlays after a restart: %v", h)
	}
}

// TestDeleteTheSceneOnAir: the scene below takes its place on air (the one
// above when it was the last), and the last scene stays.
func TestDeleteTheSceneOnAir(t *testing.T) {
	s := openScenesStudio(t, t.TempDir(), "en")
	defer s.Close()
	list := s.Scenes()
	if err := s.SwitchScene(list[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScene(list[1].ID); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.CurrentScene()
	if l, _ := s.Layout(); cur.Name != "Side by side" || l != LayoutSide {
		t.Fatalf("on air after deleting it: %v (layout %v)", cur.Name, l)
	}
	if err := s.DeleteScene(cur.ID); err != nil {
		t.Fatal(err)
	}
	if cur, _ = s.CurrentScene(); cur.Name != "Full" || sceneNames(s) != "Full" {
		t.Fatalf("after deleting the last: %v, list %q", cur.Name, sceneNames(s))
	}
	var m *Message
	if err := s.DeleteScene(cur.ID); !errors.Is(err, ErrLastScene) || !errors.As(err, &m) {
		t.Fatalf("deleting the only scene: %v", err)
	}
	if err := s.SwitchScene("nope"); !errors.Is(err, ErrNoScene) {
		t.Fatalf("switching to no scene: %v", err)
	}
}
