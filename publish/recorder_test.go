package publish

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/at-wat/ebml-go/mkvcore"
)

type block struct {
	key bool
	ms  int64
	n   int
}

// readMKV returns the blocks of each track of a Matroska file, and its
// track codec ids.
func readMKV(t *testing.T, path string) (codecs []string, tracks [][]block) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := mkvcore.NewSimpleBlockReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		codecs = append(codecs, r.TrackEntry().CodecID)
	}
	// ebml-go streams blocks to each track's reader as it parses, so the
	// tracks must be read at the same time.
	tracks = make([][]block, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b, key, ts, err := r.Read()
				if err != nil {
					return
				}
				tracks[i] = append(tracks[i], block{key, ts, len(b)})
			}
		}()
	}
	wg.Wait()
	return codecs, tracks
}

func TestRecorderWritesPlayableMatroska(t *testing.T) {
	path := filepath.Join(t.TempDir(), "show.mkv")
	prog := newProgram(t, 640, 360)
	rec, err := NewRecorder(RecorderConfig{Path: path, Width: 640, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	prog.run(rec)
	eventually(t, "2 s recorded", 20*time.Second, func() bool {
		st := rec.Stats()
		return st.FramesSent >= 60 && st.AudioSent >= 100
	})
	prog.halt()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	st := rec.Stats()
	if st.State != StateStopped {
		t.Fatalf("state %v after Close", st.State)
	}

	codecs, tracks := readMKV(t, path)
	if len(tracks) != 2 || codecs[0] != "V_MPEG4/ISO/AVC" || codecs[1] != "A_OPUS" {
		t.Fatalf("tracks %v", codecs)
	}
	video, audio := tracks[0], tracks[1]
	if uint64(len(video)) != st.FramesSent || uint64(len(audio)) != st.AudioSent {
		t.Fatalf("file has %d video / %d audio blocks, stats say %d / %d", len(video), len(audio), st.FramesSent, st.AudioSent)
	}
	if !video[0].key || video[0].ms != 0 {
		t.Fatalf("first video block %+v, want a keyframe at 0", video[0])
	}
	for i := 1; i < len(video); i++ {
		if d := video[i].ms - video[i-1].ms; d < 30 || d > 37 {
			t.Fatalf("video block %d is %d ms after the previous one", i, d)
		}
	}

	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed; the file was checked with ebml-go only")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height,channels",
		"-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	if got := strings.Fields(strings.ReplaceAll(string(out), ",", " ")); strings.Join(got, " ") != "h264 640 360 opus 2" {
		t.Fatalf("ffprobe sees %q", out)
	}
	// Decode every frame: errors in the bitstream or the headers show here.
	out, err = exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Fatalf("ffmpeg decode: %v: %s", err, out)
	}
}
