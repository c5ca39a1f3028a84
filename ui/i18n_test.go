package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"showcaster/assets"
)

// uiStrings collects the literal arguments of lang.L calls in the window's
// sources: the strings a translation must cover.
func uiStrings(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	// The studio's sentences for the user (app.Say) are translated by the
	// window too.
	for _, dir := range []string{"../app", "../app/store", "../internal/money"} {
		more, _ := filepath.Glob(dir + "/*.go")
		files = append(files, more...)
	}
	out := map[string]string{}
	for _, f := range files {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			// msg.New("…", …): a sentence from below the front ends.
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "msg" {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, _ := strconv.Unquote(lit.Value); s != "%s" {
							out[s] = f
						}
					}
					return true
				}
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "Say" && len(call.Args) > 1 {
				if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out[s] = f
				}
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out[s] = f
			}
			return true
		})
	}
	return out
}

var verbRe = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*[\d.]*[a-zA-Z%]`)

// verbs is the multiset of a format's verbs, argument indexes aside, so a
// translation may reorder its arguments but not change their kinds.
func verbs(s string) map[string]int {
	m := map[string]int{}
	for _, v := range verbRe.FindAllString(s, -1) {
		m[regexp.MustCompile(`\[\d+\]`).ReplaceAllString(v, "")]++
	}
	return m
}

func TestTranslationsCoverTheWindow(t *testing.T) {
	want := uiStrings(t)
	want["Follow the system"] = "settings.go"
	if len(want) < 50 {
		t.Fatalf("found only %d strings: is the scan broken?", len(want))
	}
	for _, code := range []string{"zh_Hans", "en"} {
		data, err := assets.Translations.ReadFile("translations/" + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]string
		if err := json.Unmarshal(data, &tr); err != nil {
			t.Fatalf("%s.json: %v", code, err)
		}
		for s, f := range want {
			got, ok := tr[s]
			if !ok || got == "" {
				t.Errorf("%s.json lacks %q (%s)", code, s, f)
				continue
			}
			if a, b := verbs(s), verbs(got); len(a) != len(b) || func() bool {
				for k, n := range a {
					if b[k] != n {
						return true
					}
				}
				return false
			}() {
				t.Errorf("%s.json: %q → %q changes the format verbs", code, s, got)
			}
			// Fyne draws an arrow followed by a space as the arrow and a
			// broken glyph ("→�"); menu paths take "›", figures "➔".
			if strings.Contains(got, "→ ") || strings.Contains(got, "→\u00a0") {
				t.Errorf("%s.json: %q shows a broken glyph after its arrow: use › or ➔", code, got)
			}
		}
		for s := range tr {
			if _, ok := want[s]; !ok {
				t.Errorf("%s.json has %q, which the window no longer uses", code, s)
			}
		}
	}
}

func TestChineseWhenChosen(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	if err := setupLanguage("zh"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		t.Setenv("LANGUAGE", "en")
		setupLanguage("en")
	})
	for in, want := range map[string]string{"Reply privately": "私信回复", "Go live": "正式开播", "Online %d": "在线 %d"} {
		if got := lang.L(in); got != want {
			t.Errorf("L(%q) = %q, want %q", in, got, want)
		}
	}
}
