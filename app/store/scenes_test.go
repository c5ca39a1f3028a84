package store

import (
	"errors"
	"testing"
)

func TestScenesAddRenameReorderDelete(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seeded, err := s.SeedScenes([]Scene{{Name: "全屏", Layout: "full"}, {Name: "画中画", Layout: "pip", Overlays: map[string]bool{"product": true}}, {Name: "并排", Layout: "side"}})
	if err != nil || len(seeded) != 3 {
		t.Fatalf("seed: %v %v", seeded, err)
	}
	if again, _ := s.SeedScenes([]Scene{{Name: "x", Layout: "full"}}); len(again) != 3 {
		t.Fatalf("seeding a studio that has scenes added some: %v", again)
	}
	if !seeded[1].Overlays["product"] {
		t.Errorf("overlays not kept: %v", seeded[1].Overlays)
	}
	added, err := s.AddScene(Scene{Name: "讲解 Close-up", Layout: "full", Main: "camera"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddScene(Scene{Name: "全屏", Layout: "full"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate name: %v", err)
	}
	added.Name = "特写"
	if err := s.UpdateScene(added); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Scenes()
	ids := []string{list[3].ID, list[0].ID, list[1].ID, list[2].ID}
	if err := s.ReorderScenes(ids); err != nil {
		t.Fatal(err)
	}
	if err := s.ReorderScenes(ids[:2]); !errors.Is(err, ErrInvalid) {
		t.Errorf("partial order: %v", err)
	}
	if err := s.DeleteScene(list[1].ID); err != nil {
		t.Fatal(err)
	}
	list, _ = s.Scenes()
	var names []string
	for _, sc := range list {
		names = append(names, sc.Name)
	}
	if got := fmtNames(names); got != "特写,全屏,并排" {
		t.Errorf("scenes %s", got)
	}
	if err := s.DeleteScene("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete unknown: %v", err)
	}
}

func fmtNames(n []string) string {
	out := ""
	for i, s := range n {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}
