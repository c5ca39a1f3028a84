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
	"os"
	"os/exec"
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
	// Path is the file the primary font came from.
	Path string
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
		return &Fonts{fonts: []*sfnt.Font{f}, Path: p}, nil
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoFont, strings.Join(errs, "; "))
	}
	return nil, ErrNoFont
}

// WithFallback returns a copy that also draws characters the primary lacks
// from f (a Latin or symbol font).
func (fs *Fonts) WithFallback(f *sfnt.Font) *Fonts {
	return &Fonts{fonts: append(append([]*sfnt.Font(nil), fs.fonts...), f), Path: fs.Path}
}

// LoadFont parses a TrueType/OpenType font or collection. From a collection
// it takes the Simplified Chinese member when there is one (Noto Sans CJK
// holds JP, KR, SC, TC…), else the first that can draw 中.
func LoadFont(path string) (*sfnt.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrFont, path, err)
	}
	members := []int{0}
	if len(data) >= 12 && string(data[:4]) == "ttcf" {
		members = ttcOffsets(data)
		if len(members) == 0 {
			return nil, fmt.Errorf("%w %s: the font collection is damaged", ErrFont, path)
		}
	}
	var first *sfnt.Font
	var lastErr error
	var buf sfnt.Buffer
	for _, off := range members {
		f, err := parseMember(data, off)
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
	if lastErr != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrFont, path, lastErr)
	}
	return nil, fmt.Errorf("%w %s: it has no Chinese characters", ErrFont, path)
}

// parseMember parses the font whose offset table starts at off. Some widely
// installed fonts (WenQuanYi Micro Hei among them) place tables off the
// four-byte boundary the sfnt parser insists on; such a font is copied into
// a fresh, aligned single-font file first.
func parseMember(data []byte, off int) (*sfnt.Font, error) {
	if off == 0 {
		if f, err := opentype.Parse(data); err == nil {
			return f, nil
		}
	}
	aligned, err := realign(data, off)
	if err != nil {
		return nil, err
	}
	return opentype.Parse(aligned)
}

// ttcOffsets reads the member offsets of a TrueType collection.
func ttcOffsets(data []byte) []int {
	n := int(binary.BigEndian.Uint32(data[8:12]))
	if n <= 0 || n > 64 || len(data) < 12+4*n {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(binary.BigEndian.Uint32(data[12+4*i:]))
	}
	return out
}

// realign copies the font at off into a single-font file whose tables start
// on four-byte boundaries (checksums are not checked by the parser and are
// copied unchanged).
func realign(data []byte, off int) ([]byte, error) {
	if off < 0 || off+12 > len(data) {
		return nil, errors.New("font offset table out of range")
	}
	numTables := int(binary.BigEndian.Uint16(data[off+4:]))
	recs := off + 12
	if recs+16*numTables > len(data) {
		return nil, errors.New("font table records out of range")
	}
	headLen := 12 + 16*numTables
	out := make([]byte, headLen, len(data)/2)
	copy(out, data[off:off+12])
	for i := 0; i < numTables; i++ {
		r := data[recs+16*i : recs+16*i+16]
		o, n := int(binary.BigEndian.Uint32(r[8:])), int(binary.BigEndian.Uint32(r[12:]))
		if o < 0 || n < 0 || o+n > len(data) {
			return nil, errors.New("font table out of range")
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		dst := out[12+16*i : 12+16*i+16]
		copy(dst, r[:8])
		binary.BigEndian.PutUint32(dst[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(dst[12:], uint32(n))
		out = append(out, data[o:o+n]...)
	}
	return out, nil
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
