package app

import (
	"os"
	"path/filepath"
	"strings"

	"showcaster/publish"
)

// repairRecordings gives the recordings a crash cut (no duration, no index:
// not seekable) their duration and index back. The folder is listed now,
// before any new recording starts in it; the files are rewritten in the
// background, so a long recording does not hold up the studio's start.
func (s *Studio) repairRecordings() {
	dir := filepath.Join(s.cfg.DataDir, "recordings")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // no recordings yet
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".mkv") {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		return
	}
	go func() {
		for _, p := range paths {
			ok, err := publish.RepairRecording(p)
			switch {
			case err != nil:
				s.cfg.Logf("recording %s: %v", p, err)
			case ok:
				s.cfg.Logf("recording %s was cut off (a crash?): its duration and index are written again, so it can be seeked", p)
			}
		}
	}()
}
