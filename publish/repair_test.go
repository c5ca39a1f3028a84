package publish

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Row 14: a recording cut by a crash (the file as it is on disk before
// Close) has no duration or index; the repair writes both, and keeps the blocks.
func TestRepairCrashedRecording(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "live.mkv")
	prog := newProgram(t, 320, 180)
	rec, err := NewRecorder(RecorderConfig{Path: path, Width: 320, Height: 180})
	if err != nil {
		t.Fatal(err)
	}
	prog.run(rec)
	eventually(t, "3 s recorded", 30*time.Second, func() bool {
		st := rec.Stats()
		return st.FramesSent >= 90 && st.AudioSent >= 150
	})
	// What a kill -9 leaves: the bytes written so far.
	cut, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prog.halt()
	rec.Close()
	crashed := filepath.Join(dir, "crashed.mkv")
	if err := os.WriteFile(crashed, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	if need, err := NeedsRepair(crashed); err != nil || !need {
		t.Fatalf("a cut recording needs no repair? %v %v", need, err)
	}
	if need, err := NeedsRepair(path); err != nil || need {
		t.Fatalf("a finished recording needs repair? %v %v", need, err)
	}
	done, err := RepairRecordings(dir)
	if err != nil || len(done) != 1 || done[0] != crashed {
		t.Fatalf("repaired %v: %v", done, err)
	}
	f, err := readMKVFile(crashed)
	if err != nil {
		t.Fatal(err)
	}
	if f.Segment.Info.Duration < 1000 || f.Segment.Cues == nil || len(f.Segment.Cues.CuePoint) == 0 {
		t.Fatalf("repaired file: duration %v ms, cues %v", f.Segment.Info.Duration, f.Segment.Cues)
	}
	if _, err := os.Stat(crashed + ".repair"); !os.IsNotExist(err) {
		t.Fatal("the repair left its temporary file")
	}
	if again, err := RepairRecording(crashed); err != nil || again {
		t.Fatalf("a repaired file repaired again: %v %v", again, err)
	}
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed; checked with ebml-go only")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", crashed).CombinedOutput()
	d, perr := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || perr != nil || d < 1 {
		t.Fatalf("ffprobe duration of the repaired file: %q %v", out, err)
	}
}
