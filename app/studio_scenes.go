package app

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"showcaster/app/store"
)

// The studio's scenes (store.Scene): the list is kept in the store, in the
// host's order, and cached here; one of them is on air. The three layouts
// are the first scenes of a new studio, named in its language; after that
// they are scenes like any other (renamed, moved, deleted), and they do not
// come back by themselves. One scene always remains.

// SceneOverlays are the overlays a scene shows or leaves out, in the order
// the window lists them.
var SceneOverlays = []string{OverlayProductCard, OverlayBulletin, OverlayComment, OverlayPrompter, OverlayGreeting, OverlayToolCard}

// MaxSceneName is how many characters a scene's name may have (it is a
// button in the window and a button's label on a control panel).
const MaxSceneName = 30

// ScenesChanged: the list of scenes or the scene on air changed (added,
// renamed, moved, deleted, switched), from the window or remote control.
type ScenesChanged struct {
	Scenes []store.Scene
	// Current is the id of the scene on air.
	Current string
}

func (ScenesChanged) isEvent() {}

// CheckSceneName says whether name can name a scene among scenes (the
// scene with id except being renamed): not empty, not too long, and no
// other scene's name, whatever the case and the spaces around it.
func CheckSceneName(scenes []store.Scene, name, except string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return Say(ErrSceneName, "A scene needs a name.")
	}
	if utf8.RuneCountInString(name) > MaxSceneName {
		return Say(ErrSceneName, "A scene's name has at most %d characters.", MaxSceneName)
	}
	for _, sc := range scenes {
		if sc.ID != except && strings.EqualFold(strings.TrimSpace(sc.Name), name) {
			return Say(ErrSceneExists, "There is already a scene named “%s”: pick another name.", sc.Name)
		}
	}
	return nil
}

// seedScenes gives a new studio its first scenes and loads the list; the
// scene on air at start is the first.
func (s *Studio) seedScenes() error {
	lang := s.cfg.SceneLanguage
	if lang == "" {
		lang = s.settings.Language
	}
	list, err := s.store.SeedScenes(DefaultScenes(lang))
	if err != nil {
		return err
	}
	s.scenes = list
	if len(list) > 0 {
		s.sceneID = list[0].ID
		if l, err := ParseLayout(list[0].Layout); err == nil {
			s.layout = l
		}
		s.hidden = hiddenOverlays(nil, list[0])
	}
	return nil
}

// Scenes are the studio's scenes in their order.
func (s *Studio) Scenes() []store.Scene {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.scenes)
}

// CurrentScene is the scene on air.
func (s *Studio) CurrentScene() (store.Scene, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sceneLocked(s.sceneID)
}

func (s *Studio) sceneLocked(id string) (store.Scene, bool) {
	for _, sc := range s.scenes {
		if sc.ID == id {
			return sc, true
		}
	}
	return store.Scene{}, false
}

// hiddenOverlays is the overlay mask after sc goes on air over hidden: the
// overlays sc lists are shown or left out as it says, the others stay as
// they were.
func hiddenOverlays(hidden []string, sc store.Scene) []string {
	var out []string
	for _, id := range hidden {
		if _, listed := sc.Overlays[id]; !listed {
			out = append(out, id)
		}
	}
	for id, on := range sc.Overlays {
		if !on {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ProgramScene is the arrangement on air as an unnamed scene: its layout,
// its main picture and which overlays are on. The window offers it as the
// new scene of "Add scene".
func (s *Studio) ProgramScene() store.Scene {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := store.Scene{Layout: s.layout.String(), Main: s.mainKind.String(), Overlays: map[string]bool{}}
	if s.mainKind == SourceImage {
		sc.Main += ":" + s.mainID
	}
	for _, id := range SceneOverlays {
		sc.Overlays[id] = !slices.Contains(s.hidden, id)
	}
	return sc
}

// SwitchScene puts a scene on air with a short cross-fade: its layout, its
// main picture (when it names one) and its overlays. When its picture
// cannot be opened (the camera was unplugged), the scene goes on air with
// the picture already there and a notice says why.
func (s *Studio) SwitchScene(id string) error {
	s.mu.Lock()
	sc, ok := s.sceneLocked(id)
	kind, devID := s.mainKind, s.mainID
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("scene %q: %w", id, ErrNoScene)
	}
	l, err := ParseLayout(sc.Layout)
	if err != nil {
		return fmt.Errorf("scene %q: %w", sc.Name, err)
	}
	want, wantID := kind, devID
	if sc.Main != "" {
		if spec, err := ParseSourceSpec(sc.Main); err == nil {
			want, wantID = spec.Kind, spec.ID
		}
		if wantID == "" && want == SourceCamera {
			wantID = s.Settings().CameraID // the camera picked in Settings
		}
		if wantID == "" && want == SourceScreen {
			wantID = s.Settings().ScreenID
		}
	}
	s.mu.Lock()
	s.hidden = hiddenOverlays(s.hidden, sc)
	s.mu.Unlock()
	if err := s.arrangeScene(want, wantID, l); err != nil {
		if want == kind && wantID == devID {
			return err
		}
		if err2 := s.arrangeScene(kind, devID, l); err2 != nil {
			return err
		}
		s.cfg.Logf("scene %q: its picture %q: %v", sc.Name, sc.Main, err)
		s.emit(Notice{Err: Say(err, "The scene “%s” is on air with the picture that was there: its own picture (%s) could not be opened.", sc.Name, sc.Main)})
	}
	s.mu.Lock()
	s.sceneID = sc.ID
	s.mu.Unlock()
	s.emitScenes()
	return nil
}

// arrangeScene is arrange with the cross-fade a scene switch always has.
func (s *Studio) arrangeScene(kind SourceKind, id string, l Layout) error {
	return s.arrangeFade(kind, id, l, true)
}

func (s *Studio) emitScenes() {
	s.mu.Lock()
	ev := ScenesChanged{Scenes: slices.Clone(s.scenes), Current: s.sceneID}
	s.mu.Unlock()
	s.emit(ev)
}

// reloadScenes reads the list back from the store after a change.
func (s *Studio) reloadScenes() error {
	list, err := s.store.Scenes()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.scenes = list
	s.mu.Unlock()
	s.emitScenes()
	return nil
}

// AddScene saves sc (ProgramScene with a name, or any arrangement) as the
// last scene and returns it with its id.
func (s *Studio) AddScene(sc store.Scene) (store.Scene, error) {
	if err := CheckSceneName(s.Scenes(), sc.Name, ""); err != nil {
		return store.Scene{}, err
	}
	if _, err := ParseLayout(sc.Layout); err != nil {
		return store.Scene{}, err
	}
	sc.ID, sc.Name = "", strings.TrimSpace(sc.Name)
	added, err := s.store.AddScene(sc)
	if err != nil {
		return store.Scene{}, err
	}
	return added, s.reloadScenes()
}

// RenameScene gives a scene another name.
func (s *Studio) RenameScene(id, name string) error {
	s.mu.Lock()
	sc, ok := s.sceneLocked(id)
	list := slices.Clone(s.scenes)
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("scene %q: %w", id, ErrNoScene)
	}
	if err := CheckSceneName(list, name, id); err != nil {
		return err
	}
	sc.Name = strings.TrimSpace(name)
	if err := s.store.UpdateScene(sc); err != nil {
		return err
	}
	return s.reloadScenes()
}

// MoveScene puts a scene at position to (0 is the first, Ctrl+1); the
// others keep their order.
func (s *Studio) MoveScene(id string, to int) error {
	s.mu.Lock()
	ids := make([]string, 0, len(s.scenes))
	from := -1
	for i, sc := range s.scenes {
		ids = append(ids, sc.ID)
		if sc.ID == id {
			from = i
		}
	}
	s.mu.Unlock()
	if from < 0 {
		return fmt.Errorf("scene %q: %w", id, ErrNoScene)
	}
	to = max(0, min(to, len(ids)-1))
	if to == from {
		return nil
	}
	ids = slices.Delete(ids, from, from+1)
	ids = slices.Insert(ids, to, id)
	if err := s.store.ReorderScenes(ids); err != nil {
		return err
	}
	return s.reloadScenes()
}

// SceneAfterDelete is the scene that goes on air when the scene with id,
// on air, is deleted: the one below it, or above it when it is the last.
func SceneAfterDelete(scenes []store.Scene, id string) (store.Scene, bool) {
	i := slices.IndexFunc(scenes, func(sc store.Scene) bool { return sc.ID == id })
	if i < 0 || len(scenes) < 2 {
		return store.Scene{}, false
	}
	if i+1 < len(scenes) {
		return scenes[i+1], true
	}
	return scenes[i-1], true
}

// DeleteScene deletes a scene; the last one cannot be. Deleting the scene on
// air puts SceneAfterDelete on air (cross-fading), as OBS does, so that the
// list always names what viewers see.
func (s *Studio) DeleteScene(id string) error {
	s.mu.Lock()
	list := slices.Clone(s.scenes)
	current := s.sceneID == id
	s.mu.Unlock()
	if !slices.ContainsFunc(list, func(sc store.Scene) bool { return sc.ID == id }) {
		return fmt.Errorf("scene %q: %w", id, ErrNoScene)
	}
	if err := CanDeleteScene(list); err != nil {
		return Say(ErrLastScene, "The last scene cannot be deleted: add another scene first.")
	}
	next, _ := SceneAfterDelete(list, id)
	if current {
		if err := s.SwitchScene(next.ID); err != nil {
			return err
		}
	}
	if err := s.store.DeleteScene(id); err != nil {
		return err
	}
	return s.reloadScenes()
}
