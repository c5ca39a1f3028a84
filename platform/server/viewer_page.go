package server

import (
	"io/fs"

	"showcaster/assets"
)

// defaultViewer is the viewer page built into the binary (assets/viewer).
func defaultViewer() fs.FS {
	sub, err := fs.Sub(assets.Viewer, "viewer")
	if err != nil {
		panic("assets: the embedded viewer directory is missing: " + err.Error()) // a build defect, not a runtime condition
	}
	return sub
}
