package app

import (
	"fmt"
	"os"
	"path/filepath"
)

// StartRecording records the program to a Matroska file in the data
// directory's recordings folder and returns its path. It goes on through
// reconnects and is independent of going live.
func (s *Studio) StartRecording() (string, error) {
	eng := s.currentEngine()
	if eng == nil {
		return "", ErrNotStarted
	}
	name := "showcaster"
	if sh, ok := s.CurrentShow(); ok {
		name = sh.ID
	}
	dir := filepath.Join(s.cfg.DataDir, "recordings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s for recordings: %w", dir, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.mkv", name, s.clk.Now().Format("20060102-150405")))
	if err := eng.StartRecording(path); err != nil {
		return "", err
	}
	return path, nil
}

// StopRecording finishes the recording.
func (s *Studio) StopRecording() error {
	if eng := s.currentEngine(); eng != nil {
		return eng.StopRecording()
	}
	return nil
}

// Recording is the file being recorded ("" when not recording).
func (s *Studio) Recording() string {
	if eng := s.currentEngine(); eng != nil {
		return eng.Recording()
	}
	return ""
}
