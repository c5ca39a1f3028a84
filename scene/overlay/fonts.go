// Package overlay draws the studio's on-air graphics — product cards, the
// bulletin banner, highlighted comments — as premultiplied RGBA images sized
// from the canvas height, and says where they go. It knows nothing of the
// compositor: the scene blends what this package returns.
package overlay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// FontConfig says where to look for fonts.
type FontConfig struct {
	// Paths are tried first, in order: a bundled font, the user's choice.
	Paths []string
	// NoSystem skips the usual system folders and fontconfig, so that only
	// Paths count (golden tests pin their font this way).
	NoSystem bool
}

// systemFontPaths are where Debian, Fedora, Arch, macOS and Windows keep
// fonts that cover Chinese, best looking first.
var systemFontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
	"/usr/share/fonts/google-droid/DroidSansFallback.ttf",
	"/System/Library/Fonts/STHeiti Medium.ttc",
	"/System/Library/Fonts/Hiragino Sans GB.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
}

// Fonts is the set of typefaces the renderers draw with: a Chinese-capable
// primary and any fallbacks, tried in order for each character. It is safe
// for concurrent use; faces made from it are not.
type Fonts struct {
	fonts []*sfnt.Font
	// bold is the primary's own bold weight and the same fallbacks, when the
	// primary's family ships one beside it (Noto Sans CJK, Microsoft YaHei);
	// nil draws bold by thickening the regular weight.
	bold []*sfnt.Font
	// Path is the file the primary font came from; BoldPath its bold
	// weight's ("" when bold is synthesised).
	Path, BoldPath string
}

// NewFonts finds a Chinese-capable font: cfg.Paths first, then the usual
// system folders, then fontconfig (fc-list :lang=zh).
func NewFonts(cfg FontConfig) (*Fonts, error) {
	candidates := append([]string(nil), cfg.Paths...)
	if !cfg.NoSystem {
		candidates = append(candidates, systemFontPaths...)
		candidates = append(candidates, fcList()...)
	}
	var errs []string
	seen := map[string]bool{}
	for _, p := range candidates {
		if seen[p] {
			continue
		}
		seen[p] = true
		if _, err := os.Stat(p); err != nil {
			continue
		}
		f, err := LoadFont(p)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		fs := &Fonts{fonts: []*sfnt.Font{f}, Path: p}
		if bp := boldSibling(p); bp != "" {
			if bf, err := LoadFont(bp); err == nil {
				fs.bold, fs.BoldPath = []*sfnt.Font{bf}, bp
			}
		}
		return fs, nil
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoFont, strings.Join(errs, "; "))
	}
	return nil, ErrNoFont
}

// WithFallback returns a copy that also draws characters the primary lacks
// from f (a Latin or symbol font).
func (fs *Fonts) WithFallback(f *sfnt.Font) *Fonts {
	out := &Fonts{fonts: append(append([]*sfnt.Font(nil), fs.fonts...), f), Path: fs.Path, BoldPath: fs.BoldPath}
	if fs.bold != nil {
		out.bold = append(append([]*sfnt.Font(nil), fs.bold...), f)
	}
	return out
}

// boldSibling is the bold weight of the font file at path when its family
// keeps one beside it: NotoSansCJK-Regular.ttc → NotoSansCJK-Bold.ttc,
// msyh.ttc → msyhbd.ttc (Microsoft YaHei). "" when there is none.
func boldSibling(path string) string {
	dir, base := filepath.Split(path)
	var names []string
	if strings.Contains(base, "Regular") {
		names = append(names, strings.Replace(base, "Regular", "Bold", 1))
	}
	if ext := filepath.Ext(base); strings.EqualFold(strings.TrimSuffix(base, ext), "msyh") {
		names = append(names, strings.TrimSuffix(base, ext)+"bd"+ext)
	}
	for _, n := range names {
		if p := filepath.Join(dir, n); p != path {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	return ""
}

// LoadFont parses a TrueType/OpenType font or collection. From a collection
// it takes the Simplified Chinese member when there is one (Noto Sans CJK
// holds JP, KR, SC, TC…), else the first that can draw 中.
//
// The font is read from its file as glyphs are needed, never copied into
// memory: a Chinese font is 5–20 MB, of which a show's overlays draw a few
// hundred glyphs, and the window's own text (Fyne) reads the same file
// again. The file stays open while the font is in use (os.File closes
// itself once the font is garbage).
func LoadFont(path string) (*sfnt.Font, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrFont, path, err)
	}
	members := []int{0}
	var head [12]byte
	if n, _ := file.ReadAt(head[:], 0); n == len(head) && string(head[:4]) == "ttcf" {
		members = ttcOffsets(file, head[:])
		if len(members) == 0 {
			file.Close()
			return nil, fmt.Errorf("%w %s: the font collection is damaged", ErrFont, path)
		}
	}
	var first *sfnt.Font
	var lastErr error
	var buf sfnt.Buffer
	for _, off := range members {
		f, err := parseMember(file, off)
		if err != nil {
			lastErr = err
			continue
		}
		if !hasGlyph(f, '中') {
			continue
		}
		name, _ := f.Name(&buf, sfnt.NameIDFamily)
		if len(members) > 1 && (strings.Contains(name, " SC") || strings.Contains(name, "GB")) {
			return f, nil
		}
		if first == nil {
			first = f
		}
	}
	if first != nil {
		return first, nil
	}
	file.Close()
	if lastErr != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrFont, path, lastErr)
	}
	return nil, fmt.Errorf("%w %s: it has no Chinese characters", ErrFont, path)
}

// parseMember parses the font whose offset table starts at off. Some widely
// installed fonts (WenQuanYi Micro Hei among them) place tables off the
// four-byte boundary the sfnt parser insists on; such a font is read
// through a view that places each table on a boundary (alignedMember).
func parseMember(file io.ReaderAt, off int) (*sfnt.Font, error) {
	if off == 0 {
		if f, err := opentype.ParseReaderAt(file); err == nil {
			return f, nil
		}
	}
	m, err := alignMember(file, off)
	if err != nil {
		return nil, err
	}
	return opentype.ParseReaderAt(m)
}

// ttcOffsets reads the member offsets of a TrueType collection whose
// 12-byte header is head.
func ttcOffsets(r io.ReaderAt, head []byte) []int {
	n := int(binary.BigEndian.Uint32(head[8:12]))
	if n <= 0 || n > 64 {
		return nil
	}
	b := make([]byte, 4*n)
	if k, _ := r.ReadAt(b, 12); k != len(b) {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(binary.BigEndian.Uint32(b[4*i:]))
	}
	return out
}

// alignedMember is one font of a collection seen as a single-font file
// whose tables start on four-byte boundaries: its offset table is rewritten
// in memory (a few hundred bytes), the tables are read from the file where
// they are. Checksums are not checked by the parser and are kept unchanged.
type alignedMember struct {
	src    io.ReaderAt
	head   []byte        // the rewritten offset table
	tables []memberTable // in the order of their new offsets
	size   int64         // the end of the last table
}

type memberTable struct{ at, from, n int64 } // new offset, offset in src, length

func alignMember(src io.ReaderAt, off int) (*alignedMember, error) {
	var dir [12]byte
	if off < 0 {
		return nil, errors.New("font offset table out of range")
	}
	if n, _ := src.ReadAt(dir[:], int64(off)); n != len(dir) {
		return nil, errors.New("font offset table out of range")
	}
	numTables := int(binary.BigEndian.Uint16(dir[4:]))
	recs := make([]byte, 16*numTables)
	if n, _ := src.ReadAt(recs, int64(off)+12); n != len(recs) {
		return nil, errors.New("font table records out of range")
	}
	m := &alignedMember{src: src, head: make([]byte, 12+16*numTables)}
	copy(m.head, dir[:])
	at := int64(len(m.head))
	for i := 0; i < numTables; i++ {
		r := recs[16*i : 16*i+16]
		from, n := int64(binary.BigEndian.Uint32(r[8:])), int64(binary.BigEndian.Uint32(r[12:]))
		at = (at + 3) &^ 3
		dst := m.head[12+16*i : 12+16*i+16]
		copy(dst, r[:8])
		binary.BigEndian.PutUint32(dst[8:], uint32(at))
		binary.BigEndian.PutUint32(dst[12:], uint32(n))
		m.tables = append(m.tables, memberTable{at: at, from: from, n: n})
		at += n
	}
	m.size = at
	return m, nil
}

// ReadAt reads the rewritten file: the offset table from memory, tables from
// the source, zeros in the padding between them.
func (m *alignedMember) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("font read before the start")
	}
	if off >= m.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := m.size - off; int64(len(p)) > rest {
		p = p[:rest]
	}
	clear(p)
	if off < int64(len(m.head)) {
		copy(p, m.head[off:])
	}
	end := off + int64(len(p))
	for _, t := range m.tables {
		lo, hi := max(off, t.at), min(end, t.at+t.n)
		if lo >= hi {
			continue
		}
		if n, err := m.src.ReadAt(p[lo-off:hi-off], t.from+(lo-t.at)); n != int(hi-lo) {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return int(lo - off), err
		}
	}
	if len(p) < want {
		return len(p), io.EOF
	}
	return len(p), nil
}

func hasGlyph(f *sfnt.Font, r rune) bool {
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	return err == nil && i != 0
}

// fcList asks fontconfig for Chinese fonts; it returns nothing where
// fontconfig is not installed.
func fcList() []string {
	if _, err := exec.LookPath("fc-list"); err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "fc-list", ":lang=zh", "file").Output()
	if err != nil {
		return nil
	}
	var sans, other []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		p := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sc.Text()), ":"))
		if p == "" {
			continue
		}
		// Serif (Song/Ming) faces read poorly over video; sans first.
		low := strings.ToLower(p)
		if strings.Contains(low, "serif") || strings.Contains(low, "song") || strings.Contains(low, "ming") {
			other = append(other, p)
		} else {
			sans = append(sans, p)
		}
	}
	return append(sans, other...)
}
