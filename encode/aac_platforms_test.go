package encode

import (
	"go/build"
	"testing"
)

// TestAACBuildsOnEveryPlatform reads the build constraints as the Windows
// and macOS builds see them (they cannot run here): every platform compiles
// the vo-aacenc encoder (aac.go) and not the stand-in, and -tags noaac swaps
// them on every platform. make check-windows checks that the .exe links it.
func TestAACBuildsOnEveryPlatform(t *testing.T) {
	for _, goos := range []string{"linux", "windows", "darwin"} {
		for _, arch := range []string{"amd64", "arm64"} {
			for _, noaac := range []bool{false, true} {
				ctx := build.Default
				ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, arch, true
				ctx.BuildTags = nil
				if noaac {
					ctx.BuildTags = []string{"noaac"}
				}
				for file, want := range map[string]bool{"aac.go": !noaac, "aac_unavailable.go": noaac, "aac_config.go": true} {
					got, err := ctx.MatchFile(".", file)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s/%s noaac=%v: %s built = %v, want %v", goos, arch, noaac, file, got, want)
					}
				}
			}
		}
	}
}
