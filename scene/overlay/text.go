package overlay

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Face draws text at one size from a Fonts set, taking each character from
// the first font that has it. Characters no font has (most emoji) are left
// out rather than drawn as empty boxes. A Face is not safe for concurrent
// use: make one per render.
type Face struct {
	fonts []*sfnt.Font
	faces []font.Face
	buf   sfnt.Buffer
	// bold thickens strokes by this many pixels, to the right and upwards,
	// where the family has no bold weight of its own (many CJK fonts).
	bold    float64
	Size    float64
	Ascent  fixed.Int26_6
	Descent fixed.Int26_6
}

// Face makes a face of size pixels; bold takes the family's bold weight when
// there is one, else thickens the regular.
func (fs *Fonts) Face(size float64, bold bool) *Face {
	fonts := fs.fonts
	if bold && fs.bold != nil {
		fonts, bold = fs.bold, false
	}
	f := &Face{fonts: fonts, Size: size}
	for _, sf := range fonts {
		// sfnt fonts parse lazily and opentype.NewFace fails only on a bad
		// size, which size > 0 rules out.
		of, err := opentype.NewFace(sf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			of = nil
		}
		f.faces = append(f.faces, of)
	}
	if f.faces[0] != nil {
		m := f.faces[0].Metrics()
		f.Ascent, f.Descent = m.Ascent, m.Descent
	}
	if bold {
		f.bold = size / 28
	}
	return f
}

// pick returns the face that can draw r, or nil.
func (f *Face) pick(r rune) font.Face {
	for i, sf := range f.fonts {
		if f.faces[i] == nil {
			continue
		}
		if gi, err := sf.GlyphIndex(&f.buf, r); err == nil && gi != 0 {
			return f.faces[i]
		}
	}
	return nil
}

func (f *Face) advance(r rune) fixed.Int26_6 {
	ff := f.pick(r)
	if ff == nil {
		return 0
	}
	a, _ := ff.GlyphAdvance(r)
	return a
}

// Measure returns the width of s in pixels.
func (f *Face) Measure(s string) float64 {
	var w fixed.Int26_6
	for _, r := range s {
		w += f.advance(r)
	}
	if w > 0 {
		w += fixed.Int26_6(f.bold * 64)
	}
	return fx(w)
}

// CapTop is how far above the baseline the top of a Chinese character sits.
func (f *Face) CapTop() float64 { return f.Size * 0.86 }

// Draw writes s with its baseline at y starting at x and returns the x where
// it ends. c is premultiplied.
func (f *Face) Draw(dst *image.RGBA, x, y float64, s string, c color.RGBA) float64 {
	src := image.NewUniform(c)
	dot := fixed.Point26_6{X: fix(x), Y: fix(y)}
	for _, r := range s {
		ff := f.pick(r)
		if ff == nil {
			continue
		}
		if f.bold <= 0 {
			dr, mask, mp, adv, ok := ff.Glyph(dot, r)
			if ok {
				draw.DrawMask(dst, dr, src, image.Point{}, mask, mp, draw.Over)
			}
			dot.X += adv
			continue
		}
		if m := f.emboldened(ff, dot, r); m != nil {
			draw.DrawMask(dst, m.Rect, src, image.Point{}, m, m.Rect.Min, draw.Over)
		}
		adv, _ := ff.GlyphAdvance(r)
		dot.X += adv
	}
	return fx(dot.X) + f.bold
}

// emboldened is r's coverage thickened by f.bold pixels in both directions,
// to the right and upwards (so it keeps its baseline): each pixel takes the
// most coverage found within bold pixels of it. Thickening sideways only, as
// a double strike does, widens upright stems alone, so Latin letters (mostly
// upright stems) came out bold while Chinese characters (mostly horizontal
// strokes) stayed regular in the same title.
func (f *Face) emboldened(ff font.Face, dot fixed.Point26_6, r rune) *image.Alpha {
	dr, mask, mp, _, ok := ff.Glyph(dot, r)
	if !ok || dr.Empty() {
		return nil
	}
	grow := int(math.Ceil(f.bold))
	m := image.NewAlpha(image.Rect(dr.Min.X, dr.Min.Y-grow, dr.Max.X+grow, dr.Max.Y))
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			mx, my := mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y
			if am, ok := mask.(*image.Alpha); ok {
				m.Pix[m.PixOffset(x, y)] = am.AlphaAt(mx, my).A
			} else {
				_, _, _, a := mask.At(mx, my).RGBA()
				m.Pix[m.PixOffset(x, y)] = uint8(a >> 8)
			}
		}
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	line := make([]uint8, max(w, h))
	for y := 0; y < h; y++ { // rightwards, row by row
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		copy(line, row)
		spread(row, line[:w], f.bold, 1)
	}
	col := make([]uint8, h)
	for x := 0; x < w; x++ { // upwards, column by column
		for y := 0; y < h; y++ {
			col[y] = m.Pix[y*m.Stride+x]
		}
		copy(line, col)
		spread(col, line[:h], f.bold, -1)
		for y := 0; y < h; y++ {
			m.Pix[y*m.Stride+x] = col[y]
		}
	}
	return m
}

// spread sets out[i] to the most coverage of in within b pixels before i
// (dir 1) or after it (dir -1), reading in as linear between pixels, so a
// fractional b thickens by a fraction of a pixel.
func spread(out, in []uint8, b float64, dir int) {
	whole := int(b)
	frac := b - float64(whole)
	at := func(i int) float64 {
		if i < 0 || i >= len(in) {
			return 0
		}
		return float64(in[i])
	}
	for i := range out {
		v := 0.0
		for k := 0; k <= whole; k++ {
			v = max(v, at(i-dir*k))
		}
		if frac > 0 {
			v = max(v, (1-frac)*at(i-dir*whole)+frac*at(i-dir*(whole+1)))
		}
		out[i] = uint8(v + 0.5)
	}
}

// Ellipsize shortens s with "…" so it fits in maxW pixels.
func (f *Face) Ellipsize(s string, maxW float64) string {
	if f.Measure(s) <= maxW {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := strings.TrimRight(string(rs[:n]), " ") + "…"
		if f.Measure(t) <= maxW {
			return t
		}
	}
	return "…"
}

// Wrap breaks s into at most maxLines lines of maxW pixels: between any two
// Chinese characters, at spaces between Latin words, inside a word only when
// it is wider than a line. Closing punctuation never starts a line and
// opening punctuation never ends one. What does not fit ends in "…".
func (f *Face) Wrap(s string, maxW float64, maxLines int) []string {
	if maxLines <= 0 {
		maxLines = 1 << 30
	}
	var lines []string
	paras := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for pi, para := range paras {
		cur := ""
		for _, tok := range tokens(para) {
			if f.Measure(cur+tok) <= maxW || cur == "" && f.Measure(tok) <= maxW {
				cur += tok
				continue
			}
			if cur != "" {
				lines = append(lines, strings.TrimRight(cur, " "))
				cur = ""
			}
			tok = strings.TrimLeft(tok, " ")
			// A word wider than the line is broken by character.
			for f.Measure(tok) > maxW {
				rs := []rune(tok)
				n := 1
				for n < len(rs) && f.Measure(string(rs[:n+1])) <= maxW {
					n++
				}
				lines = append(lines, string(rs[:n]))
				tok = string(rs[n:])
			}
			cur = tok
		}
		if cur != "" || len(lines) == 0 || pi > 0 {
			lines = append(lines, strings.TrimRight(cur, " "))
		}
	}
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], "")
		lines = append(lines[:maxLines-1], f.Ellipsize(rest+"…", maxW))
		// Ellipsize keeps a fitting string whole; make sure the cut shows.
		if last := lines[maxLines-1]; !strings.HasSuffix(last, "…") {
			lines[maxLines-1] = last + "…"
		}
	}
	return lines
}

// noLineStart are characters that hang onto the previous one (，。！？…).
const noLineStart = "，。、．！？；：）」』】》〉”’…—~～%,.!?;:)]}'\"·"

// noLineEnd are characters that stay with the next one (（「『【《“‘).
const noLineEnd = "（「『【《〈“‘([{"

// tokens splits a paragraph into the pieces a line may break between.
func tokens(s string) []string {
	var toks []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			toks = append(toks, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
			word.WriteRune(' ')
			flush()
		case isWide(r):
			flush()
			toks = append(toks, string(r))
		default:
			word.WriteRune(r)
		}
	}
	flush()
	var out []string
	glueNext := false
	for _, t := range toks {
		first := []rune(t)[0]
		switch {
		case glueNext || len(out) > 0 && strings.ContainsRune(noLineStart, first) && !strings.HasSuffix(out[len(out)-1], " "):
			out[len(out)-1] += t
		default:
			out = append(out, t)
		}
		rs := []rune(t)
		glueNext = strings.ContainsRune(noLineEnd, rs[len(rs)-1])
	}
	return out
}

// isWide reports characters set one per cell: CJK ideographs, kana, hangul,
// full-width forms and CJK punctuation.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		r >= 0x1F000 // emoji and symbols: break around them like ideographs
}

func fix(v float64) fixed.Int26_6 { return fixed.Int26_6(v*64 + 0.5) }
func fx(v fixed.Int26_6) float64  { return float64(v) / 64 }
