package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The house rules on who may import what: the window stays free of media and
// network code, and the engine stays free of the GUI toolkit.
func TestImportRules(t *testing.T) {
	rules := []struct {
		dir       string
		forbidden []string
	}{
		{"ui", []string{"showcaster/capture", "showcaster/scene", "showcaster/encode", "showcaster/publish", "showcaster/platform", "github.com/pion/", "net/http", "github.com/coder/websocket"}},
		{"capture", []string{"fyne.io/", "showcaster/app", "showcaster/ui"}},
		{"scene", []string{"fyne.io/", "showcaster/app", "showcaster/ui"}},
		{"encode", []string{"fyne.io/", "showcaster/app", "showcaster/ui"}},
		{"publish", []string{"fyne.io/", "showcaster/app", "showcaster/ui", "showcaster/capture", "showcaster/scene"}},
		{"platform", []string{"fyne.io/", "showcaster/app", "showcaster/ui", "showcaster/capture", "showcaster/scene", "showcaster/encode"}},
		{"app", []string{"fyne.io/", "showcaster/ui", "showcaster/remote"}},
		{"remote", []string{"fyne.io/", "showcaster/ui", "showcaster/capture", "showcaster/scene", "showcaster/encode", "showcaster/publish", "showcaster/platform", "github.com/pion/"}},
	}
	for _, r := range rules {
		err := filepath.WalkDir(r.dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			// Engine tests may borrow sources from a neighbour to make media;
			// the window's tests are held to the window's rules.
			if r.dir != "ui" && strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p := strings.Trim(imp.Path.Value, `"`)
				for _, bad := range r.forbidden {
					if p == bad || strings.HasPrefix(p, strings.TrimSuffix(bad, "/")+"/") {
						t.Errorf("%s imports %s, which package %s must not use", path, p, r.dir)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walking %s: %v", r.dir, err)
		}
	}
}
