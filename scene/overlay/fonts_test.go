package overlay

import (
	"bytes"
	"encoding/binary"
	"os"
	"runtime"
	"testing"
)

// TestLoadFontKeepsNoCopy loads the Chinese font the golden images use (a
// 5 MB collection whose tables are not four-byte aligned) and checks that
// it was not read into memory: glyphs are read from the file as drawn.
func TestLoadFontKeepsNoCopy(t *testing.T) {
	if _, err := os.Stat(goldenFont); err != nil {
		t.Skipf("needs %s (make deps)", goldenFont)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := LoadFont(goldenFont)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if !hasGlyph(f, '中') || !hasGlyph(f, 'A') {
		t.Fatal("the font cannot draw 中 and A")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("loading the font allocated %d KB; want under 1 MB (the file is %d KB)", got>>10, fileSize(t, goldenFont)>>10)
	}
	runtime.KeepAlive(f)
}

// TestAlignedMemberReadsTheTables checks the aligned view of a collection
// member: every table starts on a four-byte boundary and holds the bytes of
// the original table, however the reads are cut.
func TestAlignedMemberReadsTheTables(t *testing.T) {
	if _, err := os.Stat(goldenFont); err != nil {
		t.Skipf("needs %s (make deps)", goldenFont)
	}
	data, err := os.ReadFile(goldenFont)
	if err != nil {
		t.Fatal(err)
	}
	src := bytes.NewReader(data)
	offs := ttcOffsets(src, data[:12])
	if len(offs) == 0 {
		t.Fatal("no members")
	}
	m, err := alignMember(src, offs[0])
	if err != nil {
		t.Fatal(err)
	}
	whole := make([]byte, m.size)
	if n, err := m.ReadAt(whole, 0); n != len(whole) || err != nil {
		t.Fatalf("ReadAt of the whole view: %d, %v", n, err)
	}
	for _, step := range []int{1, 3, 4093} {
		var pieced []byte
		p := make([]byte, step)
		for off := int64(0); off < m.size; off += int64(step) {
			n, _ := m.ReadAt(p, off)
			pieced = append(pieced, p[:n]...)
		}
		if !bytes.Equal(pieced, whole) {
			t.Fatalf("reads of %d bytes differ from one read of the whole view", step)
		}
	}
	num := int(binary.BigEndian.Uint16(whole[4:]))
	for i := 0; i < num; i++ {
		rec := whole[12+16*i:]
		at, n := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if at%4 != 0 {
			t.Errorf("table %q at %d, not on a four-byte boundary", rec[:4], at)
		}
		orig := data[offs[0]+12+16*i:]
		from := binary.BigEndian.Uint32(orig[8:])
		if !bytes.Equal(whole[at:at+n], data[from:from+n]) {
			t.Errorf("table %q differs from the original", rec[:4])
		}
	}
}

func fileSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
