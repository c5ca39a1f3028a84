package publish

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"
)

// A recording cut by a crash or a pulled plug plays, but has no duration and
// no index (Cues): players cannot seek in it. RepairRecording rewrites such
// a file with both; RepairRecordings does it for every recording in a folder.
// The studio and `showcaster live` call RepairRecordings on their recording
// folder when they start.

// mkvFile is a Matroska file as the recorder writes it.
type mkvFile struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment webm.Segment    `ebml:"Segment"`
}

// NeedsRepair reports whether the Matroska file at path lacks its duration or its index.
func NeedsRepair(path string) (bool, error) {
	f, err := readMKVFile(path)
	if err != nil {
		return false, err
	}
	return needsRepair(f), nil
}

// needsRepair: a recording of this studio with clusters but no duration or no index.
func needsRepair(f *mkvFile) bool {
	return f.Segment.Info.WritingApp == "showcaster" && len(f.Segment.Cluster) > 0 &&
		(f.Segment.Info.Duration == 0 || f.Segment.Cues == nil)
}

// maxRepair bounds the recordings repaired in memory (a few hours at the
// studio's bitrates); a larger one is left as it is, still playable.
const maxRepair = 2 << 30

func readMKVFile(path string) (*mkvFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrRecorder, path, err)
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err == nil && fi.Size() > maxRepair {
		return nil, fmt.Errorf("%w: %s is over %d GiB: remux it to add its index (ffmpeg -i in.mkv -c copy out.mkv)", ErrRecorder, path, maxRepair>>30)
	}
	var f mkvFile
	// A cut file ends inside an element: what was read before it is kept.
	err = ebml.Unmarshal(bufio.NewReaderSize(fh, 1<<20), &f, ebml.WithIgnoreUnknown(true))
	if len(f.Segment.Tracks.TrackEntry) == 0 {
		if err == nil {
			err = fmt.Errorf("no tracks")
		}
		return nil, fmt.Errorf("%w: %s is not a recording this studio can repair: %v", ErrRecorder, path, err)
	}
	return &f, nil
}

// RepairRecording rewrites the recording at path with its duration and index
// when it lacks them; repaired says whether it did. The blocks are copied as
// they are; a block the cut left half-written is dropped.
func RepairRecording(path string) (repaired bool, err error) {
	f, err := readMKVFile(path)
	if err != nil {
		return false, err
	}
	if !needsRepair(f) {
		return false, nil
	}
	tmp := path + ".repair"
	out, err := os.Create(tmp)
	if err != nil {
		return false, fmt.Errorf("%w: repair %s: %v", ErrRecorder, path, err)
	}
	defer os.Remove(tmp) // after the rename, nothing is left to remove
	var werr error
	note := func(e error) {
		if werr == nil {
			werr = e
		}
	}
	tracks := f.Segment.Tracks.TrackEntry
	info := f.Segment.Info
	info.Duration = 0
	header := f.Header
	ws, err := webm.NewSimpleBlockWriter(out, tracks,
		mkvcore.WithEBMLHeader(&header),
		mkvcore.WithSegmentInfo(&info),
		mkvcore.WithSeekHead(true),
		mkvcore.WithCues(256<<10),
		mkvcore.WithMaxKeyframeInterval(1, 5000),
		mkvcore.WithOnErrorHandler(note),
		mkvcore.WithOnFatalHandler(note),
	)
	if err != nil {
		out.Close()
		return false, fmt.Errorf("%w: repair %s: %v", ErrRecorder, path, err)
	}
	index := map[uint64]int{}
	for i, t := range tracks {
		index[t.TrackNumber] = i
	}
	for _, c := range f.Segment.Cluster {
		for _, b := range c.SimpleBlock {
			i, ok := index[b.TrackNumber]
			if !ok || len(b.Data) != 1 {
				continue
			}
			if _, err := ws[i].Write(b.Keyframe, int64(c.Timecode)+int64(b.Timecode), b.Data[0]); err != nil {
				note(err)
			}
		}
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			note(err)
		}
	}
	if werr != nil {
		return false, fmt.Errorf("%w: repair %s: %v", ErrRecorder, path, werr)
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, fmt.Errorf("%w: repair %s: %v", ErrRecorder, path, err)
	}
	return true, nil
}

// RepairRecordings repairs every .mkv in dir that a crash left without its
// duration or index, and returns the files it repaired. A recording being
// written right now must not be in dir (call this before recording starts).
func RepairRecordings(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: look for recordings to repair in %s: %v", ErrRecorder, dir, err)
	}
	var done []string
	var errs []string
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".mkv") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		ok, err := RepairRecording(p)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if ok {
			done = append(done, p)
		}
	}
	if len(errs) > 0 {
		return done, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return done, nil
}
